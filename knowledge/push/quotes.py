"""The sentences of a document that matter for a company: those about it, closest in meaning to
the headline (the embedding model, not a word list), kept in the document's order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from knowledge.answer.compose.sentences import units
from knowledge.index.embedder import Embedder
from knowledge.records import Chunk
from knowledge.text.companies import Companies

_CANDIDATES = 40  # sentences of one document weighed at most (a filing has thousands)


@dataclass(frozen=True)
class Quote:
    """A sentence and the chunk it is quoted from."""

    text: str
    chunk: Chunk


def quotes(
    chunks: list[Chunk], ticker: str, companies: Companies, embedder: Callable[[], Embedder], wanted: int = 2
) -> list[Quote]:
    """Up to `wanted` sentences about `ticker` (any sentence when none names it), best first by
    their closeness to the document's title, returned in the document's order."""
    ordered = sorted(chunks, key=lambda chunk: chunk.order)
    found: list[tuple[int, Quote]] = []
    for chunk in ordered:
        for unit in units(chunk.text, chunk.order, chunk.language):
            if unit.kind == "sentence" and 40 <= len(unit.text) <= 400:
                found.append((len(found), Quote(unit.text, chunk)))
        if len(found) >= _CANDIDATES:
            break
    if not found:
        return []
    about = [pair for pair in found if ticker in companies.find(pair[1].text)]
    pool = about or found
    if len(pool) > wanted:
        title = ordered[0].title
        vectors = embedder().embed([title, *(quote.text for _, quote in pool)])
        scores = vectors[1:] @ vectors[0]
        best = sorted(np.argsort(-scores)[:wanted].tolist())
        pool = [pool[index] for index in best]
    return [quote for _, quote in sorted(pool[:wanted], key=lambda pair: pair[0])]
