"""Does a question ask for advice (a buy, sell or hold call, a price target or forecast, a view on
whether a stock is cheap, a pick between two, what to do with one's money)?

Two ways to recognise it, either is enough: patterns for the many ways people ask directly and
indirectly (per language, in knowledge/text/language/*.toml, [advice]); and nearness (in the
embedding space) to a bank of example questions, labelled advice or not, which catches phrasings
no pattern foresaw. Company names are masked first, so that a name ("Best Buy", "Target") or a
misspelt one ("Alibaab") never makes a question look like advice; a question asking why a stock
moved, or what an analyst's published target is, asks for the news.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import cached_property
from pathlib import Path

import numpy as np

from knowledge.index.embedder import Embedder, Vectors
from knowledge.text.companies import Companies
from knowledge.text.language import detect
from knowledge.text.wording import everywhere, pattern

_BANK = Path(__file__).with_name("advice_examples.json")
NEIGHBOURS = 5
# The advice examples' weighted share among the nearest neighbours. At 0.62, benign questions
# ("Wie viele monatlich aktive Nutzer hat die Qwen-App?" 0.63) crossed it on a CPU whose int8
# kernels differ; the advice phrasings that scored below 0.66 got patterns of their own.
THRESHOLD = 0.66
CLOSE_ENOUGH = 0.55  # nearer than this to no example, a question is like none of them (emoji, noise)
MASK = "the company"

# A word of a name: capitalised ("Best", "Buy", "Target's", "Alibaab"), or a joining word inside one.
_TOKEN = re.compile(r"\S+")
_CAPITALISED = re.compile(r"^[\"'“„(]*[A-Z]")
_JOINERS = frozenset({"&", "of", "and", "de", "und"})
_PRONOUNS = frozenset({"I", "I'm", "I've", "I'd", "I’m", "I’ve", "I’d"})
_ENDS_SENTENCE = re.compile(r"[.!?:]$")
# Month and day names are capitalised too, and name no company ("in December", "am Freitag").
_CALENDAR = frozenset(
    word for key in ("months", "month_abbreviations", "day_words") for word in everywhere("dates", key)
)


def _rule(key: str) -> re.Pattern[str]:
    return pattern("advice", key)


def is_advice_request(question: str) -> bool:
    """Do the patterns say the question asks for advice (names already masked)?"""
    if is_definition(question):
        return False
    if _explains_a_move(question):
        return False  # "Why is the stock down?": the news, not a call
    personal = bool(_rule("personal").search(question))
    if _rule("asks").search(question):
        return True
    return bool(_rule("targets").search(question)) and (personal or not _rule("reported").search(question))


def _explains_a_move(question: str) -> bool:
    """ "Why is X down?", "Was belastet X?": asked of the past or present, by no one for themselves."""
    return (
        bool(_rule("explanations").search(question))
        and not _rule("personal").search(question)
        and not _rule("ahead").search(question)
    )


def is_definition(question: str) -> bool:
    """A question asking what a term means, about no one in particular."""
    personal = _rule("personal").search(question)
    return bool(_rule("definitions").match(question)) and not personal and not Companies.default().find(question)


def masked(question: str, companies: Companies) -> str:
    """The question with company names (known ones, and capitalised names nobody listed) made one."""
    german = _german(question)
    text = companies.rename(question, tuple(companies.aliases), MASK)
    tokens = [match.group(0) for match in _TOKEN.finditer(text)]
    out: list[str] = []
    i = 0
    while i < len(tokens):
        j = i
        while j < len(tokens) and _name_word(tokens[j], j == i):
            j += 1
        while j > i + 1 and tokens[j - 1] in _JOINERS:
            j -= 1
        first = i == 0 or bool(_ENDS_SENTENCE.search(tokens[i - 1]))
        run = tokens[i:j]
        possessive = bool(run) and run[-1].endswith(("'s", "’s"))
        # The first word of a sentence is capitalised anyway; German capitalises every noun: there,
        # only a run of capitalised words inside the sentence is a name.
        is_name = bool(run) and (len(run) >= 2 or possessive or not first) and not (german and (first or len(run) < 2))
        if is_name:
            out.append(MASK + ("'s" if possessive else "") + _trailing(run[-1]))
            i = j
        else:
            out.append(tokens[i])
            i += 1
    return " ".join(out)


def _name_word(token: str, opening: bool) -> bool:
    if token in _JOINERS:
        return not opening
    if any(char.isdigit() for char in token):
        return False  # "FY2023", "Q3", "10-K": a period or a form, not a name
    if token.strip("\"'“„(?!.,:;").lower() in _CALENDAR:
        return False
    return bool(_CAPITALISED.match(token)) and token.strip("\"'“„(?!.,:;") not in _PRONOUNS


def _trailing(token: str) -> str:
    """The punctuation after a name ("Target?" keeps its "?")."""
    return token[len(token.rstrip("?!.,:;")) :]


def _german(text: str) -> bool:
    return detect(text) == "de"


class AdviceDetector:
    """Patterns first; else the labels of the most similar example questions decide."""

    def __init__(self, embedder: Callable[[], Embedder], companies: Companies | None = None) -> None:
        self._embedder = embedder
        self._companies = companies or Companies.default()

    @cached_property
    def _bank(self) -> tuple[Vectors, np.ndarray]:
        examples = json.loads(_BANK.read_text(encoding="utf-8"))
        texts = [masked(text, self._companies) for text in examples["advice"] + examples["benign"]]
        labels = np.array([1.0] * len(examples["advice"]) + [0.0] * len(examples["benign"]))
        return self._embedder().embed(texts), labels

    def detect(self, question: str) -> bool:
        text = masked(question, self._companies)
        if is_definition(text):
            return False
        if is_advice_request(text):
            return True
        return not _explains_a_move(text) and self._similarity(text) >= THRESHOLD

    def similarity(self, question: str) -> float:
        """The similarity-weighted share of advice examples among the question's nearest examples."""
        return self._similarity(masked(question, self._companies))

    def _similarity(self, text: str) -> float:
        vectors, labels = self._bank
        similarities = vectors @ self._embedder().embed([text])[0]
        nearest = np.argsort(-similarities)[:NEIGHBOURS]
        if similarities[nearest[0]] < CLOSE_ENOUGH:
            return 0.0
        weights = np.clip(similarities[nearest], 0.0, None) ** 4
        if not weights.sum():
            return 0.0
        return float((weights * labels[nearest]).sum() / weights.sum())
