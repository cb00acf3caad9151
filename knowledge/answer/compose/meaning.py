"""How near a line comes to what a question asks, by the embedding model the bot already loads.

A company words a line item its own way ("Capital spending", "Additions to property and
equipment") and a question abbreviates ("capex", "PPNE"): no word list holds every pair, the
embedding model places them close. Lines are compared as what they are about: a sentence as
written, a table row by its label (its figures say nothing about what the row is).

A filing's pages come back question after question: the engine hands in an embedder that keeps
recent vectors by text (`knowledge.index.recent`), so a question embeds only what it has not met.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from knowledge.answer.compose.unit import Unit
from knowledge.index.embedder import Embedder

# What a line is about is said in its first words, and long sentences cost more to embed: 200
# characters refused fewer answerable coverage questions than 300 (0.17 against 0.19 of 70).
_LINE_CHARS = 200


class Meaning:
    """Cosine similarity of a question's focus with lines."""

    def __init__(self, embedder: Callable[[], Embedder]) -> None:
        self._embedder = embedder

    def compare(self, focus: str, lines: Sequence[Unit]) -> list[float]:
        """The similarity of each line to the focus, in the order given."""
        if not lines:
            return []
        vectors = self._embedder().embed([focus, *(about(line) for line in lines)])
        return [float(np.dot(vectors[0], vector)) for vector in vectors[1:]]


def about(line: Unit) -> str:
    """What a line is about: a row's label (its figures and columns are no topic), a sentence itself."""
    if line.kind == "row":
        label = line.text.partition(":")[0].strip()
        # "Total" alone says nothing: the table's title says what it totals.
        return f"{label} ({line.heading})" if line.heading and len(label.split()) <= 2 else label
    return line.text[:_LINE_CHARS]
