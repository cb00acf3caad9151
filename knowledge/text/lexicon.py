"""Bilingual finance terms: a question in English also searches German sources, and the reverse.

The embedding model is English; German sources are found by their words. A question's terms
are looked up by stem in `lexicon.json` and the other language's words for them are added to
the keyword search.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from knowledge.text.terms import terms

# Words too general to pull in a whole entry on their own.
_GENERIC = frozenset(
    "net m year annual month monthly percent per cent model models app application data report".split()
)


@dataclass(frozen=True)
class Expansion:
    """Words to add to a question's search: English ones and German ones."""

    english: str
    german: str


@dataclass(frozen=True)
class _Entry:
    english: str
    german: str
    english_stems: frozenset[str]
    german_stems: frozenset[str]


@cache
def _lexicon() -> tuple[tuple[_Entry, ...], dict[str, str]]:
    raw = json.loads(Path(__file__).with_name("lexicon.json").read_text(encoding="utf-8"))
    entries = tuple(
        _Entry(english.replace(",", ""), german.replace(",", ""), _stems(english, "en"), _stems(german, "de"))
        for english, german in raw["pairs"]
    )
    return entries, dict(raw["synonyms"])


def _stems(side: str, language: str) -> frozenset[str]:
    """Stems of the single-word terms of an entry (a phrase's words are too general on their own)."""
    words = [t.strip() for t in side.split(",") if t.strip() and not any(c in t.strip() for c in " -/")]
    return frozenset(
        stem for word in words if word.lower() not in _GENERIC for stem in terms(word, language) if len(stem) > 1
    )


@cache
def german_words() -> frozenset[str]:
    """The German single words of the lexicon's entries, lower-cased."""
    raw = json.loads(Path(__file__).with_name("lexicon.json").read_text(encoding="utf-8"))
    return frozenset(w.strip().lower() for _, german in raw["pairs"] for w in german.split(",") if " " not in w.strip())


def expand(question: str) -> Expansion:
    """The lexicon's words for the terms of a question, in both languages, plus English synonyms."""
    entries, synonyms = _lexicon()
    english_stems, german_stems = set(terms(question, "en")), set(terms(question, "de"))
    english, german = [], []
    for entry in entries:
        if entry.english_stems & english_stems or entry.german_stems & german_stems:
            english.append(entry.english)
            german.append(entry.german)
    lowered = question.lower()
    english += [more for phrase, more in synonyms.items() if re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", lowered)]
    return Expansion(" ".join(english), " ".join(german))


@cache
def equivalents(stem: str, language: str) -> frozenset[str]:
    """The stem and the stems of its synonyms and translations (English and German)."""
    entries, _ = _lexicon()
    found = {stem}
    for entry in entries:
        if stem in (entry.english_stems if language == "en" else entry.german_stems):
            found |= entry.english_stems | entry.german_stems
    return frozenset(found)
