"""The answering side's memory of recent vectors: each text embedded once while it is recent."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from knowledge.index.embedder import Vectors
from knowledge.index.recent import RecentVectors


class CountingEmbedder:
    """A stand-in model: one fixed vector per text (by its length), and a record of what it embedded."""

    name = "counting"

    def __init__(self) -> None:
        self.seen: list[str] = []

    def embed(self, texts: Sequence[str]) -> Vectors:
        self.seen.extend(texts)
        return np.array([[1.0, float(len(text))] for text in texts], dtype=np.float32)


def test_a_text_met_again_is_not_embedded_again() -> None:
    model = CountingEmbedder()
    recent = RecentVectors(lambda: model)

    first = recent.embed(["a", "bb", "a"])
    second = recent.embed(["ccc", "bb"])

    assert model.seen == ["a", "bb", "ccc"]
    assert first.tolist() == [[1.0, 1.0], [1.0, 2.0], [1.0, 1.0]]
    assert second.tolist() == [[1.0, 3.0], [1.0, 2.0]]


def test_the_least_recently_used_are_forgotten_first() -> None:
    model = CountingEmbedder()
    recent = RecentVectors(lambda: model, kept=2)

    recent.embed(["a", "bb"])
    recent.embed(["a"])  # "a" used last: "bb" goes when "ccc" comes
    recent.embed(["ccc"])
    recent.embed(["a", "bb"])

    assert model.seen == ["a", "bb", "ccc", "bb"]


def test_nothing_to_embed_gives_no_vectors() -> None:
    model = CountingEmbedder()

    assert RecentVectors(lambda: model).embed([]).shape[0] == 0
