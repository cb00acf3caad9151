"""A learned yes/no reading of short texts: logistic regression over a text's sentence embedding and
its character n-grams, fitted on labelled examples and kept on disk.

What enters: labelled example texts and an embedder (to fit), then texts with their embeddings (to
score); what leaves: for each text the probability that it is of the positive kind. The embedding
carries meaning, but the English MiniLM model places German sentences by their surface; the
character n-grams carry the wording it blurs ("zugreifen", "nachkaufen", "Sie", "!") in any language.

Fitting is deterministic (liblinear, fixed order) and takes a second; the weights are written once
per model, feature layout and example set, as the examples' vectors were, so no process refits and
scoring a text costs one sparse dot product beside its embedding.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from knowledge.index.embedder import Embedder, Vectors

if TYPE_CHECKING:
    from scipy import sparse
    from sklearn.feature_extraction.text import HashingVectorizer

_LAYOUT = 1  # bump when the features change, so cached weights of another layout are not read


@dataclass(frozen=True)
class Features:
    """How a text becomes a row: its embedding (scaled) beside its hashed character n-grams."""

    shortest: int = 2
    longest: int = 5
    buckets: int = 2**18
    embedding_scale: float = 1.0  # the parts' weights (each part of a row is unit length)
    grams_scale: float = 1.0
    strength: float = 4.0  # inverse regularisation (C) of the regression

    @cached_property
    def _hasher(self) -> HashingVectorizer:
        # scikit-learn is imported here, not with the module: the cleaner reads the patterns only.
        from sklearn.feature_extraction.text import HashingVectorizer

        return HashingVectorizer(
            analyzer="char_wb",
            ngram_range=(self.shortest, self.longest),
            n_features=self.buckets,
            alternate_sign=False,
            norm="l2",
            lowercase=True,
            dtype=np.float32,
        )

    def rows(self, texts: Sequence[str], vectors: Vectors) -> sparse.csr_matrix:
        from scipy import sparse

        grams = self._hasher.transform([" ".join(text.split()) for text in texts]) * self.grams_scale
        dense = sparse.csr_matrix(np.asarray(vectors, dtype=np.float32) * self.embedding_scale)
        return sparse.hstack([dense, grams], format="csr")


@dataclass(frozen=True, eq=False)
class Classifier:
    """Fitted weights: one per embedding dimension and n-gram bucket, and a bias."""

    features: Features
    weights: np.ndarray
    bias: float

    @classmethod
    def fit(cls, texts: Sequence[str], vectors: Vectors, labels: Sequence[bool], features: Features) -> Classifier:
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(C=features.strength, solver="liblinear", class_weight="balanced", max_iter=1000)
        model.fit(features.rows(texts, vectors), np.asarray(labels, dtype=np.int8))
        return cls(features, np.asarray(model.coef_[0], dtype=np.float32), float(model.intercept_[0]))

    def scores(self, texts: Sequence[str], vectors: Vectors) -> np.ndarray:
        """For each text, the probability that it is of the positive kind."""
        if not texts:
            return np.zeros(0, dtype=np.float32)
        margins = self.features.rows(texts, vectors) @ self.weights + self.bias
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
    path = cache_dir / f"{name}-{key}.npz" if cache_dir is not None else None
    if path is not None and path.is_file():
        with np.load(path) as stored:
            return Classifier(features, np.asarray(stored["weights"], dtype=np.float32), float(stored["bias"]))
    found = Classifier.fit(texts, embedder.embed(list(texts)), labels, features)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npz")
        np.savez(partial, weights=found.weights, bias=np.float32(found.bias))
        partial.replace(path)
    return found
