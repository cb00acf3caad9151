"""Numbers and dates as a reader of each language expects them: "−0.9 %" and "18 Dec 2025" in
English, "−0,9 %" and "18. Dez. 2025" in German."""

from __future__ import annotations

from datetime import date

from knowledge.text.wording import words

MINUS = "\u2212"


def number(value: float, language: str, decimals: int = 2) -> str:
    text = f"{abs(value):,.{decimals}f}"
    if language == "de":
        text = text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")
    return f"{MINUS}{text}" if value < 0 else text


def percent(value: float, language: str, decimals: int = 1) -> str:
    """Signed: "+1.2 %", "−0.9 %"."""
    shown = number(value, language, decimals)
    return f"{shown} %" if shown.startswith(MINUS) else f"+{shown} %"


def month(value: date, language: str) -> str:
    """The month's short name: "Dec", "Dez."."""
    return (words("formats", "months_short", language) or words("formats", "months_short", "en"))[value.month - 1]


def day(value: date, language: str, year: bool = True) -> str:
    name = month(value, language)
    if language == "de":
        return f"{value.day}. {name} {value.year}" if year else f"{value.day}. {name}"
    return f"{value.day} {name} {value.year}" if year else f"{value.day} {name}"
