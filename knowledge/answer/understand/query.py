"""What a question asks, apart from how it is phrased: instructions to the answerer are dropped
("Round your answer to two decimals", "Assume you are an analyst"), years are read off.

A definition ("Working capital ratio is defined as total current assets divided by …") stays: it
names the line items that answer."""

from __future__ import annotations

import re

from knowledge.market.when import month_numbers
from knowledge.text.sentences import split
from knowledge.text.wording import cues, everywhere

_INSTRUCTION = re.compile(
    r"^(?:assume\b|you are\b|imagine\b|please\b|round\b|answer\b|give\b|approach\b|basing\b|based on\b|"
    r"we need to\b|using\b|when primarily\b|according to\b|considering\b|if .* not (?:a )?useful|"
    r"here'?s the question|calculate\b|bitte\b|runden\b|(?:one|two|three|\d)\s+decimals?\b)",
    re.IGNORECASE,
)
_NAMES_A_METRIC = re.compile(
    r"^calculate\b(?!.*\b(?:round|decimal)).*\b(?:ratio|margin|turnover|rate|return|yield)\b", re.IGNORECASE
)
# "; if conventional inventory management is not meaningful for the company then state that and explain why"
_CAVEAT = re.compile(
    r"[;,]?\s*\bif\s[^.?!]*?\bnot\s+(?:a\s+)?(?:useful|meaningful|relevant)\b[^.?!]*[.]?", re.IGNORECASE
)
# ", in percent with one decimal?", "in USD millions.", "in Prozent mit einer Nachkommastelle": how
# to write the answer, closing a sentence; not what is asked ("as a percent of revenue" goes on).
_FORMAT = re.compile(
    r",?\s*\b(?:in|as(?:\s+an?)?|expressed\s+in)\s+(?:percent(?:age)?s?|prozent|%|(?:usd|eur|us\$)(?:\s+(?:millions|billions|thousands))?|"
    r"millions|billions|thousands)(?:\s*,?\s*(?:with|to|rounded\s+to|mit)\s+(?:one|two|three|einer|zwei|drei|\d)\s+"
    r"(?:decimals?|nachkommastellen?)(?:\s+places?)?)?(?=\s*[.?!]*$)",
    re.IGNORECASE,
)
# "(in units of percents and round to one decimal place)", "(in USD millions)"
_ASIDE = re.compile(r"\((?:in\s+(?:units|usd|eur|millions|billions|thousands|percent)|round)[^)]*\)", re.IGNORECASE)
_QUARTER = re.compile(
    r"(?<![A-Za-z])Q([1-4])(?!\d)|\b(first|second|third|fourth)\s+(?:fiscal\s+)?quarter\b|\b(erst|zweit|dritt|viert)en\s+quartal",
    re.IGNORECASE,
)
_ORDINALS = {"fir": 1, "sec": 2, "thi": 3, "fou": 4, "ers": 1, "zwe": 2, "dri": 3, "vie": 4}
_DAY_AFTER_MONTH = re.compile(r"\b([A-Za-z]{3,9})\.?\s+[1-7](?!\d)")  # "April 1", "Apr. 2"
_FULL_YEAR = cues(everywhere("question", "full_year"))
_PART_OF_YEAR = cues(everywhere("question", "part_of_year"))
_YEAR = re.compile(r"(?<!\d)(?:FY\s?|fiscal\s+(?:year\s+)?)?((?:19|20)\d{2})(?!\d)", re.IGNORECASE)
# "FY23", "fiscal '22", "GJ23" (Geschäftsjahr): a fiscal year in two digits, this century's.
_SHORT_YEAR = re.compile(r"\b(?:FY|GJ|fiscal\s+(?:year\s+)?)\s?'?(\d{2})(?![\d.,%])", re.IGNORECASE)


def strip_instructions(question: str) -> str:
    """The question without sentences that only tell the answerer how to answer.

    The sentence holding the actual question (the one ending in "?") always stays.
    """
    sentences = [_FORMAT.sub("", s) for s in split(_CAVEAT.sub("", _ASIDE.sub(" ", question)).strip(), colon=True) if s]
    # "Calculate inventory turnover ratio for FY2022" is the task itself when it names a metric.
    kept = [s for s in sentences if s.endswith("?") or not _INSTRUCTION.match(s) or _NAMES_A_METRIC.match(s)]
    return " ".join(kept) or question


def years(text: str) -> tuple[int, ...]:
    """Years the text names (2018, FY2018, fiscal 2018, FY18), in order."""
    found = [(m.start(), int(m.group(1))) for m in _YEAR.finditer(text)]
    found += [(m.start(), 2000 + int(m.group(1))) for m in _SHORT_YEAR.finditer(text)]
    return tuple(dict.fromkeys(year for _, year in sorted(found)))


def ending_quarters(text: str, months: frozenset[int]) -> frozenset[int]:
    """The calendar quarters of the months a question names, where a period ends: a day in a month's
    first week ends the quarter before ("the quarter ended April 1": a 52-53-week year's Q1)."""
    early = {
        month_numbers()[match.group(1).lower()]
        for match in _DAY_AFTER_MONTH.finditer(text)
        if match.group(1).lower() in month_numbers()
    }
    shifted = {month - 1 or 12 for month in early & months}
    return frozenset((month - 1) // 3 + 1 for month in months | shifted)


def asks_full_year(text: str) -> bool:
    """Does the question ask about a whole (fiscal) year, and no quarter, half or month of it?"""
    return bool(_FULL_YEAR.search(text)) and not quarters(text) and not _PART_OF_YEAR.search(text)


def quarters(text: str) -> frozenset[int]:
    """The quarters a text names by number: "Q2", "2023Q2", "second quarter", "zweiten Quartal"."""
    found = set()
    for match in _QUARTER.finditer(text):
        digit, word = match.group(1), (match.group(2) or match.group(3) or "").lower()
        found.add(int(digit) if digit else _ORDINALS[word[:3]])
    return frozenset(found)
