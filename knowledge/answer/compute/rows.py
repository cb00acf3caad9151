"""Rows of the draft shown by structure: a table row the composer quoted is shown again from the
page's stored table, each cell under the column the page's header gives it, in the unit its
caption states ("Operating income: FY2022 6,098 · FY2021 5,802 (USD millions)"). Where the page
does not say the year or the unit, the line says so instead of guessing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from knowledge.answer.compute.finder import names_footnote, plain_text
from knowledge.prompts import render
from knowledge.tables import Row, Table
from knowledge.tables.model import AMOUNT, CHANGE_PCT, Column

_LINE = re.compile(r"^(?P<bullet>• )?(?P<label>[^:\[\]]{3,160}): (?P<rest>.+?) (?P<marks>\[\d{1,3}\])$")
_NOT_STATED = {
    "en": {"year": "year not stated on the page", "unit": "unit not stated on the page"},
    "de": {"year": "Jahr auf der Seite nicht angegeben", "unit": "Einheit auf der Seite nicht angegeben"},
}


def restate(line: str, tables: list[Table], language: str, asked: str = "", counting: bool = False) -> str:
    """The line from the page's table when it quotes one of its rows; else the line as it was ("" for
    a row in money when `counting`: the question asks how many things). A
    footnote's breakdown of a statement row ("(2) Amounts include stock-based compensation …" over
    "Research and development") is the statement's own row of that label, unless the question
    (`asked`) names what the footnote breaks out."""
    match = _LINE.match(line)
    if match is None:
        return line
    found = _row(match.group("label"), match.group("rest"), tables)
    if found is None:
        return line
    row, table = found
    if counting and row.kind == AMOUNT and table.measure.currency:
        return ""  # "How many units were sold?": the product's sales in money are not its units
    if row.footnoted and not names_footnote(row, plain_text(asked)):
        row, table = next(_statement_rows(row.label, tables), (row, table))
    words = _NOT_STATED.get(language, _NOT_STATED["en"])
    if row.placed:
        pairs = zip(row.columns, row.cells, strict=True)
        cells = " · ".join(f"{column.title(language)} {_shown(column, cell.text)}" for column, cell in pairs)
        if _unnamed_spans(row):
            cells = f"{cells} {render('row_spans_unstated', language)}"
    else:
        cells = f"{' · '.join(cell.text for cell in row.cells)} ({words['year']})"
    unit = table.unit(row, language) or words["unit"]
    return f"{match.group('bullet') or ''}{row.name}: {cells} ({unit}) {match.group('marks')}"


def _statement_rows(label: str, tables: list[Table]) -> Iterator[tuple[Row, Table]]:
    """The rows of that label that are no footnote's breakdown."""
    return (
        (row, table) for table in tables for row in table.rows if row.label == label and row.cells and not row.footnoted
    )


def _unnamed_spans(row: Row) -> bool:
    """Does a year come twice among the row's columns, under no span the page names ("2022 991 ·
    2021 899 · 2022 3,815 · 2021 3,392": a quarter and a year, which is which not said here)?"""
    titles = [column.title() for column in row.columns if column.year]
    return len(titles) != len(set(titles))


def _row(label: str, rest: str, tables: list[Table]) -> tuple[Row, Table] | None:
    """The row with this label whose cells the line shows, in order."""
    for table in tables:
        for row in table.rows:
            if label not in (row.label, row.name) or not row.cells:
                continue
            at = 0
            for cell in row.cells:
                at = rest.find(cell.text, at)
                if at < 0:
                    break
                at += len(cell.text)
            else:
                return row, table
    return None


def _shown(column: Column, text: str) -> str:
    """A change in percent says so once, whether the page printed the sign ("79%") or left it to the
    header ("14"): "change 14%"."""
    if column.kind != CHANGE_PCT or not any(char.isdigit() for char in text):
        return text  # an amount, or a change printed as "—" or "n/m"
    return f"{text.rstrip('% ')}%"
