"""Incremental indexing: load → clean → chunk → embed → store, recorded in the catalog.

The indexer works inside a writer session (see writer.py): it adds chunks to the session's store
and records documents in the catalog; readers see the result when the session publishes.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from knowledge.catalog import Catalog, DocumentRow, IndexRun, Source, now
from knowledge.index.chunker import Chunker
from knowledge.index.embedcache import EmbeddingCache
from knowledge.index.embedder import Embedder
from knowledge.index.store import StoreError, VectorStore
from knowledge.index.tabulator import Tabulator
from knowledge.index.writer import Writing, version_of
from knowledge.records import Chunk, Document
from knowledge.sources.address import scrub, shown
from knowledge.sources.fetcher import FetchError
from knowledge.sources.limits import RunDeadline
from knowledge.sources.loader import MAX_TEXT_CHARS, LoadError, content_hash, document_id, load
from knowledge.sources.reader import Item, Reader, SourceError, params_of
from knowledge.sources.tree import Presence, discover, presence

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
"""Called as progress(item name, items done, items in all); `items in all` is 0 when unknown."""

BATCH = 256  # chunks embedded and stored together: memory stays bounded for any document size


@dataclass
class IndexReport:
    """What an ingest, reindex or refresh did; `as_json()` is the CLI's summary object."""

    documents_seen: int = 0
    documents_added: int = 0
    documents_updated: int = 0
    documents_removed: int = 0
    chunks_embedded: int = 0
    errors: list[dict[str, str]] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return asdict(self)

    @property
    def changed(self) -> bool:
        return bool(self.documents_added or self.documents_updated or self.documents_removed)

    def fail(self, source: str, error: str) -> None:
        """One error entry; URLs in it keep their scheme, host and path only (no keys, no queries)."""
        self.errors.append({"source": scrub(source), "error": scrub(error)})


class Indexer:
    """Keeps the store and the catalog in step with the sources."""

    def __init__(
        self,
        catalog: Catalog,
        embedder: Callable[[], Embedder],
        chunker: Chunker,
        max_document_mb: float = 25.0,
        max_text_chars: int = MAX_TEXT_CHARS,
    ) -> None:
        self._catalog, self._embedder, self._chunker = catalog, embedder, chunker
        self.cache = EmbeddingCache(catalog, embedder)
        self._tabulator = Tabulator(catalog, self.cache.embed)
        self._max_bytes = int(max_document_mb * 1024 * 1024)
        self._max_chars = max_text_chars
        self._force = False  # a rebuild: every document embedded again, changed or not

    def run(
        self,
        sources: list[Source],
        writing: Writing,
        progress: Progress | None = None,
        readers: dict[str, Reader] | None = None,
        *,
        force: bool = False,
        deadline: RunDeadline | None = None,
    ) -> IndexReport:
        """Index the sources one after the other; a failing source is recorded and the others go on.
        Past the deadline, no further source is started: one error says how many are left."""
        report = IndexReport()
        run = self._catalog.save_run(IndexRun())
        self._force = force
        hits, misses = self.cache.hits, self.cache.misses
        try:
            for position, source in enumerate(sources):
                if deadline is not None and deadline.passed:
                    left = len(sources) - position
                    report.fail("refresh", deadline.message(f"; {left} source(s) left for the next refresh"))
                    log.warning("%s", report.errors[-1]["error"])
                    break
                if source.kind == "path":
                    _Files(
                        self, self._catalog, source=source, writing=writing, report=report, progress=progress
                    ).index()
                elif readers and source.kind in readers:
                    self._read_source(source, readers[source.kind], writing, report, progress)
                else:
                    report.fail(source.location, f"no reader for kind {source.kind}")
        finally:
            self._force = False
            reused, embedded = self.cache.hits - hits, self.cache.misses - misses
            if reused:
                log.info("embedding cache: %d chunks reused, %d embedded", reused, embedded)
            run.finished_at = now()
            run.status = "failed" if report.errors and not report.documents_seen else "done"
            for name, value in report.as_json().items():
                setattr(run, name, json.dumps(value) if name == "errors" else value)
            try:
                self._catalog.save_run(run)
            except SQLAlchemyError as error:  # the next session marks it interrupted
                log.warning("could not record the end of index run %s: %s", run.id, _short(error))
        return report

    def _read_source(
        self, source: Source, reader: Reader, writing: Writing, report: IndexReport, progress: Progress | None
    ) -> None:
        params = params_of(source)
        # A rebuild starts without the feed's validators, so that a 304 does not hide its items.
        state: dict[str, Any] = {} if self._force else dict(params.get("state", {}))
        failures: list[str] = []
        try:
            for item in reader.read(source, state, self._known):
                report.documents_seen += 1
                if progress:
                    progress(item.uri.rsplit("/", 1)[-1][:40], report.documents_seen, 0)
                if item.error:
                    failures.append(f"{item.uri}: {item.error}")
                    report.fail(item.uri, item.error)
                elif item.document is not None:
                    self._store_item(item, source, writing, report)
                writing.checkpoint()
        except (SourceError, FetchError, LoadError) as error:
            self._fail(source, str(error), report)
            return
        except Exception as error:  # a defect in one reader must not stop the other sources
            log.exception("reading %s failed", source.location)
            self._fail(source, f"{type(error).__name__}: {error}", report)
            return
        unchanged = bool(state.pop("unchanged", False))
        params["state"] = state
        source.params = json.dumps(params)
        source.last_fetched_at = now()
        if not unchanged:
            source.last_error = scrub(f"{len(failures)} item(s) failed, first: {failures[0]}") if failures else None
        self._catalog.save_source(source)

    def _store_item(self, item: Item, source: Source, writing: Writing, report: IndexReport) -> None:
        assert item.document is not None
        existing = self._catalog.document(item.document.id)
        if not self._force and existing is not None and existing.content_hash == item.document.content_hash:
            existing.fingerprint = item.fingerprint  # same text under a new version marker
            self._catalog.save_document(existing)
            return
        self.index_document(item.document, source.id, writing, report, existing is None, fingerprint=item.fingerprint)

    def _known(self, uri: str) -> str | None:
        if self._force:
            return None
        row = self._catalog.document(document_id(uri))
        return row.fingerprint if row is not None else None

    def _fail(self, source: Source, error: str, report: IndexReport) -> None:
        log.info("source %s failed: %s", shown(source.location), scrub(error))  # the report carries it
        report.fail(source.location, error)
        self._catalog.mark_source(source.id or 0, scrub(error))

    def index_file(self, path: Path, source: Source, writing: Writing, report: IndexReport) -> None:
        """Index one file unless its content is already indexed; a failure is one error entry."""
        report.documents_seen += 1
        try:
            size = path.stat().st_size
            if size > self._max_bytes:
                limit = self._max_bytes / 1024 / 1024
                raise LoadError(f"{size / 1024 / 1024:.1f} MB is over the MAX_DOCUMENT_MB limit of {limit:g} MB")
            data = path.read_bytes()
            known = self._catalog.document(document_id(str(path.resolve())))
            if not self._force and known is not None and known.content_hash == content_hash(data):
                return
            self.index_document(load(path, data, max_chars=self._max_chars), source.id, writing, report, known is None)
        except (LoadError, OSError) as error:
            # Reported once, by whoever shows the report (the CLI's summary, the admin's message).
            log.info("could not index %s: %s", path, error)
            report.fail(str(path), _reason(error))

    def index_document(
        self,
        document: Document,
        source_id: int | None,
        writing: Writing,
        report: IndexReport,
        is_new: bool,
        *,
        fingerprint: str = "",
    ) -> None:
        """Embed and store one document in batches, then record it; on failure, undo its new chunks.

        Its previous chunks stay until no reader can need them (the writer sweeps them).
        """
        stored: list[str] = []
        try:
            for batch in _batched(self._chunker.chunk(document), BATCH):
                self._store(batch, writing)
                stored.extend(chunk.id for chunk in batch)
            if not stored:
                raise LoadError("no text left after cleaning")
            self._catalog.save_document(_row(document, source_id, len(stored), fingerprint))
            self._tabulate(document)
        except (StoreError, SQLAlchemyError, OSError) as error:
            self._undo(stored, writing)
            report.fail(document.uri, f"could not be stored: {_short(error)}")
            log.warning("could not store %s: %s", document.uri, _short(error))
            return
        writing.dirty = True
        report.chunks_embedded += len(stored)
        if is_new:
            report.documents_added += 1
        else:
            report.documents_updated += 1

    def _tabulate(self, document: Document) -> None:
        """The document's page tables; a page the table reader trips on costs its tables, not the document."""
        try:
            self._tabulator.tabulate(document)
        except Exception:  # the document stays indexed; its figures are then not computed
            log.exception("could not store the tables of %s", document.uri)

    def _store(self, batch: Iterable[Chunk], writing: Writing) -> None:
        chunks = list(batch)
        vectors = self.cache.embed([f"{chunk.title}\n{chunk.text}" for chunk in chunks])
        writing.store.add(chunks, vectors)

    def _undo(self, stored: list[str], writing: Writing) -> None:
        try:
            writing.store.delete(stored)
        except StoreError as error:  # still full: the next session sweeps them
            log.warning("could not remove %d partial chunks yet: %s", len(stored), error)

    def carry_over(self, old: VectorStore, writing: Writing, report: IndexReport) -> int:
        """Documents a rebuild could not read again (a feed item gone from the feed, a source down):
        their current chunks come over from the old collection, embedded again. Returns how many."""
        versions = self._catalog.document_versions()
        present = {version_of(chunk_id) for chunk_id in writing.store.ids()}
        carried = 0
        for document, version in versions.items():
            if (document, version) in present:
                continue
            chunks = [c for c in old.get(old.ids_of(document)) if version_of(c.id) == (document, version)]
            for batch in _batched(iter(chunks), BATCH):
                self._store(batch, writing)
            carried += 1
            report.chunks_embedded += len(chunks)
        if carried:
            log.info("carried %d documents over from the previous collection", carried)
        return carried

    def remove(self, document_id_: str, writing: Writing) -> None:
        """Take a document out of the index: its chunks are unlisted now and swept later."""
        self._catalog.remove_document(document_id_)
        writing.dirty = True


class _Files:
    """One folder (or file) source: new and changed files indexed, deleted ones removed."""

    def __init__(
        self,
        indexer: Indexer,
        catalog: Catalog,
        *,
        source: Source,
        writing: Writing,
        report: IndexReport,
        progress: Progress | None,
    ) -> None:
        self._indexer, self._catalog, self._source, self._writing = indexer, catalog, source, writing
        self._report, self._progress = report, progress

    def index(self) -> None:
        root, catalog = Path(self._source.location), self._catalog
        state, reason = presence(root)
        if state is not Presence.PRESENT:
            # A missing or unreadable source keeps its documents: it may be a disk not mounted yet.
            self._report.fail(self._source.location, reason)
            catalog.mark_source(self._source.id or 0, reason)
            return
        walk = discover(root)
        before = len(self._report.errors)
        for place, problem in walk.problems:
            self._report.fail(place, problem)
        present = set()
        for done, path in enumerate(walk.files):
            if self._progress:
                self._progress(path.name, done, len(walk.files))
            present.add(document_id(str(path.resolve())))
            self._indexer.index_file(path, self._source, self._writing, self._report)
            self._writing.checkpoint()
        if self._progress:
            self._progress(root.name, len(walk.files), len(walk.files))
        for row in catalog.documents(self._source.id):
            if row.id not in present and presence(Path(row.uri))[0] is Presence.MISSING:
                self._indexer.remove(row.id, self._writing)
                self._report.documents_removed += 1
        # The folder's status says whether anything in it failed, not only whether it could be walked.
        failed = self._report.errors[before:]
        first = f"{failed[0]['source']}: {failed[0]['error']}" if failed else ""
        catalog.mark_source(self._source.id or 0, f"{len(failed)} file(s) failed, first: {first}" if failed else None)


def _batched(chunks: Iterator[Chunk], size: int) -> Iterator[list[Chunk]]:
    batch: list[Chunk] = []
    for chunk in chunks:
        batch.append(chunk)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _short(error: BaseException) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text[:200]


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        return f"cannot read it ({error.strerror})"
    return str(error)


def _row(document: Document, source_id: int | None, chunk_count: int, fingerprint: str) -> DocumentRow:
    return DocumentRow(
        id=document.id,
        source_id=source_id,
        uri=document.uri,
        title=document.title,
        publisher=document.publisher,
        url=document.url,
        published=document.published.isoformat() if document.published else "",
        language=document.language,
        tickers=",".join(document.tickers),
        content_hash=document.content_hash,
        fingerprint=fingerprint,
        chunk_count=chunk_count,
        indexed_at=now(),
    )
