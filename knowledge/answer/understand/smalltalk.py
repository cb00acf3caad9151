"""Is a message small talk or about the bot ("ok cool", "tschüss", "are you an AI?", "Speicherst du
meine Fragen?") rather than a question for the sources?

The language files' greetings and help requests catch the usual phrasings; people also write
thanks, reactions, complaints and questions about the bot that no list holds. A learned reading
(knowledge/text/classifier.py) fitted on example messages labelled chat or question
(`smalltalk_examples.json`, with short follow-ups, bare tickers and greetings before a real question
among the questions) reads the messages that name no company (not even one a follow-up inherits),
ticker or figure. Such a message gets the help text: "not covered" or an advice refusal answers
nothing it said.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from knowledge.answer.understand.advice import is_advice_request, masked
from knowledge.answer.understand.question import Question
from knowledge.answer.understand.reading import QuestionReading
from knowledge.index.embedder import Embedder
from knowledge.text.classifier import Features
from knowledge.text.companies import Companies

_EXAMPLES = Path(__file__).with_name("smalltalk_examples.json")
# Chosen out of fold on the examples (benchmarks/smalltalk.py): a real question taken for small
# talk loses its answer, so the bar sits where almost none are.
THRESHOLD = 0.85
FEATURES = Features(strength=16.0)
# A figure, a year or a bare word in capitals ("ACME", "$QRTZ"): something to look up.
_LOOKUP = re.compile(r"\d|^\W*\$?[A-Z]{2,6}\W*$")


class SmallTalk:
    """Reads a message about no company as small talk, or not."""

    def __init__(
        self, embedder: Callable[[], Embedder], companies: Companies | None = None, cache_dir: Path | None = None
    ) -> None:
        names = companies or Companies.default()
        self._reading = QuestionReading(
            "smalltalk",
            _EXAMPLES,
            ("chat", "question"),
            embedder,
            lambda text: masked(text, names),
            features=FEATURES,
            cache_dir=cache_dir,
        )

    def says(self, question: Question) -> bool:
        """Small talk: a message the reading may judge, and reads as chat."""
        text = self.readable(question)
        return text is not None and self._reading.score_masked(text) >= THRESHOLD

    def readable(self, question: Question) -> str | None:
        """The masked message, when the reading may judge it: in words (a row of emoji says nothing
        to read), naming no company, ticker or figure, asking for no advice in words the advice
        patterns know. (Not the advice reading's word: it was fitted on questions, and reads "Bist
        du eine KI?" as a request for advice; the help text says that the bot gives none.)"""
        core = question.core
        if question.kind == "help" or question.tickers or _LOOKUP.search(core) or not any(c.isalpha() for c in core):
            return None
        text = self._reading.mask(core)
        return None if is_advice_request(text) else text

    def score(self, text: str) -> float:
        return self._reading.score(text)
