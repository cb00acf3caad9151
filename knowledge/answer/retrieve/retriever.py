"""Hybrid retrieval: dense (Chroma) and keyword (BM25) results fused by rank, aware of companies and dates."""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from knowledge.answer.understand.query import years
from knowledge.answer.understand.question import Question
from knowledge.index.embedder import Embedder
from knowledge.index.serving import IndexView
from knowledge.index.statements import StatementHints, hints
from knowledge.index.store import StoreError
from knowledge.records import Chunk, Passage
from knowledge.text.companies import Companies
from knowledge.text.concepts import drivers_of
from knowledge.text.lexicon import expand
from knowledge.text.terms import terms

log = logging.getLogger(__name__)

_RRF_K = 60
_CANDIDATES = 100
# Extra dense candidates, for those the generation does not list (a writer's unpublished chunks).
_DENSE_HEADROOM = 50
# Multipliers on the fused score, measured on FinanceBench dev (benchmarks/financebench.py).
_NAMED_STATEMENT = 2.5  # "using the cash flow statement" -> that statement's pages
_IMPLIED_STATEMENT = 1.6  # "capex" -> the cash flow statement
_IMPLIED_STATEMENT_CAUSE = 1.25  # "why did the margin fall?": the MD&A explains, the statement only shows
_YEAR_MATCH = 1.4  # "FY2018" -> documents of 2018
_NEXT_YEAR_MATCH = 1.15  # "FY2018" -> documents of 2019, whose statements compare with 2018
_CAUSE_EXTRA = 2  # passages more for a "why": the metric's row and the pages on its drivers
_LANGUAGE_MATCH = 1.25
# BM25's vote counts a little less than the embedding's: on FinanceBench dev recall@5 was 0.62 at
# 1.0, 0.64 at 0.4 and 0.8, 0.66 at 0.6 (wordy questions share many words with the wrong pages).
_KEYWORD_WEIGHT = 0.6
_STATEMENT_PRIOR = 1 / (_RRF_K + 10)  # a statement page found by its heading ranks like a good hit
_NEWS_INTENT = re.compile(
    r"\b(why|down|up|fall\w*|fell|drop\w*|slump\w*|ris\w*|rose|jump\w*|plung\w*|today|latest|news|recent\w*"
    r"|warum|wieso|weshalb|fällt|fallen|steigt|gestiegen|verliert|aktuell\w*|heute|neueste\w*)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Retrieval:
    """What retrieval found for a question and whether the sources cover it."""

    passages: tuple[Passage, ...]
    companies: tuple[str, ...]
    language: str
    covered: bool
    generation: int = 0  # the index generation every passage comes from
    keyword_only: bool = False  # the vector store could not be reached: keyword search alone


class Retriever:
    """Finds the passages that answer a question, in one generation of the index."""

    def __init__(self, view: IndexView, embedder: Embedder, companies: Companies, top_k: int = 6) -> None:
        self._view, self._store, self._embedder, self._keyword = view, view.store, embedder, view.keyword
        self._generation = view.generation
        self._companies, self._top_k = companies, top_k
        self._unreachable = False  # set when the vector store fails during this retrieval

    def retrieve(self, question: Question) -> Retrieval:
        language, named, core = question.language, question.tickers, question.core
        extra = expand(core)
        names = " ".join(name for ticker in named for name in self._companies.names(ticker)[:3])
        # The embedding model reads English: the German words of a German question add little there.
        # "What drove the operating margin?": filings answer with the cost lines as a percent of sales.
        asked = frozenset(token for group in question.focus for token in group)
        drivers = drivers_of(asked) if question.kind == "cause" else ""
        # "SG&A", "MG&A": the line items asked for, by their plain names, which the filing prints.
        items = " ".join(question.line_item_names)
        english = f"{extra.english} {items} {names} {drivers}"
        dense = self._dense(f"{core} {english}")
        search_terms = terms(core, language) + terms(english, "en") + terms(extra.german, "de")
        keyword = [
            (self._keyword.label(id_), score) for id_, score in self._keyword.search(search_terms, _CANDIDATES, named)
        ]
        fused = _fuse(dense, keyword)
        statements = hints(core)
        if named:
            fused = [passage for passage in fused if set(passage.chunk.tickers) & set(named)]
            statement_ids = self._statement_ids(statements, named)
            # A statement page the searches found ranks at least as one they missed would.
            wanted = set(statement_ids)
            fused = [_at_least(p, _STATEMENT_PRIOR) if p.chunk.id in wanted else p for p in fused]
            known = {passage.chunk.id for passage in fused}
            fused += [Passage(self._keyword.label(i), _STATEMENT_PRIOR) for i in statement_ids if i not in known]
        boosted = _one_per_page(self._boost(fused, question, statements))
        covered = bool(boosted) and self._covers(question, boosted)
        # A "why" is answered from more places: the metric's own row, then the pages on its drivers.
        shown = self._top_k + (_CAUSE_EXTRA if question.kind == "cause" else 0)
        passages = self._with_texts(boosted[:shown])
        return Retrieval(passages, named, language, covered, self._generation, keyword_only=self._unreachable)

    def _dense(self, query: str) -> list[tuple[Chunk, float]]:
        """Nearest chunks of this generation: others in the store (unpublished, superseded) are dropped."""
        try:
            found = self._store.nearest(self._embedder.embed([query])[0], _CANDIDATES + _DENSE_HEADROOM)
        except StoreError as error:  # the Chroma server is down: keyword search answers alone meanwhile
            log.warning("vector store unreachable, answering from the keyword index: %s", error)
            self._unreachable = True
            return []
        return [(self._keyword.label(id_), score) for id_, score in found if id_ in self._keyword][:_CANDIDATES]

    def _with_texts(self, passages: list[Passage]) -> tuple[Passage, ...]:
        """The passages shown, their texts fetched from the store (ranking used labels only)."""
        try:
            found = self._store.get([passage.chunk.id for passage in passages])
        except StoreError:
            self._unreachable = True
            found = self._view.read([passage.chunk.id for passage in passages])
        texts = {chunk.id: chunk for chunk in found}
        return tuple(Passage(texts[p.chunk.id], p.score, p.dense, p.keyword) for p in passages if p.chunk.id in texts)

    def _statement_ids(self, wanted: StatementHints, named: tuple[str, ...]) -> list[str]:
        """The statement pages the question asks for, even when neither search ranked them.

        A balance sheet answers "total current assets" in numbers that neither BM25 nor the
        embedding can match; the statement heading can.
        """
        sections = wanted.named | wanted.implied
        if not sections or not named:
            return []
        return self._keyword.statement_pages(frozenset(sections), named)

    def _boost(self, passages: list[Passage], question: Question, statements: StatementHints) -> list[Passage]:
        news, language = bool(_NEWS_INTENT.search(question.core)), question.language
        newest = max((p.chunk.published for p in passages if p.chunk.published), default=None)
        asked_years = years(question.core)
        # A year's outlook is given in the year before: "expected in FY2023" is in the FY2022 release.
        latest = max(asked_years, default=0)
        wanted = {latest, latest - 1} if question.kind == "forecast" else {latest} if latest else set()
        rescored = []
        for passage in passages:
            chunk, factor = passage.chunk, 1.0
            if news and newest is not None:
                factor *= _recency(chunk, newest)
            if chunk.language == language:
                factor *= _LANGUAGE_MATCH
            if chunk.section and chunk.section in statements.named:
                factor *= _NAMED_STATEMENT
            elif chunk.section and chunk.section in statements.implied:
                # "Why did the gross margin fall?" is answered in the MD&A more than on the statement.
                factor *= _IMPLIED_STATEMENT if question.kind != "cause" else _IMPLIED_STATEMENT_CAUSE
            published = set(_years_of(chunk))
            if wanted & published:
                factor *= _YEAR_MATCH
            elif question.needs_figure and {year + 1 for year in wanted} & published:
                factor *= _NEXT_YEAR_MATCH  # the next year's filing shows the asked year beside it
            rescored.append(Passage(chunk, passage.score * factor, passage.dense, passage.keyword))
        return sorted(rescored, key=lambda passage: -passage.score)

    def _covers(self, question: Question, passages: list[Passage]) -> bool:
        # A name we cannot resolve to a known company must at least occur in the corpus, or we would
        # answer a question about one company with another company's news.
        unknown = not question.tickers and question.subjects
        if unknown and not any(self._keyword.knows(stem) for stem in question.subjects):
            return False
        best_dense = max((passage.dense for passage in passages), default=0.0)
        return best_dense >= 0.2 or any(passage.keyword > 0 for passage in passages)


def _fuse(dense: list[tuple[Chunk, float]], keyword: list[tuple[Chunk, float]]) -> list[Passage]:
    scores: dict[str, list[float]] = {}
    chunks: dict[str, Chunk] = {}
    for rank, (chunk, similarity) in enumerate(dense):
        chunks[chunk.id] = chunk
        scores.setdefault(chunk.id, [0.0, 0.0, 0.0])
        scores[chunk.id][0] += 1.0 / (_RRF_K + rank + 1)
        scores[chunk.id][1] = similarity
    for rank, (chunk, score) in enumerate(keyword):
        chunks[chunk.id] = chunk
        scores.setdefault(chunk.id, [0.0, 0.0, 0.0])
        scores[chunk.id][0] += _KEYWORD_WEIGHT / (_RRF_K + rank + 1)
        scores[chunk.id][2] = score
    return [
        Passage(chunks[id_], fused, dense_score, keyword_score)
        for id_, (fused, dense_score, keyword_score) in scores.items()
    ]


def _at_least(passage: Passage, score: float) -> Passage:
    return passage if passage.score >= score else Passage(passage.chunk, score, passage.dense, passage.keyword)


def _one_per_page(passages: list[Passage]) -> list[Passage]:
    """The best chunk of each PDF page: five chunks of one page would crowd out four other pages."""
    seen: set[tuple[str, int]] = set()
    kept = []
    for passage in passages:
        if passage.chunk.page is not None:
            key = (passage.chunk.document_id, passage.chunk.page)
            if key in seen:
                continue
            seen.add(key)
        kept.append(passage)
    return kept


def _years_of(chunk: Chunk) -> tuple[int, ...]:
    found = _title_years(chunk.title)
    return found or ((chunk.published.year,) if chunk.published else ())


@cache
def _title_years(title: str) -> tuple[int, ...]:
    return years(title)


def _recency(chunk: Chunk, newest: date) -> float:
    # News questions ("why is X down") want the latest pieces; a month-old article keeps about 60 %.
    if chunk.published is None:
        return 0.6
    age = max(0, (newest - chunk.published).days)
    return 0.4 + 0.6 * math.exp(-age / 30)
