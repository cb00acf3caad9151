"""One process's wiring: the catalog, the store, the served index, the librarian and the answer engine.

The single-process default (CLI, bot with in-process jobs) uses all of it; a bot replica in a
scaled-out deployment uses only the answering side, a worker only the librarian.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from pathlib import Path

from knowledge.answer.engine import AnswerEngine
from knowledge.answer.followup import Context
from knowledge.answer.generator import Generator, ModelGenerator
from knowledge.answer.retriever import Retrieval
from knowledge.catalog import Catalog, Source
from knowledge.index.embedder import Embedder, make_embedder
from knowledge.index.indexer import IndexReport, Progress
from knowledge.index.keyword import KeywordIndex
from knowledge.index.librarian import Librarian, OnWait
from knowledge.index.lock import WriterLock
from knowledge.index.serving import ServingIndex
from knowledge.index.snapshot import SnapshotShelf
from knowledge.index.store import StoreOpener, VectorStore
from knowledge.index.writer import IndexWriter
from knowledge.market.prices import PriceReport
from knowledge.records import Answer, Chunk
from knowledge.settings import Settings
from knowledge.sources.registry import SourceSpec
from knowledge.text.companies import Companies


class Engine:
    """Everything the CLI and the bot need: index sources, answer questions."""

    def __init__(
        self, settings: Settings, embedder: Embedder | None = None, generator: Generator | None = None
    ) -> None:
        self.settings = settings
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.catalog = Catalog(settings.catalog_url)
        opener = StoreOpener(settings.chroma_dir, settings.chroma_url, settings.chroma_headers)
        shelf = SnapshotShelf(settings.data_dir / "keyword", self.catalog, shared=self.catalog.shared)
        self.serving = ServingIndex(self.catalog, opener, shelf, settings.index_poll_seconds)
        self.writer = IndexWriter(
            self.catalog,
            opener,
            shelf,
            WriterLock(self.catalog, settings.data_dir / "index.lock"),
            grace_seconds=settings.stale_chunk_grace_seconds,
            on_publish=self._published,
        )
        self._embedder = embedder
        self.librarian = Librarian(settings, self.catalog, self.writer, lambda: self.embedder)
        self.answers = AnswerEngine(
            settings, self.catalog, self.serving, lambda: self.embedder, generator or _generator(settings)
        )

    def _published(self, _generation: int) -> None:
        self.serving.reload()  # this process wrote it: serve it now, not at the next poll

    @cached_property
    def embedder(self) -> Embedder:
        """Loaded on first use: listing sources should not pay for the model."""
        return self._embedder or make_embedder(self.settings)

    @property
    def store(self) -> VectorStore:
        """The store as the served generation sees it."""
        return self.serving.view().store

    @property
    def keyword(self) -> KeywordIndex:
        return self.serving.view().keyword

    @property
    def companies(self) -> Companies:
        return self.answers.companies

    @property
    def generator(self) -> Generator | None:
        return self.answers.generator

    def chunks(self) -> list[Chunk]:
        """Every chunk of the served generation."""
        view = self.serving.view()
        return view.store.get(view.keyword.ids)

    def chunk_count(self) -> int:
        """Chunks in the served generation."""
        return self.serving.view().count()

    def close(self) -> None:
        """Release database connections (Chroma keeps no open handles we own)."""
        self.catalog.close()

    def is_empty(self) -> bool:
        return self.catalog.document_count() == 0

    # --- changing the index -------------------------------------------------------------------
    def ingest(
        self, paths: list[Path], progress: Progress | None = None, wait: float = 0.0, on_wait: OnWait | None = None
    ) -> IndexReport:
        return self.librarian.ingest(paths, progress, wait, on_wait)

    def reindex(
        self, progress: Progress | None = None, wait: float = 0.0, on_wait: OnWait | None = None
    ) -> IndexReport:
        """Re-read every known source (files, feeds, pages, filings); only changes are embedded."""
        return self.librarian.refresh(progress, None, wait, on_wait)

    def refresh(
        self,
        progress: Progress | None = None,
        source_ids: list[int] | None = None,
        wait: float = 0.0,
        on_wait: OnWait | None = None,
    ) -> IndexReport:
        return self.librarian.refresh(progress, source_ids, wait, on_wait)

    def rebuild(
        self, progress: Progress | None = None, wait: float = 0.0, on_wait: OnWait | None = None
    ) -> IndexReport:
        """Everything again into a new collection, verified, then switched to atomically."""
        return self.librarian.rebuild(progress, wait, on_wait)

    def refresh_prices(self, tickers: list[str] | None = None) -> PriceReport:
        """New sessions from PRICE_PROVIDER for the tickers (default: every ticker with bars)."""
        return self.answers.prices.refresh(tickers)

    def import_sources_file(self) -> None:
        self.librarian.import_sources_file()

    def add_source(self, spec: SourceSpec) -> Source:
        return self.librarian.add_source(spec)

    def remove_source(self, source_id: int, wait: float = 0.0) -> int:
        return self.librarian.remove_source(source_id, wait)

    def ensure_seeded(self, progress: Progress | None = None) -> IndexReport | None:
        """Index SEEDS_DIR and import its sample prices when nothing is there yet."""
        self.answers.prices.ensure_seeded()
        return self.librarian.ensure_seeded(progress)

    # --- answering ----------------------------------------------------------------------------
    def ask(self, question: str, context: Context | None = None) -> Answer:
        return self.answers.ask(question, context)

    async def answer(
        self, question: str, on_text: Callable[[str], None] | None = None, context: Context | None = None
    ) -> Answer:
        return await self.answers.answer(question, on_text, context)

    async def aclose(self) -> None:
        await self.answers.aclose()

    def retrieve(self, question: str, top_k: int | None = None) -> Retrieval:
        return self.answers.retrieve(question, top_k)


def _generator(settings: Settings) -> Generator | None:
    if not settings.llm_configured:
        return None
    return ModelGenerator(
        settings.llm_base_url,
        settings.llm_api_key.get_secret_value(),
        settings.llm_model,
        settings.llm_temperature,
        settings.llm_max_tokens,
    )
