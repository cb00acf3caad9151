"""Scoring: how well each eligible line answers the question.

In: a `Unit` of the pool, the question understood, the pool's chunks and the known companies.
Out: a `Scored` line (or None for a line about another company, or one that may not answer):
how much of the question it covers, in its words and its paragraph's, with bonuses for a cause,
a figure, the asked month, year and span, and a row label that names what is asked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from knowledge.answer.compose.eligibility import CAUSE, Coverage, qualifies
from knowledge.answer.compose.matching import matches
from knowledge.answer.compose.pool import join_pages
from knowledge.answer.compose.unit import Unit
from knowledge.answer.understand.question import MONTHS, QUARTER, Question
from knowledge.index.statements import hints
from knowledge.records import Chunk
from knowledge.text.companies import Companies
from knowledge.text.concepts import concept_phrases, concepts, driven_by
from knowledge.text.terms import terms

_SHARE_OF_SALES = re.compile(r"\bas an? (?:percent(?:age)?|share) (?:of|to) (?:net )?(?:sales|revenues?)\b", re.I)
_NEGATIONS = frozenset({"not", "nicht"})
_SEGMENT = re.compile(r"\bsegment(?:s|e|en)?\b", re.I)
OVERVIEW = (
    "latest news shares fell rose revenue growth grew profit operating margin losses subsidies competition "
    "risks pressure weak users invest downloads Umsatz Wachstum Gewinn Marge Wettbewerb Risiken Druck Nutzer"
)
_SPAN = re.compile(r"\b(?:six|nine|twelve)\s+months\b|\bfull[- ]year\b|\b(?:halbjahr|neun\s+monate)", re.IGNORECASE)
_QUARTER_TITLE = re.compile(r"^\s*(?:FIRST|SECOND|THIRD|FOURTH)\s+QUARTER\s*$", re.MULTILINE)
_SPAN_TITLE = re.compile(r"^\s*(?:SIX|NINE|TWELVE)\s+MONTHS\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Scored:
    """A line with its score and how much of the question it covers."""

    unit: Unit
    score: float
    coverage: float
    own: bool  # names the company asked about (or no company was asked)


def score(unit: Unit, question: Question, pool: list[Chunk], companies: Companies) -> Scored | None:
    """The line's score for the question, or None if it is about another company or may not answer."""
    chunk = pool[unit.passage]
    focus = question.focus or (_overview_focus() if question.kind in ("overview", "move", "cause", "other") else ())
    # The paragraph's opening, the section heading and the document's title say what a sentence
    # is about, too (a title such as "fiscal 2031 highlights" covers every line of that document).
    context = f"{unit.lead} {unit.heading} {chunk.title} {unit.previous if unit.refers_back else ''}"
    around = frozenset(terms(context, unit.language)) | concepts(context)[1] if context.strip() else frozenset()
    stems = unit.stems
    if question.kind == "cause":
        stems, around = stems | _explains(unit.text, stems), around | _explains(context, around)
    direct = [matches(group, stems) for group in focus]
    matched = [d or matches(group, around) for d, group in zip(direct, focus, strict=True)]
    coverage = sum(matched) / len(matched) if matched else 0.0
    directly = sum(direct) / len(direct) if direct else 0.0
    # A sentence naming no company ("the group") is about the one its paragraph opens with.
    named = set(companies.find(unit.text)) or set(companies.find(unit.lead))
    own = not question.tickers or bool(named & set(question.tickers)) or not named
    if question.tickers and named and not named & set(question.tickers) and question.kind != "list":
        return None  # another company's news
    if not qualifies(unit, question, Coverage(question.focus, matched, direct), chunk):
        return None
    value = 2.0 * coverage + directly + 1.5 / (1 + unit.passage) + (1.0 if unit.language == question.language else 0.0)
    value += weigh_month(unit.text, question)
    if question.kind in ("cause", "move") and unit.kind != "row":
        value += 1.2 if CAUSE.search(unit.text) else -0.5
        value += 0.8 if named & set(question.tickers) else 0.0  # the company's own drivers first
        # A segment's margin explains the company's only in part; asked about segments, it is the answer.
        value -= 0.5 if _SEGMENT.search(unit.text) and not _SEGMENT.search(question.core) else 0.0
    if question.needs_figure or question.kind == "comparison":
        value += 0.6 if unit.figures else 0.0
    if unit.kind == "row":
        value += _row_fit(unit, question) + (1.5 if question.kind == "cause" else 0.0)  # how far it moved, first
        # A row that shows the asked year's column says more than one whose columns are unknown.
        value += 1.0 if set(unit.years) & set(question.years) else 0.0
        # A release prints the quarter's table and the year's: the one of the span asked for.
        quarter = bool(QUARTER.search(question.core))
        value -= 0.8 if unit.period and (unit.period == "quarter") != quarter else 0.0
        value += 0.6 if chunk.section and chunk.section in _statements(question.core) else 0.0
    if question.kind == "list":
        value += 0.7 * len(named - set(question.tickers))  # a list of names is the answer
    if unit.refers_back and not unit.previous:
        value -= 1.0
    return Scored(unit, value, coverage, own)


def favour_period(scored: list[Scored], pool: list[Chunk]) -> list[Scored]:
    """For a question about a quarter, a page titled with the quarter ("SECOND QUARTER") before one
    titled with a longer span ("SIX MONTHS"): both hold the same rows under the same heading."""
    texts = join_pages(pool)

    def fit(unit: Unit) -> float:
        chunk = pool[unit.passage]
        text = texts[(chunk.document_id, chunk.page)] if chunk.page is not None else ""
        # A column title on a line of its own ("SECOND QUARTER", "SIX MONTHS") says it best.
        quarter, span = bool(_QUARTER_TITLE.search(text)), bool(_SPAN_TITLE.search(text))
        if quarter == span:
            quarter, span = bool(QUARTER.search(text)), bool(_SPAN.search(text))
        return 0.0 if quarter == span else 1.0 if quarter else -1.0

    return [replace(s, score=s.score + fit(s.unit)) for s in scored]


def weigh_month(text: str, question: Question) -> float:
    """Prefer sentences about the month asked for; a sentence about another month only is wrong."""
    if not question.months:
        return 0.0
    named = {number for name, number in MONTHS.items() if re.search(rf"\b{name}\b", text, re.IGNORECASE)}
    if named & question.months:
        return 1.5
    return -1.0 if named else 0.0


def _explains(text: str, stems: frozenset[str]) -> frozenset[str]:
    """The margins a sentence on a cost line as a percent of sales explains ("Cost of products sold
    increased as a percent to sales driven by: …" is why the gross margin moved)."""
    if not _SHARE_OF_SALES.search(text):
        return frozenset()
    return frozenset(metric for line in stems if line.endswith("concept") for metric in driven_by(line))


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


def _overview_focus() -> tuple[frozenset[str], ...]:
    return tuple(frozenset({stem}) for stem in dict.fromkeys(terms(OVERVIEW, "en") + terms(OVERVIEW, "de")))
