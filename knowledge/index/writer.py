"""Changing the index: one writer at a time, on a fresh view of the store, published in one step.

A writer adds new chunks next to the ones readers use; readers see them only once the writer
publishes a new generation (the catalog's index_state row names it, and that generation's
keyword snapshot lists its chunks). Chunks a generation no longer lists (superseded versions,
removed documents, the remains of a failed or killed run) are swept once no reader can still
be on a generation that listed them.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlmodel import col, select

from knowledge.catalog import Catalog, IndexRun, now
from knowledge.catalog.tables import IndexState
from knowledge.index.keyword import KeywordIndex
from knowledge.index.lock import WriterLock
from knowledge.index.snapshot import SnapshotShelf
from knowledge.index.store import StoreError, StoreOpener, VectorStore
from knowledge.records import Chunk

log = logging.getLogger(__name__)

PUBLISH_EVERY_SECONDS = 300.0  # a long run shows its progress to readers this often


def version_of(chunk_id: str) -> tuple[str, str]:
    """(document id, content version) from a chunk id of the form `<document>-<version>-<n>`."""
    document, _, rest = chunk_id.partition("-")
    return document, rest.partition("-")[0]


def current_chunks(catalog: Catalog, chunks: Iterable[Chunk]) -> Iterator[Chunk]:
    """The chunks of the document versions the catalog records (not superseded, not orphaned)."""
    versions = catalog.document_versions()
    for chunk in chunks:
        document, version = version_of(chunk.id)
        if versions.get(document) == version:
            yield chunk


@dataclass
class Writing:
    """A writer's session: the store to change, and the way to publish the change."""

    store: VectorStore
    publish: Callable[[], None]
    dirty: bool = False  # changed since the last publish
    published: bool = False
    last_publish: float = field(default_factory=time.monotonic)

    def checkpoint(self) -> None:
        """Publish now if the session has been running a while, so readers see its progress."""
        if self.dirty and time.monotonic() - self.last_publish >= PUBLISH_EVERY_SECONDS:
            self.publish()


class IndexWriter:
    """Everything that changes the index goes through here."""

    def __init__(
        self,
        catalog: Catalog,
        opener: StoreOpener,
        shelf: SnapshotShelf,
        lock: WriterLock,
        *,
        grace_seconds: float = 30.0,
        on_publish: Callable[[int], None] | None = None,
    ) -> None:
        self._catalog, self._opener, self._shelf, self._lock = catalog, opener, shelf, lock
        self._grace, self._on_publish = grace_seconds, on_publish

    def state(self) -> IndexState:
        with self._catalog.session() as session:
            return session.get(IndexState, 1) or IndexState()

    @contextlib.contextmanager
    def session(self, what: str, wait: float = 0.0, on_wait: Callable[[str], None] | None = None) -> Iterator[Writing]:
        """Hold the writer lock, reconcile, yield the store; publish what changed, then sweep.

        If the body raises, nothing more is published: the documents it finished are in the
        catalog and the next session publishes them; its loose chunks are swept then.
        """
        with self._lock.holding(what, wait, on_wait):
            state = self.state()
            store = self._opener.open(state.collection)
            self._close_interrupted_runs()
            self._sweep(store, state, just_published=False)
            writing = Writing(store, lambda: None)
            writing.publish = lambda: self._publish(writing)
            yield writing
            if writing.dirty:
                writing.publish()
            if writing.published:
                self._sweep(store, self.state(), just_published=True)

    def _publish(self, writing: Writing) -> None:
        index = KeywordIndex(current_chunks(self._catalog, writing.store.chunks()))
        with self._catalog.session() as session:
            state = session.get(IndexState, 1) or IndexState()
            generation = state.generation + 1
            self._shelf.put(generation, index)
            state.generation, state.chunk_count, state.published_at = generation, len(index), now()
            state.collection = writing.store.name
            session.add(state)
            session.commit()
        writing.published, writing.dirty, writing.last_publish = True, False, time.monotonic()
        log.info("index generation %d published: %d chunks", generation, len(index))
        if self._on_publish is not None:
            self._on_publish(generation)

    def _sweep(self, store: VectorStore, state: IndexState, *, just_published: bool) -> None:
        """Delete chunks no reader can need: never published, or unlisted for longer than the grace.

        What the previous generation listed stays while readers may still be using it.
        """
        keep = self._listed(state.generation)
        if keep is None:  # no snapshot yet (an index from before generations): the catalog decides
            keep = {chunk.id for chunk in current_chunks(self._catalog, store.chunks())}
        published = state.published_at.replace(tzinfo=state.published_at.tzinfo or UTC)
        if just_published or (datetime.now(UTC) - published).total_seconds() < self._grace:
            keep |= self._listed(state.generation - 1) or set()
        doomed = [chunk_id for chunk_id in store.ids() if chunk_id not in keep]
        if not doomed:
            return
        try:
            store.delete(doomed)
            log.info("swept %d chunks that no generation lists", len(doomed))
        except StoreError as error:  # a full disk: the next session tries again
            log.warning("could not sweep %d unlisted chunks yet: %s", len(doomed), error)

    def _listed(self, generation: int) -> set[str] | None:
        if generation <= 0:
            return None
        index = self._shelf.get(generation)
        return set(index.ids) if index is not None else None

    def _close_interrupted_runs(self) -> None:
        """Runs still marked running belong to a process that died: nobody else holds the lock."""
        with self._catalog.session() as session:
            for run in session.exec(select(IndexRun).where(col(IndexRun.status) == "running")):
                run.status, run.finished_at = "interrupted", run.finished_at or now()
                session.add(run)
                log.warning("index run %s was left running by a stopped process: marked interrupted", run.id)
            session.commit()
