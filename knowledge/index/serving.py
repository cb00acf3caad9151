"""Reading the index: the published generation, followed within seconds and swapped in one step.

A reader answers from an `IndexView`: a store handle and the keyword index of one generation.
Dense hits are kept only if the generation lists them, so chunks a writer has added but not yet
published, and chunks a newer generation dropped, never mix into an answer. When the catalog
names a newer generation, a new view is loaded aside and replaces the old one in one assignment.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from dataclasses import dataclass

from knowledge import metrics
from knowledge.catalog import Catalog
from knowledge.catalog.tables import IndexState
from knowledge.index.keyword import KeywordIndex
from knowledge.index.snapshot import SnapshotShelf
from knowledge.index.store import StoreOpener, VectorStore
from knowledge.index.writer import current_chunks

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IndexView:
    """One generation of the index, complete: what a question is answered from."""

    generation: int
    store: VectorStore
    keyword: KeywordIndex

    def count(self) -> int:
        return len(self.keyword)

    @property
    def building(self) -> bool:
        """No generation has been published yet and nothing is indexed: the first index is being
        built (an index from before generations has chunks under generation 0, and serves)."""
        return self.generation == 0 and not len(self.keyword)


class ServingIndex:
    """Keeps the newest published view; checks the catalog at most every `poll_seconds`."""

    def __init__(self, catalog: Catalog, opener: StoreOpener, shelf: SnapshotShelf, poll_seconds: float = 2.0) -> None:
        self._catalog, self._opener, self._shelf, self._poll = catalog, opener, shelf, poll_seconds
        self._view: IndexView | None = None
        self._checked = 0.0
        self._loading = threading.Lock()
        self._background = False

    def view(self) -> IndexView:
        """The current view. A newer generation is loaded in the background; the old one serves meanwhile."""
        view = self._view
        if view is None:
            return self.reload()
        if time.monotonic() - self._checked >= self._poll:
            self._checked = time.monotonic()
            with contextlib.suppress(Exception):  # a catalog hiccup must not stop answers
                if self._published().generation != view.generation:
                    self._load_in_background()
        return view

    def reload(self) -> IndexView:
        """Load the published generation now (first use, and right after this process published)."""
        with self._loading:
            state = self._published()
            if self._view is None or self._view.generation != state.generation:
                self._view = self._load(state)
            self._checked = time.monotonic()
            return self._view

    def _load_in_background(self) -> None:
        if self._background:
            return
        self._background = True

        def run() -> None:
            try:
                self.reload()
            except Exception:
                log.exception("could not load the new index generation; still serving the previous one")
            finally:
                self._background = False

        threading.Thread(target=run, name="index-reload", daemon=True).start()

    def _published(self) -> IndexState:
        with self._catalog.session() as session:
            return session.get(IndexState, 1) or IndexState()

    def _load(self, state: IndexState) -> IndexView:
        store = self._opener.open(state.collection)
        keyword = self._shelf.get(state.generation) if state.generation else None
        if keyword is None:
            # No snapshot for this generation (an index from before generations, or a lost folder):
            # build the same index the writer would have, from the store and the catalog.
            keyword = KeywordIndex(current_chunks(self._catalog, store.chunks()))
            with contextlib.suppress(OSError):  # a full disk: serve from memory
                self._shelf.folder(state.generation).parent.mkdir(parents=True, exist_ok=True)
                keyword.save(self._shelf.folder(state.generation))
        log.info("serving index generation %d (%d chunks)", state.generation, len(keyword))
        metrics.INDEX_GENERATION.set(state.generation)
        metrics.INDEX_CHUNKS.set(len(keyword))
        return IndexView(state.generation, store, keyword)
