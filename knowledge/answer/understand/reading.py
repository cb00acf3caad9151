"""A learned reading of questions: fitted once on two labelled lists of example questions (a JSON
file beside the reader that uses it), company names masked in the examples and in each question
alike, so that a name never decides (knowledge/text/classifier.py does the fitting and scoring)."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cached_property
from pathlib import Path

from knowledge.index.embedder import Embedder
from knowledge.text.classifier import Classifier, Features, fitted


class QuestionReading:
    """The probability that a question is of the `yes` kind of its examples."""

    def __init__(
        self,
        name: str,
        examples: Path,
        kinds: tuple[str, str],  # the examples' keys: the asked kind, then the others
        embedder: Callable[[], Embedder],
        mask: Callable[[str], str],
        *,
        features: Features,
        cache_dir: Path | None = None,  # where the fitted weights are kept, once per model and examples
    ) -> None:
        self._name, self._examples, self._kinds = name, examples, kinds
        self._embedder, self.mask, self._features, self._cache_dir = embedder, mask, features, cache_dir

    @cached_property
    def _classifier(self) -> Classifier:
        examples = json.loads(self._examples.read_text(encoding="utf-8"))
        yes, no = (examples[kind] for kind in self._kinds)
        texts = [self.mask(text) for text in yes + no]
        labels = [True] * len(yes) + [False] * len(no)
        return fitted(self._name, texts, labels, self._embedder(), features=self._features, cache_dir=self._cache_dir)

    def score(self, question: str) -> float:
        return self.score_masked(self.mask(question))

    def score_masked(self, text: str) -> float:
        """The score of a question whose names are masked already."""
        return float(self._classifier.scores([text], self._embedder().embed([text]))[0])
