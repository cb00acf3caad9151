"""Keyword search over every stored chunk with BM25 (bm25s), kept in memory."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable

import bm25s
import numpy as np

from knowledge.records import Chunk
from knowledge.terms import terms

log = logging.getLogger(__name__)


class KeywordIndex:
    """BM25 over chunk text and title; rebuilt whenever the store changes."""

    def __init__(self, chunks: Iterable[Chunk] = ()) -> None:
        self._chunks: list[Chunk] = list(chunks)
        self._vocabulary: frozenset[str] = frozenset()
        self._bm25: bm25s.BM25 | None = None
        # Row numbers by ticker, and the chunks on financial statement pages, for filtered lookups.
        by_ticker: dict[str, list[int]] = defaultdict(list)
        for row, chunk in enumerate(self._chunks):
            for ticker in chunk.tickers:
                by_ticker[ticker].append(row)
        self._by_ticker = {ticker: np.asarray(rows) for ticker, rows in by_ticker.items()}
        self._statements = [chunk for chunk in self._chunks if chunk.section]
        if self._chunks:
            corpus = [terms(f"{chunk.title}\n{chunk.text}", chunk.language) for chunk in self._chunks]
            self._bm25 = bm25s.BM25()
            self._bm25.index(corpus, show_progress=False)
            self._vocabulary = frozenset(self._bm25.vocab_dict)
        log.debug("keyword index holds %d chunks", len(self._chunks))

    def __len__(self) -> int:
        return len(self._chunks)

    def statement_pages(self, sections: frozenset[str], tickers: tuple[str, ...]) -> list[Chunk]:
        """Chunks on the given financial statement pages of the given companies' documents."""
        return [c for c in self._statements if c.section in sections and set(c.tickers) & set(tickers)]

    def knows(self, term: str) -> bool:
        return term in self._vocabulary

    def search(self, query_terms: list[str], limit: int, tickers: tuple[str, ...] = ()) -> list[tuple[Chunk, float]]:
        """The best-scoring chunks for the terms (only those about `tickers`, if given), score > 0 only."""
        known = [term for term in dict.fromkeys(query_terms) if term in self._vocabulary]
        if self._bm25 is None or not known:
            return []
        scores = self._bm25.get_scores(known)
        if tickers:
            rows = [self._by_ticker[t] for t in tickers if t in self._by_ticker]
            allowed = np.unique(np.concatenate(rows)) if rows else np.zeros(0, dtype=int)
            masked = np.zeros_like(scores)
            masked[allowed] = scores[allowed]
            scores = masked
        limit = min(limit, len(scores))
        top = np.argpartition(-scores, limit - 1)[:limit]
        ranked = sorted(top, key=lambda index: -scores[index])
        return [(self._chunks[index], float(scores[index])) for index in ranked if scores[index] > 0]
