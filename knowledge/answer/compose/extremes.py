"""Superlative questions over a table: "What was the largest liability?", "Which region had the
highest EBITDAR?" The answer is a row of the table the question names, the one whose figure in
the asked year's column is largest (or smallest), shown with the runners-up.

A table here is a block of rows on one page under one title, closed by its total line: the rows
above "Total liabilities" are the liabilities, the rows under "ADJUSTED PROPERTY EBITDAR" the
EBITDAR by region. The total itself is never the answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from knowledge.answer.compose.unit import Unit
from knowledge.answer.understand.question import Question

_TOTAL = re.compile(r"^(?:total|net\s+total|gesamt|summe|insgesamt)\b", re.IGNORECASE)
_VALUE = re.compile(r"^(\()?[-–]?[$€]?([\d,]*\d(?:\.\d+)?)\)?%?$")
RUNNERS_UP = 2


@dataclass(frozen=True)
class Table:
    """Consecutive rows of one page under one title; `total` is the label of the line closing it."""

    title: str
    rows: tuple[Unit, ...]
    total: str = ""

    @property
    def label(self) -> str:
        """The words that say what the rows are: the title and the total line's label."""
        return f"{self.title} {self.total}"


def tables(found: Sequence[Unit], page_of: Callable[[Unit], object]) -> list[Table]:
    """The tables among `found` (in page order): rows of a page, split at a new title or a total."""
    made: list[Table] = []
    rows: list[Unit] = []
    seen: set[str] = set()

    def close(total: str = "") -> None:
        if len(rows) >= 2:
            made.append(Table(rows[0].heading, tuple(rows), total))
        rows.clear()
        seen.clear()

    for unit in found:
        if unit.kind != "row":
            continue  # a footnote between chunks does not end the table
        if rows and (page_of(unit) != page_of(rows[-1]) or unit.heading != rows[-1].heading):
            close()
        label = unit.text.partition(":")[0]
        if _TOTAL.match(label) or (rows and label == rows[0].heading.rstrip(":")):  # "Short-term investments:"
            close(label)
        elif unit.quote not in seen:  # chunks overlap: a row can come twice
            seen.add(unit.quote)
            rows.append(unit)
    close()
    return made


@dataclass(frozen=True)
class Ranking:
    """The leading rows, best first, and the year of the column that ranked them (if it has one)."""

    rows: list[Unit]
    year: int | None


def ranked(table: Table, question: Question) -> Ranking:
    """The table's rows, best first by the asked year's figure (largest or smallest as asked);
    rows without a readable figure there are left out."""
    column, width = _column(table, question.years), _width(table)
    columns = next((row.years for row in table.rows if row.years), ())
    year = columns[column] if column < len(columns) else None
    # A row with more cells than the table has columns carries figures in its label ("includes
    # debt of …: 2022, $12,662") the PDF put first: its columns are the last ones.
    valued = [
        (value, row)
        for row in table.rows
        if (value := _value(row, column + max(0, len(row.cells) - width) if width else column)) is not None
    ]
    if len(valued) < 2 or all(abs(value) < 100 and not value.is_integer() for value, _ in valued):
        return Ranking([], None)  # a table of rates or changes ("Organic sales 2.6 · Translation (0.3)")
    valued.sort(key=lambda pair: -pair[0] * (question.extreme or 1))
    return Ranking([row for _, row in valued[: 1 + RUNNERS_UP]], year)


def _width(table: Table) -> int:
    """The number of cells of a row read against the year columns (a change column included)."""
    return next((len(row.cells) for row in table.rows if row.years), 0)


def _column(table: Table, years: tuple[int, ...]) -> int:
    """The asked year's column, else the first one that holds amounts: a column of small whole
    numbers is a note reference or a fair-value level ("Level 2"), not an amount."""
    columns = next((row.years for row in table.rows if row.years), ())
    for year in sorted(years, reverse=True):
        if year in columns:
            return columns.index(year)
    width = min(len(row.cells) for row in table.rows)
    for column in range(width):
        values = [_value(row, column) for row in table.rows]
        if not all(value is None or (value.is_integer() and 0 <= value < 10) for value in values):
            return column
    return 0


def _value(row: Unit, column: int) -> float | None:
    if column >= len(row.cells):
        return None
    match = _VALUE.match(row.cells[column])
    if match is None:
        return None
    number = float(match.group(2).replace(",", ""))
    return -number if match.group(1) or row.cells[column].lstrip("(").startswith(("-", "–")) else number
