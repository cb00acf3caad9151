"""The answer engine: wires the stages together once and answers questions."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import replace
from functools import cached_property
from pathlib import Path

from knowledge.answer.citations import reconcile
from knowledge.answer.composer import OVERVIEW_TERMS, compose
from knowledge.answer.generator import Generator, ModelGenerator, ModelUnavailableError
from knowledge.answer.guard import guard, guard_partial, is_advice_request, strip_violations
from knowledge.answer.packer import pack
from knowledge.answer.query import strip_instructions
from knowledge.answer.retriever import Retrieval, Retriever, expand
from knowledge.catalog import Catalog, Source
from knowledge.index.chunker import Chunker
from knowledge.index.embedder import Embedder, make_embedder
from knowledge.index.indexer import Indexer, IndexReport, Progress
from knowledge.index.keyword import KeywordIndex
from knowledge.index.store import VectorStore
from knowledge.prompts import render
from knowledge.records import Answer
from knowledge.settings import Settings
from knowledge.sources import registry as sources
from knowledge.sources.reader import params_of
from knowledge.text.companies import Companies
from knowledge.text.language import detect

log = logging.getLogger(__name__)

LANGUAGE_NAMES = {"en": "English", "de": "German"}


class Engine:
    """Everything the CLI and the bot need: index sources, answer questions."""

    def __init__(
        self, settings: Settings, embedder: Embedder | None = None, generator: Generator | None = None
    ) -> None:
        self.settings = settings
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.catalog = Catalog(settings.catalog_url)
        self.store = VectorStore(settings.chroma_dir)
        self.companies = _companies(self.catalog)
        self._embedder = embedder
        self._keyword: KeywordIndex | None = None
        self.generator = generator or _generator(settings)
        self.indexer = Indexer(
            self.catalog, self.store, lambda: self.embedder, Chunker(settings.chunk_size, settings.chunk_overlap)
        )

    @cached_property
    def embedder(self) -> Embedder:
        """Loaded on first use: listing sources should not pay for the model."""
        return self._embedder or make_embedder(self.settings)

    @property
    def keyword(self) -> KeywordIndex:
        """Loaded from DATA_DIR when it matches the store, else built (and saved) once."""
        if self._keyword is None:
            self._keyword = KeywordIndex.load(self._keyword_dir, self.store.fingerprint())
            if self._keyword is None:
                self.refresh_keyword_index()
        assert self._keyword is not None
        return self._keyword

    def refresh_keyword_index(self) -> None:
        """Build the keyword index anew; it replaces the old one in one step, so readers never see half."""
        fingerprint = self.store.fingerprint()
        index = KeywordIndex(self.store.chunks())
        index.save(self._keyword_dir, fingerprint)
        self._keyword = index

    @property
    def _keyword_dir(self) -> Path:
        return self.settings.data_dir / "keyword"

    def close(self) -> None:
        """Release database connections (Chroma keeps no open handles we own)."""
        self.catalog.close()

    def is_empty(self) -> bool:
        return self.store.count() == 0

    def ingest(self, paths: list[Path], progress: Progress | None = None) -> IndexReport:
        return self._after(self.indexer.ingest(paths, progress))

    def reindex(self, progress: Progress | None = None) -> IndexReport:
        """Re-read every known source (files, feeds, pages, filings); only changes are embedded."""
        return self.refresh(progress)

    def refresh(self, progress: Progress | None = None, source_ids: list[int] | None = None) -> IndexReport:
        """Fetch every source (or the given ones) and index what is new or changed."""
        self.import_sources_file()
        chosen = [s for s in self.catalog.sources() if source_ids is None or s.id in source_ids]
        general, edgar = sources.fetchers(self.settings)
        try:
            report = self.indexer.run(chosen, progress, sources.readers(self.settings, general, edgar))
        finally:
            general.close()
            edgar.close()
        self.companies = _companies(self.catalog)
        return self._after(report)

    def import_sources_file(self) -> None:
        """Add the sources listed in SOURCES_FILE, if that file exists."""
        if self.settings.sources_file.is_file():
            sources.import_file(self.catalog, self.settings.sources_file, sources.policy(self.settings))

    def add_source(self, spec: sources.SourceSpec) -> Source:
        return sources.add(self.catalog, spec, sources.policy(self.settings))

    def remove_source(self, source_id: int) -> int:
        """Forget a source and take its documents out of the index; returns how many documents left."""
        removed = self.catalog.remove_source(source_id)
        for document in removed:
            self.store.delete(self.store.ids_of(document))
        if removed:
            self.refresh_keyword_index()
        return len(removed)

    def ensure_seeded(self, progress: Progress | None = None) -> IndexReport | None:
        """Index SEEDS_DIR when the index is empty; None when there was nothing to do."""
        if not self.is_empty():
            return None
        log.info("the index is empty: indexing %s first", self.settings.seeds_dir)
        return self.ingest([self.settings.seeds_dir], progress)

    def ask(self, question: str) -> Answer:
        """Answer from the indexed sources, guarded and disclaimed (blocking)."""
        if self.generator is None:
            question = _tidy(question)
            return self._extractive(question, self._retrieve(question))
        return asyncio.run(self._answer_once(question))

    async def _answer_once(self, question: str) -> Answer:
        try:
            return await self.answer(question)
        finally:
            await self.aclose()

    async def aclose(self) -> None:
        """Close the model client's connections (they belong to the running event loop)."""
        if self.generator is not None:
            await self.generator.aclose()

    async def answer(self, question: str, on_text: Callable[[str], None] | None = None) -> Answer:
        """Answer, with the model when one is configured; `on_text` sees the guarded text as it grows.

        Never takes longer than LLM_TIMEOUT_SECONDS: past that, or when the model fails, the
        extractive answer is returned with a short note.
        """
        deadline = time.monotonic() + self.settings.llm_timeout_seconds
        question = _tidy(question)
        found = await asyncio.to_thread(self._retrieve, question)
        offline = self._extractive(question, found)
        if self.generator is None or not found.covered:
            return offline
        packed = pack(found.passages, self.settings.llm_context_tokens)
        advice = offline.advice_request
        messages = [
            {"role": "system", "content": render("system")},
            {
                "role": "user",
                "content": render(
                    "answer", sources=packed.text, question=question, language_name=LANGUAGE_NAMES[found.language]
                ),
            },
        ]
        text, shown = "", ""
        try:
            async with asyncio.timeout(max(0.0, deadline - time.monotonic())):
                async for delta in self.generator.stream(messages, deadline):
                    text += delta
                    preview = guard_partial(text, packed.citations, advice, found.language)
                    if on_text is not None and preview and preview != shown:
                        shown = preview
                        on_text(preview)
        except (TimeoutError, ModelUnavailableError) as error:
            log.warning("model unavailable, answering extractively: %s", error or "timeout")
            return _with_note(offline, "model_unavailable")
        _, cited = reconcile(strip_violations(text), packed.citations)
        if not cited:
            log.warning("model answer cited no valid source; answering extractively")
            return _with_note(offline, "model_ungrounded")
        drafted = Answer(
            question, text.strip(), packed.citations, "", found.language, advice, True, "model", self.generator.model
        )
        return guard(drafted)

    def retrieve(self, question: str, top_k: int | None = None) -> Retrieval:
        """The ranked passages for a question, as the answer would use them."""
        retriever = Retriever(self.store, self.embedder, self.keyword, self.companies, top_k or self.settings.top_k)
        return retriever.retrieve(_tidy(question))

    def _retrieve(self, question: str) -> Retrieval:
        return self.retrieve(question)

    def _extractive(self, question: str, found: Retrieval) -> Answer:
        names = tuple(name for ticker in found.companies for name in self.companies.names(ticker))
        advice = is_advice_request(question)
        core = strip_instructions(question)
        draft = compose(core, expand(core, self.companies), found.passages, found.language, names)
        if found.companies and (advice or not draft.citations):
            # Advice requests and bare "what about X?" get the facts about the company instead.
            draft = compose(OVERVIEW_TERMS, OVERVIEW_TERMS, found.passages, found.language, names)
        return guard(
            Answer(
                question=question,
                text=draft.text,
                citations=draft.citations,
                disclaimer="",
                language=found.language,
                advice_request=advice,
                grounded=found.covered and bool(draft.citations),
            )
        )

    def _after(self, report: IndexReport) -> IndexReport:
        if report.changed:
            self.refresh_keyword_index()  # else the saved index still matches and loads on first use
        return report


def _companies(catalog: Catalog) -> Companies:
    """The packaged aliases plus the company names EDGAR reported for the filings sources."""
    extra: dict[str, list[str]] = {}
    for source in catalog.sources():
        state = params_of(source).get("state", {})
        if source.kind == "edgar" and state.get("company") and state.get("tickers"):
            extra.setdefault(str(state["tickers"][0]).upper(), []).append(str(state["company"]))
    return Companies.default().extended(extra) if extra else Companies.default()


def _tidy(question: str) -> str:
    return " ".join(question.split())


def _with_note(answer: Answer, note: str) -> Answer:
    text = render(note, answer.language or detect(answer.question))
    return replace(answer, text=f"{answer.text}\n\n{text}", notes=(*answer.notes, text))


def _generator(settings: Settings) -> Generator | None:
    if not settings.llm_configured:
        return None
    return ModelGenerator(
        settings.llm_base_url, settings.llm_api_key.get_secret_value(), settings.llm_model, settings.llm_temperature
    )
