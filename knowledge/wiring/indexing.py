"""The indexing side: the index writer, the librarian that keeps the index in step with the sources,
and the price refresh. All a worker builds; it never answers a question."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from knowledge.catalog import Source
from knowledge.index.indexer import IndexReport, Progress
from knowledge.index.librarian import Librarian, OnWait
from knowledge.index.lock import WriterLock
from knowledge.index.writer import IndexWriter
from knowledge.market.prices import PriceReport, Prices
from knowledge.sources.registry import SourceSpec
from knowledge.wiring.core import Core


class Indexing:
    """Changes the index and the prices; `on_publish` hears of every generation it publishes."""

    def __init__(self, core: Core, on_publish: Callable[[int], None] | None = None) -> None:
        self.core, self.settings, self.catalog = core, core.settings, core.catalog
        self.writer = IndexWriter(
            core.catalog,
            core.opener,
            core.shelf,
            WriterLock(core.catalog, core.settings.data_dir / "index.lock"),
            grace_seconds=core.settings.stale_chunk_grace_seconds,
            on_publish=on_publish,
        )
        self.librarian = Librarian(core.settings, core.catalog, self.writer, lambda: core.embedder)
        self.prices = Prices(core.settings, core.catalog)

    def is_empty(self) -> bool:
        return self.catalog.document_count() == 0

    def ingest(
        self, paths: list[Path], progress: Progress | None = None, wait: float = 0.0, on_wait: OnWait | None = None
    ) -> IndexReport:
        return self.librarian.ingest(paths, progress, wait, on_wait)

    def refresh(
        self,
        progress: Progress | None = None,
        source_ids: list[int] | None = None,
        wait: float = 0.0,
        on_wait: OnWait | None = None,
    ) -> IndexReport:
        """Re-read every known source (or the given ones); only changes are embedded."""
        return self.librarian.refresh(progress, source_ids, wait, on_wait)

    def rebuild(
        self, progress: Progress | None = None, wait: float = 0.0, on_wait: OnWait | None = None
    ) -> IndexReport:
        """Everything again into a new collection, verified, then switched to atomically."""
        return self.librarian.rebuild(progress, wait, on_wait)

    def refresh_prices(self, tickers: list[str] | None = None) -> PriceReport:
        """New sessions from PRICE_PROVIDER for the tickers (default: every ticker with bars)."""
        return self.prices.refresh(tickers)

    def import_sources_file(self) -> None:
        self.librarian.import_sources_file()

    def add_source(self, spec: SourceSpec) -> Source:
        return self.librarian.add_source(spec)

    def remove_source(self, source_id: int, wait: float = 0.0, on_wait: OnWait | None = None) -> int:
        return self.librarian.remove_source(source_id, wait, on_wait)

    def ensure_seeded(self, progress: Progress | None = None) -> IndexReport | None:
        """Index SEEDS_DIR and import its sample prices when nothing is there yet."""
        self.prices.ensure_seeded()
        return self.librarian.ensure_seeded(progress)
