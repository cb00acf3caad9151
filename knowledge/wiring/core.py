"""What every role shares: the settings, the catalog, the way to the vector store, the keyword
snapshots and the embedding model (loaded on first use)."""

from __future__ import annotations

from functools import cached_property

from knowledge.catalog import Catalog
from knowledge.index.embedder import Embedder, make_embedder
from knowledge.index.snapshot import SnapshotShelf
from knowledge.index.store import StoreOpener
from knowledge.settings import Settings


class Core:
    """Opened once per process; both sides of a single process share one."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.settings = settings
        self.catalog = Catalog(settings.catalog_url)
        self.opener = StoreOpener(settings.chroma_dir, settings.chroma_url, settings.chroma_headers)
        self.shelf = SnapshotShelf(settings.data_dir / "keyword", self.catalog, shared=self.catalog.shared)
        self._embedder = embedder

    @cached_property
    def embedder(self) -> Embedder:
        """Loaded on first use: listing sources should not pay for the model."""
        return self._embedder or make_embedder(self.settings)

    def close(self) -> None:
        """Release database connections (Chroma keeps no open handles we own)."""
        self.catalog.close()
