"""Line items found by meaning: the rows of stored page tables whose labels come nearest to the
phrases of an item (the question's own words, the catalogue's wordings), with a small bonus for a
label worded exactly so. Only rows whose cells stand under known columns are candidates.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache

import numpy as np

from knowledge.index.embedder import Vectors
from knowledge.market.when import month_numbers
from knowledge.tables import Cell, Row, Table
from knowledge.tables.model import AMOUNT, COUNT, VALUE
from knowledge.text.concepts import concepts
from knowledge.text.terms import terms

_WORDING_BONUS = 0.15  # the label is one of the item's wordings ("Total revenue" for revenue)
# The question quotes the label whole: it outweighs being one of the item's wordings and holding
# one in order (0.15 + 0.1), which its near twin may be ("… provided by operating activities").
_QUOTED_BONUS = 0.5
# The row names what qualifies the line item the question names ("Mac" net sales, sales "by
# Company-operated restaurants"): a total the item's wordings bring nearer by meaning ("Total net
# sales", up to 1.0 + 0.15 + 0.1 ahead) must not outrank the row the question narrows it to.
_QUALIFIER_BONUS = 1.0
_MOST = 2 / 3
_STATEMENT_BONUS = 0.03  # a primary statement's row over the same label in a note
# A footnote's breakdown of the statement's rows ("(2) Amounts include stock-based compensation
# expense, as follows:" over "Research and development") is not the line item itself: it answers only
# a question that names what the footnote breaks out.
_FOOTNOTE_PENALTY = 0.5
_FOOTNOTE_WORDS = frozenset(terms("amounts amount include includes including included as follows following expense"))
# The label holds a wording's words in its order ("Net income attributable to …" for "net income"): the
# embedding model reads word order weakly, and "Other expense (income), net" comes as near.
_ORDER_BONUS = 0.1
_NOT_LETTERS = re.compile(r"[^a-zäöüß&]+")
# "Dividends declared and not paid", "Non-current assets", "nicht beherrschende Anteile": a label that
# negates names another thing than the item it is worded like (unless the item's wording negates too).
_NEGATION = re.compile(r"\b(?:not|non|nicht)\b", re.IGNORECASE)
# "Other revenues", "Sonstige Erlöse": what is left after the lines above, never the item itself.
_RESIDUAL = re.compile(r"(?:other|sonstige)\b", re.IGNORECASE)
# A quarter asked: True, or the day it ended as the question says it ("June 30", "30. Juni").
Quarterly = bool | str
_DAY = re.compile(
    r"\b(?P<month>[A-Z][a-z]{2,8}\.?)\s+(?P<day>\d{1,2})\b|\b(?P<tag>\d{1,2})\.\s*(?P<monat>[A-ZÄÖÜ][a-zäöü]{2,8})\b"
)


@dataclass(frozen=True)
class Page:
    """A stored page's tables with a vector per row, and where it ranked in retrieval."""

    document_id: str
    page: int
    section: str
    tables: tuple[Table, ...]
    vectors: Vectors
    rank: int
    title: str = ""  # the document's title ("widget-works-annual-report-2024")

    def rows(self) -> Iterator[tuple[int, Table, Row]]:
        at = 0
        for table in self.tables:
            for row in table.rows:
                yield at, table, row
                at += 1


@dataclass(frozen=True)
class Found:
    """A row chosen for an item, with its table and page."""

    row: Row
    table: Table
    page: Page
    score: float
    runner_up: float = 0.0  # the nearest row under another label: how clearly this one stands out


def cell(row: Row, year: int, quarterly: Quarterly) -> Cell | None:
    """The row's cell for the year, in a quarter's column when asked for a quarter, else in a
    year's (or a balance's, or an unnamed span's) column; None when no column or several fit."""
    at = _column_at(row, year, quarterly)
    if at is None:
        return None
    found = row.cells[at]
    if found.nil:
        return Cell(found.text, Decimal(0))
    return found if found.value is not None else None


def period(row: Row, year: int, quarterly: Quarterly, language: str = "en") -> str:
    """The column's name as the page gives it: "FY2022" under a year's span, "2022" under none."""
    at = _column_at(row, year, quarterly)
    return row.columns[at].title(language) if at is not None else str(year)


def _column_at(row: Row, year: int, quarterly: Quarterly) -> int | None:
    if not row.placed:
        return None
    found = _columns(row, year, {"quarter"} if quarterly else {"year", "point", ""})
    if quarterly and not found:
        # A balance asked of a quarter ("current ratio at the end of Q3") stands in the column of
        # the day the quarter ended: a dated balance, never a year-end one that no date sets apart.
        found = [at for at in _columns(row, year, {"point"}) if row.columns[at].date]
    if len(found) > 1 and isinstance(quarterly, str):
        # Several quarters of the year (three months to March 31, 2023, and to June 30, 2023): the question
        # said the day its quarter ended ("the three months ended June 30, 2023").
        found = [at for at in found if day_of(row.columns[at].date) == day_of(quarterly)]
    return found[0] if len(found) == 1 else None


@lru_cache(maxsize=1024)  # asked again for every row of a multi-quarter table
def day_of(text: str) -> tuple[int, int] | None:
    """(month, day) of the first "June 30" or "30. Juni" in the text, or None."""
    for match in _DAY.finditer(text):
        month = month_numbers().get((match.group("month") or match.group("monat") or "").lower().rstrip("."))
        if month:
            return month, int(match.group("day") or match.group("tag"))
    return None


def _columns(row: Row, year: int, spans: set[str]) -> list[int]:
    return [
        at
        for at, column in enumerate(row.columns)
        if column.kind == VALUE and column.year == year and column.span in spans
    ]


def best(
    phrases: Vectors,
    wordings: frozenset[str],
    pages: list[Page],
    years: tuple[int, ...],
    quarterly: Quarterly,
    *,
    amounts: bool,
    excluded: re.Pattern[str] | None,
    taken: frozenset[int] = frozenset(),
    section: str = "",
    quoted: str = "",
    qualifiers: tuple[frozenset[str], ...] = (),
    items: frozenset[str] = frozenset(),
) -> Found | None:
    """The row nearest to the phrases that holds a figure for every one of the years; an item
    that one statement states (capex: the cash flow statement) is not read off another one.
    `quoted` is the question's text as `plain_text` gives it."""
    chosen: Found | None = None
    by_label: dict[str, float] = {}
    negating = any(_NEGATION.search(wording) for wording in wordings)
    residual = any(_RESIDUAL.match(wording) for wording in wordings) or " other " in quoted
    listed: dict[int, frozenset[str]] = {}  # the line items each table lists, read once
    for page in pages:
        if not len(page.vectors) or (section and page.section and page.section != section):
            continue
        similarity = page.vectors @ phrases.T  # rows × phrases
        for at, table, row in page.rows():
            if (amounts and row.kind not in (AMOUNT, COUNT)) or id(row) in taken:
                continue
            if excluded is not None and excluded.search(f"{table.name} {row.group} {row.label}"):
                continue
            if not negating and _NEGATION.search(row.label):
                continue
            if not residual and _RESIDUAL.match(row.label):
                continue
            if not row.placed or any(cell(row, year, quarterly) is None for year in years):
                continue
            label = _plain(row.label)
            score = float(similarity[at].max()) + (_WORDING_BONUS if label in wordings else 0.0)
            score += _ORDER_BONUS * _in_order(label, wordings)
            score += _STATEMENT_BONUS if page.section else 0.0
            score -= _FOOTNOTE_PENALTY if row.footnoted and not names_footnote(row, quoted) else 0.0
            # The question quoting a label whole ("as net cash provided by continuing operating
            # activities minus …") names that row, not its near twin.
            score += _QUOTED_BONUS if len(label.split()) >= 2 and f" {label} " in quoted else 0.0
            qualified = _qualified_by(row, qualifiers)
            # Naming no line item, the question's words are the item: most of them must be there.
            enough = qualified > 0 if items else qualified >= _MOST
            if enough and _of_item(row, table, items, listed):
                score += _QUALIFIER_BONUS * qualified
            by_label[label] = max(score, by_label.get(label, score))
            if chosen is None or score > chosen.score:
                chosen = Found(row, table, page, score)
    if chosen is None:
        return None
    others = [score for label, score in by_label.items() if label != _plain(chosen.row.label)]
    return replace(chosen, runner_up=max(others, default=0.0))


def names_footnote(row: Row, quoted: str) -> bool:
    """Does the question name what the row's footnote breaks out ("stock-based compensation")?"""
    return bool((set(terms(row.group, "en")) - _FOOTNOTE_WORDS) & set(terms(quoted, "en")))


def _qualified_by(row: Row, qualifiers: tuple[frozenset[str], ...]) -> float:
    """The share of the question's qualifying words ("Mac", "Company-operated", "segment") that the
    row's label and its sub-table's title hold; none unless the label holds one (a sub-table's title
    is shared by all its rows)."""
    if not qualifiers:
        return 0.0
    # A label told apart by its sub-table's title ("North:" over "Net sales") holds that title.
    label = set(terms(row.context if row.qualified else row.label, "en"))
    if not any(group & label for group in qualifiers):
        return 0.0
    said = label | set(terms(row.group, "en"))
    return sum(bool(group & said) for group in qualifiers) / len(qualifiers)


def _of_item(row: Row, table: Table, items: frozenset[str], listed: dict[int, frozenset[str]]) -> bool:
    """Is the row one of the line items the question names (concept tokens)? Its label or its
    sub-table's title says so ("Operating income (loss):" over "Cloud Services"), or, outside
    any sub-table, its table's rows do ("Mac" in a table that totals net sales)."""
    if not items or items <= concepts(f"{row.group} {row.label}")[1]:
        return True
    if row.group:
        return False
    if id(table) not in listed:
        listed[id(table)] = concepts(" \n".join([table.name, *(other.label for other in table.rows)]))[1]
    return items <= listed[id(table)]


def shown_name(row: Row, items: frozenset[str]) -> str:
    """The row's name as an answer shows it: with its sub-table's title where only that names the
    line item asked ("Operating income (loss) — Cloud Services")."""
    named_by_group = bool(items) and items <= concepts(row.group)[1] and not items <= concepts(row.label)[1]
    if row.group and not row.qualified and named_by_group:
        return f"{row.group.rstrip(':')} — {row.label}"
    return row.name


def _in_order(label: str, wordings: frozenset[str]) -> bool:
    """Does the label hold one of the wordings of two words or more whole, in its order ("net
    income" in "net income attributable to …"; not in "… comprehensive income (loss)")?"""
    padded = f" {label} "
    return any(f" {wording} " in padded for wording in wordings if " " in wording)


def plain_wordings(phrases: tuple[str, ...]) -> frozenset[str]:
    return frozenset(_plain(phrase) for phrase in phrases)


def plain_text(text: str) -> str:
    """A text as labels are compared with it: lower case, letters only, padded with spaces."""
    return f" {_plain(text)} "


def _plain(label: str) -> str:
    return " ".join(_NOT_LETTERS.sub(" ", label.lower()).split())


def nearest_years(rows: list[Row], quarterly: Quarterly, back: int) -> int | None:
    """The latest year every row has a figure for, together with the `back` years before it."""
    common: set[int] | None = None
    for row in rows:
        have = {year for year in row.years() if cell(row, year, quarterly) is not None}
        common = have if common is None else common & have
    usable = [year for year in common or () if all(year - k in (common or ()) for k in range(back + 1))]
    return max(usable, default=None)


def as_vectors(vectors: list[np.ndarray]) -> Vectors:
    return np.vstack(vectors).astype(np.float32)
