"""Financial concepts named in many words: "capital expenditure", "capex" and "purchases of property,
plant and equipment" are one line item; "Umsatz" and "net sales" one metric.

A question and a sentence that name the same concept share its token, whatever words they use.
Longer phrases are matched first and take their words with them, so "retail sales" is the
economy's figure and not a company's sales.
"""

from __future__ import annotations

import json
import re
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from knowledge.text.terms import terms


@cache
def _data() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(Path(__file__).with_name("concepts.json").read_text(encoding="utf-8"))
    return loaded


def _phrases() -> dict[str, list[str]]:
    phrases: dict[str, list[str]] = _data()["concepts"]
    return phrases


def inputs_of(tokens: frozenset[str]) -> frozenset[str]:
    """The line items the named metrics are computed from ("operating margin": operating income, revenue)."""
    return frozenset(item for token in tokens for item in _data()["inputs"].get(token, []))


def drivers_of(tokens: frozenset[str]) -> str:
    """How filings explain a change in the named metrics ("cost of sales as a percent of sales")."""
    drivers = _data()["drivers"]
    return " ".join(phrase for token in sorted(tokens) for phrase in drivers.get(token, {}).get("query", []))


@cache
def driven_by(line: str) -> frozenset[str]:
    """The metrics a cost line moves: a sentence on "cost of sales as a percent of sales" explains
    the gross and the operating margin."""
    drivers = _data()["drivers"]
    return frozenset(token for token, entry in drivers.items() if token[0] != "_" and line in entry["lines"])


def concept_phrases(token: str) -> list[str]:
    """The phrases (regular expressions) that name a concept."""
    return _phrases().get(token, [])


def plain_names(token: str, first: int = 2) -> list[str]:
    """A concept's first phrases as words ("purchases? of property,? plant,? and equipment" ->
    "purchases of property plant and equipment"), those more pattern than words left out: the first
    phrases name it plainly, the later ones are a company's variants."""
    phrases = (phrase for phrase in concept_phrases(token)[:first] if "\\" not in phrase and "(" not in phrase)
    return [phrase.replace("?", "").replace(",", "") for phrase in phrases]


def every_phrase() -> list[str]:
    """Every phrase (regular expression) of every concept."""
    return [phrase for phrases in _phrases().values() for phrase in phrases]


def concept_words(tokens: frozenset[str]) -> frozenset[str]:
    """The stems of the words the concepts are spelled with, in either language."""
    words = " ".join(re.sub(r"\\\w|[^\w\s]", " ", phrase) for token in tokens for phrase in concept_phrases(token))
    return frozenset(terms(words, "en")) | frozenset(terms(words, "de"))


@cache
def _pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    """One alternation of every phrase, longest first, each a named group that says its concept.

    One scan instead of one per phrase: composing an answer tests a few thousand sentences. The
    phrases are grouped by the letter they can begin with, behind a look-ahead on that letter: at
    each word the scan tries a couple of dozen letters, not two hundred phrases (~10x faster).
    """
    phrases = [(phrase, token) for token, patterns in _phrases().items() for phrase in patterns]
    phrases.sort(key=lambda item: -len(item[0]))
    by_letter: dict[str, list[str]] = {}
    groups: dict[str, str] = {}
    for number, (phrase, token) in enumerate(phrases):
        for letter in sorted(_initials(phrase)):
            name = f"c{number}{letter}"
            groups[name] = token
            by_letter.setdefault(letter, []).append(f"(?P<{name}>{_any_apostrophe(phrase)})")
    dispatch = "|".join(
        f"(?={re.escape(letter)})(?:{'|'.join(branches)})" for letter, branches in sorted(by_letter.items())
    )
    return re.compile(rf"(?<![\w-])(?:{dispatch})(?![\w-])", re.IGNORECASE), groups


def _any_apostrophe(phrase: str) -> str:
    # Filings and phone keyboards write "stockholders’ equity" with a typographic apostrophe.
    return phrase.replace("'", "['’]")


def _initials(phrase: str) -> frozenset[str]:
    """The letters a phrase can begin with: "(?<!other )current assets" with c, "(?:dividend )?payout
    ratio" with d or p. A phrase the reading below does not understand is tried at every letter."""
    rest = re.sub(r"^(?:\(\?<!(?:[^()\\]|\\.)*\))+", "", phrase)
    if (optional := re.match(r"\(\?:([^()|]+)\)\?", rest)) and optional.group(1)[:1].isalpha():
        return frozenset({optional.group(1)[0].lower()}) | _initials(rest[optional.end() :])
    if rest[:1].isalpha() and rest[1:2] not in ("?", "*", "{"):
        return frozenset({rest[0].lower()})
    return frozenset("abcdefghijklmnopqrstuvwxyzäöü")


@lru_cache(maxsize=8192)  # a paragraph's opening is the context of each of its sentences
def concepts(text: str) -> tuple[str, frozenset[str]]:
    """The text with every concept's words taken out, and the concepts it names."""
    pattern, groups = _pattern()
    found: set[str] = set()

    def take(match: re.Match[str]) -> str:
        found.add(groups[match.lastgroup or ""])
        return " "

    return pattern.sub(take, text), frozenset(found)
