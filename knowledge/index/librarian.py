"""The librarian keeps the index in step with the sources: ingest, refresh, add and remove sources.

Every change runs in one writer session (one writer at a time, published in one step); what a
worker or the single-process bot runs for /reindex, /addsource and the scheduled refresh.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from knowledge.catalog import Catalog, Source
from knowledge.index.chunker import Chunker
from knowledge.index.embedder import Embedder
from knowledge.index.indexer import Indexer, IndexReport, Progress
from knowledge.index.writer import IndexWriter
from knowledge.settings import Settings
from knowledge.sources import registry
from knowledge.sources.limits import RunDeadline
from knowledge.text.policy import Policy

log = logging.getLogger(__name__)

OnWait = Callable[[str], None]
"""Told once, with who holds the index, when a change has to wait for another writer."""


class Librarian:
    """Changes the index on behalf of the CLI, the bot and the worker."""

    def __init__(
        self, settings: Settings, catalog: Catalog, writer: IndexWriter, embedder: Callable[[], Embedder]
    ) -> None:
        self._settings, self._catalog, self._writer = settings, catalog, writer
        # The sentence policy's patterns at ingestion (every sentence of every page); its judgement by
        # meaning, a model run per doubtful sentence, is made where sentences are shown (composer, guard).
        chunker = Chunker(settings.chunk_size, settings.chunk_overlap, Policy())
        self.indexer = Indexer(catalog, embedder, chunker, settings.max_document_mb, settings.max_text_chars)

    def ingest(
        self, paths: list[Path], progress: Progress | None = None, wait: float = 0.0, on_wait: OnWait | None = None
    ) -> IndexReport:
        """Register each path as a source and index it."""
        chosen = [self._catalog.source_for("path", str(path.resolve())) for path in paths]
        with self._writer.session("ingest", wait, on_wait) as writing:
            return self.indexer.run(chosen, writing, progress)

    def refresh(
        self,
        progress: Progress | None = None,
        source_ids: list[int] | None = None,
        wait: float = 0.0,
        on_wait: OnWait | None = None,
    ) -> IndexReport:
        """Fetch every source (or the given ones) and index what is new or changed; the run ends by
        REFRESH_DEADLINE_SECONDS (counted once it holds the index), what is left waits for the next."""
        self.import_sources_file()
        chosen = [s for s in self._catalog.sources() if source_ids is None or s.id in source_ids]
        with self._writer.session("refresh", wait, on_wait) as writing:
            run = RunDeadline.after(self._settings.refresh_deadline_seconds)
            general, edgar = registry.fetchers(self._settings, run)
            try:
                readers = registry.readers(self._settings, general, edgar)
                return self.indexer.run(chosen, writing, progress, readers, deadline=run)
            finally:
                general.close()
                edgar.close()

    def rebuild(
        self, progress: Progress | None = None, wait: float = 0.0, on_wait: OnWait | None = None
    ) -> IndexReport:
        """Build the index again into a new collection (after a new embedding model or chunking):
        every source read again and embedded, the rest carried over, verified, then switched to
        in one step. Until then the old collection serves; on any failure it simply stays."""
        self.import_sources_file()
        general, edgar = registry.fetchers(self._settings)
        try:
            with self._writer.rebuilding("rebuild", wait, on_wait) as (writing, serving):
                readers = registry.readers(self._settings, general, edgar)
                report = self.indexer.run(self._catalog.sources(), writing, progress, readers, force=True)
                self.indexer.carry_over(serving, writing, report)
                writing.dirty = True
                return report
        finally:
            general.close()
            edgar.close()

    def import_sources_file(self) -> None:
        """Add the sources listed in SOURCES_FILE, if that file exists."""
        if self._settings.sources_file.is_file():
            registry.import_file(self._catalog, self._settings.sources_file, registry.policy(self._settings))

    def add_source(self, spec: registry.SourceSpec) -> Source:
        return registry.add(self._catalog, spec, registry.policy(self._settings))

    def remove_source(self, source_id: int, wait: float = 0.0, on_wait: OnWait | None = None) -> int:
        """Forget a source and take its documents out of the index; returns how many documents left."""
        with self._writer.session("source removal", wait, on_wait) as writing:
            removed = self._catalog.remove_source(source_id)
            writing.dirty = bool(removed)
        return len(removed)

    def ensure_seeded(self, progress: Progress | None = None) -> IndexReport | None:
        """Index SEEDS_DIR when nothing is indexed yet; None when there was nothing to do.

        Once in the whole deployment: processes starting together queue for the writer lock, and
        each looks again once it holds it, so only the first one builds the first index."""
        if self._catalog.document_count():
            return None
        seeds = self._catalog.source_for("path", str(self._settings.seeds_dir.resolve()))
        with self._writer.session("seeding", self._settings.index_lock_wait_seconds) as writing:
            if self._catalog.document_count():
                log.info("another process indexed the seeds while this one waited")
                return None
            log.info("the index is empty: indexing %s first", self._settings.seeds_dir)
            return self.indexer.run([seeds], writing, progress)
