"""The vector store: chunks and their embeddings in a persistent Chroma collection."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import chromadb
from chromadb.config import Settings as ChromaSettings

from knowledge.index.embedder import Vectors
from knowledge.records import Chunk

_BATCH = 2000


class VectorStore:
    """Chroma with embeddings always supplied by us: its default embedding function is never used."""

    def __init__(self, path: Path, collection: str = "passages") -> None:
        path.mkdir(parents=True, exist_ok=True)
        self._client = chromadb.PersistentClient(path=str(path), settings=ChromaSettings(anonymized_telemetry=False))
        self._collection = self._client.get_or_create_collection(
            collection, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
        )

    def count(self) -> int:
        return self._collection.count()

    def add(self, chunks: Sequence[Chunk], vectors: Vectors) -> None:
        for start in range(0, len(chunks), _BATCH):
            batch = chunks[start : start + _BATCH]
            self._collection.upsert(
                ids=[chunk.id for chunk in batch],
                embeddings=vectors[start : start + _BATCH],
                documents=[chunk.text for chunk in batch],
                metadatas=[_metadata(chunk) for chunk in batch],
            )

    def ids_of(self, document_id: str) -> list[str]:
        return list(self._collection.get(where={"document_id": document_id}, include=[])["ids"])

    def delete(self, ids: Sequence[str]) -> None:
        for start in range(0, len(ids), _BATCH):
            self._collection.delete(ids=list(ids[start : start + _BATCH]))

    def query(self, vector: Vectors, limit: int) -> list[tuple[Chunk, float]]:
        """The nearest chunks with their cosine similarity."""
        if limit <= 0:
            return []
        found = self._collection.query(
            query_embeddings=vector.reshape(1, -1),
            n_results=limit,
            include=["documents", "metadatas", "distances"],
        )
        ids, texts = found["ids"][0], (found["documents"] or [[]])[0]
        metas, distances = (found["metadatas"] or [[]])[0], (found["distances"] or [[]])[0]
        return [
            (_chunk(id_, text or "", meta), 1.0 - float(distance))
            for id_, text, meta, distance in zip(ids, texts, metas, distances, strict=True)
        ]

    def fingerprint(self) -> str:
        """Names exactly the chunks stored now: chunk ids change whenever their content does."""
        ids = sorted(self._collection.get(include=[])["ids"])
        return hashlib.sha1("\n".join(ids).encode()).hexdigest()

    def get(self, ids: Sequence[str]) -> list[Chunk]:
        """The chunks with these ids (in no particular order; unknown ids are skipped)."""
        if not ids:
            return []
        found = self._collection.get(ids=list(dict.fromkeys(ids)), include=["documents", "metadatas"])
        texts, metas = found["documents"] or [], found["metadatas"] or []
        return [_chunk(id_, text or "", meta) for id_, text, meta in zip(found["ids"], texts, metas, strict=True)]

    def chunks(self, page_size: int = 1000) -> Iterator[Chunk]:
        """Every stored chunk, page by page (for the keyword index)."""
        offset = 0
        while True:
            page = self._collection.get(limit=page_size, offset=offset, include=["documents", "metadatas"])
            if not page["ids"]:
                return
            texts, metas = page["documents"] or [], page["metadatas"] or []
            for id_, text, meta in zip(page["ids"], texts, metas, strict=True):
                yield _chunk(id_, text or "", meta)
            offset += len(page["ids"])


def _metadata(chunk: Chunk) -> dict[str, str | int]:
    return {
        "document_id": chunk.document_id,
        "title": chunk.title,
        "uri": chunk.uri,
        "url": chunk.url,
        "publisher": chunk.publisher,
        "published": chunk.published.isoformat() if chunk.published else "",
        "page": chunk.page if chunk.page is not None else -1,
        "language": chunk.language,
        "tickers": ",".join(chunk.tickers),
        "kind": chunk.kind,
        "section": chunk.section,
    }


def _chunk(id_: str, text: str, meta: Any) -> Chunk:
    meta = dict(meta or {})
    published = str(meta.get("published") or "")
    page = int(meta.get("page", -1))
    return Chunk(
        id=id_,
        document_id=str(meta.get("document_id", "")),
        text=text,
        title=str(meta.get("title", "")),
        uri=str(meta.get("uri", "")),
        url=str(meta.get("url", "")),
        publisher=str(meta.get("publisher", "")),
        published=date.fromisoformat(published) if published else None,
        page=page if page >= 0 else None,
        language=str(meta.get("language", "en")),
        tickers=tuple(t for t in str(meta.get("tickers", "")).split(",") if t),
        kind=str(meta.get("kind", "news")),
        section=str(meta.get("section", "")),
    )
