"""Split a passage into what an answer can quote: sentences, and table rows with their headers.

PDF text breaks lines mid-sentence; lines are joined back before sentences are split. Headings,
titles, boilerplate and rows that hold only a label are not sentences. Table rows are read by
`knowledge.answer.compose.rows` against the column headers and unit printed on the same page.
"""

from __future__ import annotations

import re

from knowledge.answer.compose.rows import (
    ASIDE,
    header_before,
    header_line,
    is_cell,
    page_header,
    period_at,
    row_units,
    split_row,
    table_row,
)
from knowledge.answer.compose.unit import Unit
from knowledge.index.cleaner import is_call_to_action
from knowledge.text.concepts import concepts
from knowledge.text.figures import figures
from knowledge.text.policy import breach
from knowledge.text.sentences import abbreviated, split
from knowledge.text.terms import terms

_Context = tuple[str, str, bool, bool]  # heading, sentence before, from a filing, a bullet point
_TITLE_WIDTH = 120
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
# A filing's "The Company" is its defined name for the filer, not a pointer to the sentence before.
_DEFINED_NAME = re.compile(r"^the\s+company\b", re.IGNORECASE)


def units(text: str, passage: int, language: str, page_text: str = "") -> list[Unit]:
    """The quotable sentences and rows of a passage; `page_text` is its whole page (for headers)."""
    found: list[Unit] = []
    # The page above this passage: a chunk may start mid-table, or mid-sentence.
    at = page_text.find(text[:60]) if page_text and text else -1
    above = page_text[: max(at, 0)]
    printed = page_header(page_text or text)
    header = header_before(above, printed[1]) or printed
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
            row = table_row(line, following, lines[:number])
            if row is None and (own := header_line(line, header[1])):
                header = own  # the table's own header: "(Percent of net sales) 2022 2021 Change"
            if row is not None:
                heading = _table_title(prose) or heading
                found.extend(_said(prose, passage, language, len(found), (heading, before, filing, bullet)))
                prose, bullet, listing = [], False, False
                period, spans = period_at(page_text or text, line)
                where = {"passage": passage, "position": len(found), "heading": heading}
                where |= {"period": period, "spans": spans}
                found.extend(row_units(row, line, header, language, where))
                titled = False
            elif line and not _heading(line) and not _LABEL_LINE.fullmatch(line) and not ASIDE.fullmatch(line):
                prose.append(line)
            else:
                found.extend(_said(prose, passage, language, len(found), (heading, before, filing, bullet)))
                prose, before, bullet, listing = [], "", False, False
                # Heading lines in a row make one title ("SUPPLEMENTAL DATA – ADJUSTED EBITDAR", "(In thousands)").
                if line and _names(line) and not ASIDE.fullmatch(line):
                    heading = f"{heading if titled else ''} {line.lstrip('# ')}".strip()[:200]
                    titled = True
        found.extend(_said(prose, passage, language, len(found), (heading, before, filing, bullet)))
    opening = found and found[0].kind == "sentence" and " ".join(text.split()).startswith(found[0].quote[:30])
    if opening and _starts_mid_sentence(above):
        return found[1:]  # the chunk was cut inside a sentence ("Africa (\"EMEA\"), APLA and … contributed …")
    return found


def _table_title(prose: list[str]) -> str:
    """ "Weighted-average shares used to compute net income (loss) per share:": too long for a label
    line, still the title of the rows below it."""
    last = prose[-1] if prose else ""
    return last if last.endswith(":") and len(last) <= _TITLE_WIDTH else ""


def ends_sentence(text: str) -> bool:
    """Does the text stop at a sentence's end (or a colon or semicolon)?"""
    return bool(_TERMINAL.search(text))


def _wraps(line: str) -> bool:
    """Does a bullet point's line go on below? A line cut mid-clause does ("… and", "… &") if it is
    long enough to have met the margin; a short one ended ("• Supply chain benefits in the segment")."""
    if re.search(r"[&,(–—-]$", line) or abbreviated(line):
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
    pieces = split(prose, capital=True)
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


_BALLOT_BOX = re.compile("[\u2610-\u2612]")


def _quotable(sentence: str, *, unfinished: bool = False) -> bool:
    if not 30 <= len(sentence) <= 600 or not (unfinished or _FINISHED.search(sentence)):
        return False
    if breach(sentence) or is_call_to_action(sentence):
        return False  # the sentence policy's wording: never quoted (its meaning is judged on the chosen lines)
    if _ANNOUNCES_TABLE.search(sentence) or _AUDIT_OPINION.search(sentence) or _CROSS_REFERENCE.match(sentence):
        # "The following table provides …": the table's rows say it, not this line. "We have audited
        # the … statements of income, … stockholders' equity …": names every line item, states none.
        # "See Note 9 for discussion on long-term debt": where to read, not what it says.
        return False
    if not (sentence[0].isupper() or sentence[0].isdigit() or sentence[0] in "\"“„(»'"):
        return False  # a piece of a sentence cut at a chunk boundary
    if _BALLOT_BOX.search(sentence):
        return False  # "YES ☒ NO ☐ Indicate by check mark whether …": a form's boxes, not what it says
    words = sentence.split()
    return len(words) >= 5 and _reads_as_prose(words)


def _reads_as_prose(words: list[str]) -> bool:
    """Not a table row run into a sentence ("Balances, June 30, 2023 352,790 $ 3,528 $ — …"), not a
    title ("Risk Factors — Risks Related to Our Business."), not a heading run into a sentence by
    the PDF ("RESULTS OF OPERATIONS Net sales rose …")."""
    if sum(is_cell(word) for word in words) >= max(6, len(words) // 3):
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


def _names(line: str) -> bool:
    # A line of figures alone (a total without its label) or a date ("December 31,") names nothing.
    return bool(re.search(r"[^\W\d_]{3}", line)) and not _DATE_LINE.fullmatch(line)


def _heading_before(above: str) -> str:
    """The table title a passage continues under: the heading lines above the rows it opens with
    (a page's second chunk starts mid-table)."""
    title = ""
    lines = [line for line in (raw.strip() for raw in above.split("\n")) if line]
    for line in reversed(lines[-40:]):
        if split_row(line) is not None:
            if title:
                break
            continue  # the table's earlier rows
        if _heading(line):
            title = f"{line} {title}".strip()[:200] if _names(line) and not ASIDE.fullmatch(line) else title
        elif len(line.split()) > 8 or _TERMINAL.search(line):
            break  # prose: the title is above the table, not above the text
    return title
