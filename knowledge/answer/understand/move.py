"""Does a question ask what moved a company's share price, when its words name no move?

The move's cue words ("why … down", "fiel", "what sent … lower") are patterns in the language files;
people also ask "What hit X's stock in March?", "Was hat die X-Aktie belastet?", with verbs no list
holds. A question the patterns leave as an overview, that names a company and speaks of its share,
is read by a learned reading (knowledge/text/classifier.py) fitted on example questions that mention
a share, labelled move or not (`move_examples.json`: "What hit X's margins?" and "What did X's
buyback cost?" are not moves). Company names are masked first, as for the advice check.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from knowledge.answer.understand.advice import masked
from knowledge.answer.understand.question import Question, speaks_of_share
from knowledge.answer.understand.reading import QuestionReading
from knowledge.index.embedder import Embedder
from knowledge.text.classifier import Features
from knowledge.text.companies import Companies

_EXAMPLES = Path(__file__).with_name("move_examples.json")
THRESHOLD = 0.7
FEATURES = Features(strength=16.0)


class MoveReading:
    """Reads an overview question about a company's share as a move question when it asks one."""

    def __init__(
        self, embedder: Callable[[], Embedder], companies: Companies | None = None, cache_dir: Path | None = None
    ) -> None:
        names = companies or Companies.default()
        self._reading = QuestionReading(
            "move",
            _EXAMPLES,
            ("move", "other"),
            embedder,
            lambda question: masked(question, names),
            features=FEATURES,
            cache_dir=cache_dir,
        )

    def asks(self, question: Question) -> bool:
        """An overview question naming a company and its share, read as asking what moved it."""
        if question.kind != "overview" or not question.tickers or not speaks_of_share(question.core):
            return False
        return self.score(question.core) >= THRESHOLD

    def score(self, text: str) -> float:
        return self._reading.score(text)
