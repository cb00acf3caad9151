"""Embeddings by the hash of the exact text and the model that made them, kept in the catalog.

Identical text — boilerplate repeated across a company's filings, a re-fetched news item, a
rebuild with the same model — is embedded once, ever. A different model (or backend) has other
keys, so a rebuild after changing the model embeds everything again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

import numpy as np
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from knowledge.catalog import Catalog
from knowledge.catalog.tables import EmbeddingCacheRow
from knowledge.index.embedder import Embedder, Vectors

_LOOKUP = 500  # keys per IN (...) query


class EmbeddingCache:
    """Wraps an embedder: vectors found in the catalog are reused, the rest embedded and stored."""

    def __init__(self, catalog: Catalog, embedder: Callable[[], Embedder]) -> None:
        self._catalog, self._embedder = catalog, embedder
        self.hits = self.misses = 0

    def embed(self, texts: Sequence[str]) -> Vectors:
        embedder = self._embedder()
        keys = [_key(embedder.name, text) for text in texts]
        found = self._lookup(set(keys))
        missing = [index for index, key in enumerate(keys) if key not in found]
        self.hits += len(texts) - len(missing)
        self.misses += len(missing)
        if missing:
            fresh = embedder.embed([texts[index] for index in missing])
            new = {keys[index]: fresh[row] for row, index in enumerate(missing)}
            self._save(new)
            found.update(new)
        return np.vstack([found[key] for key in keys]).astype(np.float32)

    def _lookup(self, keys: set[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        ordered = sorted(keys)
        with self._catalog.session() as session:
            for start in range(0, len(ordered), _LOOKUP):
                part = ordered[start : start + _LOOKUP]
                rows = session.exec(select(EmbeddingCacheRow).where(col(EmbeddingCacheRow.key).in_(part)))
                found.update((row.key, np.frombuffer(row.vector, dtype=np.float32)) for row in rows)
        return found

    def _save(self, vectors: dict[str, np.ndarray]) -> None:
        rows = [
            EmbeddingCacheRow(key=key, vector=np.asarray(v, dtype=np.float32).tobytes()) for key, v in vectors.items()
        ]
        try:
            with self._catalog.session() as session:
                session.add_all(rows)
                session.commit()
        except IntegrityError:  # another writer cached the same text meanwhile: keep theirs
            with self._catalog.session() as session:
                for row in rows:
                    session.merge(row)
                session.commit()


def _key(model: str, text: str) -> str:
    return hashlib.sha256(f"{model}\x00{text}".encode()).hexdigest()
