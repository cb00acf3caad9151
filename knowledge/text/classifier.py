"""A learned yes/no reading of short texts: logistic regression over a text's sentence embedding and
its character n-grams, fitted on labelled examples and kept on disk.

What enters: labelled example texts and an embedder (to fit), then texts with their embeddings (to
score); what leaves: for each text the probability that it is of the positive kind. The embedding
carries meaning, but the English MiniLM model places German sentences by their surface; the
character n-grams carry the wording it blurs ("zugreifen", "nachkaufen", "Sie", "!") in any language.

Fitting (scikit-learn's liblinear, fixed order) is deterministic and takes a few seconds; the
weights are written once per model, feature layout and example set, as the examples' vectors
were, so no process refits. Scoring needs numpy only: hashing a sentence's n-grams and summing
their weights costs a fraction of a millisecond beside its embedding.
"""

from __future__ import annotations

import hashlib
import os
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from knowledge.index.embedder import Embedder, Vectors
from knowledge.index.lock import alone

if TYPE_CHECKING:
    from scipy import sparse

_LAYOUT = 2  # bump when the features change, so cached weights of another layout are not read


@dataclass(frozen=True)
class Features:
    """How a text becomes a row: its embedding (scaled) beside its hashed character n-grams (of each
    word with a space either side, lower-cased), each part of unit length."""

    shortest: int = 2
    longest: int = 5
    buckets: int = 2**18
    embedding_scale: float = 1.0  # 0: a reading of the wording alone, no embedding needed
    grams_scale: float = 1.0
    strength: float = 4.0  # inverse regularisation (C) of the regression

    def grams(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The text's n-gram buckets and their weights. Hashed here rather than by scikit-learn,
        whose fixed cost per call (~1 ms) would be paid on every answer."""
        crc32, hashes = zlib.crc32, []
        for word in text.lower().split():
            padded = f" {word} ".encode()  # n-grams of bytes: an umlaut is two, the same every time
            for n in range(self.shortest, min(self.longest, len(padded)) + 1):
                hashes += [crc32(padded[i : i + n]) for i in range(len(padded) - n + 1)]
        buckets, counts = np.unique(np.asarray(hashes, dtype=np.int64) % self.buckets, return_counts=True)
        weights = counts.astype(np.float32)
        norm = float(np.linalg.norm(weights)) or 1.0
        return buckets, weights * (self.grams_scale / norm)

    def width(self, vectors: Vectors) -> int:
        return vectors.shape[1] if self.embedding_scale else 0

    def rows(self, texts: Sequence[str], vectors: Vectors) -> sparse.csr_matrix:
        """The texts as a sparse matrix (for fitting)."""
        from scipy import sparse

        width = self.width(vectors)
        found = [self.grams(text) for text in texts]
        ends = np.cumsum([0] + [len(buckets) for buckets, _ in found])
        columns = np.concatenate([buckets for buckets, _ in found]) if found else np.zeros(0, dtype=np.int64)
        values = np.concatenate([weights for _, weights in found]) if found else np.zeros(0, dtype=np.float32)
        grams = sparse.csr_matrix((values, columns, ends), shape=(len(texts), self.buckets), dtype=np.float32)
        if not width:
            return grams
        dense = sparse.csr_matrix(np.asarray(vectors, dtype=np.float32) * self.embedding_scale)
        return sparse.hstack([dense, grams], format="csr")


@dataclass(frozen=True, eq=False)
class Classifier:
    """Fitted weights: one per embedding dimension (none for a reading of the wording alone) and
    n-gram bucket, and a bias."""

    features: Features
    weights: np.ndarray
    bias: float

    @classmethod
    def fit(cls, texts: Sequence[str], vectors: Vectors, labels: Sequence[bool], features: Features) -> Classifier:
        # scikit-learn is imported here, not with the module: scoring needs numpy only.
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(C=features.strength, solver="liblinear", class_weight="balanced", max_iter=1000)
        model.fit(features.rows(texts, vectors), np.asarray(labels, dtype=np.int8))
        return cls(features, np.asarray(model.coef_[0], dtype=np.float32), float(model.intercept_[0]))

    def scores(self, texts: Sequence[str], vectors: Vectors) -> np.ndarray:
        """For each text, the probability that it is of the positive kind (`vectors` unused by a
        reading of the wording alone)."""
        if not texts:
            return np.zeros(0, dtype=np.float32)
        width = len(self.weights) - self.features.buckets
        margins = np.full(len(texts), self.bias, dtype=np.float64)
        if width:
            margins += (np.asarray(vectors, dtype=np.float32) @ self.weights[:width]) * self.features.embedding_scale
        grams = self.weights[width:]
        for row, text in enumerate(texts):
            buckets, weights = self.features.grams(text)
            margins[row] += float(grams[buckets] @ weights)
        return np.asarray(1.0 / (1.0 + np.exp(-margins)), dtype=np.float32)


def fitted(
    name: str,
    texts: Sequence[str],
    labels: Sequence[bool],
    embedder: Embedder,
    *,
    features: Features,
    cache_dir: Path | None = None,
) -> Classifier:
    """A classifier fitted on the examples, read from `cache_dir` when these examples were fitted
    before with this model and layout (else fitted, then written there)."""
    key = hashlib.sha256(
        "\n".join(
            [
                str(_LAYOUT),
                repr(features),
                embedder.name,
                *(f"{int(y)}\t{t}" for t, y in zip(texts, labels, strict=True)),
            ]
        ).encode()
    ).hexdigest()[:16]
    if cache_dir is None:
        return _fit(texts, labels, embedder, features)
    path = cache_dir / f"{name}-{key}.npz"
    if not path.is_file():
        with alone(cache_dir):  # one process fits, the others wait and read its file
            if not path.is_file():
                found = _fit(texts, labels, embedder, features)
                partial = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npz")
                np.savez(partial, weights=found.weights, bias=np.float32(found.bias))
                partial.replace(path)
                return found
    with np.load(path) as stored:
        return Classifier(features, np.asarray(stored["weights"], dtype=np.float32), float(stored["bias"]))


def _fit(texts: Sequence[str], labels: Sequence[bool], embedder: Embedder, features: Features) -> Classifier:
    vectors = embedder.embed(list(texts)) if features.embedding_scale else np.zeros((len(texts), 0), dtype=np.float32)
    return Classifier.fit(texts, vectors, labels, features)
