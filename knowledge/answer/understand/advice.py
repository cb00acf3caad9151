"""Does a question ask for advice (a buy, sell or hold call, a price target or forecast, a view on
whether a stock is cheap, a pick between two, what to do with one's money)?

Two ways to recognise it, either is enough: patterns for the many ways people ask directly and
indirectly (per language, in knowledge/text/language/*.toml, [advice]); and a learned reading
(knowledge/text/classifier.py: a logistic regression over the question's embedding and character
n-grams, fitted on a bank of example questions labelled advice or not), which catches phrasings
no pattern foresaw. Company names are masked first, so that a name ("Best Buy", "Target") or a
misspelt one ("Alibaab") never makes a question look like advice; a question asking why a stock
moved, or what an analyst's published target is, asks for the news.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

from knowledge.answer.understand.query import years
from knowledge.answer.understand.question import bare_move
from knowledge.answer.understand.reading import QuestionReading
from knowledge.index.embedder import Embedder
from knowledge.text.classifier import Features
from knowledge.text.companies import Companies
from knowledge.text.language import detect
from knowledge.text.wording import everywhere, pattern

_BANK = Path(__file__).with_name("advice_examples.json")
# The learned reading's probability from which a question asks for advice (chosen by k-fold
# cross-validation on the visible questions, benchmarks/learned.py), and its features.
THRESHOLD = 0.65
FEATURES = Features(strength=16.0)
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
    """Patterns first; else the learned reading decides."""

    def __init__(
        self,
        embedder: Callable[[], Embedder],
        companies: Companies | None = None,
        cache_dir: Path | None = None,
        today: Callable[[], date] = date.today,
    ) -> None:
        names = companies or Companies.default()
        self._companies, self._today = names, today
        self._reading = QuestionReading(
            "advice",
            _BANK,
            ("advice", "benign"),
            embedder,
            lambda question: masked(question, names),
            features=FEATURES,
            cache_dir=cache_dir,
        )

    def detect(self, question: str) -> bool:
        text = self._reading.mask(question)
        if is_definition(text):
            return False
        if is_advice_request(text):
            return True
        # A message without a word (a row of emoji) asks for nothing the reading could judge.
        worded = any(char.isalpha() for char in text)
        if not worded or _explains_a_move(text) or self._reported(text) or bare_move(question, self._companies):
            return False
        return self._reading.score_masked(text) >= THRESHOLD

    def _reported(self, text: str) -> bool:
        """Does the question ask about past years only, for no one in particular ("Quillstone 2020
        total opex?")? Then it asks what was reported: a call or a forecast is about now or a year
        ahead. Only the learned reading defers to this; the patterns have spoken already."""
        named = years(text)
        return bool(named) and max(named) < self._today().year and not _rule("personal").search(text)

    def score(self, question: str) -> float:
        """The learned reading's probability that the question asks for advice."""
        return self._reading.score(question)
