"""Whether the sources answer a question, decided from retrieval's evidence by meaning.

Enters: the question understood, its retrieved passages (and the pages around them). Leaves: how
near the best line comes to what is asked (the embedding model's similarity of the question's
focus with each sentence and row label, plus a small boost where the lexicon's words match too),
whether the asked company's document for the asked period was found, and the best lines by that
measure, drafted with their citations.

The engine answers when the nearness reaches a threshold fitted on labelled answerable and
unanswerable questions (`benchmarks/coverage.py`); the word lists only add to the measure, so a
company's own wording of a line item ("Capital spending") or a question's abbreviation ("capex")
is no reason to refuse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.answer.compose.draft import Draft, write
from knowledge.answer.compose.eligibility import DATE, RATE, speaks_of_year
from knowledge.answer.compose.matching import matches
from knowledge.answer.compose.meaning import Meaning
from knowledge.answer.compose.pool import Neighbours, find_documents, gather, read_units
from knowledge.answer.compose.scoring import Scored, weigh_month
from knowledge.answer.compose.selection import MAX_POINTS, same_fact
from knowledge.answer.compose.unit import Unit
from knowledge.answer.understand.query import asks_full_year, ending_quarters, quarters
from knowledge.answer.understand.question import Question
from knowledge.records import Chunk, Passage
from knowledge.text.companies import Companies
from knowledge.text.lexicon import expand

_WORDS_BOOST = 0.15  # the lexicon's words found in the line (all of them: the full boost)
_LANGUAGE_BOOST = 0.03  # a line in the question's language, when two come equally near
_RANK_BOOST = 0.05  # a line of the best passage, falling off with the passage's rank
# Lines embedded per question at most, those the words and the passage's rank favour first: on the
# labelled coverage questions (`benchmarks/coverage.py`) the nearest line was among these in all
# but three (whose decisions stayed the same); 16 or 24 refused one answerable question more. A line
# costs ~1-2 ms of CPU to embed.
_LINES = 32
_NOISE = re.compile(r"\s+")


@dataclass(frozen=True)
class Evidence:
    """How well the retrieved sources answer the question, and the lines that answer best."""

    nearness: float  # the best line's similarity to the question's focus, words boosted
    period: bool  # a document of the asked company for the asked period (if any) is among them
    draft: Draft  # the best lines by nearness, cited

    def answers(self, threshold: float) -> bool:
        return self.period and self.nearness >= threshold


def weigh(
    question: Question,
    passages: tuple[Passage, ...],
    companies: Companies,
    meaning: Meaning | None,
    around: Neighbours,
) -> Evidence:
    """Weigh the passages' lines against the question's focus; without `meaning`, only find
    whether the asked period is there (lines the words matched need no nearness)."""
    pool, tails = gather(passages, around)
    about = find_documents(question, pool)
    lines = [unit for unit in read_units(pool, tails) if _about(unit, question, pool[unit.passage], companies, about)]
    dated = [unit for unit in lines if not question.years or speaks_of_year(unit, question, pool[unit.passage])]
    period = bool(dated) and _in_period(question, dated, pool)
    if meaning is None:
        return Evidence(0.0, period, Draft("", (), covered=False))
    lines = _likeliest([unit for unit in dated if _may_answer(unit, question, pool[unit.passage])], question)
    near = meaning.compare(focus_of(question, companies), lines)
    pairs = zip(lines, near, strict=True)
    scored = sorted((Scored(unit, _boosted(unit, near, question), near, True) for unit, near in pairs), key=_first)
    if not scored:
        return Evidence(0.0, period, Draft("", (), covered=False))
    return Evidence(scored[0].score, period, write(_best(scored), pool, question))


def focus_of(question: Question, companies: Companies) -> str:
    """The question without the company's names, with the plain names of the line items it asks
    for ("capex": "capital expenditures") and, for a question not in English, the lexicon's English
    words for its terms (the embedding model reads English best)."""
    text = question.core
    for name in companies.mentions(text):
        text = text.replace(name, " ")
    english = expand(question.core).english if question.language != "en" else ""
    return _NOISE.sub(" ", " ".join([text, *question.line_item_names, english])).strip()


def _about(unit: Unit, question: Question, chunk: Chunk, companies: Companies, about: set[str]) -> bool:
    """A line of a document about the company asked, naming no other company instead."""
    if chunk.document_id not in about:
        return False
    named = set(companies.find(unit.text))
    return not (question.tickers and named and not named & set(question.tickers))


def _in_period(question: Question, dated: list[Unit], pool: list[Chunk]) -> bool:
    """Does a line speak of the month or the quarter asked ("retail sales in December", "Q3 2023")?
    A filing of another quarter, or news of another month, holds the same line items for the wrong span."""
    # A month is found where a line names it, or the calendar quarter it falls in ("as of August 30"
    # is answered by "in the third quarter").
    within = ending_quarters(question.core, question.months)
    named = (weigh_month(unit.text, question) > 0 or within & quarters(unit.text) for unit in dated)
    if question.months and not any(named):
        return False
    asked = quarters(question.core)
    if asks_full_year(question.core):
        # "Net income for the full year 2022": a quarterly report's columns (titled "2023Q1") are not it.
        return any(not quarters(pool[unit.passage].title) - {4} for unit in dated)
    return not asked or any(asked & quarters(_where(unit, pool[unit.passage])) for unit in dated)


def _where(unit: Unit, chunk: Chunk) -> str:
    return f"{unit.text} {unit.heading} {unit.lead} {chunk.title}"


def _may_answer(unit: Unit, question: Question, chunk: Chunk) -> bool:
    """A line of the kind asked for (a figure, a date); a row where a row can answer (not a "why",
    nor a forecast from a statement of what happened)."""
    if question.needs_figure and not unit.figures and not RATE.search(unit.text):
        return False
    if question.kind == "date" and not DATE.search(unit.text):
        return False
    if unit.kind == "row" and question.kind == "forecast":
        return not chunk.section
    return unit.kind != "row" or question.kind not in ("cause", "list", "date")


def _likeliest(lines: list[Unit], question: Question) -> list[Unit]:
    """The lines likeliest to come nearest, by what is known before embedding them: the boosts
    their nearness gets (the lexicon's words they hold, their passage's rank, their language).
    Equally boosted lines keep their order (the best passages' first)."""
    return sorted(lines, key=lambda unit: -_boosted(unit, 0.0, question))[:_LINES]


def _first(scored: Scored) -> float:
    return -scored.score


def _boosted(unit: Unit, similarity: float, question: Question) -> float:
    words = sum(matches(group, unit.stems) for group in question.focus) / len(question.focus) if question.focus else 0
    language = _LANGUAGE_BOOST if unit.language == question.language else 0.0
    return similarity + _WORDS_BOOST * words + language + _RANK_BOOST / (1 + unit.passage)


def _best(scored: list[Scored]) -> list[Scored]:
    """The nearest line and the next ones nearly as near, one fact once."""
    lead = scored[0]
    chosen = [lead]
    for candidate in scored[1:]:
        if len(chosen) > MAX_POINTS or candidate.score < lead.score - 0.1:
            break
        if not any(same_fact(candidate.unit, other.unit) for other in chosen):
            chosen.append(candidate)
    return chosen
