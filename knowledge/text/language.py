"""Tell German from English, also in questions of two or three words.

Function words and the finance lexicon decide when they can; lingua's statistical model (loaded
on first use) decides the rest. Company names and tickers say nothing about a language and are
left out before either looks.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

from knowledge.text.companies import Companies
from knowledge.text.wording import table

_GERMAN_WORDS = frozenset(str(table("language", "de").get("function_words", "")).split())
_ENGLISH_WORDS = frozenset(str(table("language", "en").get("function_words", "")).split())
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_SYMBOL = re.compile(r"\b[A-Z]{2,5}\b")  # tickers and acronyms: no language of their own


@cache
def _lexicon_words() -> tuple[frozenset[str], frozenset[str]]:
    raw = json.loads(Path(__file__).with_name("lexicon.json").read_text(encoding="utf-8"))
    english = {word.lower() for pair in raw["pairs"] for word in pair[0].split()}
    german = {word.lower() for pair in raw["pairs"] for word in pair[1].split()}
    return frozenset(english - german), frozenset(german - english)


@cache
def _detector() -> LanguageDetector:
    return LanguageDetectorBuilder.from_languages(Language.ENGLISH, Language.GERMAN).build()


def detect(text: str, default: str = "en") -> str:
    """ "de" or "en"; `default` when the text gives no sign (only names and figures)."""
    words = [word.lower() for word in _WORD.findall(_SYMBOL.sub(" ", Companies.default().blank(text)))]
    english_terms, german_terms = _lexicon_words()
    german = sum(word in _GERMAN_WORDS or word in german_terms for word in words)
    english = sum(word in _ENGLISH_WORDS or word in english_terms for word in words)
    if any(char in text.lower() for char in "äöüß"):
        german += 2
    if german != english and (german or english):
        return "de" if german > english else "en"
    if not words:
        return default
    confidence = _detector().compute_language_confidence_values(" ".join(words))
    best = confidence[0]
    if best.value < 0.7:
        return default
    return "de" if best.language == Language.GERMAN else "en"
