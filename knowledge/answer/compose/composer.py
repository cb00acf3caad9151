"""The offline answer: a lead line that answers, then a few supporting points, each quoted from its
source and cited.

What the question asks for decides which sentences may answer: a figure question needs a
sentence or table row with a figure about every term asked; a date question a date; a why
question the company's own drivers before market-wide ones. When nothing answers, the draft
says so instead of offering loosely related lines. One fact is said once (the same figures from
two sources or two languages get both citations), a sentence that leans on the one before it
("Its users…") brings that sentence along, and a sentence in the other language is used only
when it holds something new, marked as quoted.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Protocol

from knowledge.answer.compose.extremes import Ranking, ranked, tables
from knowledge.answer.compose.sentences import ends_sentence, units
from knowledge.answer.compose.unit import Unit
from knowledge.answer.understand.query import years
from knowledge.answer.understand.question import MONTHS, QUARTER, Question
from knowledge.index.statements import hints, line_items
from knowledge.prompts import render
from knowledge.records import Chunk, Citation, Passage
from knowledge.text.companies import Companies
from knowledge.text.concepts import concept_phrases, concepts, driven_by
from knowledge.text.policy import Policy
from knowledge.text.terms import terms

_SHARE_OF_SALES = re.compile(r"\bas an? (?:percent(?:age)?|share) (?:of|to) (?:net )?(?:sales|revenues?)\b", re.I)
_NEGATIONS = frozenset({"not", "nicht"})
_SENTENCE_STOP = re.compile(r"[.!?](?=[\"”')]?(?:\s|$))")
_CARRY = 600  # characters of the next chunk a cut sentence may take
_OVERLAP, _PROBE = 400, 20  # characters: the most two chunks may share; enough of one to find it
_SEGMENT = re.compile(r"\bsegment(?:s|e|en)?\b", re.I)
_CAUSE = re.compile(
    r"\b(because|due\s+to|after|amid|as\s+a\s+result|driven|drove|weigh\w*|pressure|worr\w*|weak\w*|hit|drag\w*|"
    r"concern\w*|fell|slow\w*|lower|higher|decreas\w*|increas\w*|declin\w*|cost\w*|subsid\w*|compet\w*|loss\w*|"
    r"wegen|druck|sorge\w*|schwach\w*|belast\w*|zweifel\w*|verlor\w*|gebremst|halbiert|rückgang|kosten|wettbewerb)\b",
    re.IGNORECASE,
)
_DATE = re.compile(
    r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}\.?\s+(?:jan|feb|mar|mär|apr|may|mai|jun|jul|aug|sep|oct|okt|nov|dec|dez)\w*"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*\.?\s+\d{1,2}\b|\b(?:q[1-4]|quarter|quartal)\b",
    re.IGNORECASE,
)
# A rate in words answers "how fast" as well as a figure does.
_RATE = re.compile(
    r"\b(?:double|triple)[- ]digit|\b(?:doubled|tripled|halved)\b|\b(?:zwei|drei)stellig\w*|\bverdoppel\w*|\bhalbiert",
    re.IGNORECASE,
)
OVERVIEW = (
    "latest news shares fell rose revenue growth grew profit operating margin losses subsidies competition "
    "risks pressure weak users invest downloads Umsatz Wachstum Gewinn Marge Wettbewerb Risiken Druck Nutzer"
)
_SPAN = re.compile(r"\b(?:six|nine|twelve)\s+months\b|\bfull[- ]year\b|\b(?:halbjahr|neun\s+monate)", re.IGNORECASE)
_QUARTER_TITLE = re.compile(r"^\s*(?:FIRST|SECOND|THIRD|FOURTH)\s+QUARTER\s*$", re.MULTILINE)
_SPAN_TITLE = re.compile(r"^\s*(?:SIX|NINE|TWELVE)\s+MONTHS\s*$", re.MULTILINE)
_AMONG = re.compile(r"^\s*(?:among|unter)\s+(.+?),?\s+(?:which|what|welche\w*|was)\b", re.IGNORECASE)
_ITEM_SPLIT = re.compile(r"\s*,\s*(?:and\s+|or\s+|und\s+|oder\s+)?|\s+(?:and|or|und|oder)\s+", re.IGNORECASE)
_ASKED_ALREADY = frozenset(terms("activities activity Aktivitäten", "en"))  # shared by all the items
MAX_POINTS = 3  # after the lead
MAX_CHARS = 1100
_LANGUAGE_NAMES = {"en": {"en": "English", "de": "German"}, "de": {"en": "englischen", "de": "deutschen"}}


class Neighbours(Protocol):
    """The served index around retrieved chunks."""

    def page(self, chunk: Chunk) -> list[Chunk]:
        """All chunks of the chunk's PDF page, in order (for table headers and a statement's other rows)."""
        ...

    def following(self, chunks: list[Chunk]) -> list[Chunk]:
        """The chunk after each of these, where there is one, in one fetch."""
        ...


@dataclass(frozen=True)
class Draft:
    """An answer before the guard: lines with [n] markers, their sources, and whether it answers."""

    text: str
    citations: tuple[Citation, ...]
    covered: bool


@dataclass(frozen=True)
class _Scored:
    unit: Unit
    score: float
    coverage: float
    own: bool  # names the company asked about (or no company was asked)


def compose(
    question: Question,
    passages: tuple[Passage, ...],
    companies: Companies,
    around: Neighbours | None = None,
    policy: Policy | None = None,
) -> Draft:
    """The best lead and supporting points from the passages, or an uncovered draft."""
    pool, tails = _pool(passages, around)
    about = _about_subjects(question, pool)
    candidates = [unit for unit in _units(pool, tails) if pool[unit.passage].document_id in about]
    if question.extreme:
        table = _extreme(question, candidates, pool)
        if table is not None:
            return table
    scored = [s for s in (_score(unit, question, pool, companies) for unit in candidates) if s is not None]
    if QUARTER.search(question.core):
        scored = _by_period(scored, pool)
    scored.sort(key=lambda s: -s.score)
    chosen = _one_per_item(question, scored, candidates) or _in_reading_order(_choose(scored, question))
    if policy is not None and chosen:
        chosen = _allowed(chosen, scored, question, candidates, policy)
    if not chosen:
        return Draft("", (), covered=False)
    return _render(chosen, pool, question)


def nearest(
    question: Question,
    passages: tuple[Passage, ...],
    companies: Companies,
    around: Neighbours | None = None,
    policy: Policy | None = None,
) -> Draft:
    """For a question nothing answers: the one sentence or row of the top passages that comes
    closest (a third of its terms or more, about the company asked), to be shown labelled as such.

    An analyst can open that page and judge; the answer still says the sources do not cover it.
    """
    pool, tails = _pool(passages[:3], around)
    about = _about_subjects(question, pool)
    found: list[tuple[tuple[float, bool, int], Unit]] = []
    for unit in _units(pool, tails):
        if pool[unit.passage].document_id not in about or not question.focus:
            continue
        share = sum(_matches(group, unit.stems) for group in question.focus) / len(question.focus)
        named = set(companies.find(unit.text))
        if share < 1 / 3 or (question.tickers and named and not named & set(question.tickers)):
            continue
        key = (share, question.needs_figure and bool(unit.figures), -unit.passage)
        found.append((key, unit))
    # The policy's meaning check embeds a line: only the best are judged, not every candidate.
    found.sort(key=lambda pair: pair[0], reverse=True)
    best = next((pair for pair in found if policy is None or policy.allows(pair[1].text)), None)
    if best is None:
        return Draft("", (), covered=False)
    shown = _render([_Scored(best[1], 0.0, best[0][0], True)], pool, question)
    return Draft(shown.text, shown.citations, covered=False)


def _allowed(
    chosen: list[_Scored], scored: list[_Scored], question: Question, candidates: list[Unit], policy: Policy
) -> list[_Scored]:
    """The chosen lines the sentence policy allows by meaning too (its patterns already kept the
    others out of the candidates); what it forbids is never quoted, and the choice is made again
    without it, twice at most."""
    for _ in range(2):
        forbidden = _forbidden(chosen, policy)
        if not forbidden:
            return chosen
        scored = [s for s in scored if id(s.unit) not in forbidden]
        chosen = _one_per_item(question, scored, candidates) or _in_reading_order(_choose(scored, question))
    forbidden = _forbidden(chosen, policy)
    return [s for s in chosen if id(s.unit) not in forbidden]


def _forbidden(chosen: list[_Scored], policy: Policy) -> set[int]:
    sentences = [s for s in chosen if s.unit.kind == "sentence"]  # a table row exhorts nobody
    verdicts = policy.breaches([s.unit.text for s in sentences])
    return {id(s.unit) for s, bad in zip(sentences, verdicts, strict=True) if bad}


def _extreme(question: Question, candidates: list[Unit], pool: list[Chunk]) -> Draft | None:
    """The largest (or smallest) row of the table the question names, with the runners-up."""
    first: dict[tuple[str, int | None], int] = {}
    for index, chunk in enumerate(pool):
        first.setdefault((chunk.document_id, chunk.page), index)

    def page_of(unit: Unit) -> tuple[str, int | None]:
        return pool[unit.passage].document_id, pool[unit.passage].page

    ordered = sorted(candidates, key=lambda u: (first[page_of(u)], pool[u.passage].order, u.position))
    best: tuple[tuple[int, bool, int], Ranking] | None = None
    for table in tables(ordered, page_of):
        words = frozenset(terms(table.label, table.rows[0].language)) | concepts(table.label)[1]
        named = sum(_matches(group, words) for group in question.focus)
        ranking = ranked(table, question) if named else None
        # A table closed by its total is whole; a chunk may end halfway through another copy of it.
        key = (named, bool(table.total), len(table.rows))
        if ranking is not None and ranking.rows and (best is None or key > best[0]):
            best = (key, ranking)
    if best is None:
        return None
    ranking = best[1]
    shown = _render([_Scored(row, 0.0, 1.0, True) for row in ranking.rows], pool, question)
    column = f" ({ranking.year})" if ranking.year else ""  # the year whose figures ranked the rows
    label = render("extreme_largest" if question.extreme > 0 else "extreme_smallest", question.language, column=column)
    return Draft(f"{label}\n{shown.text}", shown.citations, covered=True)  # the label quotes no source


def _about_subjects(question: Question, pool: list[Chunk]) -> set[str]:
    """The documents that name the unknown company a question asks about (all, if it names none)."""
    if not question.subjects:
        return {chunk.document_id for chunk in pool}
    words: dict[str, set[str]] = {}
    for chunk in pool:
        words.setdefault(chunk.document_id, set()).update(terms(f"{chunk.title} {chunk.text}", "en"))
    return {document for document, found in words.items() if question.subjects & found}


def _pool(passages: tuple[Passage, ...], around: Neighbours | None) -> tuple[list[Chunk], frozenset[str]]:
    """The retrieved chunks, plus the other chunks of retrieved statement pages (their rows) and of
    the best passage's page (its next sentence may hold the answer: "The $104.2 million increase
    was primarily due to …"); and, apart, the chunks that only finish a sentence cut at a chunk's end.
    """
    pool: dict[str, Chunk] = {}
    for rank, passage in enumerate(passages):
        pool.setdefault(passage.chunk.id, passage.chunk)
        if around is not None and (passage.chunk.section or rank == 0) and passage.chunk.page is not None:
            for sibling in around.page(passage.chunk):
                pool.setdefault(sibling.id, sibling)
    cut = [c for c in pool.values() if c.page is not None and not ends_sentence(c.text) and c.sibling_id(1) not in pool]
    tails = [c for c in around.following(cut) if c.id not in pool] if around is not None and cut else []
    pool.update((chunk.id, chunk) for chunk in tails)
    return list(pool.values()), frozenset(chunk.id for chunk in tails)


def _page_texts(pool: list[Chunk]) -> dict[tuple[str, int | None], str]:
    """Each PDF page's text as far as the pool holds it, in reading order."""
    texts: dict[tuple[str, int | None], str] = {}
    for chunk in sorted(pool, key=lambda chunk: chunk.order):
        key = (chunk.document_id, chunk.page)
        texts[key] = f"{texts.get(key, '')}\n{chunk.text}" if chunk.page is not None else chunk.text
    return texts


def _units(pool: list[Chunk], tails: frozenset[str] = frozenset()) -> list[Unit]:
    """The sentences and rows of the pool's chunks; a tail only finishes its predecessor's sentence."""
    page_texts = _page_texts(pool)
    following = _following(pool)
    found: list[Unit] = []
    for index, chunk in enumerate(pool):
        if chunk.id in tails:
            continue
        page = page_texts[(chunk.document_id, chunk.page)] if chunk.page is not None else ""
        text = _carried_on(chunk.text, pool[following[index]].text) if index in following else chunk.text
        found.extend(_split(text, index, chunk.language, page))
    return found


@lru_cache(maxsize=1024)
def _split(text: str, index: int, language: str, page: str) -> tuple[Unit, ...]:
    # The word-matched draft and the evidence by meaning read the same best passages.
    return tuple(units(text, index, language, page))


def _following(pool: list[Chunk]) -> dict[int, int]:
    """For each chunk of the pool, the pool's chunk that goes on where it stops on the same page."""
    at = {chunk.id: index for index, chunk in enumerate(pool)}
    found = {}
    for index, chunk in enumerate(pool):
        after = at.get(chunk.sibling_id(1) or "") if chunk.page is not None else None
        if after is not None and pool[after].page == chunk.page:
            found[index] = after
    return found


def _carried_on(text: str, following: str) -> str:
    """A chunk cut inside a sentence, with the sentence's end from the next chunk ("Increases were
    primarily due to … costs for" + "significant litigation …."): its cause is in the second half."""
    if ends_sentence(text):
        return text
    rest, joint = _past_overlap(text, following), " "
    if rest is not following:  # the chunks overlap: the rest goes on exactly where the text stops
        joint = ""
    end = _SENTENCE_STOP.search(rest[:_CARRY])
    return f"{text}{joint}{rest[: end.end()]}" if end else text


def _past_overlap(text: str, following: str) -> str:
    """The next chunk after the words it repeats from the end of this one (the chunker overlaps them)."""
    probe = following[:_PROBE]
    at = text.find(probe, max(0, len(text) - _OVERLAP))
    while len(probe) == _PROBE and at >= 0:
        if following.startswith(text[at:]):
            return following[len(text) - at :]
        at = text.find(probe, at + 1)
    return following


def _score(unit: Unit, question: Question, pool: list[Chunk], companies: Companies) -> _Scored | None:
    chunk = pool[unit.passage]
    focus = question.focus or (_overview_focus() if question.kind in ("overview", "move", "cause", "other") else ())
    # The paragraph's opening, the section heading and the document's title say what a sentence
    # is about, too (a title such as "fiscal 2031 highlights" covers every line of that document).
    context = f"{unit.lead} {unit.heading} {chunk.title} {unit.previous if unit.refers_back else ''}"
    around = frozenset(terms(context, unit.language)) | concepts(context)[1] if context.strip() else frozenset()
    stems = unit.stems
    if question.kind == "cause":
        stems, around = stems | _explains(unit.text, stems), around | _explains(context, around)
    direct = [_matches(group, stems) for group in focus]
    matched = [d or _matches(group, around) for d, group in zip(direct, focus, strict=True)]
    coverage = sum(matched) / len(matched) if matched else 0.0
    directly = sum(direct) / len(direct) if direct else 0.0
    # A sentence naming no company ("the group") is about the one its paragraph opens with.
    named = set(companies.find(unit.text)) or set(companies.find(unit.lead))
    own = not question.tickers or bool(named & set(question.tickers)) or not named
    if question.tickers and named and not named & set(question.tickers) and question.kind != "list":
        return None  # another company's news
    if not _eligible(unit, question, _Coverage(question.focus, matched, direct), chunk, named):
        return None
    score = 2.0 * coverage + directly + 1.5 / (1 + unit.passage) + (1.0 if unit.language == question.language else 0.0)
    score += _when(unit.text, question)
    if question.kind in ("cause", "move") and unit.kind != "row":
        score += 1.2 if _CAUSE.search(unit.text) else -0.5
        score += 0.8 if named & set(question.tickers) else 0.0  # the company's own drivers first
        # A segment's margin explains the company's only in part; asked about segments, it is the answer.
        score -= 0.5 if _SEGMENT.search(unit.text) and not _SEGMENT.search(question.core) else 0.0
    if question.needs_figure or question.kind == "comparison":
        score += 0.6 if unit.figures else 0.0
    if unit.kind == "row":
        score += _row_fit(unit, question) + (1.5 if question.kind == "cause" else 0.0)  # how far it moved, first
        # A row that shows the asked year's column says more than one whose columns are unknown.
        score += 1.0 if set(unit.years) & set(question.years) else 0.0
        # A release prints the quarter's table and the year's: the one of the span asked for.
        quarter = bool(QUARTER.search(question.core))
        score -= 0.8 if unit.period and (unit.period == "quarter") != quarter else 0.0
        score += 0.6 if chunk.section and chunk.section in _statements(question.core) else 0.0
    if question.kind == "list":
        score += 0.7 * len(named - set(question.tickers))  # a list of names is the answer
    if unit.refers_back and not unit.previous:
        score -= 1.0
    return _Scored(unit, score, coverage, own)


def _explains(text: str, stems: frozenset[str]) -> frozenset[str]:
    """The margins a sentence on a cost line as a percent of sales explains ("Cost of products sold
    increased as a percent to sales driven by: …" is why the gross margin moved)."""
    if not _SHARE_OF_SALES.search(text):
        return frozenset()
    return frozenset(metric for line in stems if line.endswith("concept") for metric in driven_by(line))


def _by_period(scored: list[_Scored], pool: list[Chunk]) -> list[_Scored]:
    """For a question about a quarter, a page titled with the quarter ("SECOND QUARTER") before one
    titled with a longer span ("SIX MONTHS"): both hold the same rows under the same heading."""
    texts = _page_texts(pool)

    def fit(unit: Unit) -> float:
        chunk = pool[unit.passage]
        text = texts[(chunk.document_id, chunk.page)] if chunk.page is not None else ""
        # A column title on a line of its own ("SECOND QUARTER", "SIX MONTHS") says it best.
        quarter, span = bool(_QUARTER_TITLE.search(text)), bool(_SPAN_TITLE.search(text))
        if quarter == span:
            quarter, span = bool(QUARTER.search(text)), bool(_SPAN.search(text))
        return 0.0 if quarter == span else 1.0 if quarter else -1.0

    return [replace(s, score=s.score + fit(s.unit)) for s in scored]


def _names_item(question: Question) -> bool:
    """Does the question name a statement's line item ("Has the company reduced its long-term debt?")?"""
    return any(group & line_items() for group in question.focus)


def _row_fit(unit: Unit, question: Question) -> float:
    """How much of a row's label the question asks for: "Total current assets" fits a question about
    total current assets better than "Other current assets" does (stop words count here)."""
    label = _word_heads(unit.text.partition(":")[0])
    fit = 0.8 * len(label & _asked_words(question)) / max(1, len(label))
    # The question's own words break a tie between rows both spelled with the concept's words
    # ("diluted EPS": "Diluted net income per share", not "Basic …").
    said = _said_words(question.core)
    fit += 0.1 * len(label & said)
    # "Dividends declared and not paid" is the opposite of the dividends paid asked about.
    return fit - (0.5 if _NEGATIONS & label and not _NEGATIONS & said else 0.0)


def _word_heads(text: str) -> frozenset[str]:
    # Five letters are stem enough for a row label ("assets", "asset") and keep "other" and "total".
    return frozenset(word[:5] for word in re.findall(r"[^\W\d_]+", text.lower()))


@lru_cache(maxsize=256)
def _said_words(core: str) -> frozenset[str]:
    return _word_heads(core)


@lru_cache(maxsize=256)
def _asked_words(question: Question) -> frozenset[str]:
    named = [token for group in question.focus for token in group if token.endswith("concept")]
    named += sorted(question.inputs)
    spelled = " ".join(phrase for token in named for phrase in concept_phrases(token))
    return _word_heads(f"{question.core} {spelled}")


@lru_cache(maxsize=256)
def _statements(core: str) -> frozenset[str]:
    wanted = hints(core)
    return frozenset(wanted.named | wanted.implied)


def _matches(group: frozenset[str], stems: frozenset[str]) -> bool:
    """Does the unit have a stem of the group, or one that a stem of five letters or more begins
    ("compet" and "competit": the stemmer leaves word families apart)?"""
    if group & stems:
        return True
    known, ordered = _long_stems(stems)
    for asked in group:
        if len(asked) < 5 or asked.endswith("concept"):
            continue  # a concept is named or not: "currentliabilitiesconcept" does not begin with "current"
        if any(asked[:end] in known for end in range(5, len(asked))):  # a stem that begins the asked one
            return True
        at = bisect_left(ordered, asked)  # a stem the asked one begins sorts right after it
        if at < len(ordered) and ordered[at].startswith(asked):
            return True
    return False


@lru_cache(maxsize=8192)
def _long_stems(stems: frozenset[str]) -> tuple[frozenset[str], tuple[str, ...]]:
    long = frozenset(stem for stem in stems if len(stem) >= 5)
    return long, tuple(sorted(long))


def _when(text: str, question: Question) -> float:
    """Prefer sentences about the month asked for; a sentence about another month only is wrong."""
    if not question.months:
        return 0.0
    named = {number for name, number in MONTHS.items() if re.search(rf"\b{name}\b", text, re.IGNORECASE)}
    if named & question.months:
        return 1.5
    return -1.0 if named else 0.0


@dataclass(frozen=True)
class _Coverage:
    """Which of the question's focus groups a unit matches."""

    focus: tuple[frozenset[str], ...]
    matched: list[bool]  # in the unit or its paragraph's context
    direct: list[bool]  # in the unit itself

    @property
    def share(self) -> float:
        return sum(self.matched) / len(self.matched) if self.matched else 0.0

    def enough_for_a_figure(self) -> bool:
        """Every asked term (with three or more, one may be missing: "monthly users of the app").

        A question naming line items ("operating cash flow ratio: cash from operations / total
        current liabilities") is answered row by row: one of its line items per row will do (the
        other words name the metric, "return on assets", which no row does). A line item asked on
        its own must be named by the line itself, not only by its paragraph's opening: "12 new
        stores" does not answer a question about buybacks because the paragraph began with one.
        """
        items = [hit for group, hit in zip(self.focus, self.direct, strict=True) if _is_concept(group)]
        if len(items) >= 2 or (items and len(items) == len(self.focus)):
            return any(items)
        return _enough(self.matched)


def _is_concept(group: frozenset[str]) -> bool:
    return len(group) == 1 and next(iter(group)).endswith("concept")


def _enough(matched: list[bool]) -> bool:
    if not matched:
        return True
    # Long questions say more than any one sentence does ("the cash proceeds JnJ realised from the
    # separation of Kenvue, formerly its Consumer Health segment"): three in five will do.
    needed = 1.0 if len(matched) < 3 else (len(matched) - 1) / len(matched) if len(matched) < 5 else 0.6
    return sum(matched) / len(matched) >= needed - 1e-9


def _eligible(unit: Unit, question: Question, covered: _Coverage, chunk: Chunk, named: set[str]) -> bool:
    coverage = covered.share
    # "What drove the operating margin?": the margin's own row says how far it moved.
    metric_row = question.kind == "cause" and bool(covered.direct) and all(covered.direct)
    rows_wanted = (
        question.needs_figure or question.kind in ("comparison", "other") or metric_row or _names_item(question)
    )
    dated = question.years and (question.needs_figure or question.kind == "cause" or unit.kind == "row")
    if (unit.kind == "row" and not rows_wanted) or (dated and not _about_year(unit, question, chunk)):
        return False
    if question.needs_figure and not question.focus:
        # "How much are Alibaba shares up this year?": only question words; a figure among them will do.
        shared = set(terms(question.core, question.language)) & unit.stems
        return bool(unit.figures) and len(shared) >= 2
    if question.needs_figure:
        figure = bool(unit.figures) or bool(_RATE.search(unit.text))
        # A statement row of a line item the asked metric is computed from answers with its figures.
        inputs = unit.kind == "row" and bool(question.inputs & unit.stems)
        # A row's own label must name something asked: its table's title alone ("Cash flows from
        # operating activities") fits every row under it.
        labelled = unit.kind != "row" or any(covered.direct)
        return bool(question.focus) and (inputs or (labelled and covered.enough_for_a_figure())) and figure
    if question.kind == "date":
        return coverage >= 0.5 and bool(_DATE.search(unit.text))
    if question.focus:
        return coverage >= 0.5
    causal = question.kind in ("cause", "move") and bool(_CAUSE.search(unit.text))
    return causal or coverage > 0


def _about_year(unit: Unit, question: Question, chunk: Chunk) -> bool:
    """Does the unit speak of the asked year: in its table columns, its words, or (not for a
    forecast, which must name the year itself) its document's title ("3M_2018_10K")?"""
    if unit.years:
        return bool(set(question.years) & set(unit.years))
    where = unit.text if question.kind == "forecast" else f"{unit.text} {chunk.title}"
    stated = {int(year) for year in re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", where)}
    if unit.kind == "row" and question.kind != "forecast":
        # A table without its column years: the filing of 2023 compares with 2022 beside it.
        stated |= {year - 1 for year in years(chunk.title)}
    if question.kind != "forecast" and chunk.kind == "news" and chunk.published is not None:
        stated.add(chunk.published.year)  # news speaks of its own days ("in November")
    return bool(set(question.years) & stated)


def _choose(scored: list[_Scored], question: Question) -> list[_Scored]:
    """The lead and up to MAX_POINTS points: one fact once, same language first, within the length cap."""
    if not scored:
        return []
    same = [s for s in scored if s.unit.language == question.language]
    lead = same[0] if same and same[0].score >= scored[0].score - 1.5 else scored[0]
    chosen = [lead]
    for candidate in scored:
        if len(chosen) > MAX_POINTS or sum(len(s.unit.text) for s in chosen) > MAX_CHARS:
            break
        if candidate in chosen or candidate.score < lead.score * 0.45 or _repeats(candidate, chosen):
            continue
        continues = candidate.unit.passage == lead.unit.passage and lead.unit.language != question.language
        if candidate.unit.language != question.language and not continues and not _adds_figures(candidate, chosen):
            continue  # another language only for a fact not said yet, or to go on quoting the lead's source
        chosen.append(candidate)
    return chosen


def _one_per_item(question: Question, scored: list[_Scored], candidates: list[Unit]) -> list[_Scored]:
    """ "Among operations, investing and financing activities, which …?": the best line about each
    item named, in the question's order (none if one of them has no line). A row that names the
    item and one other asked term will do ("Cash provided by operations")."""
    listed = _AMONG.search(question.core)
    if listed is None or question.kind != "comparison":
        return []
    chosen: list[_Scored] = []
    for item in _ITEM_SPLIT.split(listed.group(1)):
        wanted = frozenset(terms(item, question.language)) - _ASKED_ALREADY
        best = next((s for s in scored if wanted and wanted <= s.unit.stems and s not in chosen), None)
        others = [group for group in question.focus if not group & wanted]
        rows = (u for u in candidates if u.kind == "row" and wanted and wanted <= u.stems)
        row = next((u for u in rows if any(_matches(group, u.stems) for group in others)), None)
        best = best or (_Scored(row, 0.0, 0.0, True) if row is not None else None)
        if best is None or best in chosen:
            return []
        chosen.append(best)
    return chosen if len(chosen) >= 2 else []


def _in_reading_order(chosen: list[_Scored]) -> list[_Scored]:
    """A chosen sentence that the source puts right before another chosen one is shown before it
    ("Retail sales rose only 1.3 % in November." then "In October the gain had been 2.9 %…")."""
    ordered = list(chosen)
    for scored in chosen:
        at = ordered.index(scored)
        before = next(
            (
                other
                for other in ordered[at + 1 :]
                if other.unit.passage == scored.unit.passage and other.unit.text == scored.unit.previous
            ),
            None,
        )
        if before is not None:
            ordered.remove(before)
            ordered.insert(at, before)
    return ordered


def _repeats(candidate: _Scored, chosen: list[_Scored]) -> bool:
    # A chosen sentence that leans on the one before it is shown with it: that one is said too.
    brought = {other.unit.previous for other in chosen if other.unit.refers_back}
    return candidate.unit.text in brought or any(_same_fact(candidate.unit, other.unit) for other in chosen)


def _same_fact(first: Unit, second: Unit) -> bool:
    if first.figures and second.figures and (first.figures <= second.figures or second.figures <= first.figures):
        return True
    if first.language == second.language and first.stems and second.stems:
        return len(first.stems & second.stems) / len(first.stems | second.stems) > 0.5
    return False


def _adds_figures(candidate: _Scored, chosen: list[_Scored]) -> bool:
    known = frozenset().union(*(s.unit.figures for s in chosen))
    return bool(candidate.unit.figures - known)


def _render(chosen: list[_Scored], pool: list[Chunk], question: Question) -> Draft:
    numbers: dict[tuple[str, int | None], int] = {}
    used: dict[int, list[Chunk]] = {}
    lines: list[str] = []
    following = _following(pool)
    for index, scored in enumerate(chosen):
        unit, chunk = scored.unit, pool[scored.unit.passage]
        n = numbers.setdefault((chunk.document_id, chunk.page), len(numbers) + 1)
        for part in _parts(unit, pool, following):
            if part not in used.setdefault(n, []):
                used[n].append(part)
        said = any(unit.previous == other.unit.text for other in chosen[:index])
        # "This includes …" brings the sentence it leans on, unless that one is shown already.
        text = f"{unit.previous} {unit.text}" if unit.refers_back and unit.previous and not said else unit.text
        if unit.language != question.language:
            source = _LANGUAGE_NAMES[question.language][unit.language]
            text = render("quoted", question.language, text=text, source_language=source)
        lines.append(f"{'' if index == 0 else '• '}{text} [{n}]")
    citations = tuple(_citation(n, group) for n, group in used.items())
    return Draft("\n".join(lines), citations, covered=True)


def _parts(unit: Unit, pool: list[Chunk], following: dict[int, int]) -> list[Chunk]:
    """The chunk a unit comes from, and the next one when its sentence ends there (cited with it)."""
    chunk = pool[unit.passage]
    after = following.get(unit.passage)
    if after is None or unit.quote[-40:] in " ".join(chunk.text.split()):
        return [chunk]
    return [chunk, pool[after]]


def _citation(n: int, chunks: list[Chunk]) -> Citation:
    ordered = sorted(chunks, key=lambda chunk: chunk.order)
    return Citation.of(n, chunks[0], "\n\n".join(chunk.text for chunk in ordered))


def _overview_focus() -> tuple[frozenset[str], ...]:
    return tuple(frozenset({stem}) for stem in dict.fromkeys(terms(OVERVIEW, "en") + terms(OVERVIEW, "de")))
