"""Which column a quarter asked by its number stands in, read from the report's own structure.

A quarterly report's trend table prints five quarters by the day each ended (three months to June 30,
2023; to March 31, 2023; …): "Q2 2023" names none of those days, and two of them fall in 2023. The
report says which fiscal quarter it is by its year-to-date columns: six months beside the quarter
make it the second, nine months the third, a year beside the quarter the fourth (the quarter alone
may be the first, or a release that prints no year to date: not said). Its own quarter is its latest
three-month column; the quarter asked stands three months back for every quarter before it, within
the same fiscal year.
"""

from __future__ import annotations

from knowledge.answer.compute.finder import Page, day_of
from knowledge.tables.model import VALUE, Column

_YEAR_TO_DATE = {"half": 2, "nine_months": 3}


def quarter_end(asked: int, year: int, pages: list[Page]) -> str:
    """The end day ("March 31") of quarter `asked` of `year` in this report's columns, or "" when the
    report does not say which quarter it is, or the quarter is not among its columns."""
    dated, own = _quarters(pages)
    if not dated or not own or not 1 <= asked <= own:
        return ""
    last_year, last_month, _, _ = dated[-1]
    if last_year != year:
        return ""  # the fiscal year is known by its quarters' calendar year only when that is the asked one
    wanted = divmod(last_year * 12 + last_month - 3 * (own - asked) - 1, 12)
    found = [date for column_year, month, _, date in dated if (column_year, month - 1) == wanted]
    return found[0] if len(found) == 1 else ""


def ends_before(asked: int, year: int, pages: list[Page]) -> bool:
    """Does this report end before quarter `asked` of `year`: it says it is an earlier quarter of that
    fiscal year ("Q3 2023" asked of the second quarter's report)? Then no column of it is the quarter."""
    dated, own = _quarters(pages)
    return bool(dated) and 0 < own < asked and dated[-1][0] == year


def _quarters(pages: list[Page]) -> tuple[list[tuple[int, int, int, str]], int]:
    """The report's dated quarter columns, oldest first, as (year, month, day, date); and its own
    fiscal quarter (0 when not said)."""
    columns = [c for page in pages for table in page.tables for row in table.rows for c in row.columns]
    dated = sorted({(c.year, *day, c.date) for c in columns if _quarter_column(c) for day in [day_of(c.date)] if day})
    return dated, _own_quarter(columns)


def _quarter_column(column: Column) -> bool:
    return column.kind == VALUE and column.span == "quarter" and bool(column.date)


def _own_quarter(columns: list[Column]) -> int:
    """The report's fiscal quarter, by the longest year-to-date span it prints beside its quarter."""
    spans = {c.span for c in columns if c.kind == VALUE}
    if "quarter" not in spans:
        return 0
    if "year" in spans:
        return 4
    # The quarter alone may be the first, or a release that prints no year to date: not said.
    return max((_YEAR_TO_DATE[span] for span in spans if span in _YEAR_TO_DATE), default=0)
