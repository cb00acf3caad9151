"""Financial concepts named in many words: "capital expenditure", "capex" and "purchases of property,
plant and equipment" are one line item; "Umsatz" and "net sales" one metric.

A question and a sentence that name the same concept share its token, whatever words they use.
Longer phrases are matched first and take their words with them, so "retail sales" is the
economy's figure and not a company's sales.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path


@cache
def _patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    raw = json.loads(Path(__file__).with_name("concepts.json").read_text(encoding="utf-8"))["concepts"]
    phrases = [(phrase, token) for token, patterns in raw.items() for phrase in patterns]
    phrases.sort(key=lambda item: -len(item[0]))
    return tuple((re.compile(rf"(?<![\w-]){phrase}(?![\w-])", re.IGNORECASE), token) for phrase, token in phrases)


def concepts(text: str) -> tuple[str, frozenset[str]]:
    """The text with every concept's words taken out, and the concepts it names."""
    found: set[str] = set()
    for pattern, token in _patterns():
        if pattern.search(text):
            found.add(token)
            text = pattern.sub(" ", text)
    return text, frozenset(found)
