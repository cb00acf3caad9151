"""The vector store: chunks and their embeddings in a Chroma collection, embedded or on a server."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import chromadb
import numpy as np
from chromadb.api import ClientAPI
from chromadb.api.shared_system_client import SharedSystemClient
from chromadb.config import Settings as ChromaSettings

from knowledge.index.embedder import Vectors
from knowledge.records import Chunk
from knowledge.sources.address import shown

log = logging.getLogger(__name__)

_BATCH = 2000
_OPENING = threading.Lock()
DEFAULT_COLLECTION = "passages"


class StoreError(Exception):
    """The vector store refused a write or a read (disk full, server down); one short sentence."""


class VectorStore:
    """Chroma with embeddings always supplied by us: its default embedding function is never used."""

    def __init__(self, client: ClientAPI, collection: str = DEFAULT_COLLECTION) -> None:
        self.name = collection
        self._client = client
        try:
            self._collection = client.get_or_create_collection(
                collection, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
            )
        except Exception as error:  # chromadb raises many types; the caller needs one
            raise StoreError(_short(error)) from error

    def count(self) -> int:
        return self._collection.count()

    def add(self, chunks: Sequence[Chunk], vectors: Vectors) -> None:
        try:
            for start in range(0, len(chunks), _BATCH):
                batch = chunks[start : start + _BATCH]
                self._collection.upsert(
                    ids=[chunk.id for chunk in batch],
                    embeddings=vectors[start : start + _BATCH],
                    documents=[chunk.text for chunk in batch],
                    metadatas=[_metadata(chunk) for chunk in batch],
                )
        except Exception as error:
            raise StoreError(_short(error)) from error

    def ids_of(self, document_id: str) -> list[str]:
        return list(self._collection.get(where={"document_id": document_id}, include=[])["ids"])

    def ids(self) -> list[str]:
        """Every stored chunk id."""
        return list(self._collection.get(include=[])["ids"])

    def delete(self, ids: Sequence[str]) -> None:
        try:
            for start in range(0, len(ids), _BATCH):
                self._collection.delete(ids=list(ids[start : start + _BATCH]))
        except Exception as error:
            raise StoreError(_short(error)) from error

    def nearest(self, vector: Vectors, limit: int) -> list[tuple[str, float]]:
        """Ids of the nearest chunks with their cosine similarity.

        Ids and distances only: through a Chroma server, texts and metadata of 150 neighbours
        triple the query's time, and a reader ranks by the labels it already holds.
        """
        if limit <= 0:  # (chromadb 1.5 returns fewer when asked for more than it holds: no count needed)
            return []
        found = self._collection.query(query_embeddings=vector.reshape(1, -1), n_results=limit, include=["distances"])
        distances = (found["distances"] or [[]])[0]
        return [(id_, 1.0 - float(distance)) for id_, distance in zip(found["ids"][0], distances, strict=True)]

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

    def found_by_own_vector(self, chunk_id: str) -> bool:
        """Does a query with the chunk's stored embedding find the chunk (a rebuilt collection's check)?"""
        try:
            got = self._collection.get(ids=[chunk_id], include=["embeddings"])
            vectors = got.get("embeddings")
            if vectors is None or len(vectors) == 0:
                return False
            vector = np.asarray(vectors[0], dtype=np.float32)
            hits = self._collection.query(query_embeddings=vector, n_results=5, include=[])
        except Exception as error:
            raise StoreError(_short(error)) from error
        return chunk_id in (hits.get("ids") or [[]])[0]

    def sibling(self, collection: str) -> VectorStore:
        """Another collection on the same client (a rebuild writes into one while this one serves)."""
        return VectorStore(self._client, collection)

    def drop(self) -> None:
        """Delete this whole collection."""
        self._client.delete_collection(self.name)

    def collections(self) -> list[str]:
        return [collection.name for collection in self._client.list_collections()]


class StoreOpener:
    """Opens the vector store the settings name: an embedded Chroma folder, or a Chroma server."""

    def __init__(self, path: Path, url: str = "", headers: dict[str, str] | None = None) -> None:
        self._path, self._url, self._headers = path, url, headers or {}

    @property
    def remote(self) -> bool:
        return bool(self._url)

    def open(self, collection: str = DEFAULT_COLLECTION) -> VectorStore:
        """A store that sees every write made so far, by this process or any other.

        The embedded client keeps the vector index of the moment it was opened and does not see
        another process's later writes: each open makes a new client.
        """
        try:
            return VectorStore(self._client(), collection)
        except Exception as error:  # chromadb raises ValueError, ConnectError, …: one sentence naming the setting
            where = f"the Chroma server at CHROMA_URL={shown(self._url)}" if self._url else f"the folder {self._path}"
            reason = str(error) if isinstance(error, StoreError) else _short(error)
            raise StoreError(f"{where} cannot be opened: {reason}") from error

    def _client(self) -> ClientAPI:
        settings = ChromaSettings(anonymized_telemetry=False)
        if self._url:
            parts = urlsplit(self._url)
            return chromadb.HttpClient(
                host=parts.hostname or "localhost",
                port=parts.port or (443 if parts.scheme == "https" else 8000),
                ssl=parts.scheme == "https",
                headers=self._headers,
                settings=settings,
            )
        self._path.mkdir(parents=True, exist_ok=True)
        # chromadb keeps one registry of open systems per process, keyed by path, with reference
        # counts; a client whose start fails stops whatever system the registry then holds for its
        # path. Two threads opening at once (a reader following a new generation while a writer in
        # the same process opens its collection) could stop each other's system that way, so
        # opening is one at a time.
        with _OPENING:
            SharedSystemClient.clear_system_cache()  # else chromadb hands back the client opened earlier
            return chromadb.PersistentClient(path=str(self._path), settings=settings)


def _short(error: Exception) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text[:200]


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
