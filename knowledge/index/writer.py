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
from knowledge.index.store import DEFAULT_COLLECTION, StoreError, StoreOpener, VectorStore
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


class RebuildError(Exception):
    """A rebuilt collection failed its checks; the previous one keeps serving."""


@dataclass
class Writing:
    """A writer's session: the store to change, and the way to publish the change."""

    store: VectorStore
    publish: Callable[[], None]
    dirty: bool = False  # changed since the last publish
    published: bool = False
    last_publish: float = field(default_factory=time.monotonic)
    rebuilding: bool = False  # a new collection that readers must not see until it is complete

    def checkpoint(self) -> None:
        """Publish now if the session has been running a while, so readers see its progress."""
        if not self.rebuilding and self.dirty and time.monotonic() - self.last_publish >= PUBLISH_EVERY_SECONDS:
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
            self._drop_retired(store, state)
            self._sweep(store, state, just_published=False)
            writing = Writing(store, lambda: None)
            writing.publish = lambda: self._publish(writing)
            yield writing
            if writing.dirty:
                writing.publish()
            if writing.published:
                self._sweep(store, self.state(), just_published=True)

    @contextlib.contextmanager
    def rebuilding(
        self, what: str, wait: float = 0.0, on_wait: Callable[[str], None] | None = None
    ) -> Iterator[tuple[Writing, VectorStore]]:
        """Hold the writer lock and yield a session on a new, empty collection (and the serving one).

        Readers keep the serving collection until the body returns and `verify` passes; then one
        catalog transaction names the new collection and its generation together. If anything
        fails, the new collection is dropped and nothing changes for readers.
        """
        with self._lock.holding(what, wait, on_wait):
            state = self.state()
            serving = self._opener.open(state.collection)
            self._close_interrupted_runs()
            self._drop_retired(serving, state)
            fresh = serving.sibling(f"{DEFAULT_COLLECTION}-{state.generation + 1}-{int(time.time())}")
            writing = Writing(fresh, lambda: None, rebuilding=True)
            writing.publish = lambda: self._publish(writing, retire=serving.name)
            try:
                yield writing, serving
                self.verify(fresh)
                writing.publish()
            except BaseException:
                with contextlib.suppress(Exception):
                    fresh.drop()
                raise

    def verify(self, store: VectorStore, sample: int = 20) -> None:
        """Every current document has chunks in the store, and a sample of them is found by its own vector."""
        versions = self._catalog.document_versions()
        present = {version_of(chunk_id) for chunk_id in store.ids()}
        missing = [document for document, version in versions.items() if (document, version) not in present]
        if missing:
            raise RebuildError(f"{len(missing)} documents have no chunks in the new collection (first: {missing[0]})")
        step = max(1, len(versions) // sample)
        for document in sorted(versions)[::step][:sample]:
            ids = [chunk_id for chunk_id in store.ids_of(document) if version_of(chunk_id)[1] == versions[document]]
            if not store.found_by_own_vector(ids[0]):
                raise RebuildError(f"a sample chunk of {document} is not found in the new collection")

    def _drop_retired(self, serving: VectorStore, state: IndexState) -> None:
        """The collection a rebuild replaced, once readers have had the grace period to move on."""
        if not state.retired_collection or not self._past_grace(state):
            return
        with contextlib.suppress(Exception):  # already gone
            serving.sibling(state.retired_collection).drop()
        with self._catalog.session() as session:
            row = session.get(IndexState, 1)
            if row is not None and row.retired_collection == state.retired_collection:
                row.retired_collection = ""
                session.add(row)
                session.commit()
        log.info("dropped the collection %s that a rebuild replaced", state.retired_collection)

    def _past_grace(self, state: IndexState) -> bool:
        published = state.published_at.replace(tzinfo=state.published_at.tzinfo or UTC)
        return (datetime.now(UTC) - published).total_seconds() >= self._grace

    def _publish(self, writing: Writing, retire: str = "") -> None:
        index = KeywordIndex(current_chunks(self._catalog, writing.store.chunks()))
        with self._catalog.session() as session:
            state = session.get(IndexState, 1) or IndexState()
            generation = state.generation + 1
            self._shelf.put(generation, index)
            state.generation, state.chunk_count, state.published_at = generation, len(index), now()
            state.collection = writing.store.name
            if retire:
                state.retired_collection = retire
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
        if store.name != state.collection:
            return  # a rebuild's new collection: what the catalog lists there is all it holds
        keep = self._listed(state.generation)
        if keep is None:  # no snapshot yet (an index from before generations): the catalog decides
            keep = {chunk.id for chunk in current_chunks(self._catalog, store.chunks())}
        if just_published or not self._past_grace(state):
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
