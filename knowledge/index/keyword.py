"""Keyword search over every stored chunk with BM25 (bm25s), kept in memory.

Only what search and ranking need is held: chunk ids, term ids, tickers, statement pages and each
chunk's labels (metadata without text). Texts stay in Chroma and are fetched for the few chunks an
answer shows; at 100k chunks this keeps the serving process hundreds of megabytes smaller than
holding every chunk.
"""

from __future__ import annotations

import contextlib
import ctypes
import itertools
import json
import logging
import shutil
import sys
from array import array
from collections import defaultdict
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path

import bm25s
import numpy as np
from numpy.typing import NDArray

from knowledge.index.labels import ChunkLabels
from knowledge.records import Chunk
from knowledge.text.terms import terms

log = logging.getLogger(__name__)


class KeywordIndex:
    """BM25 over chunk text and title; rebuilt whenever the store changes."""

    def __init__(self, chunks: Iterable[Chunk] = ()) -> None:
        self._ids: list[str] = []
        self._texts: list[str] = []  # only until saved: then read from the snapshot's text file
        self._text_file: TextFile | None = None
        self._labels = ChunkLabels()
        self._vocabulary: dict[str, int] = {}
        # All term ids in one flat buffer; each chunk's terms are a view into it (one allocation,
        # not 100k small ones).
        flat, ends = array("i"), [0]
        by_ticker: dict[str, list[int]] = defaultdict(list)
        statements: dict[str, list[tuple[int, tuple[str, ...]]]] = defaultdict(list)
        for row, chunk in enumerate(chunks):
            self._ids.append(chunk.id)
            self._labels.append(chunk)
            self._texts.append(chunk.text)
            words = terms(f"{chunk.title}\n{chunk.text}", chunk.language) or [""]
            flat.extend(self._vocabulary.setdefault(word, len(self._vocabulary)) for word in words)
            ends.append(len(flat))
            for ticker in chunk.tickers:
                by_ticker[ticker].append(row)
            if chunk.section:
                statements[chunk.section].append((row, chunk.tickers))
        self._by_ticker = {ticker: np.asarray(rows) for ticker, rows in by_ticker.items()}
        self._statements = dict(statements)
        self._bm25: bm25s.BM25 | None = None
        if self._ids:
            buffer = np.frombuffer(flat, dtype=np.int32)
            corpus: list[NDArray[np.int32]] = [buffer[start:end] for start, end in itertools.pairwise(ends)]
            self._bm25 = bm25s.BM25()
            self._bm25.index((corpus, dict(self._vocabulary)), show_progress=False, create_empty_token=False)
            del corpus, buffer, flat
        _release_freed_memory()
        log.debug("keyword index holds %d chunks", len(self._ids))

    def save(self, folder: Path) -> None:
        """Write the index to a folder, so that readers load it instead of rebuilding it."""
        partial = folder.with_name(folder.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        if self._bm25 is not None:
            self._bm25.save(str(partial / "bm25"), show_progress=False)
        state = {
            "ids": self._ids,
            "vocabulary": self._vocabulary,
            "tickers": {ticker: rows.tolist() for ticker, rows in self._by_ticker.items()},
            "statements": {section: rows for section, rows in self._statements.items()},
            "labels": self._labels.state(),
        }
        (partial / "state.json").write_text(json.dumps(state), encoding="utf-8")
        TextFile.write(partial, self._texts)
        shutil.rmtree(folder, ignore_errors=True)
        partial.rename(folder)  # a reader sees the old index or the new one, never half of one
        self._texts, self._text_file = [], TextFile.open(folder)

    @classmethod
    def load(cls, folder: Path) -> KeywordIndex | None:
        """The index saved in the folder, or None when there is none (or it is unreadable)."""
        try:
            state = json.loads((folder / "state.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if "labels" not in state:  # saved by a release without labels: rebuild it
            return None
        index = cls()
        index._ids, index._vocabulary = state["ids"], state["vocabulary"]
        index._text_file = TextFile.open(folder)
        index._labels = ChunkLabels.from_state(state["labels"])
        index._by_ticker = {ticker: np.asarray(rows) for ticker, rows in state["tickers"].items()}
        index._statements = {
            section: [(row, tuple(tickers)) for row, tickers in rows] for section, rows in state["statements"].items()
        }
        if index._ids:
            # Memory-mapped: the score matrix stays on disk and in the page cache, not in the heap.
            index._bm25 = bm25s.BM25.load(str(folder / "bm25"), mmap=True, show_progress=False, verbosity=0)
        return index

    def __len__(self) -> int:
        return len(self._ids)

    def ids_of(self, documents: list[str]) -> list[str]:
        """The chunk ids of these documents in this generation."""
        wanted = set(documents)
        return [chunk_id for chunk_id in self._ids if chunk_id.partition("-")[0] in wanted] if wanted else []

    @property
    def ids(self) -> list[str]:
        """The chunks this index was built from: the generation's manifest."""
        return self._ids

    @cached_property
    def _rows(self) -> dict[str, int]:
        return {chunk_id: row for row, chunk_id in enumerate(self._ids)}

    def __contains__(self, chunk_id: object) -> bool:
        return chunk_id in self._rows

    def label(self, chunk_id: str) -> Chunk:
        """The chunk's metadata, with an empty text (KeyError if this generation does not list it)."""
        return self._labels.chunk(self._rows[chunk_id], chunk_id)

    def text(self, chunk_id: str) -> str | None:
        """The chunk's text from the snapshot (read when the vector store cannot be), if kept."""
        row = self._rows[chunk_id]
        if self._texts:
            return self._texts[row]
        return self._text_file.text(row) if self._text_file is not None else None

    def knows(self, term: str) -> bool:
        return term in self._vocabulary

    def search(self, query_terms: list[str], limit: int, tickers: tuple[str, ...] = ()) -> list[tuple[str, float]]:
        """Ids and scores of the best chunks for the terms (only those about `tickers`, if given)."""
        known = [self._vocabulary[t] for t in dict.fromkeys(query_terms) if t in self._vocabulary]
        if self._bm25 is None or not known:
            return []
        scores = self._bm25.get_scores_from_ids(known)
        if tickers:
            rows = [self._by_ticker[t] for t in tickers if t in self._by_ticker]
            allowed = np.unique(np.concatenate(rows)) if rows else np.zeros(0, dtype=int)
            masked = np.zeros_like(scores)
            masked[allowed] = scores[allowed]
            scores = masked
        limit = min(limit, len(scores))
        top = np.argpartition(-scores, limit - 1)[:limit]
        ranked = sorted(top, key=lambda row: -scores[row])
        return [(self._ids[row], float(scores[row])) for row in ranked if scores[row] > 0]

    def statement_pages(self, sections: frozenset[str], tickers: tuple[str, ...]) -> list[str]:
        """Ids of the chunks on the given financial statement pages of the given companies' documents."""
        wanted = set(tickers)
        return [
            self._ids[row]
            for section in sorted(sections)  # a fixed order: ties must not depend on the hash seed
            for row, chunk_tickers in self._statements.get(section, [])
            if wanted & set(chunk_tickers)
        ]


class TextFile:
    """Every chunk's text in one file beside the snapshot, read by row through a memory map: the
    keyword index answers alone while the vector store is unreachable, without holding the texts
    in memory."""

    def __init__(self, data: NDArray[np.uint8], ends: NDArray[np.int64]) -> None:
        self._data, self._ends = data, ends

    @staticmethod
    def write(folder: Path, texts: list[str]) -> None:
        encoded = [text.encode("utf-8") for text in texts]
        (folder / "texts.bin").write_bytes(b"".join(encoded))
        np.save(folder / "text_ends.npy", np.cumsum([len(part) for part in encoded], dtype=np.int64))

    @classmethod
    def open(cls, folder: Path) -> TextFile | None:
        """The folder's text file, or None (a snapshot from before texts were kept, or none yet)."""
        try:
            ends = np.load(folder / "text_ends.npy")
            size = (folder / "texts.bin").stat().st_size
            data = np.memmap(folder / "texts.bin", dtype=np.uint8, mode="r") if size else np.zeros(0, np.uint8)
        except (OSError, ValueError):
            return None
        return cls(data, ends)

    def text(self, row: int) -> str:
        start = int(self._ends[row - 1]) if row else 0
        return bytes(self._data[start : int(self._ends[row])]).decode("utf-8")


def _release_freed_memory() -> None:
    """Hand memory freed by the build back to the OS (glibc keeps it otherwise, inflating RSS)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):  # not glibc (musl, for one): nothing to trim
            ctypes.CDLL("libc.so.6").malloc_trim(0)
