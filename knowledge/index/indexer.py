"""Incremental indexing: load → clean → chunk → embed → store, recorded in the catalog."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from knowledge.catalog import Catalog, DocumentRow, IndexRun, Source, now
from knowledge.index.chunker import Chunker
from knowledge.index.embedder import Embedder
from knowledge.index.store import VectorStore
from knowledge.records import Document
from knowledge.sources.fetcher import FetchError
from knowledge.sources.loader import LoadError, content_hash, discover, document_id, load
from knowledge.sources.reader import Item, Reader, SourceError, params_of

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
"""Called as progress(item name, items done, items in all)."""


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


class Indexer:
    """Keeps the vector store and the catalog in step with the sources."""

    def __init__(
        self, catalog: Catalog, store: VectorStore, embedder: Callable[[], Embedder], chunker: Chunker
    ) -> None:
        self._catalog, self._store, self._embedder, self._chunker = catalog, store, embedder, chunker

    def ingest(self, paths: Iterable[Path], progress: Progress | None = None) -> IndexReport:
        """Register each path as a source and index it."""
        sources = [self._catalog.source_for("path", str(path.resolve())) for path in paths]
        return self.run(sources, progress)

    def run(
        self, sources: list[Source], progress: Progress | None = None, readers: dict[str, Reader] | None = None
    ) -> IndexReport:
        """Index the sources one after the other; a failing source is recorded and the others go on."""
        report = IndexReport()
        run = self._catalog.save_run(IndexRun())
        for source in sources:
            if source.kind == "path":
                self._index_source(source, report, progress)
            elif readers and source.kind in readers:
                self._read_source(source, readers[source.kind], report, progress)
            else:
                report.errors.append({"source": source.location, "error": f"no reader for kind {source.kind}"})
        run.finished_at, run.status = (
            now(),
            "failed" if report.errors and not report.documents_seen else "done",
        )
        for name, value in report.as_json().items():
            setattr(run, name, json.dumps(value) if name == "errors" else value)
        self._catalog.save_run(run)
        return report

    def _index_source(self, source: Source, report: IndexReport, progress: Progress | None) -> None:
        root = Path(source.location)
        if not root.exists():
            report.errors.append({"source": source.location, "error": "path does not exist"})
            self._catalog.mark_source(source.id or 0, "path does not exist")
            return
        files = list(discover(root))
        present = set()
        for done, path in enumerate(files):
            if progress:
                progress(path.name, done, len(files))
            present.add(document_id(str(path.resolve())))
            self._index_file(path, source, report)
        if progress:
            progress(root.name, len(files), len(files))
        for row in self._catalog.documents(source.id):
            if row.id not in present and not Path(row.uri).exists():
                self.remove(row.id)
                report.documents_removed += 1
        self._catalog.mark_source(source.id or 0, None)

    def _read_source(self, source: Source, reader: Reader, report: IndexReport, progress: Progress | None) -> None:
        params = params_of(source)
        state: dict[str, Any] = dict(params.get("state", {}))
        failures: list[str] = []
        try:
            for item in reader.read(source, state, self._known):
                report.documents_seen += 1
                if progress:
                    progress(item.uri.rsplit("/", 1)[-1][:40], report.documents_seen, 0)
                if item.error:
                    failures.append(f"{item.uri}: {item.error}")
                    report.errors.append({"source": item.uri, "error": item.error})
                elif item.document is not None:
                    self._store_item(item, source, report)
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
            source.last_error = f"{len(failures)} item(s) failed, first: {failures[0]}" if failures else None
        self._catalog.save_source(source)

    def _store_item(self, item: Item, source: Source, report: IndexReport) -> None:
        assert item.document is not None
        existing = self._catalog.document(item.document.id)
        if existing is not None and existing.content_hash == item.document.content_hash:
            existing.fingerprint = item.fingerprint  # same text under a new version marker
            self._catalog.save_document(existing)
            return
        self.index_document(item.document, source.id, report, is_new=existing is None, fingerprint=item.fingerprint)

    def _known(self, uri: str) -> str | None:
        row = self._catalog.document(document_id(uri))
        return row.fingerprint if row is not None else None

    def _fail(self, source: Source, error: str, report: IndexReport) -> None:
        log.warning("source %s failed: %s", source.location, error)
        report.errors.append({"source": source.location, "error": error})
        self._catalog.mark_source(source.id or 0, error)

    def _index_file(self, path: Path, source: Source, report: IndexReport) -> None:
        report.documents_seen += 1
        try:
            data = path.read_bytes()
            known = self._catalog.document(document_id(str(path.resolve())))
            if known is not None and known.content_hash == content_hash(data):
                return
            self.index_document(load(path, data), source.id, report, is_new=known is None)
        except (LoadError, OSError) as error:
            log.warning("could not index %s: %s", path, error)
            report.errors.append({"source": str(path), "error": str(error)})

    def index_document(
        self, document: Document, source_id: int | None, report: IndexReport, *, is_new: bool, fingerprint: str = ""
    ) -> None:
        """Embed and store one document; its old chunks go only after the new ones are in."""
        chunks = self._chunker.chunk(document)
        if not chunks:
            raise LoadError("no text left after cleaning")
        vectors = self._embedder().embed([f"{chunk.title}\n{chunk.text}" for chunk in chunks])
        old = set(self._store.ids_of(document.id))
        self._store.add(chunks, vectors)
        self._store.delete(sorted(old - {chunk.id for chunk in chunks}))
        self._catalog.save_document(_row(document, source_id, len(chunks), fingerprint))
        report.chunks_embedded += len(chunks)
        if is_new:
            report.documents_added += 1
        else:
            report.documents_updated += 1

    def remove(self, document_id_: str) -> None:
        self._store.delete(self._store.ids_of(document_id_))
        self._catalog.remove_document(document_id_)


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
