"""Tell German from English, which is all the answer texts need."""

from __future__ import annotations

import re

_GERMAN_WORDS = frozenset(
    "der die das und ist nicht warum wieso weshalb wie was wer soll sollte ich mich mir ein eine "
    "einen aktie aktien kaufen verkaufen halten fällt fallen gefallen steigt gestiegen kurs kursziel "
    "unternehmen umsatz gewinn jetzt noch schon auch mit für von zu im bei über unter lohnt sich "
    "welche welcher gibt es sind hat haben wird wurde können kann bitte danke".split()
)
_WORD = re.compile(r"[a-zäöüß]+")


def detect(text: str) -> str:
    """Return "de" for German text and "en" otherwise."""
    lowered = text.lower()
    words = _WORD.findall(lowered)
    if not words:
        return "en"
    german = sum(word in _GERMAN_WORDS for word in words)
    if any(char in lowered for char in "äöüß"):
        german += 2
    return "de" if german >= max(1, len(words) * 0.2) else "en"
