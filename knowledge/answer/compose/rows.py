"""Table rows of a filing page: a label and its figures, read against the column header, the
span ("13 Weeks Ended", "52 Weeks Ended") and the unit the same page prints.

"Purchases of property, plant and equipment (1,577) (1,373) (1,420)" under "(Dollars in millions)
2018 2017 2016" is shown as "Purchases of property, plant and equipment: 2018 (1,577) · 2017 (1,373)
· 2016 (1,420) (USD millions)". Nothing is added that the page does not print.
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache
from typing import Any

from knowledge.answer.compose.unit import Unit
from knowledge.prompts import render
from knowledge.text.concepts import concepts
from knowledge.text.figures import figures
from knowledge.text.terms import terms
from knowledge.text.wording import words

# One cell of a table row: a figure ("1,577", "(370)", "12.5%", "$5,363") or a dash for none.
_CELL = re.compile(r"\(?[-−–]?[$€]?\d[\d,.]*%?\)?%?|[—–-]")

# An amount inside a row label (not a year, not a rate: "Notes due 2026 (3.5%)" is a label).
_LABEL_NUMBER = re.compile(r"(?<![\w.,])\(?(?!(?:19|20)\d\d\b)\d[\d,.]*\)?(?=\s|$)")

_INNER_END = re.compile(r"[a-z)]\.\s+[A-Z]")

_CURRENCY_ONLY = frozenset({"$", "€"})

_SHARE_OF = re.compile(r"(?:percent|%)\s+(?:of|to)\s+(?:net\s+)?(?:sales|revenues?)", re.IGNORECASE)

_CHANGE = re.compile(r"\b(?:change|increase|decrease|veränderung)\b|%", re.IGNORECASE)

Header = tuple[tuple[int, ...], str, bool]  # year columns, unit, a change column after them

_YEARS = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")

_UNIT = re.compile(
    r"\b(?:in\s+)?(millions|thousands|billions)\b|\((millions|thousands|billions)\)|\b(Mio|Mrd|Tsd)\.?\b", re.IGNORECASE
)

_CURRENCY = re.compile(r"\$|\bdollars?\b|\bUSD\b", re.IGNORECASE)

# "(Dollars in billions. Percentages in chart are as a percent to total sales)": a note on the figures.
# A figure as tables print it ("18,400", "(0.6)", "12.5%"), not a label's aside ("$203", "(2021,").
_PLAIN_CELL = re.compile(r"\(?[-−–]?\d{1,3}(?:,\d{3})*(?:\.\d+)?\)?%?")

_DATES_A_YEAR = re.compile(
    r"(?:\b(?:due|through|ending|ended|maturing|expiring)|[A-Za-z]+\.?\s+\d{1,2},?)$", re.IGNORECASE
)

_COUPON = re.compile(r"\d[\d.]*\s?%\s+(?=[A-Za-z])")

_CUT_FIGURE = re.compile(r"[\d,.]+\)")  # "5,175), less reserves …": a line cut inside a parenthesis

_SHARE_COUNT = re.compile(r"(?:weighted[- ]average\s+)?(?:common\s+)?shares\b", re.IGNORECASE)

ASIDE = re.compile(r"\([^()]*\)")

_NOTE_REFERENCE = re.compile(r"\((?:see\s+)?notes?\s[^)]*\)", re.IGNORECASE)  # "Inventories (Notes 1 and 3)"

_MONTH_WORDS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)

_UNITLESS = re.compile(r"\bper\s+(?:\w+\s+){0,3}share\b|\bratio\b|\bpercent|%|\bmargin\b|\bje\s+aktie\b", re.IGNORECASE)

_YEAR_ONLY = re.compile(r"(?:19|20)\d{2}")
_BLOCK_TITLE = re.compile(r"[A-Z][A-Za-z ,&'’()—-]{2,60}")  # "Revenues", "TOTAL CURRENT LIABILITIES"

_SPAN_KINDS = {1: "quarter", 2: "half", 0: "year"}  # by the group of _PERIOD that matched

# A table's span: "13 Weeks Ended", "Three Months Ended", "Fourth Quarter" against "52 Weeks Ended",
# "Twelve Months Ended", "Year Ended", "Full Year".
_PERIOD = re.compile(
    r"\b((?:13|thirteen|three|3)[- ]?(?:weeks|months)\s+ended|(?:first|second|third|fourth)\s+quarter|"
    r"quarter\s+ended)\b"
    r"|\b((?:six|nine|6|9|26|39)[- ]?(?:weeks|months)\s+ended)\b"
    r"|\b(?:(?:52|53|fifty-two|fifty-three|twelve|12)[- ]?(?:weeks|months)\s+ended|(?:fiscal\s+)?years?\s+ended|"
    r"full[- ]year)\b",
    re.IGNORECASE,
)

_QUALIFIERS = frozenset({"basic", "diluted", "total", "unverwässert", "verwässert", "summe"})


def period_at(page: str, line: str) -> tuple[str, tuple[str, str]]:
    """The span of the table a row is in (the last period title above it on its page), and the
    last two titles ("Three Months Ended", "Six Months Ended") for a table that has both."""
    at = page.find(line)
    before = [(kind, title) for position, kind, title in _period_marks(page) if position < at] if at >= 0 else []
    last = before[-1][0] if before else ""
    pair = (before[-2][1], before[-1][1]) if len(before) >= 2 else ("", "")
    return last, pair


@lru_cache(maxsize=256)
def _period_marks(page: str) -> tuple[tuple[int, str, str], ...]:
    return tuple(
        (match.start(), _SPAN_KINDS[match.lastindex or 0], " ".join(match.group(0).split()).lower())
        for match in _PERIOD.finditer(page)
    )


def _repeated(years: tuple[int, ...]) -> bool:
    """ "2023 2022 2023 2022": the same years under two spans (three and six months)."""
    half = len(years) // 2
    return len(years) >= 4 and len(years) % 2 == 0 and years[:half] == years[half:] and len(set(years[:half])) == half


def _amount_and_share(cells: list[str]) -> bool:
    """ "3,226,773 100.0% 2,729,388 100.0%": amounts, each followed by its share of sales."""

    def share(cell: str) -> bool:
        return cell.rstrip(")").endswith("%")  # "100.0%", "(0.1%)"

    return all(share(cell) for cell in cells[1::2]) and not any(share(cell) for cell in cells[::2])


def _row_concepts(label: str) -> frozenset[str]:
    """The line item a row is: not a concept in its aside ("Gross profit (as a percentage of net
    sales)"), nor the one a share count is "used to compute" ("… shares used to compute net income
    per share")."""
    if _SHARE_COUNT.match(label):
        return frozenset()
    return concepts(" ".join(ASIDE.sub(" ", label).split()))[1]


def table_row(line: str, following: str, above: list[str]) -> tuple[str, list[str]] | None:
    """The line's (label, cells) if it is a table row (a sentence's line ending in a figure is not)."""
    if not line or line.endswith(".") or _runs_on(line, following):
        return None
    return split_row(line) or _block_total(line, above)


def _block_total(line: str, above: list[str]) -> tuple[str, list[str]] | None:
    """ "Revenues / Casino 5,734,173 … / Rooms 3,057,145 … / 13,127,485 9,680,140": a line of figures
    alone closing a block of rows is the block's total, named by the block's title line."""
    cells = line.split()
    if len(cells) < 2 or not all(_CELL.fullmatch(cell) or cell in _CURRENCY_ONLY for cell in cells):
        return None
    if all(_YEAR_ONLY.fullmatch(cell) for cell in cells):
        return None  # "2023 2022" under "Net Income Earnings per share - diluted": the columns' header
    rows = list(itertools.takewhile(lambda earlier: split_row(earlier) is not None, reversed(above)))
    # With no rows between, the line above is the figures' own label: "TOTAL CURRENT LIABILITIES" / "27,194 26,532".
    title = above[-len(rows) - 1] if len(above) > len(rows) else ""
    if not _BLOCK_TITLE.fullmatch(title):
        return None
    return title, [cell for cell in cells if cell not in _CURRENCY_ONLY]


def _runs_on(line: str, following: str) -> bool:
    """A prose line that merely ends in a figure: "… at the end of fiscal 2021. The $104.2" followed
    by "million increase was …" (a sentence ends inside it, it is long, or the next line goes on)."""
    worded = len(re.findall(r"[A-Za-z]{2,}", line))  # figures in a label ("net of sales: 2022, $1; …") are not words
    return bool(_INNER_END.search(line)) or worded > 16 or following[:1].islower()


def split_row(line: str) -> tuple[str, list[str]] | None:
    """(label, cells) when the line is a label followed by two or more figures, read from the end
    (one pass: no pattern that could backtrack for ages on a long line of numbers)."""
    tokens = line.split()
    cells: list[str] = []
    while tokens and (_CELL.fullmatch(tokens[-1]) or tokens[-1] in _CURRENCY_ONLY or tokens[-1] == "%"):
        token = tokens.pop()
        if token == "%" and tokens and _CELL.fullmatch(tokens[-1]):
            cells.append(f"{tokens.pop()}%")  # "56.2 %": the PDF set the sign apart
        elif token not in _CURRENCY_ONLY and token != "%":
            cells.append(token)
    # "Current ratio at May 31 2.1 2.5": the day belongs to the month in the label.
    if cells and tokens and tokens[-1].lower().rstrip(".") in _MONTH_WORDS and re.fullmatch(r"\d{1,2},?", cells[-1]):
        tokens.append(cells.pop())
    # "6.75% senior notes, due 2025 750,000 750,000", "Balance at December 31, 2020 12,931 …": the year is the label's.
    if cells and tokens and _YEARS.fullmatch(cells[-1]) and _DATES_A_YEAR.search(" ".join(tokens[-2:])):
        tokens.append(cells.pop())
    # "Long-term debt (includes debt of consolidated entities: 2022, $12,662; 2021, $13,803) 42,573 38,675":
    # figures inside the label's parentheses belong to the label.
    while cells and " ".join(tokens).count("(") > " ".join(tokens).count(")"):
        tokens.append(cells.pop())
    label = " ".join(tokens)
    if all(_YEARS.fullmatch(cell) for cell in cells):
        return None  # "(Dollars in millions) 2019 2018": the header, not a row
    if sum(any(ch.isdigit() for ch in cell) for cell in cells) < 2 or not re.search(r"[A-Za-zäöüÄÖÜ]", label):
        return None
    return label, cells[::-1]


def row_units(
    row: tuple[str, list[str]], line: str, header: Header, language: str, where: dict[str, Any]
) -> list[Unit]:
    label, cells = row[0].strip(" .:$€"), row[1]
    if len(label) < 4 or len(label.split()) > 16 or not re.search(r"[A-Za-z]{3}", label):
        return []
    cut = label[0].islower() or bool(_CUT_FIGURE.match(label))
    if cut or len(_LABEL_NUMBER.findall(_NOTE_REFERENCE.sub("", label))) >= 2:
        return []  # a line's tail or two columns run together by the PDF ("and options (563) 283 405 Cost…")
    heading = str(where.get("heading", ""))
    if label.lower() in _QUALIFIERS and heading.endswith(":"):
        label = f"{heading.rstrip(':')} — {label}"  # "Diluted" under "Net income (loss) per share:"
    columns, unit, change = header
    extra = len(cells) - len(columns) - (1 if change else 0)
    if columns and extra > 0 and not any(_PLAIN_CELL.fullmatch(cell) for cell in cells[:extra]):
        # "… doubtful accounts $203 (2021, $230) 16,160 15,283": the first figures are the label's.
        label, cells = f"{label} {' '.join(cells[:extra])}", cells[extra:]
    spans = where.pop("spans", ("", ""))
    if columns and len(columns) == len(cells) and _repeated(columns) and all(spans):
        # "Three Months Ended … Six Months Ended … 2023 2022 2023 2022": each half under its span.
        half = len(columns) // 2
        shown = " · ".join(
            f"{spans[0] if at == 0 else spans[1] if at == half else ''} {year} {cell}".strip()
            for at, (year, cell) in enumerate(zip(columns, cells, strict=True))
        )
        where["period"] = ""  # both spans
    elif columns and len(columns) == len(cells):
        shown = " · ".join(f"{year} {cell}" for year, cell in zip(columns, cells, strict=True))
        if _repeated(columns):
            # "2022 991 · 2021 899 · 2022 3,815 · 2021 3,392": a quarter and a year, or two halves;
            # which is which the page does not say here, so neither is passed off as the year's.
            shown = f"{shown} {render('row_spans_unstated', language)}"
    elif columns and len(cells) == 2 * len(columns) and _amount_and_share(cells):
        # "Net sales $ 3,226,773 100.0% $ 2,729,388 100.0%": each year's amount and its share of sales.
        pairs = zip(columns, cells[::2], cells[1::2], strict=True)
        shown = " · ".join(f"{year} {cell}, {share}" for year, cell, share in pairs)
    elif columns and change and len(columns) + 1 == len(cells):  # "2022 2021 Change"
        dated = " · ".join(f"{year} {cell}" for year, cell in zip(columns, cells, strict=False))
        shown = f"{dated} · {words('dates', 'change_column', language)[0]} {cells[-1]}"
    else:
        shown, columns = " · ".join(cells), ()
    # A ratio or a per-share figure is not in the statement's millions.
    rates = all(cell.endswith("%") or not _PLAIN_CELL.fullmatch(cell) for cell in cells)  # "1.7% · (6.6)%"
    unitless = _UNITLESS.search(_COUPON.sub("", label))  # "6.75% senior notes" are amounts
    counted = unit and not ((unitless or rates) and re.search(r"millions|thousands|billions", unit))
    text = f"{label}: {shown}" + (f" ({unit})" if counted else "")
    return [
        Unit(
            text=text,
            quote=line,
            kind="row",
            language=language,
            stems=frozenset(terms(label, language)) | _row_concepts(label),
            figures=figures(" ".join(cells), skip_years=False),
            years=columns,
            cells=tuple(cells),
            **where,
        )
    ]


def header_before(above: str, unit: str) -> Header | None:
    """The last column header line above the passage on its page ("(Dollars in Millions) 2022 2021"):
    a page's second chunk reads its figures against the columns the first one opened."""
    return next(filter(None, (header_line(line.strip(), unit) for line in reversed(above.split("\n")))), None)


def header_line(line: str, unit: str) -> Header | None:
    """A line of column years (not a row), with the share it states ("Percent of net sales") or `unit`."""
    columns, change = _columns(line)
    if not columns or split_row(line) is not None:
        return None
    share = _SHARE_OF.search(line)
    return columns, share.group(0).lower() if share else unit, change


def page_header(page: str) -> Header:
    """The year columns and the unit printed near the top of a statement page."""
    columns: tuple[int, ...] = ()
    change = False
    for line in page.split("\n")[:12]:
        columns, change = _columns(line)
        if columns:
            break
    unit = ""
    match = _UNIT.search(page[:1500])
    if match:
        word = next(group for group in match.groups() if group).lower()
        word = {"mio": "millions", "mrd": "billions", "tsd": "thousands"}.get(word, word)
        unit = f"USD {word}" if _CURRENCY.search(page[:3000]) else word
    return columns, unit, change


def _columns(line: str) -> tuple[tuple[int, ...], bool]:
    """The years a header line names, and whether a change column follows them ("2022 2021 Change")."""
    found = tuple(int(year) for year in _YEARS.findall(line))
    if len(found) >= 2 and len(line) < 120 and (len(set(found)) == len(found) or _repeated(found)):
        return found, bool(_CHANGE.search(line.rpartition(str(found[-1]))[2]))
    return (), False


def is_cell(token: str) -> bool:
    """A token a table row holds: a figure, a dash for none, a currency sign set apart."""
    return bool(_CELL.fullmatch(token)) or token in _CURRENCY_ONLY
