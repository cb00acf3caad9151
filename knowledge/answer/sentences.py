"""Split a passage into what an answer can quote: sentences, and table rows with their headers.

PDF text breaks lines mid-sentence; lines are joined back before sentences are split. Headings
and rows that hold only a label are not sentences. A table row ("Purchases of property, plant
and equipment (1,577) (1,373) (1,420)") is shown with the column headers and the unit printed
on the same page ("2018 (1,577) · 2017 (1,373) · 2016 (1,420) (millions)").
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from knowledge.answer.guard import violates
from knowledge.text.concepts import concepts
from knowledge.text.figures import figures
from knowledge.text.terms import terms

# One cell of a table row: a figure ("1,577", "(370)", "12.5%", "$5,363") or a dash for none.
_CELL = re.compile(r"\(?[-−–]?[$€]?\d[\d,.]*%?\)?%?|[—–-]")
# An amount inside a row label (not a year, not a rate: "Notes due 2026 (3.5%)" is a label).
_LABEL_NUMBER = re.compile(r"(?<![\w.,])\(?(?!(?:19|20)\d\d\b)\d[\d,.]*\)?(?=\s|$)")
_INNER_END = re.compile(r"[a-z)]\.\s+[A-Z]")
_CURRENCY_ONLY = frozenset({"$", "€"})
_SHARE_OF = re.compile(r"(?:percent|%)\s+(?:of|to)\s+(?:net\s+)?(?:sales|revenues?)", re.IGNORECASE)
_CHANGE = re.compile(r"\b(?:change|increase|decrease|veränderung)\b|%", re.IGNORECASE)
_CHANGE_WORD = {"en": "change", "de": "Veränderung"}
_Header = tuple[tuple[int, ...], str, bool]  # year columns, unit, a change column after them
_YEARS = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_UNIT = re.compile(
    r"\b(?:in\s+)?(millions|thousands|billions)\b|\((millions|thousands|billions)\)|\b(Mio|Mrd|Tsd)\.?\b", re.IGNORECASE
)
_CURRENCY = re.compile(r"\$|\bdollars?\b|\bUSD\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”“»]?\s+(?=[A-ZÄÖÜ0-9\"“„(»])")
_ABBREVIATION = re.compile(
    r"\b(?:Inc|Corp|Co|Ltd|No|Nos|Mr|Ms|Dr|St|vs|approx|U\.S|e\.g|i\.e|Nr|bzw|ca|z\.B|Mio|Mrd)\.$"
)
_Context = tuple[str, str, bool, bool]  # heading, sentence before, from a filing, a bullet point
# "(Dollars in billions. Percentages in chart are as a percent to total sales)": a note on the figures.
# A figure as tables print it ("18,400", "(0.6)", "12.5%"), not a label's aside ("$203", "(2021,").
_PLAIN_CELL = re.compile(r"\(?[-−–]?\d{1,3}(?:,\d{3})*(?:\.\d+)?\)?%?")
_DATES_A_YEAR = re.compile(
    r"(?:\b(?:due|through|ending|ended|maturing|expiring)|[A-Za-z]+\.?\s+\d{1,2},?)$", re.IGNORECASE
)
_FIGURE_TOKEN = re.compile(r"[$€(]?[-−–]?\d[\d,.]*%?\)?|[$€—–-]")
_COUPON = re.compile(r"\d[\d.]*\s?%\s+(?=[A-Za-z])")
_CUT_FIGURE = re.compile(r"[\d,.]+\)")  # "5,175), less reserves …": a line cut inside a parenthesis
_SHARE_COUNT = re.compile(r"(?:weighted[- ]average\s+)?(?:common\s+)?shares\b", re.IGNORECASE)
_ASIDE = re.compile(r"\([^()]*\)")
_ASIDE_LINE = re.compile(r"\([^()]*\)")
_NOTE_REFERENCE = re.compile(r"\((?:see\s+)?notes?\s[^)]*\)", re.IGNORECASE)  # "Inventories (Notes 1 and 3)"
_MONTH_WORDS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
_UNITLESS = re.compile(r"\bper\s+(?:\w+\s+){0,3}share\b|\bratio\b|\bpercent|%|\bmargin\b|\bje\s+aktie\b", re.IGNORECASE)
_TITLE_WIDTH = 120
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
_BULLET = re.compile(r"^[•●▪◦■]\s*")
# A line broken mid-clause ("… Operational growth excluding", "… of 4.0%* and"): the next one goes on.
_WRAP_WIDTH = 60  # characters: a filing's bullet line shorter than this was not wrapped by the margin
_MID_CLAUSE = re.compile(r"[^\W\d_],?$|[&,(–—-]$")
_FINISHED = re.compile(r"[.!][\"”“»')]?$")
_TERMINAL = re.compile(r"[.!?:;]\s*$|[.!?][\"”“»)]\s*$")
_REFERENCE = re.compile(
    r"^(?:it|its|it's|they|their|them|this|these|that|those|such|he|she|the\s+company|the\s+group|the\s+firm|"
    r"the\s+move|es|sie|er|ihr|ihre|sein|seine|dies|diese|dieser|damit|deshalb|daher|dadurch|dabei|"
    # "The weak figures hit …", "The $104.2 million increase was primarily due to …": the data or
    # the change just named.
    r"(?:the|these|those)\s+(?:weak|strong|latest|new|same|disappointing|soft)?\s*(?:figures|numbers|data)\b|"
    r"(?:the|this|that)\s+(?:[$€]?[\d.,]+\s*(?:million|billion|%|percent)?\s+)?(?:increase|decrease|decline|rise|"
    r"drop|growth|change|improvement|deterioration|reduction)|"
    r"das\s+unternehmen|der\s+konzern|die\s+firma)\b",
    re.IGNORECASE,
)
# "Short-term investments:" above its rows: a sub-table's title.
_LABEL_LINE = re.compile(r"[A-Z][^\d:.]{2,60}:")
_DATE_LINE = re.compile(r"\(?[A-Z][a-z]+\s+\d{1,2},?(?:\s+\d{4})?\)?,?")
# A filing's "The Company" is its defined name for the filer, not a pointer to the sentence before.
_ANNOUNCES_TABLE = re.compile(
    r"\bthe following (?:tables?|schedules?|charts?|summary)\b|\btables? below\b"
    r"|^the (?:above )?table (?:presents|shows|sets forth|summarizes|provides|includes)\b",
    re.I,
)
_CROSS_REFERENCE = re.compile(
    r"(?:see|refer\s+to|for\s+(?:more|additional|further)\s+(?:information|details|discussion))(?:\b|(?=[A-Z]))",
    re.IGNORECASE,
)
_AUDIT_OPINION = re.compile(  # and the other boilerplate every filing carries: certifications, exhibit lists
    r"\bwe (?:have )?audited\b|\bpresent fairly, in all material respects\b|\bour responsibility is to express\b"
    r"|\bour audits? (?:also )?included\b|\bthose standards require\b|\breasonable assurance about whether\b"
    r"|\bi have reviewed this (?:annual|quarterly) report\b|\bbased on my knowledge\b|\binline xbrl\b"
    r"|\binteractive data file\b|\bincorporated (?:herein )?by reference\b",
    re.IGNORECASE,
)
_DEFINED_NAME = re.compile(r"^the\s+company\b", re.IGNORECASE)


@dataclass(frozen=True)
class Unit:
    """A sentence or a table row of one passage, ready to be scored and shown."""

    text: str  # what the answer shows
    quote: str  # the words as the passage has them
    kind: str  # "sentence" or "row"
    passage: int
    position: int
    language: str
    stems: frozenset[str]
    figures: frozenset[float]
    refers_back: bool = False  # opens with "It", "The company", "Deshalb", …
    previous: str = ""  # the sentence before it in the same paragraph, if any
    lead: str = ""  # the paragraph's first sentence: whom "the group" means when the sentence names nobody
    heading: str = ""  # the section heading above it ("Risk factors"): what it is about
    years: tuple[int, ...] = ()  # the columns a row's figures belong to
    cells: tuple[str, ...] = ()  # a row's figures as printed, in column order
    period: str = ""  # a row's table covers a "quarter" or a "year" ("13 Weeks Ended", "52 Weeks Ended")


def units(text: str, passage: int, language: str, page_text: str = "") -> list[Unit]:
    """The quotable sentences and rows of a passage; `page_text` is its whole page (for headers)."""
    found: list[Unit] = []
    # The page above this passage: a chunk may start mid-table, or mid-sentence.
    at = page_text.find(text[:60]) if page_text and text else -1
    above = page_text[: max(at, 0)]
    page_header = _header(page_text or text)
    header = _header_before(above, page_header[1]) or page_header
    heading, filing, titled = _heading_before(above), bool(page_text), False
    for paragraph in re.split(r"\n\s*\n", text):
        # A paragraph opening "The weak figures hit …" leans on the last sentence of the one before.
        before = found[-1].text if found and found[-1].kind == "sentence" else ""
        prose: list[str] = []
        bullet = listing = False  # a press release's bullet point is a statement without a full stop
        lines = [raw.strip() for raw in paragraph.split("\n")]
        for number, line in enumerate(lines):
            following = lines[number + 1] if number + 1 < len(lines) else ""
            if _BULLET.match(line) and (listing or (prose and prose[-1].endswith(":"))):
                prose.append(line)  # "… driven by:" and its bullet points make one statement
                bullet = listing = True
                continue
            if _BULLET.match(line):
                found.extend(_said(prose, passage, language, len(found), (heading, before, filing, bullet)))
                prose, bullet = [_BULLET.sub("", line)], True
                continue
            went_on = _wraps(lines[number - 1])
            if bullet and line and _names(line) and (line[0].islower() or went_on):
                prose.append(line)  # the bullet point wrapped onto this line
                continue
            if bullet:  # the bullet point ended on the line before
                found.extend(_said(prose, passage, language, len(found), (heading, before, filing, bullet)))
                prose, bullet, listing = [], False, False
            row = _table_row(line, following, lines[:number])
            if row is None and (own := _header_line(line, header[1])):
                header = own  # the table's own header: "(Percent of net sales) 2022 2021 Change"
            if row is not None:
                heading = _table_title(prose) or heading
                found.extend(_said(prose, passage, language, len(found), (heading, before, filing, bullet)))
                prose, bullet, listing = [], False, False
                period, spans = _period_at(page_text or text, line)
                where = {"passage": passage, "position": len(found), "heading": heading}
                where |= {"period": period, "spans": spans}
                found.extend(_row(row, line, header, language, where))
                titled = False
            elif line and not _heading(line) and not _LABEL_LINE.fullmatch(line) and not _ASIDE_LINE.fullmatch(line):
                prose.append(line)
            else:
                found.extend(_said(prose, passage, language, len(found), (heading, before, filing, bullet)))
                prose, before, bullet, listing = [], "", False, False
                # Heading lines in a row make one title ("SUPPLEMENTAL DATA – ADJUSTED EBITDAR", "(In thousands)").
                if line and _names(line) and not _ASIDE_LINE.fullmatch(line):
                    heading = f"{heading if titled else ''} {line.lstrip('# ')}".strip()[:200]
                    titled = True
        found.extend(_said(prose, passage, language, len(found), (heading, before, filing, bullet)))
    opening = found and found[0].kind == "sentence" and " ".join(text.split()).startswith(found[0].quote[:30])
    if opening and _starts_mid_sentence(above):
        return found[1:]  # the chunk was cut inside a sentence ("Africa (\"EMEA\"), APLA and … contributed …")
    return found


def _period_at(page: str, line: str) -> tuple[str, tuple[str, str]]:
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
    return concepts(" ".join(_ASIDE.sub(" ", label).split()))[1]


def _table_row(line: str, following: str, above: list[str]) -> tuple[str, list[str]] | None:
    """The line's (label, cells) if it is a table row (a sentence's line ending in a figure is not)."""
    if not line or line.endswith(".") or _runs_on(line, following):
        return None
    return _split_row(line) or _block_total(line, above)


def _block_total(line: str, above: list[str]) -> tuple[str, list[str]] | None:
    """ "Revenues / Casino 5,734,173 … / Rooms 3,057,145 … / 13,127,485 9,680,140": a line of figures
    alone closing a block of rows is the block's total, named by the block's title line."""
    cells = line.split()
    if len(cells) < 2 or not all(_CELL.fullmatch(cell) or cell in _CURRENCY_ONLY for cell in cells):
        return None
    rows = list(itertools.takewhile(lambda earlier: _split_row(earlier) is not None, reversed(above)))
    # With no rows between, the line above is the figures' own label: "TOTAL CURRENT LIABILITIES" / "27,194 26,532".
    title = above[-len(rows) - 1] if len(above) > len(rows) else ""
    if not _BLOCK_TITLE.fullmatch(title):
        return None
    return title, [cell for cell in cells if cell not in _CURRENCY_ONLY]


def _table_title(prose: list[str]) -> str:
    """ "Weighted-average shares used to compute net income (loss) per share:": too long for a label
    line, still the title of the rows below it."""
    last = prose[-1] if prose else ""
    return last if last.endswith(":") and len(last) <= _TITLE_WIDTH else ""


def _wraps(line: str) -> bool:
    """Does a bullet point's line go on below? A line cut mid-clause does ("… and", "… &") if it is
    long enough to have met the margin; a short one ended ("• Supply chain benefits in the segment")."""
    if re.search(r"[&,(–—-]$", line) or _ABBREVIATION.search(line):
        return True
    return bool(_MID_CLAUSE.search(line)) and len(line) >= _WRAP_WIDTH


def _starts_mid_sentence(above: str) -> bool:
    before = above.rstrip()
    return bool(before) and not _TERMINAL.search(before) and not before.endswith(("•", "*"))


def _said(prose: list[str], passage: int, language: str, start: int, context: _Context) -> list[Unit]:
    heading, before, filing, bullet = context
    return _sentences(
        " ".join(prose), passage, language, start, heading=heading, before=before, filing=filing, bullet=bullet
    )


def _runs_on(line: str, following: str) -> bool:
    """A prose line that merely ends in a figure: "… at the end of fiscal 2021. The $104.2" followed
    by "million increase was …" (a sentence ends inside it, it is long, or the next line goes on)."""
    words = len(re.findall(r"[A-Za-z]{2,}", line))  # figures in a label ("net of sales: 2022, $1; …") are not words
    return bool(_INNER_END.search(line)) or words > 16 or following[:1].islower()


def _sentences(
    prose: str,
    passage: int,
    language: str,
    start: int,
    *,
    heading: str = "",
    before: str = "",
    filing: bool = False,
    bullet: bool = False,
) -> list[Unit]:
    prose = re.sub(r"(\w)- (\w)", r"\1\2", prose) if "- " in prose else prose
    pieces: list[str] = []
    for piece in _SENTENCE_END.split(prose):
        if pieces and _ABBREVIATION.search(pieces[-1]):
            pieces[-1] = f"{pieces[-1]} {piece}"
        else:
            pieces.append(piece)
    made: list[Unit] = []
    previous = before
    lead = pieces[0].strip() if pieces else ""
    for number, piece in enumerate(p.strip() for p in pieces):
        if _quotable(piece, unfinished=bullet and number == len(pieces) - 1):
            made.append(
                Unit(
                    text=piece,
                    quote=piece,
                    kind="sentence",
                    passage=passage,
                    position=start + len(made),
                    language=language,
                    stems=_stems(piece, language),
                    figures=figures(piece),
                    refers_back=bool(_REFERENCE.match(piece)) and not (filing and _DEFINED_NAME.match(piece)),
                    previous=previous,
                    lead=lead if lead != piece else "",
                    heading=heading,
                )
            )
        # A fragment cut at the chunk's start ("currency-neutral basis, respectively.") is nothing to lean on.
        previous = piece if piece[:1].isupper() or piece[:1].isdigit() else ""
    return made


def _stems(text: str, language: str) -> frozenset[str]:
    """The text's search terms and the financial concepts it names.

    A question's concept stands for its words ("revenue" asks for the concept, which "retail
    sales" is not); a sentence keeps its words besides ("operating margin" is about margins).
    """
    return frozenset(terms(text, language)) | concepts(text)[1]


def _quotable(sentence: str, *, unfinished: bool = False) -> bool:
    if not 30 <= len(sentence) <= 600 or not (unfinished or _FINISHED.search(sentence)) or violates(sentence):
        return False
    if _ANNOUNCES_TABLE.search(sentence) or _AUDIT_OPINION.search(sentence) or _CROSS_REFERENCE.match(sentence):
        # "The following table provides …": the table's rows say it, not this line. "We have audited
        # the … statements of income, … stockholders' equity …": names every line item, states none.
        # "See Note 9 for discussion on long-term debt": where to read, not what it says.
        return False
    if not (sentence[0].isupper() or sentence[0].isdigit() or sentence[0] in "\"“„(»'"):
        return False  # a piece of a sentence cut at a chunk boundary
    words = sentence.split()
    return len(words) >= 5 and _reads_as_prose(words)


def _reads_as_prose(words: list[str]) -> bool:
    """Not a table row run into a sentence ("Balances, June 30, 2023 352,790 $ 3,528 $ — …"), not a
    title ("Risk Factors — Risks Related to Our Business."), not a heading run into a sentence by
    the PDF ("RESULTS OF OPERATIONS Net sales rose …")."""
    if sum(bool(_FIGURE_TOKEN.fullmatch(word)) for word in words) >= max(6, len(words) // 3):
        return False
    long = [word for word in words if len(word) > 3 and word[0].isalpha()]
    if len(words) <= 14 and len(long) >= 4 and sum(word[0].isupper() for word in long) >= 0.8 * len(long):
        return False
    capitals = sum(1 for word in words[:6] if word.isupper() and len(word) > 2)
    return capitals < 3


def _heading(line: str) -> bool:
    """A title or a label: short, no sentence end, mostly capitalised words (or a Markdown heading)."""
    if line.startswith("#"):
        return True
    if _TERMINAL.search(line) or len(line) > 90:
        return False
    words = [word for word in re.findall(r"[^\W\d_]+", line) if len(word) > 3]
    if not words:
        return True
    capitalised = sum(1 for word in words if word[0].isupper())
    return len(line.split()) <= 10 and capitalised / len(words) >= 0.6


def _split_row(line: str) -> tuple[str, list[str]] | None:
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


def _row(row: tuple[str, list[str]], line: str, header: _Header, language: str, where: dict[str, Any]) -> list[Unit]:
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
    elif columns and len(cells) == 2 * len(columns) and _amount_and_share(cells):
        # "Net sales $ 3,226,773 100.0% $ 2,729,388 100.0%": each year's amount and its share of sales.
        pairs = zip(columns, cells[::2], cells[1::2], strict=True)
        shown = " · ".join(f"{year} {cell}, {share}" for year, cell, share in pairs)
    elif columns and change and len(columns) + 1 == len(cells):  # "2022 2021 Change"
        dated = " · ".join(f"{year} {cell}" for year, cell in zip(columns, cells, strict=False))
        shown = f"{dated} · {_CHANGE_WORD.get(language, 'change')} {cells[-1]}"
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


def _names(line: str) -> bool:
    # A line of figures alone (a total without its label) or a date ("December 31,") names nothing.
    return bool(re.search(r"[^\W\d_]{3}", line)) and not _DATE_LINE.fullmatch(line)


def _heading_before(above: str) -> str:
    """The table title a passage continues under: the heading lines above the rows it opens with
    (a page's second chunk starts mid-table)."""
    title = ""
    lines = [line for line in (raw.strip() for raw in above.split("\n")) if line]
    for line in reversed(lines[-40:]):
        if _split_row(line) is not None:
            if title:
                break
            continue  # the table's earlier rows
        if _heading(line):
            title = f"{line} {title}".strip()[:200] if _names(line) and not _ASIDE_LINE.fullmatch(line) else title
        elif len(line.split()) > 8 or _TERMINAL.search(line):
            break  # prose: the title is above the table, not above the text
    return title


def _header_before(above: str, unit: str) -> _Header | None:
    """The last column header line above the passage on its page ("(Dollars in Millions) 2022 2021"):
    a page's second chunk reads its figures against the columns the first one opened."""
    return next(filter(None, (_header_line(line.strip(), unit) for line in reversed(above.split("\n")))), None)


def _header_line(line: str, unit: str) -> _Header | None:
    """A line of column years (not a row), with the share it states ("Percent of net sales") or `unit`."""
    columns, change = _columns(line)
    if not columns or _split_row(line) is not None:
        return None
    share = _SHARE_OF.search(line)
    return columns, share.group(0).lower() if share else unit, change


def _header(page: str) -> _Header:
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
