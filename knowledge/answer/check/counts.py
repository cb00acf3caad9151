"""Does an answer state a count, when the question asks how many ("How many iPhones …",
"Wie viele Mitarbeiter …")?

A line of money or of shares answers another question: "Total net sales increased 8 % or $28.5
billion, driven by iPhone" names the product asked about and counts nothing. A count is a figure
that is neither money (a currency sign or word beside it, or a row shown in a currency), nor a share
or multiple (a percent sign after it), nor a year, a day of a month or a period's name ("9M", "Q3").
The currency and percent words are the tables' (knowledge/tables/words.<language>.json).
"""

from __future__ import annotations

import re

from knowledge.tables.words import Words, words
from knowledge.text.figures import DAY_OF_MONTH

# A figure standing alone: not inside a word ("FY2022", "9M", "Q3") or a citation marker ("[1]").
_FIGURE = re.compile(r"(?<![\w.,])\d{1,3}(?:[,.\u202f]\d{3})+(?:[.,]\d+)?(?![\w])|(?<![\w.,])\d+(?:[.,]\d+)?(?![\w])")
_MARKER = re.compile(r"\[\d+(?:\s*,\s*\d+)*\]|\(\d{1,2}\)")
_YEAR = re.compile(r"(?:19|20)\d{2}")
_SHOWN_IN = re.compile(r"\(([A-Z]{3})\b[^()]*\)\s*$")  # a row's unit: "(USD millions)"


def states_count(text: str, language: str) -> bool:
    """Does a line of the text state a count?"""
    vocabulary = words(language)
    return any(_counts(line, vocabulary) for line in _MARKER.sub(" ", text).split("\n"))


def _counts(line: str, vocabulary: Words) -> bool:
    if _SHOWN_IN.search(line):
        return False  # a row shown in a currency: every figure on it is money
    line = DAY_OF_MONTH.sub(" ", line)
    for match in _FIGURE.finditer(line):
        if _YEAR.fullmatch(match.group(0)) or vocabulary.percent_signs.match(line[match.end() :].lstrip()):
            continue
        # The words around it: the one right before ("$", "US$", "USD") and the two after ("USD
        # millions", "billion dollars").
        before = line[: match.start()].split()[-1:] if line[: match.start()].strip() else []
        after = line[match.end() :].split()[:2]
        if not any(_currency(word, vocabulary) for word in (*before, *after)):
            return True
    return False


def _currency(word: str, vocabulary: Words) -> bool:
    bare = word.strip("()[],.;:·").lower()
    return bool(bare) and any(pattern.fullmatch(bare) for _, pattern in vocabulary.currencies)
