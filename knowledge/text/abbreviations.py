"""Abbreviations a question uses for a line item ("S&M", "SBC", "MG&A"), spelled out by labels.

Analysts abbreviate line items, and each company words them its own way ("Sales and marketing",
"Marketing, general, and administrative"). No list holds every pair; the company's own row labels
do: a label whose words' initials spell the abbreviation is what it stands for there. The concept
table keeps the abbreviations everyone shares ("SG&A", "capex"); this reads the others.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from knowledge.text.concepts import concepts

# "S&M", "MG&A", "PP&E" (letters joined by "&" or "/"), or three to five capitals ("SBC", "OCF").
_TOKEN = re.compile(r"(?<![\w&/.-])(?:[A-Z]{1,3}(?:[&/][A-Z]{1,3})+|[A-Z]{3,5})(?![\w&/-])")
# Words a label joins its items with: no initial of their own ("Research and development": R&D).
_JOINERS = frozenset({"and", "of", "the", "for", "in", "on", "to", "from", "&"})
# A label may run one word past what its abbreviation spells ("Stock-based compensation expense").
_TRAILING = 1


def abbreviations(text: str) -> tuple[str, ...]:
    """The abbreviations in a text that the concept table does not know, in order."""
    found = (match.group(0) for match in _TOKEN.finditer(text))
    return tuple(dict.fromkeys(token for token in found if not concepts(token)[1]))


def spells(abbreviation: str, label: str) -> bool:
    """Do the label's words begin with the abbreviation's letters, one word per letter?"""
    letters = [char for char in abbreviation.upper() if char.isalpha()]
    words = [word for word in re.split(r"[\s,;:/()-]+", label.lower()) if word and word not in _JOINERS]
    if words[:1] == ["total"] and letters[:1] != ["T"]:
        words = words[1:]  # "Total Gross Merchandise Volume" spells "GMV": the total of the item
    initials = [word[0].upper() for word in words if word[0].isalpha()]
    return len(letters) >= 2 and initials[: len(letters)] == letters and len(initials) - len(letters) <= _TRAILING


def spell_out(abbreviation: str, labels: Iterable[str]) -> str:
    """The label the abbreviation stands for among these (the first that spells it), or ""."""
    return next((label for label in labels if spells(abbreviation, label)), "")
