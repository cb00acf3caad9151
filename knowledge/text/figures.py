"""Figures in text, as numbers that can be compared across languages and formats.

"1.3%", "1,3 Prozent", "USD 53 bn", "(1,577)", "18.34 million" and "2,9" are all figures. A
written number is ambiguous ("1,577" is 1577 in English and 1.577 in German), so each figure
stands for every value it could be; two texts share a figure when their value sets meet.
"""

from __future__ import annotations

import re
from functools import cache

_NUMBER = re.compile(
    r"(?<![\w.,])[-−–]?\(?[$€£¥]?\s?(\d{1,3}(?:[,.\u202f\u00a0 ]\d{3})+|\d+)(?:([.,])(\d+))?\)?"
    r"(?:[KMB]|bn|mn|Mrd)?(?![\w])"  # "$23.7B", "USD 53bn"
)
_YEAR = range(1900, 2101)
_MONTHS = r"jan\w*|feb\w*|mar\w*|märz|apr\w*|may|mai|jun\w*|jul\w*|aug\w*|sep\w*|oct\w*|okt\w*|nov\w*|dec\w*|dez\w*"
DAY_OF_MONTH = re.compile(
    rf"\b\d{{1,2}}\.?\s+(?:{_MONTHS})\b|\b(?:{_MONTHS})\.?\s+\d{{1,2}}\b(?![.,]\d)", re.IGNORECASE
)


# "COVID-19", "Form S-1", "Boeing 737-MAX": a number that is part of a name.
_NAMED_NUMBER = re.compile(r"(?<=[A-Za-z])-\d+\b|\b\d+-(?=[A-Za-z])")


# Counts written as words ("twelve new customers", "um zehn Prozent") are figures too; "one"/"ein"
# are left out, as they are far more often articles or pronouns than counts.
_WORDS = {
    **dict(zip("two three four five six seven eight nine ten eleven twelve".split(), range(2, 13), strict=True)),
    **dict(zip("zwei drei vier fünf sechs sieben acht neun zehn elf zwölf".split(), range(2, 13), strict=True)),
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "twenty": 20, "thirty": 30, "fifty": 50, "hundred": 100,
    "dreizehn": 13, "vierzehn": 14, "fünfzehn": 15, "zwanzig": 20, "dreißig": 30, "fünfzig": 50, "hundert": 100,
    "dozen": 12, "dutzend": 12,
}  # fmt: skip
_WORD = re.compile(rf"\b(?:{'|'.join(_WORDS)})\b", re.IGNORECASE)


def values(token_whole: str, separator: str | None, fraction: str | None) -> frozenset[float]:
    """Every value a written number may stand for."""
    digits = re.sub(r"[,.\u202f\u00a0 ]", "", token_whole)
    found: set[float] = set()
    grouped = digits != token_whole  # "1,577" or "1.577": a thousands group, or a decimal comma/point
    if fraction is not None:
        found.add(float(f"{digits}.{fraction}"))
        if separator and len(fraction) == 3 and not grouped:
            found.add(float(f"{digits}{fraction}"))  # "1,577" read as one thousand five hundred
    else:
        found.add(float(digits))
    if grouped and fraction is None:
        group = re.match(r"(\d{1,3})[,.](\d{3})$", token_whole)
        if group:
            found.add(float(f"{group.group(1)}.{group.group(2)}"))  # "2.900" may be German 2,9 with zeros
    return frozenset(found)


@cache
def figures(text: str, skip_years: bool = True) -> frozenset[float]:
    """The values of every figure in the text; years and days of a month are not figures."""
    masked = _NAMED_NUMBER.sub(" ", DAY_OF_MONTH.sub(" ", text))
    found: set[float] = set()
    for match in _NUMBER.finditer(masked):
        whole, separator, fraction = match.group(1), match.group(2), match.group(3)
        candidates = values(whole, separator, fraction)
        if skip_years and fraction is None and whole.isdigit() and int(whole) in _YEAR:
            continue
        found |= candidates
    found.update(float(_WORDS[word.group(0).lower()]) for word in _WORD.finditer(masked))
    return frozenset(found)


def has_figure(text: str) -> bool:
    return bool(figures(text))
