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
from datetime import date, timedelta

from knowledge import metrics
from knowledge.answer.check.counts import states_count
from knowledge.answer.check.guard import disclaimer, guard
from knowledge.answer.compose.composer import compose, nearest
from knowledge.answer.compose.draft import Draft
from knowledge.answer.compose.evidence import Evidence, weigh
from knowledge.answer.compose.meaning import Meaning
from knowledge.answer.compose.movement import catalysts, explain, window
from knowledge.answer.compute.facts import Facts, facts_text
from knowledge.answer.compute.figure import Figure, Input
from knowledge.answer.generate.generator import Generator
from knowledge.answer.generate.writer import ModelWriter
from knowledge.answer.record import Answer
from knowledge.answer.retrieve.retriever import Retrieval, Retriever
from knowledge.answer.understand.abbreviation import asks_abbreviated, spelled_out
from knowledge.answer.understand.advice import AdviceDetector
from knowledge.answer.understand.followup import Context, resolve
from knowledge.answer.understand.move import MoveReading
from knowledge.answer.understand.question import Question, asks_count, understand
from knowledge.answer.understand.smalltalk import SmallTalk
from knowledge.catalog import Catalog
from knowledge.index.embedder import Embedder
from knowledge.index.recent import remembering
from knowledge.index.serving import IndexView, ServingIndex
from knowledge.market.move import Move
from knowledge.market.prices import Prices
from knowledge.market.when import asked
from knowledge.prompts import render
from knowledge.records import Chunk
from knowledge.settings import Settings
from knowledge.sources.reader import params_of
from knowledge.text.companies import Companies
from knowledge.text.language import detect
from knowledge.text.normalizer import normalize_question
from knowledge.text.policy import Policy
from knowledge.text.wording import everywhere

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
        # The stages below embed the same lines (coverage weighs a sentence, then the policy judges
        # it): they share one memory of recent vectors.
        embedder = remembering(embedder)
        self.prices = Prices(settings, catalog)
        self._advice = AdviceDetector(embedder, cache_dir=settings.models_dir)
        self._move_reading = MoveReading(embedder, cache_dir=settings.models_dir)
        self._small_talk = SmallTalk(embedder, cache_dir=settings.models_dir)
        self._meaning = Meaning(embedder)
        self._policy = Policy(embedder, settings.models_dir)
        # The advice check embeds the question while retrieval embeds its expanded query: two model
        # runs, one per core, instead of one after the other (~3 ms of every answer).
        self._beside = ThreadPoolExecutor(max_workers=2, thread_name_prefix="advice-check")
        self._companies: tuple[int, Companies] | None = None
        self._writer = ModelWriter(settings, generator, self._policy) if generator is not None else None
        self._facts = Facts(catalog, embedder)

    @property
    def companies(self) -> Companies:
        """The packaged aliases plus the names EDGAR gave, as of the generation being served."""
        generation = self.serving.view().generation
        if self._companies is None or self._companies[0] != generation:
            self._companies = (generation, _companies(self.catalog))
        return self._companies[1]

    def warm(self) -> None:
        """Load the embedding model and the advice and policy readings (fitted, or read from the
        model cache) now: the first question (an inline query, with seconds to spare) must not wait."""
        self._embedder()
        self._advice.detect("warm-up")
        self._move_reading.score("warm-up")
        self._small_talk.score("warm-up")
        self._policy.warm()

    def understand(self, text: str, context: Context | None = None) -> Question:
        """The question read, with a follow-up's missing company or topic taken from the context."""
        text = normalize_question(text)
        language = detect(text, context.language if context else "en")
        resolved = resolve(text, context, self.companies, self.serving.view().keyword.knows)
        question = understand(resolved.text, language, self.companies, resolved.tickers)
        if self._move_reading.asks(question):
            # "What hit X's stock in March?": the move and its catalysts, whatever verb asked for them.
            question = replace(question, kind="move", focus=())
        elif self._small_talk.says(question):
            question = replace(question, kind="help", focus=())  # "ok cool", "are you an AI?"
        return question

    def ask(self, question: str, context: Context | None = None) -> Answer:
        """Answer (blocking): offline at once, or through the model within its timeout."""
        if self.generator is None:
            return self.brief(question, context=context)
        return asyncio.run(self._answer_once(question, context))

    def brief(
        self, question: str, *, move: bool = False, language: str | None = None, context: Context | None = None
    ) -> Answer:
        """The offline answer (blocking, never the model's): bounded work, for inline queries that
        Telegram wants answered within seconds. With `move`, the question is read as asking how
        the company it names moved (a bare ticker or name, answered in `language` if given)."""
        started = time.monotonic()
        understood = self.understand(question, context)
        if move and understood.tickers:
            understood = replace(understood, kind="move", language=language or understood.language)
        if understood.kind == "help":
            return _counted(_help(question, understood), started)
        view = self.serving.view()  # one generation for the whole answer, never a mix
        if view.building:
            return _counted(_building(question, understood), started)
        found, answer = self._offline_answer(question, understood, view)
        return _counted(_noted(answer, found), started)

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
        if understood.kind == "help":
            return _counted(_help(question, understood), started)
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
        if asks_abbreviated(question):  # "S&M": the company's own rows say what it stands for
            labels = self._facts.labels(question, found.passages)
            spelled = spelled_out(question, labels, self.companies)
            if spelled is not None:
                question, found = spelled, self.retrieve(spelled, view=view)
        return found, self._offline(text, question, found, view, advice.result())

    def _offline(self, text: str, question: Question, found: Retrieval, view: IndexView, advice: bool) -> Answer:
        move = self._move(question) if question.kind == "move" and question.tickers else None
        computed = ""
        if move is not None:
            draft, markers = self._explain_move(question, move, view)
        else:
            draft, markers = self._compose(question, found, advice, view), ()
            # Computed figures and rows read by structure go first, each input cited.
            names = tuple(name for ticker in question.tickers for name in self.companies.names(ticker))
            figures = self._facts.figures(question, found.passages, names) if not advice else []
            # A ratio of the company's totals is not the ratio of the part asked ("Services gross
            # margin"): it is left out, and the lines that speak of the part answer.
            figures = [f for f in figures if not f.result or _of_the_part(question, f.inputs, found)]
            draft = self._facts.add(self._facts.restate_rows(draft, question, bool(figures)), figures, found.passages)
            computed = facts_text(figures)
            if draft.covered and not _speaks_of_specifics(question, draft, found, figures):
                # "Net sales in India": total net sales answer another question; shown as the closest.
                draft, computed = replace(draft, covered=False), ""
            if draft.covered and asks_count(question.core) and not states_count(draft.text, question.language):
                # "How many iPhones …": a line of sales in dollars counts nothing.
                draft, computed = replace(draft, covered=False), ""
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
                computed=computed,
            ),
            self._policy,
        )

    def weigh(self, question: str) -> tuple[Draft, Evidence | None]:
        """The word-matched draft and the evidence by meaning, both as an answer would weigh them
        (for fitting and checking the coverage threshold: `benchmarks/coverage.py`)."""
        understood = self.understand(question)
        view = self.serving.view()
        found = self.retrieve(understood, view=view)
        around = _Neighbours(view)
        draft = compose(understood, found.passages, self.companies, around)
        return draft, self._evidence(understood, found, around)

    def explain_move(self, ticker: str, language: str) -> Answer | None:
        """The "why is it moving" answer for a ticker's latest session (for alerts), or None without bars."""
        text = render("push_move_question", language, company=self.companies.display(ticker))
        question = Question(text, text, language, (ticker,), "move")
        move = self._move(question)
        if move is None:
            return None
        view = self.serving.view()
        draft, markers = self._explain_move(question, move, view)
        answer = Answer(
            question=text,
            text=draft.text,
            citations=draft.citations,
            disclaimer="",
            language=language,
            advice_request=False,
            grounded=True,
            move=move,
            catalysts=markers,
            tickers=(ticker,),
            topic=text,
            generation=view.generation,
        )
        return guard(answer, self._policy)

    def _compose(self, question: Question, found: Retrieval, advice: bool, view: IndexView) -> Draft:
        # "What will X's revenue be in 2026?" asks for a forecast of a line item: what the company
        # itself guided, where the sources hold it, else that they do not (the notice says the bot
        # makes no forecast). Other advice requests get the facts about the company instead of a call.
        forecast = (
            advice
            and question.kind == "forecast"
            and any(token.endswith("concept") for group in question.focus for token in group)
        )
        if advice and question.tickers and not forecast:
            question = replace(question, kind="overview", focus=())
        # One fetch per page for the whole answer: two passages of a page, or the closest-passage
        # pass after the composer, would otherwise ask the store for it again.
        around = _Neighbours(view)
        draft = compose(question, found.passages, self.companies, around, self._policy)
        if (advice and not forecast) or not found.covered:
            return draft
        # Lines the words matched answer in the asked period; else the nearest lines by meaning may.
        evidence = self._evidence(question, found, around, by_meaning=not draft.covered)
        if draft.covered and (evidence is None or evidence.period):
            return draft
        if evidence is not None and evidence.answers(self.settings.coverage_threshold):
            return evidence.draft
        return nearest(question, found.passages, self.companies, around, self._policy)

    def _evidence(
        self, question: Question, found: Retrieval, around: _Neighbours, by_meaning: bool = True
    ) -> Evidence | None:
        """The evidence, for a question that names something to find (not a bare "why?"); its
        nearness by meaning only where asked (the embedding of each line costs)."""
        if not question.focus or question.kind == "move" or not found.passages:
            return None
        return weigh(question, found.passages, self.companies, self._meaning if by_meaning else None, around)

    def _move(self, question: Question) -> Move | None:
        sessions = ((t, self.prices.book.last_session(t)) for t in question.tickers)
        ticker, last = next(((t, last) for t, last in sessions if last), (None, None))
        if ticker is None or last is None:
            return None
        # "last Friday" is read against the prices' own today: archived (or sample) prices are
        # asked about as of their last session, live ones as of today.
        when = asked(question.core, min(date.today(), last + timedelta(days=1)))
        results = self._results_date(ticker, last) if when.period == "earnings" else None
        return self.prices.move(ticker, when, results)

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
        if move.period_start is None and asked(question.core, date.today()).period == "earnings":
            # "since earnings" with no results document: the latest session, and the answer says so.
            first, _, rest = draft.text.partition("\n")
            note = render("move_no_results", question.language, company=name)
            draft = replace(draft, text=f"{first}\n{note}\n{rest}")
        cited = {citation.document_id for citation in draft.citations}
        markers = tuple((c.published.isoformat(), c.chunk.document_id) for c in found if c.chunk.document_id in cited)
        return draft, tuple(dict.fromkeys(markers))

    def _results_date(self, ticker: str, last: date) -> date | None:
        """When the company last reported results (up to its last session), by the newest filing or
        results document about it."""
        dates = [
            date.fromisoformat(row.published[:10])
            for row in self.catalog.documents()
            if ticker in row.tickers.split(",") and row.published and _is_results(row.title)
        ]
        return max((day for day in dates if day <= last), default=None)


def _help(text: str, question: Question) -> Answer:
    """A greeting or "what can you do?": what the bot is for, in the question's language."""
    return Answer(
        question=text,
        text=render("help_answer", question.language),
        citations=(),
        disclaimer=disclaimer(question.language, cited=False),
        language=question.language,
        advice_request=False,
        grounded=False,
        topic=question.text,
        mode="help",
    )


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
    return Answer(text, notice, (), disclaimer(language, cited=False), language, False, False, mode="building")


def _counted(answer: Answer, started: float) -> Answer:
    outcome = "advice" if answer.advice_request else "answered" if answer.grounded else "not_covered"
    if answer.mode in ("building", "help"):
        outcome = answer.mode
    metrics.record_answer(answer.mode, outcome, time.monotonic() - started, answer.dropped_sentences)
    return answer


def _is_results(title: str) -> bool:
    lowered = title.lower()
    return any(word in lowered for word in everywhere("dates", "results_titles"))


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


def _of_the_part(question: Question, inputs: tuple[Input, ...], found: Retrieval, measures: bool = False) -> bool:
    """Does each row name the part asked (and, with `measures`, the measure): itself, its table's
    titles or the retrieved text of its page ("Orbit Rewards" in a title over "Revenue")?"""
    if not question.specifics and not (measures and question.measures):
        return True  # most questions name no part: no page text to gather
    pages: dict[tuple[str, int | None], str] = {}
    for passage in found.passages:
        key = (passage.chunk.document_id, passage.chunk.page)
        pages[key] = f"{pages.get(key, '')} {passage.chunk.text}"
    where = [
        f"{f.table.name} {f.row.group} {f.row.label} {pages.get((f.page.document_id, f.page.page), '')}"
        for f in (item.found for item in inputs)
    ]
    return all(question.specifics_in(text) and (not measures or question.measures_in(text)) for text in where)


def _speaks_of_specifics(question: Question, draft: Draft, found: Retrieval, figures: list[Figure]) -> bool:
    """Do the answer or the passages it was drawn from name what the question asks about besides
    the company ("in India")? A name the passages never use is a part the sources do not cover;
    one they use (a title-cased "Adjusted EBIT") the answer may leave to its citations. A row shown
    as the answer must name it itself: total net sales are not the "Orbit Rewards" revenue asked."""
    shown = [item for figure in figures if not figure.result for item in figure.inputs]
    if shown:
        return _of_the_part(question, tuple(shown), found, measures=True)
    # A part asked must be named whole by the answer or the pages it cites ("Safra Catz" on another
    # page of the filing leaves a signature page no answer); a measure, anywhere retrieved.
    cited = "\n".join(citation.quote for citation in draft.citations)
    retrieved = "\n".join(passage.chunk.text for passage in found.passages)
    return any(question.specifics_in(text, whole=True) for text in (draft.text, cited)) and any(
        question.measures_in(text) for text in (draft.text, retrieved)
    )
