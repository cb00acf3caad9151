"""The indexing side: the index writer, the librarian that keeps the index in step with the sources,
and the price refresh. All a worker builds; it never answers a question."""

from __future__ import annotations

import logging
from collections.abc import Callable

from knowledge.index.indexer import IndexReport, Progress
from knowledge.index.librarian import Librarian
from knowledge.index.lock import WriterLock
from knowledge.index.writer import IndexWriter
from knowledge.market.prices import Prices
from knowledge.wiring.core import Core

log = logging.getLogger(__name__)


class Indexing:
    """Changes the index (through the librarian) and the prices; `on_publish` hears of every
    generation the writer publishes."""

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

    def ensure_seeded(self, progress: Progress | None = None) -> IndexReport | None:
        """Index SEEDS_DIR and import its sample prices when nothing is there yet."""
        self.prices.ensure_seeded()
        return self.librarian.ensure_seeded(progress)

    def prepare(self) -> None:
        """Before a long-running process takes work: add SOURCES_FILE's sources, seed an empty index."""
        self.librarian.import_sources_file()
        report = self.ensure_seeded()
        if unseeded := self.unseeded(report):
            log.error("%s; add a source or set SEEDS_DIR", unseeded)
        elif report is not None:
            log.info("indexed the seeds: %d documents, %d chunks", report.documents_added, report.chunks_embedded)

    def unseeded(self, report: IndexReport | None) -> str:
        """After seeding: why nothing is indexed ("nothing indexed from SEEDS_DIR (seeds): no such file
        or folder"), or "" when something is. Until a source is added, every question would be told
        the index is being built, and nothing builds it."""
        if report is None or not self.is_empty():
            return ""
        why = report.errors[0]["error"] if report.errors else "no documents"
        return f"nothing indexed from SEEDS_DIR ({self.settings.seeds_dir}): {why}"
