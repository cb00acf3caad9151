"""Numbers and dates as a reader of each language expects them: "−0.9 %" and "18 Dec 2025" in
English, "−0,9 %" and "18. Dez. 2025" in German."""

from __future__ import annotations

from datetime import date

_MONTHS = {
    "en": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(),
    "de": "Jan. Feb. März Apr. Mai Juni Juli Aug. Sep. Okt. Nov. Dez.".split(),
}
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
    return _MONTHS.get(language, _MONTHS["en"])[value.month - 1]


def day(value: date, language: str, year: bool = True) -> str:
    month = _MONTHS.get(language, _MONTHS["en"])[value.month - 1]
    if language == "de":
        return f"{value.day}. {month} {value.year}" if year else f"{value.day}. {month}"
    return f"{value.day} {month} {value.year}" if year else f"{value.day} {month}"
