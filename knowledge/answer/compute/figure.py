"""A computed figure as the answer shows it: the formula with each input as its page prints it,
the result in its unit, and a source number after each input (or once, when one page holds all)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from knowledge.answer.compute.catalogue import Catalogue
from knowledge.answer.compute.finder import Found


@dataclass(frozen=True)
class Input:
    """One cited figure a computed figure uses."""

    words: str  # "operating income FY2022"
    found: Found
    text: str  # the cell as printed

    @property
    def source(self) -> tuple[str, int]:
        return self.found.page.document_id, self.found.page.page


@dataclass(frozen=True)
class Figure:
    """A computed (or looked-up) figure: its line, each input's words and place, its value."""

    head: str  # "Operating margin FY2022"
    formula: str  # the formula with "{0}", "{1}" … where each input goes
    inputs: tuple[Input, ...]
    result: str  # "34.6 %"; "" for a row shown as it is
    value: Decimal

    def line(self, numbers: dict[tuple[str, int], int]) -> str:
        """The line with [n] after each input, or once at the end when all come from one page."""
        each = len({item.source for item in self.inputs}) > 1
        shown = [
            " ".join(filter(None, (item.words, item.text))) + (f" [{numbers[item.source]}]" if each else "")
            for item in self.inputs
        ]
        body = self.formula.format(*shown)
        end = "" if each else f" [{numbers[self.inputs[0].source]}]"
        return f"{self.head} = {body} = {self.result}{end}" if self.result else f"{self.head}: {body}{end}"


def result(value: Decimal, kind: str, unit: str, known: Catalogue, language: str) -> str:
    """The value in the metric's unit: "34.6 %", "1.73", "12.40x", "45.2 days", "7,396 USD millions"."""
    words = known.units.get(language, known.units["en"])
    if kind == "percent":
        return f"{number(value * 100, 1, language)} %"
    if kind == "amount":
        return f"{number(value, 0 if abs(value) >= 100 else 2, language)} {unit}".strip()
    if kind == "days":
        return f"{number(value, 1, language)} {words['days']}"
    if kind == "times":
        return f"{number(value, 2, language)}{words['times']}"
    return number(value, 2, language)


def number(value: Decimal, places: int, language: str) -> str:
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{rounded:,.{places}f}"
    return text.translate(str.maketrans(",.", ".,")) if language == "de" else text


def change(later: Figure, earlier: Figure, known: Catalogue, language: str) -> Figure:
    """The change of a percent metric between two years, in percentage points."""
    points = (later.value - earlier.value) * 100
    words = known.units.get(language, known.units["en"])
    sign = "+" if points > 0 else ""
    shown = f"{sign}{number(points, 1, language)} {words['points']}"
    head = f"{later.head} − {earlier.head.rsplit(' ', 1)[-1]}"
    return Figure(head, f"{later.result} − {earlier.result}", later.inputs + earlier.inputs, shown, points)
