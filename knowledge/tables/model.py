"""What a read table holds: columns from its header, the caption's measure, rows of cells.

Everything serialises to plain JSON (`as_json` / `from_json`) so that a page's tables can be
stored in the catalog at indexing and read back per question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from knowledge.market.when import month_numbers
from knowledge.text.wording import words

# A column's kind: an amount for a period, or a change column beside the years.
VALUE, CHANGE, CHANGE_PCT, SHARE = "value", "change", "change_pct", "share"
# A row's kind decides the unit it is shown in.
AMOUNT, PER_SHARE, PERCENT, COUNT = "amount", "per_share", "percent", "count"


@dataclass(frozen=True)
class Column:
    """One column of a header: a year (0 for a change column), its span and kind.

    `span` is "year", "quarter", "half", "nine_months", "point" (a balance at a date) or "" when the
    page does not say.
    """

    year: int
    span: str = ""
    kind: str = VALUE
    date: str = ""  # a balance's day where the columns stand at different days of the year ("June 30")

    def as_json(self) -> list[Any]:
        return [self.year, self.span, self.kind, *([self.date] if self.date else [])]

    @classmethod
    def from_json(cls, data: list[Any]) -> Column:
        return cls(int(data[0]), str(data[1]), str(data[2]), str(data[3]) if len(data) > 3 else "")

    def title(self, language: str = "en") -> str:
        """How the column is named in an answer: "FY2022", "3M to March 31, 2024", "June 30, 2023" (in
        German "30. Juni 2023") or the change."""
        if self.kind != VALUE:
            return words("dates", f"{self.kind}_column", language)[0]
        dated = _dated(self.date, self.year, language) if self.date else ""
        if dated and self.span in _TO_A_DAY:  # "3M to March 31, 2024": which quarter, said by its end
            return f"{_TO_A_DAY[self.span]} {words('dates', 'period_to', language)[0]} {dated}"
        if dated:
            return dated  # a quarter's balance is no fiscal year's
        prefix = {"year": "FY", "quarter": "Q ", "half": "H1 ", "nine_months": "9M ", "point": "FY"}.get(self.span, "")
        return f"{prefix}{self.year}"


DASH = re.compile(r"[—–-]{1,2}")  # a cell printed as a dash
_FOOTNOTE_TITLE = re.compile(r"\s*(?:\(\d{1,2}\)|\*+)\s*(?=\S)")  # "(1) Includes …", "* Excludes …"
# The months a dated interim column spans, before its last day.
_TO_A_DAY = {"quarter": "3M", "half": "6M", "nine_months": "9M"}


def footnote_title(line: str) -> bool:
    """Does the line open a footnote ("(1) Includes …", "* Excludes …")?"""
    return _FOOTNOTE_TITLE.match(line) is not None


@dataclass(frozen=True)
class Measure:
    """The caption's unit: "(in millions, except per share data)" is scale 10**6, per-share rows apart."""

    scale: int = 0  # 1, 1_000, 1_000_000, 1_000_000_000; 0: the page does not say
    currency: str = ""  # "USD", "EUR" or "" when the caption names none
    # The scale of the table's counts (buyers, shares): the caption's, unless its exceptions set
    # them apart ("except number of shares, which are in thousands"); 0: the caption does not say.
    counts: int = 0

    @property
    def known(self) -> bool:
        return self.scale > 0

    def name(self, language: str = "en") -> str:
        """ "USD millions", "EUR Mio." or "" when unknown."""
        words = _SCALE_NAMES.get(language, _SCALE_NAMES["en"])
        scale = words.get(self.scale, "")
        return " ".join(part for part in (self.currency, scale) if part)

    def as_json(self) -> list[Any]:
        return [self.scale, self.currency, self.counts]

    @classmethod
    def from_json(cls, data: list[Any]) -> Measure:
        return cls(int(data[0]), str(data[1]), int(data[2]) if len(data) > 2 else 0)


# A count reads as a number of things: "132 million" (buyers), where an amount is "USD millions".
_COUNT_SCALES = {
    "en": {1: "", 1_000: "thousand", 1_000_000: "million", 1_000_000_000: "billion"},
    "de": {1: "", 1_000: "Tsd.", 1_000_000: "Mio.", 1_000_000_000: "Mrd."},
}
_SCALE_NAMES = {
    "en": {1: "", 1_000: "thousands", 1_000_000: "millions", 1_000_000_000: "billions"},
    "de": {1: "", 1_000: "Tsd.", 1_000_000: "Mio.", 1_000_000_000: "Mrd."},
}


@dataclass(frozen=True)
class Cell:
    """A figure as printed ("(1,577)") and as a number (-1577); `value` is None for a dash."""

    text: str
    value: Decimal | None
    percent: bool = False

    @property
    def nil(self) -> bool:
        """A dash: nothing, which sums and differences count as 0 ("n/m" is no number at all)."""
        return self.value is None and DASH.fullmatch(self.text) is not None

    def as_json(self) -> list[Any]:
        return [self.text, None if self.value is None else str(self.value), self.percent]

    @classmethod
    def from_json(cls, data: list[Any]) -> Cell:
        return cls(str(data[0]), None if data[1] is None else Decimal(str(data[1])), bool(data[2]))


@dataclass(frozen=True)
class Row:
    """A labelled row. `columns` is empty when its cells could not be put under the header's columns."""

    label: str
    cells: tuple[Cell, ...]
    columns: tuple[Column, ...] = ()
    kind: str = AMOUNT
    group: str = ""  # the sub-table title above it ("Earnings per share:", "Current assets")
    line: str = ""  # the page's line, as printed
    scale: int = 0  # the label's own unit ("Shares outstanding (in millions)"), over the caption's
    qualified: bool = False  # the label says little alone ("Diluted", "Total"): shown with its group

    @property
    def placed(self) -> bool:
        return bool(self.columns) and len(self.columns) == len(self.cells)

    def value(self, year: int, span: str = "", kind: str = VALUE) -> Cell | None:
        """The cell of that year (and span, when given); None when no column or several match."""
        if not self.placed:
            return None
        found = [
            cell
            for column, cell in zip(self.columns, self.cells, strict=True)
            if column.year == year and column.kind == kind and (not span or column.span in (span, ""))
        ]
        return found[0] if len(found) == 1 else None

    def years(self) -> tuple[int, ...]:
        return tuple(dict.fromkeys(c.year for c in self.columns if c.kind == VALUE)) if self.placed else ()

    @property
    def name(self) -> str:
        """The label with its sub-table title where the label alone says little ("Diluted", "Total"),
        or where the title is a footnote's that breaks another figure down ("(1) Includes stock-based
        compensation as follows:" over "Product development": not the statement's own row)."""
        footnote = _FOOTNOTE_TITLE.match(self.group)
        if footnote:
            return f"{self.group[footnote.end() :].rstrip(':')} — {self.label}"
        return f"{self.group.rstrip(':')} — {self.label}" if self.group and self.qualified else self.label

    @property
    def footnoted(self) -> bool:
        """Is the row a footnote's breakdown ("(1) Includes stock-based compensation as follows:")?"""
        return footnote_title(self.group)

    @property
    def context(self) -> str:
        """What the row is about, for finding it by meaning: "Cost of revenue: Subscription"."""
        return f"{self.group.rstrip(':')}: {self.label}" if self.group else self.label

    def as_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "cells": [cell.as_json() for cell in self.cells],
            "columns": [column.as_json() for column in self.columns],
            "kind": self.kind,
            "group": self.group,
            "line": self.line,
            "scale": self.scale,
            "qualified": self.qualified,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Row:
        return cls(
            label=str(data["label"]),
            cells=tuple(Cell.from_json(cell) for cell in data["cells"]),
            columns=tuple(Column.from_json(column) for column in data["columns"]),
            kind=str(data["kind"]),
            group=str(data.get("group", "")),
            line=str(data.get("line", "")),
            scale=int(data.get("scale", 0)),
            qualified=bool(data.get("qualified", False)),
        )


@dataclass(frozen=True)
class Table:
    """Rows under one header on one page, with the measure the caption gives."""

    rows: tuple[Row, ...]
    measure: Measure = field(default_factory=Measure)
    name: str = ""  # the title line above the header, if any
    section: str = ""  # the financial statement of the page ("income", "balance_sheet", …) or ""

    def unit(self, row: Row, language: str = "en") -> str:
        """The unit a row is shown in: the caption's for amounts, per share and percent apart; ""
        when unknown."""
        if row.kind == PERCENT:
            return "%"
        if row.kind == PER_SHARE:
            return f"{self.measure.currency} per share".strip() if self.measure.currency else "per share"
        if row.kind == COUNT:  # a count is in its label's scale, else in the scale the caption gives counts
            scale = row.scale or (self.measure.counts if _plausible_count(row, self.measure.counts) else 0)
            return _COUNT_SCALES.get(language, _COUNT_SCALES["en"]).get(scale, "") if scale else ""
        if row.scale:
            return Measure(row.scale, self.measure.currency).name(language)
        return self.measure.name(language) if self.measure.known else ""

    def as_json(self) -> dict[str, Any]:
        return {
            "rows": [row.as_json() for row in self.rows],
            "measure": self.measure.as_json(),
            "name": self.name,
            "section": self.section,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Table:
        return cls(
            rows=tuple(Row.from_json(row) for row in data["rows"]),
            measure=Measure.from_json(data["measure"]),
            name=str(data.get("name", "")),
            section=str(data.get("section", "")),
        )


# More of anything than a hundred billion (shares, buyers, stores) is no count a filing reports: a
# count printed whole ("164,000 employees") under a caption "in millions" is not in millions.
_MOST_COUNTED = Decimal(10) ** 11


# "Fair value per option": a value per counted thing; "Shares outstanding at May 31,": a date cut off
# from its year, which was read as the first cell.
_NOT_COUNTED = re.compile(r"\bper\b|\bje\b|,\s*$", re.IGNORECASE)
_OWN_UNIT = re.compile(r"\(\s*in\s+\w|\bin\s+(?:years|months|days|weeks|hours)\b", re.IGNORECASE)


def _plausible_count(row: Row, scale: int) -> bool:
    """Can the count be in the caption's scale? Not when its label names a unit of its own ("expected
    life (in years)"), nor when it would count more than anything a filing counts."""
    values = [abs(cell.value) for cell in row.cells if cell.value is not None]
    if not scale or not values or _OWN_UNIT.search(row.label) or _NOT_COUNTED.search(row.label):
        return False
    # Cents ("63.44") are a price, a percent is a share: the row is no count read whole.
    if any(cell.percent or re.search(r"\.\d\d", cell.text) for cell in row.cells):
        return False
    return max(values) * scale <= _MOST_COUNTED


def _dated(day: str, year: int, language: str) -> str:
    """ "June 30", 2023 as the language writes a date; as the page printed it where the month is not
    read (the page's own language, or an abbreviation the files do not hold)."""
    if day[:1].isdigit():
        return f"{day} {year}"  # printed the German way ("31. März")
    if language == "en":
        return f"{day}, {year}"
    month, _, number = day.partition(" ")
    at = month_numbers().get(month.lower().rstrip("."), 0)
    local = words("dates", "months", language)
    if not at or len(local) != 12 or not number.isdigit():
        return f"{day}, {year}"
    return f"{number}. {local[at - 1].capitalize()} {year}"
