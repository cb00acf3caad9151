"""Read the tables of one page's raw text: header columns by position, the caption's measure,
sub-table titles, and rows whose cells are put under the columns only when they fit.

"(Millions) 2018 2017 2016" opens a table whose columns are the three years; the span comes from
the lines above it ("Years ended December 31"), so "Three Months Ended … Six Months Ended … 2023
2022 2023 2022" puts each half under its span. A row whose cells do not fit the columns keeps its
cells without columns: its year cannot be read, and nothing later pretends it can.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation

from knowledge.market.when import month_numbers
from knowledge.tables.model import (
    AMOUNT,
    CHANGE,
    CHANGE_PCT,
    COUNT,
    DASH,
    PER_SHARE,
    PERCENT,
    SHARE,
    VALUE,
    Cell,
    Column,
    Measure,
    Row,
    Table,
    footnote_title,
)
from knowledge.tables.words import Words, words

_YEAR = re.compile(r"(?<![\d.,$])((?:19|20)\d{2})(?![\d,%])")
_FISCAL_YEAR = re.compile(r"\bF(?:Y|iscal\s+)'?(\d{2})\b", re.IGNORECASE)  # "FY23", "Fiscal '22"
# A cell: "1,577", "(1,577)", "$5,363", "12.5%", "(0.6)%", "-3.2", a dash, "n/m".
_CELL = re.compile(r"\(?[-−–]?[$€]?\d[\d,]*(?:\.\d+)?\)?%?\)?|[—–-]{1,2}|n/?m|NM", re.IGNORECASE)
_FOOTNOTE = re.compile(r"\(\d\)|\d\)|\*+")  # "(1)", "1)", "*": never a value
_SIGNS = frozenset({"$", "€", "US$", "USD", "EUR"})
_MONTH = re.compile(
    r"^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?$|^(?:due|through|ended|ending|maturing)$", re.I
)
_LETTERS = re.compile(r"[A-Za-zÄÖÜäöüß]{2,}")
_INITIALS = re.compile(r"(?:[A-Z]\.){1,3}[A-Z]\.?")  # "U.S.", "U.K.": a label of initials (a region)
_CUT_PARENTHESIS = re.compile(r"(\(\S*\d)\s+\)")  # "(8,695 )": the PDF set the closing parenthesis apart
_MAYBE_YEAR = re.compile(r"(?:19|20)\d\d|F[Yi]")
# The day printed right before a column's year: "June 30, 2023", "Dec. 31, 2022", "31. März 2023".
_DAY_BEFORE = re.compile(r"((?:[A-Z][a-z]{2,8}\.?\s+\d{1,2})|(?:\d{1,2}\.\s+[A-ZÄÖÜ][a-zäöü]{2,8}))(?:,|\s)\s*$")
_DATE_LINE = re.compile(r"(?:[A-Z][a-z]+\.?\s+\d{1,2},?|\d{1,2}\.?\s+[A-Z][a-z]+)")
_GLUED_NOTE = re.compile(r"(?<=[a-z)])\d(?:,\d)*$")  # "Operational Sales1,2": footnotes set as superscripts
# "Supplemental share information" counts shares; "(In millions, except per share data)" does not.
_SHARES = re.compile(r"(?<!per )\bshares?\b(?![- ]based)", re.IGNORECASE)
# A label never ends on a word that joins ("… allowances of $95 and" / "$103"): figures after one
# belong to the label. After any other word ("… franchised restaurants 3,933.3 3,526.8 406.5 12")
# they are the row's cells, under columns the header may not name.
_JOINING = frozenset("and or of to from by at in for with than".split())
_MAX_LABEL_WORDS = 18
# A label, its unit in parentheses, then figures that are no years ("Employees (in thousands) 125.5 122.9").
_LABEL_UNIT = re.compile(r"[^()]*[A-Za-z][^()]*\([^()]*\)\s*(?!(?:19|20)\d\d\b)[-$(]?\d[\d,.]*\)?(?:\s+\S+)*")
_INTERIM = frozenset({"quarter", "half", "nine_months"})
_SPAN_REACH = 6  # lines above a header whose span words still name its columns


@dataclass
class _State:
    """What the reader knows at a line of the page."""

    measure: Measure = field(default_factory=Measure)
    columns: tuple[Column, ...] = ()
    spans: list[tuple[int, str]] = field(default_factory=list)  # (line number, span) marks since the last header
    rows: list[Row] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    name: str = ""
    group: str = ""
    group_from: int = 0  # the rows read when the group's title came
    outer: str = ""  # the title the group is nested in ("Net revenue:" over "Gadgets")
    pending: str = ""  # a text line that may be the label of a figures-only line below it
    lone_years: list[int] = field(default_factory=list)  # years printed one per line
    lone_days: list[str] = field(default_factory=list)  # the day printed above each of them ("March 31,")
    lone_from: int = -1  # the line such a header begins on (its spans are counted from there)
    month: str = ""  # a month's name alone on the line before, among such a header's lines
    signs: set[str] = field(default_factory=set)  # currency signs the table's rows print
    # A footnote's title since the last row ("(2) Amounts include stock-based compensation expense, as
    # follows:"): the table whose header comes next is its breakdown, not the statement's own rows.
    footnote: str = ""
    above: tuple[str, int, str] = ("", 0, "")  # the group, its first row and its outer title before the latest title


def read(text: str, language: str = "en", section: str = "") -> list[Table]:
    """The tables of a page's raw text, in reading order (tables without rows are left out)."""
    vocabulary = words(language)
    state = _State()
    # Lines are counted without the blank ones: a PDF's "\r\n" would otherwise double every distance.
    lines = (" ".join(raw.split()) for raw in text.replace("\r", "\n").split("\n"))
    for number, line in enumerate(_CUT_PARENTHESIS.sub(r"\1)", line) for line in lines if line):
        _line(number, line, state, vocabulary, section)
    _close(state, section)
    return state.tables


def _line(number: int, line: str, state: _State, vocabulary: Words, section: str) -> None:
    measure = _measure(line, vocabulary)
    if measure is not None:
        state.measure = measure
    state.spans.extend((number, span) for span in _spans(line, vocabulary))
    if re.fullmatch(r"(?:19|20)\d{2}", line):  # a year alone on its line: part of a header printed one per line
        state.lone_from = number if state.lone_from < 0 else state.lone_from
        state.lone_years.append(int(line))
        state.lone_days += [""] * (len(state.lone_years) - len(state.lone_days))
        return
    if state.month and re.fullmatch(r"\d{1,2},?", line):
        line = f"{state.month} {line}"  # "December" / "31,": a day printed over two lines
    state.month = line if state.lone_years and _is_month(line) else ""
    if state.month:
        return
    if _is_day(line):  # "March 31," / "2024" / "March 31," / "2023": the days of the columns
        state.lone_from = number if state.lone_from < 0 else state.lone_from
        state.lone_days = [*state.lone_days[: len(state.lone_years)], line.rstrip(",")]
        return
    if len(state.lone_years) >= 2:
        days = [*state.lone_days, *[""] * len(state.lone_years)]
        lone = [(str(year), VALUE, year, day) for year, day in zip(state.lone_years, days, strict=False)]
        _header(state, lone, state.lone_from, section)
    state.lone_years, state.lone_days, state.lone_from = [], [], -1
    marks = _header_marks(line, vocabulary)
    if marks is not None:
        _header(state, marks, number, section)
        title = _title(line, vocabulary)  # "Supplemental share information 2018 2017 2016"
        state.name = title or state.name
        return
    if measure is not None:
        return  # the caption: neither a sub-table's title nor the label of the figures below
    _content(line, state, vocabulary)


def _is_month(line: str) -> bool:
    """A month's name alone on its line, the first half of a day printed over two."""
    return line.lower().rstrip(".") in month_numbers()


def _is_day(line: str) -> bool:
    """A line that is a day of the year alone ("March 31,", "30. Juni"), not a title ("Note 5", "Level 3")."""
    if not _DATE_LINE.fullmatch(line):
        return False
    return any(word.lower().rstrip(".") in month_numbers() for word in _LETTERS.findall(line))


def _content(line: str, state: _State, vocabulary: Words) -> None:
    split = _split(line, state.signs)
    if split is not None and _marked_title(split[1], state.columns):
        # "Gross Merchandise Volume (3)" over rows of five columns: a title with its footnote's marker.
        line, split = split[0], None
    if split is None:
        titled = bool(_LETTERS.search(line)) and len(line) <= 90 and not line.endswith(".")
        if footnote_title(line) and (titled or line.endswith(":")):  # "(1) Amounts include …, as follows:"
            state.footnote = line
        if titled:
            if state.pending and not state.rows:
                state.name = state.pending
            # A title right under another one, no row between, is nested in it.
            nested = bool(state.group) and state.group_from == len(state.rows)
            state.above = (state.group, state.group_from, state.outer)
            state.outer = state.group if nested else ""
            state.group, state.group_from, state.pending = line, len(state.rows), line
        else:
            state.pending = ""
        return
    label, cells = split
    label = _GLUED_NOTE.sub("", label)
    if not label:  # figures alone: the text line above names them ("… net of cash sold" / "846 1,065 142")
        label, state.pending = state.pending, ""
        if not label:
            # A subtotal without a label closes a nested group: the rows below are the outer title's.
            if state.outer:
                state.group, state.outer = state.outer, ""
            return
    elif (
        state.pending
        and not state.pending.endswith(":")
        and (label[0].islower() or state.pending.rsplit(maxsplit=1)[-1] in _JOINING)
    ):
        label = f"{state.pending} {label}"  # a label wrapped onto a second line ("… excluding X and" / "Y")
        if state.group == state.pending and state.group_from == len(state.rows):
            # The line was taken for a title; it is the label's first half: the title above holds on.
            state.group, state.group_from, state.outer = state.above
    state.pending = ""
    row = _row(label, cells, state, vocabulary)
    if row is not None:
        state.rows.append(row)
        state.footnote = ""


def _header(state: _State, marks: list[tuple[str, str, int, str]], number: int, section: str) -> None:
    name = state.name if not state.rows else ""
    _close(state, section)
    spans = [span for at, span in state.spans if number - at <= _SPAN_REACH]
    state.columns = _columns(marks, spans, section)
    state.spans, state.group, state.pending = [], "", ""
    state.name = name or state.pending
    if state.footnote:  # its rows are the footnote's breakdown: titled with it, like its other rows
        state.group, state.group_from, state.footnote = state.footnote, 0, ""


def _title(line: str, vocabulary: Words) -> str:
    """The words of a header line that are neither years, spans, changes nor the caption."""
    text = _YEAR.sub(" ", _FISCAL_YEAR.sub(" ", line))
    for pattern in (*(p for _, p in vocabulary.spans), *(p for _, p in vocabulary.change), vocabulary.scale):
        text = pattern.sub(" ", text)
    text = re.sub(r"\([^)]*\)|\b(?:except|per|share|data|amounts?|dollars|in|and|[A-Z][a-z]+\s+\d{1,2},?)\b", " ", text)
    words_ = _LETTERS.findall(text)
    return " ".join(text.split()).strip(" ,:") if len(words_) >= 2 else ""


def _close(state: _State, section: str) -> None:
    if state.rows:
        measure = state.measure
        if measure.known and not measure.currency and len(state.signs) == 1:
            # "(Millions)" over rows printed "$ 5,363": the caption's figures are in that currency.
            measure = replace(measure, currency="USD" if "$" in state.signs else "EUR")
        state.tables.append(Table(_told_apart(state.rows), measure, state.name, section))
    state.rows, state.name, state.signs = [], "", set()


def _told_apart(rows: list[Row]) -> tuple[Row, ...]:
    """Rows whose label repeats under other sub-table titles ("North:" / "Net sales", "South:" /
    "Net sales") are told apart by their title alone: shown with it, like "Diluted". Only a title
    that opens its rows with a colon is one for sure (a line of text above may be a wrapped label)."""
    groups: dict[str, set[str]] = {}
    for row in rows:
        if not row.footnoted:  # a footnote's breakdown is named with the footnote already
            groups.setdefault(row.label.lower(), set()).add(row.group)
    return tuple(
        replace(row, qualified=True) if _titled(row) and len(groups.get(row.label.lower(), ())) > 1 else row
        for row in rows
    )


def _titled(row: Row) -> bool:
    return row.group.endswith(":") and not row.footnoted


_EXCEPT = re.compile(r"\b(?:except|excluding|ausgenommen|außer)\b", re.IGNORECASE)
# What a caption's exception may name that no count is: per share figures, rates, and the words between.
_NOT_COUNTS = re.compile(
    r"per[- ]share|je\s+aktie|pro\s+aktie|percent\w*|prozent\w*|ratios?|margins?|rates?|\b(?:and|und|or|oder|data|"
    r"amounts?|angaben|figures|information|where\s+noted|otherwise\s+(?:noted|stated))\b|[^\w\s]"
)


def _measure(line: str, vocabulary: Words) -> Measure | None:
    """The caption's unit: "(in millions, except per share data)", "(Millions)", "in Mio. €"."""
    lowered = line.lower()
    found = vocabulary.scale.search(line)
    if found is None or len(line) > 160:
        return None
    if ")" in line and "(" not in line.partition(")")[0]:
        # "obligation, which is presented in billions):" closes a caption begun above ("(in millions,
        # except remaining performance …"): the exception's unit, not the table's.
        return None
    # "(in millions…)", "In millions", "Dollars and shares in millions, except per share data"
    worded = not re.search(r"\d", line) and len(line) <= 80 and re.search(r"\bin\s+" + found.group(1), lowered)
    caption = "(" in line or lowered.startswith(("in ", "$ in", "dollars in", "amounts in")) or len(line.split()) <= 6
    caption = caption or bool(worded)
    if not caption or re.search(r"\d[\d,.]*\s+(?:million|billion|thousand)", lowered):
        return None  # "$1.2 billion of notes …" is a figure in a sentence, not a caption
    if _LABEL_UNIT.fullmatch(line):
        return None  # "Employees (in thousands) 125.5 122.9": a row in its own unit
    currency = next((code for code, pattern in vocabulary.currencies if pattern.search(line)), "")
    scale = vocabulary.scales[found.group(1).lower()]
    return Measure(scale, currency, _counted_in(line, scale, vocabulary))


def _counted_in(caption: str, scale: int, vocabulary: Words) -> int:
    """The scale of the table's counts: the caption's, unless what it excepts names more than per
    share figures and percentages ("except number of shares, which are in thousands": thousands;
    "except per share amounts and shares": not said)."""
    excepted = _EXCEPT.split(caption, maxsplit=1)[1:]
    if not excepted:
        return scale
    rest = _NOT_COUNTS.sub(" ", excepted[0].lower())
    if not re.search(r"[^\W\d_]", rest):
        return scale
    named = vocabulary.scale.search(excepted[0])
    return vocabulary.scales[named.group(1).lower()] if named else 0


def _spans(line: str, vocabulary: Words) -> list[str]:
    """The span titles a line names, in order ("Three Months Ended … Six Months Ended …")."""
    lowered = line.lower()
    if len(line) > 120 or not any(key in lowered for key in vocabulary.span_keys):
        return []
    return [match.lastgroup or "" for match in vocabulary.any_span.finditer(line)]


def _header_marks(line: str, vocabulary: Words) -> list[tuple[str, str, int, str]] | None:
    """The columns a header line names, by position: (text, kind, year, the day before the year if
    printed: "June 30"); None when it is no header."""
    if len(line) > 200 or not _MAYBE_YEAR.search(line):
        return None
    marks: list[tuple[int, str, str, int, str]] = []
    for match in _YEAR.finditer(line):
        day = _DAY_BEFORE.search(line[: match.start()])
        marks.append((match.start(), match.group(0), VALUE, int(match.group(1)), day.group(1) if day else ""))
    for match in _FISCAL_YEAR.finditer(line):
        marks.append((match.start(), match.group(0), VALUE, 2000 + int(match.group(1)), ""))
    years = sum(1 for mark in marks if mark[2] == VALUE)
    if years < 2 and not (years == 1 and re.fullmatch(r"(?:FY\s?|Fiscal\s+)?(?:19|20)\d{2}", line, re.I)):
        return None
    taken = [(start, start + len(text)) for start, text, *_ in marks]
    for kind, pattern in vocabulary.change:
        for match in pattern.finditer(line):
            if not any(a <= match.start() < b or match.start() <= a < match.end() for a, b in taken):
                marks.append((match.start(), match.group(0), kind, 0, ""))
                taken.append((match.start(), match.end()))
    if _has_figures(line, taken):
        return None  # a row that names years in its label, or a sentence
    return [(text, kind, year, day) for _, text, kind, year, day in sorted(marks)]


def _has_figures(line: str, taken: list[tuple[int, int]]) -> bool:
    """Does the line hold a figure that is not one of its header marks (a day "31," is not a figure)?"""
    for match in re.finditer(r"\(?\$?\d[\d,.]*\)?%?", line):
        inside = any(a <= match.start() < b for a, b in taken)
        day = re.fullmatch(r"\d{1,2},?", match.group(0))
        if not inside and not day:
            return True
    return False


def _columns(marks: list[tuple[str, str, int, str]], spans: list[str], section: str) -> tuple[Column, ...]:
    """Columns with their spans: one span for all, or two spans over two halves of repeated years.
    Balances at different days of the year ("June 30, 2023 December 31, 2022") keep their days: they
    cannot all be fiscal years' ends."""
    years = [year for _, kind, year, _ in marks if kind == VALUE]
    days = {day for _, kind, _, day in marks if kind == VALUE}
    distinct = list(dict.fromkeys(spans))
    default = "point" if section == "balance_sheet" else ""
    half = len(years) // 2
    repeated = len(years) >= 2 and len(years) % 2 == 0 and years[:half] == years[half:]
    columns, seen = [], 0
    for _, kind, year, day in marks:
        if kind != VALUE:
            columns.append(Column(0, "", kind))
            continue
        if repeated and len(spans) >= 2:
            span = spans[-2] if seen < half else spans[-1]
        elif len(distinct) == 1:
            span = distinct[0]
        else:
            span = "" if distinct else default
        # Balances at several days of the year keep their days; so does every column of a quarter,
        # half or nine months: two quarters of one year are otherwise both "Q 2023".
        dated = "" not in days and (span in _INTERIM or (span == "point" and len(days) > 1))
        columns.append(Column(year, span, VALUE, day if dated else ""))
        seen += 1
    return tuple(columns)


def _split(line: str, signs: set[str]) -> tuple[str, list[str]] | None:
    """(label, cell tokens) when the line ends in two or more cells, or one beside a label; read from
    the end in one pass."""
    tokens = line.split()
    cells: list[str] = []
    while tokens:
        token = tokens[-1]
        if token in _SIGNS:
            signs.add("$" if "$" in token or token == "USD" else "€")
            tokens.pop()
        elif token == "%" and len(tokens) > 1 and _CELL.fullmatch(tokens[-2]):
            tokens.pop()
            cells.append(f"{tokens.pop()}%")  # "56.2 %": the PDF set the sign apart
        elif _CELL.fullmatch(token):
            signs.update(sign for sign in "$€" if sign in token)
            cells.append(tokens.pop())
        else:
            break
    cells.reverse()
    _give_back(tokens, cells)
    label = " ".join(tokens).strip(" :.$€")
    label = f"{label}." if _INITIALS.fullmatch(f"{label}.") else label  # "U.S." keeps its last dot
    numeric = sum(any(ch.isdigit() for ch in cell) for cell in cells)
    if numeric == 0 or (label and not _LETTERS.search(label) and not _INITIALS.fullmatch(label)):
        return None
    if label and (len(label.split()) > _MAX_LABEL_WORDS or re.search(r"[a-z]\.\s+[A-Z]", label)):
        return None  # prose that ends in a figure
    if not label and numeric < 2:
        return None
    return label, cells


def _give_back(tokens: list[str], cells: list[str]) -> None:
    """Figures that belong to the label: a year after "due" or a month, those inside its open parenthesis."""
    while cells and tokens and _MONTH.match(tokens[-1]) and re.fullmatch(r"\d{1,4},?", cells[0]):
        tokens.append(cells.pop(0))
    while cells and " ".join(tokens).count("(") > " ".join(tokens).count(")"):
        tokens.append(cells.pop(0))


def _row(label: str, texts: list[str], state: _State, vocabulary: Words) -> Row | None:
    columns = state.columns
    texts = _without_footnote(texts, columns)
    while columns and len(texts) > len(columns) and label.rsplit(maxsplit=1)[-1] in _JOINING:
        # "… net of allowances of $95 and $103 5,020 4,911": the figure after "and" ends the label.
        label, texts = f"{label} {texts[0]}", texts[1:]
    if not texts or not any(any(ch.isdigit() for ch in text) for text in texts):
        return None
    cells = tuple(_cell(text) for text in texts)
    placed = _placed(cells, columns)
    group = state.group if state.group != label else ""
    kind = _kind(label, state.group, state.name, cells, vocabulary)
    scale = vocabulary.scale.search(label) if "(" in label or " in " in label.lower() else None
    scaled = vocabulary.scales[scale.group(1).lower()] if scale else 0
    qualified = _qualified(label, vocabulary)
    return Row(label, cells, placed, kind, group, " ".join([label, *texts]), scaled, qualified)


def _marked_title(texts: list[str], columns: tuple[Column, ...]) -> bool:
    """Is a line's only "figure" a footnote marker, where rows have two columns or more?"""
    return len(texts) == 1 and len(columns) >= 2 and re.fullmatch(r"\(\d\)", texts[0]) is not None


def _without_footnote(texts: list[str], columns: tuple[Column, ...]) -> list[str]:
    """A footnote marker right after the label ("Net sales (1) 1,200 1,100") is no value."""
    if len(texts) > 1 and _FOOTNOTE.fullmatch(texts[0]):
        lone_digit = re.fullmatch(r"\(?\d\)", texts[0]) is not None
        if len(texts) == len(columns) + 1 or (lone_digit and len(texts) - 1 >= 2 and not columns):
            return texts[1:]
        if lone_digit and columns and len(texts) - 1 == len([c for c in columns if c.kind == VALUE]):
            return texts[1:]
    return texts


def _cell(text: str) -> Cell:
    if DASH.fullmatch(text) or re.fullmatch(r"n/?m", text, re.IGNORECASE):
        return Cell(text, None, False)
    percent = text.endswith("%") or text.endswith("%)")
    digits = re.sub(r"[^\d.]", "", text)
    negative = text.startswith("(") or text.lstrip("$€")[:1] in "-−–"
    try:
        value = Decimal(digits)
    except InvalidOperation:
        return Cell(text, None, percent)
    return Cell(text, -value if negative else value, percent)


def _placed(cells: tuple[Cell, ...], columns: tuple[Column, ...]) -> tuple[Column, ...]:
    """The columns the cells stand under, or () when that cannot be read."""
    if not columns:
        return ()
    if len(cells) == len(columns):
        return columns
    values = tuple(column for column in columns if column.kind == VALUE)
    if len(cells) == len(values):
        return values  # the change columns are blank on this row
    if len(cells) == len(columns) + 1 and columns[-1].kind == CHANGE:
        # "2023 2022 Inc/ (Dec)" over "3,933.3 3,526.8 406.5 12": the change's header spans its amount
        # and its percent.
        return (*columns, Column(0, "", CHANGE_PCT))
    if len(cells) == 2 * len(values) and all(cell.percent for cell in cells[1::2]):
        # "3,226,773 100.0% 2,729,388 100.0%": each year's amount, then its share of sales.
        return tuple(c for column in values for c in (column, Column(column.year, column.span, SHARE)))
    return ()


def _kind(label: str, group: str, name: str, cells: tuple[Cell, ...], vocabulary: Words) -> str:
    """Per share, percent, a count or an amount: by the label, and by the titles above a label that
    says little alone ("Diluted" under "Earnings per share:"); a table titled for shares counts them."""
    context = f"{group} {label}" if _qualified(label, vocabulary) else label
    per_share = vocabulary.per_share.search(context)
    count = vocabulary.count.search(context) or vocabulary.counted.match(label)
    # A label's head comes first: "Shares used in computing earnings per share" counts shares,
    # "Earnings per share — weighted-average basis" is per share.
    if per_share and not (count and count.start() < per_share.start()):
        return PER_SHARE
    numbers = [cell for cell in cells if cell.value is not None]
    if numbers and all(cell.percent for cell in numbers):
        return PERCENT
    if count or _SHARES.search(name):
        return COUNT
    small = all(abs(cell.value) < 100 for cell in numbers if cell.value is not None)
    decimals = any("." in cell.text for cell in numbers)
    if vocabulary.percent.search(label) and small and decimals:
        return PERCENT
    return AMOUNT


def _qualified(label: str, vocabulary: Words) -> bool:
    """A label that needs its sub-table title to be understood ("Basic", "Diluted", "Total")."""
    return all(word in vocabulary.qualifiers for word in re.findall(r"[^\W\d_]+", label.lower()))
