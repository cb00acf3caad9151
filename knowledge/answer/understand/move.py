"""Does a question ask what moved a company's share price, when its words name no move?

The move's cue words ("why … down", "fiel", "what sent … lower") are patterns in the language files;
people also ask "What hit X's stock in March?", "Was hat die X-Aktie belastet?", with verbs no list
holds. A question the patterns leave as an overview, that names a company and speaks of its share,
is read by a learned reading (knowledge/text/classifier.py) fitted on example questions that mention
a share, labelled move or not (`move_examples.json`: "What hit X's margins?" and "What did X's
buyback cost?" are not moves). Company names are masked first, as for the advice check.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cached_property
from pathlib import Path

from knowledge.answer.understand.advice import masked
from knowledge.answer.understand.question import Question, speaks_of_share
from knowledge.index.embedder import Embedder
from knowledge.text.classifier import Classifier, Features, fitted
from knowledge.text.companies import Companies

_EXAMPLES = Path(__file__).with_name("move_examples.json")
THRESHOLD = 0.7
FEATURES = Features(strength=16.0)


class MoveReading:
    """Reads an overview question about a company's share as a move question when it asks one."""

    def __init__(
        self, embedder: Callable[[], Embedder], companies: Companies | None = None, cache_dir: Path | None = None
    ) -> None:
        self._embedder, self._cache_dir = embedder, cache_dir
        self._companies = companies or Companies.default()

    @cached_property
    def _classifier(self) -> Classifier:
        examples = json.loads(_EXAMPLES.read_text(encoding="utf-8"))
        texts = [masked(text, self._companies) for text in examples["move"] + examples["other"]]
        labels = [True] * len(examples["move"]) + [False] * len(examples["other"])
        return fitted("move", texts, labels, self._embedder(), features=FEATURES, cache_dir=self._cache_dir)

    def asks(self, question: Question) -> bool:
        """An overview question naming a company and its share, read as asking what moved it."""
        if question.kind != "overview" or not question.tickers or not speaks_of_share(question.core):
            return False
        return self.score(question.core) >= THRESHOLD

    def score(self, text: str) -> float:
        masked_text = masked(text, self._companies)
        return float(self._classifier.scores([masked_text], self._embedder().embed([masked_text]))[0])
