"""The vectors of the texts embedded last, kept in memory by their text, for the answering side.

One answer embeds the same sentence at several stages (its nearness to the question when coverage
is weighed, then its meaning when the sentence policy judges the line chosen), and the next answer
about the same company meets the same pages again. Each text is embedded once while it is recent.

The model embeds one text per run (`OnnxEmbedder`), so a kept vector is exactly the one a new run
would give: remembering changes no decision, only its cost.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence

import numpy as np

from knowledge.index.embedder import Embedder, Vectors

KEPT = 50_000  # vectors kept (384 floats each: ~75 MB at most)


class RecentVectors:
    """An embedder that remembers: texts met recently are not embedded again (least recently used
    go first). Safe to share between threads (the advice check runs beside retrieval)."""

    def __init__(self, embedder: Callable[[], Embedder], kept: int = KEPT) -> None:
        self._embedder, self._kept = embedder, kept
        self._vectors: OrderedDict[str, Vectors] = OrderedDict()
        self._lock = threading.Lock()  # the model runs outside it: two threads may embed one text twice

    @property
    def name(self) -> str:
        return self._embedder().name

    def embed(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return self._embedder().embed(texts)
        with self._lock:
            found = {text: self._vectors[text] for text in texts if text in self._vectors}
        missing = list(dict.fromkeys(text for text in texts if text not in found))
        if missing:
            found.update(zip(missing, self._embedder().embed(missing), strict=True))
        with self._lock:
            for text in dict.fromkeys(texts):
                self._vectors[text] = found[text]
                self._vectors.move_to_end(text)
            while len(self._vectors) > self._kept:
                self._vectors.popitem(last=False)
        return np.vstack([found[text] for text in texts])


def remembering(embedder: Callable[[], Embedder], kept: int = KEPT) -> Callable[[], Embedder]:
    """A loader of the embedder that remembers, for components that take a loader: all of them
    share its memory."""
    recent = RecentVectors(embedder, kept)
    return lambda: recent
