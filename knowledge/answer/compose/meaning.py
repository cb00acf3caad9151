"""How near a line comes to what a question asks, by the embedding model the bot already loads.

A company words a line item its own way ("Capital spending", "Additions to property and
equipment") and a question abbreviates ("capex", "PPNE"): no word list holds every pair, the
embedding model places them close. Lines are compared as what they are about: a sentence as
written, a table row by its label (its figures say nothing about what the row is).

Vectors of lines are kept by their text (a filing's pages come back question after question), up
to a bound, so a question embeds only what it has not met before.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence

import numpy as np

from knowledge.answer.compose.unit import Unit
from knowledge.index.embedder import Embedder, Vectors

_LINE_CHARS = 300  # what a line is about is said in its first words; long sentences cost more to embed
_KEPT = 50_000  # line vectors kept (384 floats each: ~75 MB at most)


class Meaning:
    """Cosine similarity of a question's focus with lines, each line embedded once per process."""

    def __init__(self, embedder: Callable[[], Embedder], kept: int = _KEPT) -> None:
        self._embedder, self._kept = embedder, kept
        self._vectors: OrderedDict[str, Vectors] = OrderedDict()

    def compare(self, focus: str, lines: Sequence[Unit]) -> list[float]:
        """The similarity of each line to the focus, in the order given."""
        if not lines:
            return []
        texts = [about(line) for line in lines]
        vectors = self._embedded([focus, *texts])
        asked = vectors[focus]
        return [float(np.dot(asked, vectors[text])) for text in texts]

    def _embedded(self, texts: list[str]) -> dict[str, Vectors]:
        missing = list(dict.fromkeys(text for text in texts if text not in self._vectors))
        if missing:
            for text, vector in zip(missing, self._embedder().embed(missing), strict=True):
                self._vectors[text] = vector
        found = {}
        for text in texts:
            self._vectors.move_to_end(text)
            found[text] = self._vectors[text]
        while len(self._vectors) > self._kept:  # the least recently used go first
            self._vectors.popitem(last=False)
        return found


def about(line: Unit) -> str:
    """What a line is about: a row's label (its figures and columns are no topic), a sentence itself."""
    if line.kind == "row":
        label = line.text.partition(":")[0].strip()
        # "Total" alone says nothing: the table's title says what it totals.
        return f"{label} ({line.heading})" if line.heading and len(label.split()) <= 2 else label
    return line.text[:_LINE_CHARS]
