"""The answer engine: understand the question, retrieve from the served index, then compose (or
let the model write), verify and guard.

This is all a bot replica needs; it never writes the index.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date

from knowledge import metrics
from knowledge.answer.advice import AdviceDetector
from knowledge.answer.composer import Draft, compose, nearest
from knowledge.answer.followup import Context, resolve
from knowledge.answer.generator import Generator
from knowledge.answer.guard import guard
from knowledge.answer.movement import catalysts, explain, window
from knowledge.answer.question import Question, understand
from knowledge.answer.retriever import Retrieval, Retriever
from knowledge.answer.writer import ModelWriter
from knowledge.catalog import Catalog
from knowledge.index.embedder import Embedder
from knowledge.index.serving import IndexView, ServingIndex
from knowledge.market.move import Move
from knowledge.market.prices import Prices
from knowledge.market.when import asked
from knowledge.prompts import render
from knowledge.records import Answer, Chunk
from knowledge.settings import Settings
from knowledge.sources.reader import params_of
from knowledge.text.companies import Companies
from knowledge.text.language import detect
from knowledge.text.normalizer import normalize_question

log = logging.getLogger(__name__)


class AnswerEngine:
    """Answers questions from the published index and the stored prices, guarded and disclaimed."""

    def __init__(
        self,
        settings: Settings,
        catalog: Catalog,
        serving: ServingIndex,
        embedder: Callable[[], Embedder],
        generator: Generator | None,
    ) -> None:
        self.settings, self.catalog, self.serving = settings, catalog, serving
        self._embedder, self.generator = embedder, generator
        self.prices = Prices(settings, catalog)
        self._advice = AdviceDetector(embedder)
        # The advice check embeds the question while retrieval embeds its expanded query: two model
        # runs, one per core, instead of one after the other (~3 ms of every answer).
        self._beside = ThreadPoolExecutor(max_workers=2, thread_name_prefix="advice-check")
        self._companies: tuple[int, Companies] | None = None
        self._writer = ModelWriter(settings, generator) if generator is not None else None

    @property
    def companies(self) -> Companies:
        """The packaged aliases plus the names EDGAR gave, as of the generation being served."""
        generation = self.serving.view().generation
        if self._companies is None or self._companies[0] != generation:
            self._companies = (generation, _companies(self.catalog))
        return self._companies[1]

    def understand(self, text: str, context: Context | None = None) -> Question:
        """The question read, with a follow-up's missing company or topic taken from the context."""
        text = normalize_question(text)
        language = detect(text, context.language if context else "en")
        resolved = resolve(text, context, self.companies)
        return understand(resolved.text, language, self.companies, resolved.tickers)

    def ask(self, question: str, context: Context | None = None) -> Answer:
        """Answer (blocking): offline at once, or through the model within its timeout."""
        if self.generator is None:
            started = time.monotonic()
            understood = self.understand(question, context)
            view = self.serving.view()  # one generation for the whole answer, never a mix
            if view.building:
                return _counted(_building(question, understood), started)
            found, answer = self._offline_answer(question, understood, view)
            return _counted(_noted(answer, found), started)
        return asyncio.run(self._answer_once(question, context))

    async def _answer_once(self, question: str, context: Context | None) -> Answer:
        try:
            return await self.answer(question, context=context)
        finally:
            await self.aclose()

    async def aclose(self) -> None:
        """Close the model client's connections (they belong to the running event loop)."""
        if self.generator is not None:
            await self.generator.aclose()

    async def answer(
        self, question: str, on_text: Callable[[str], None] | None = None, context: Context | None = None
    ) -> Answer:
        """Answer, with the model when one is configured; `on_text` sees the checked text as it grows.

        Never takes longer than LLM_TIMEOUT_SECONDS: past that, or when the model fails, the
        offline answer is returned with a note saying what happened.
        """
        started = time.monotonic()
        understood = self.understand(question, context)
        view = self.serving.view()  # one generation for the whole answer, never a mix
        if view.building:
            return _counted(_building(question, understood), started)
        found, offline = await asyncio.to_thread(self._offline_answer, question, understood, view)
        if self._writer is None or not found.covered or not offline.grounded:
            return _counted(_noted(offline, found), started)
        return _counted(_noted(await self._writer.write(understood, found, offline, on_text), found), started)

    def retrieve(self, question: str | Question, top_k: int | None = None, view: IndexView | None = None) -> Retrieval:
        """The ranked passages for a question, as the answer would use them."""
        understood = self.understand(question) if isinstance(question, str) else question
        view = view or self.serving.view()
        retriever = Retriever(view, self._embedder(), self.companies, top_k or self.settings.top_k)
        return retriever.retrieve(understood)

    def _offline_answer(self, text: str, question: Question, view: IndexView) -> tuple[Retrieval, Answer]:
        """Retrieval and the advice check side by side, then the extractive answer."""
        self._embedder()  # loaded here first: the two threads must not both load it
        advice = self._beside.submit(self._advice.detect, question.text)
        found = self.retrieve(question, view=view)
        return found, self._offline(text, question, found, view, advice.result())

    def _offline(self, text: str, question: Question, found: Retrieval, view: IndexView, advice: bool) -> Answer:
        move = self._move(question) if question.kind == "move" and question.tickers else None
        if move is not None:
            draft, markers = self._explain_move(question, move, view)
        else:
            draft, markers = self._compose(question, found, advice, view), ()
            if question.kind == "move" and question.tickers and draft.covered:
                company = self.companies.display(question.tickers[0])
                missing = render("move_no_prices", question.language, company=company)
                draft = replace(draft, text=f"{draft.text}\n{missing}")
        return guard(
            Answer(
                question=text,
                text=draft.text,
                citations=draft.citations,
                disclaimer="",
                language=question.language,
                advice_request=advice,
                grounded=draft.covered and (found.covered or move is not None),
                nearest=not draft.covered and bool(draft.text) and found.covered,
                move=move,
                catalysts=markers,
                tickers=question.tickers,
                topic=question.text,
                generation=view.generation,
            )
        )

    def _compose(self, question: Question, found: Retrieval, advice: bool, view: IndexView) -> Draft:
        if advice and question.tickers:
            # An advice request gets the facts about the company instead of a call.
            question = replace(question, kind="overview", focus=())
        # One fetch per page for the whole answer: two passages of a page, or the closest-passage
        # pass after the composer, would otherwise ask the store for it again.
        around = _Neighbours(view)
        draft = compose(question, found.passages, self.companies, around)
        if draft.covered or advice or not found.covered:
            return draft
        return nearest(question, found.passages, self.companies, around)

    def _move(self, question: Question) -> Move | None:
        ticker = next((t for t in question.tickers if self.prices.book.last_session(t)), None)
        if ticker is None:
            return None
        when = asked(question.core, date.today())
        return self.prices.move(ticker, when, self._results_date(ticker) if when.period == "earnings" else None)

    def _explain_move(
        self, question: Question, move: Move, view: IndexView
    ) -> tuple[Draft, tuple[tuple[str, str], ...]]:
        start, end = window(move)
        documents = [
            row.id
            for row in self.catalog.documents()
            if move.ticker in row.tickers.split(",")
            and row.published
            and start.isoformat() <= row.published
            and row.published <= end.isoformat()
        ]
        chunks = view.read(view.keyword.ids_of(documents))
        found = catalysts(question, move, chunks, self.companies)
        name = self.companies.display(move.ticker)
        draft = explain(question, move, name, found)
        cited = {citation.document_id for citation in draft.citations}
        markers = tuple((c.published.isoformat(), c.chunk.document_id) for c in found if c.chunk.document_id in cited)
        return draft, tuple(dict.fromkeys(markers))

    def _results_date(self, ticker: str) -> date | None:
        """When the company last reported results, by the newest filing or results document about it."""
        dates = [
            date.fromisoformat(row.published)
            for row in self.catalog.documents()
            if ticker in row.tickers.split(",") and row.published and _is_results(row.title)
        ]
        return max(dates) if dates else None


def _noted(answer: Answer, found: Retrieval) -> Answer:
    """One line under an answer drawn from the keyword index alone (the vector store was down)."""
    if not found.keyword_only:
        return answer
    note = render("keyword_only", answer.language)
    return replace(answer, text=f"{answer.text}\n\n{note}", notes=(*answer.notes, note))


def _building(text: str, question: Question) -> Answer:
    """Before the first index is published: "ask again in a minute", not "not covered"."""
    language = question.language
    notice = render("index_building", language)
    return Answer(text, notice, (), render("disclaimer", language), language, False, False, mode="building")


def _counted(answer: Answer, started: float) -> Answer:
    outcome = "advice" if answer.advice_request else "answered" if answer.grounded else "not_covered"
    if answer.mode == "building":
        outcome = "building"
    metrics.record_answer(answer.mode, outcome, time.monotonic() - started, answer.dropped_sentences)
    return answer


def _is_results(title: str) -> bool:
    lowered = title.lower()
    return any(word in lowered for word in ("results", "earnings", "quartal", "zahlen", "10-q", "10-k", "20-f", "6-k"))


class _Neighbours:
    """The chunks around retrieved ones, as the served generation lists them; one fetch per page."""

    def __init__(self, view: IndexView) -> None:
        self._view = view
        self._pages: dict[tuple[str, int | None], list[Chunk]] = {}

    def page(self, chunk: Chunk) -> list[Chunk]:
        key = (chunk.document_id, chunk.page)
        if key not in self._pages:
            near = [chunk.sibling_id(offset) for offset in range(-4, 5)]
            found = self._fetch([id_ for id_ in near if id_])
            self._pages[key] = sorted((c for c in found if c.page == chunk.page), key=lambda c: c.order)
        return self._pages[key] or [chunk]

    def following(self, chunks: list[Chunk]) -> list[Chunk]:
        return self._fetch([id_ for id_ in (chunk.sibling_id(1) for chunk in chunks) if id_])

    def _fetch(self, ids: list[str]) -> list[Chunk]:
        return self._view.read([id_ for id_ in ids if id_ in self._view.keyword])


def _companies(catalog: Catalog) -> Companies:
    """The packaged aliases plus the company names EDGAR reported for the filings sources."""
    extra: dict[str, list[str]] = {}
    for source in catalog.sources():
        state = params_of(source).get("state", {})
        if source.kind == "edgar" and state.get("company") and state.get("tickers"):
            extra.setdefault(str(state["tickers"][0]).upper(), []).append(str(state["company"]))
    return Companies.default().extended(extra) if extra else Companies.default()
