"""German compounds split into the finance words they are made of.

Enters: a German question. Leaves: the same question with each compound whose parts are both words
the bot knows written apart ("Umsatzwachstum" -> "Umsatz Wachstum", "Gewinnrückgang" -> "Gewinn
Rückgang"), so that the line item and the metric are found as if asked in two words. German joins
nouns at will; no list of compounds could hold them all, but the parts are few: the German words
of the lexicon, the concept table and the metrics' cues.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from knowledge.text.concepts import concepts, every_phrase
from knowledge.text.lexicon import german_words

_WORD = re.compile(r"[A-Za-zÄÖÜäöüß]{8,}")
_HYPHENATED = re.compile(r"(?<![\w&-])[\w&]+-[A-ZÄÖÜ][a-zäöüß]+(?![\w-])")
_SHORTEST = 4  # a part shorter than this ("Ist", "Aus") would split ordinary words
_JOINERS = ("", "s", "es", "n", "en")  # the linking letters German puts between parts ("Geschäftsjahr")
_TEXT = Path(__file__).parent


@cache
def _parts() -> frozenset[str]:
    """The German single words the bot knows, lower-cased."""
    words = [*german_words(), *(phrase for phrase in every_phrase() if not re.search(r"[\\(?]", phrase))]
    # The metrics' cues are the answer stage's data, which this module must not import: read as a file.
    metrics = json.loads((_TEXT.parent / "answer" / "compute" / "metrics.json").read_text(encoding="utf-8"))
    words += [cue for metric in metrics["metrics"].values() for cue in metric.get("cues", {}).get("de", [])]
    return frozenset(w.strip().lower() for w in words if " " not in w.strip() and len(w.strip()) >= _SHORTEST)


def split(text: str) -> str:
    """The text with every compound of two known parts written as two words, and every compound
    hyphenated before a noun ("SG&A-Kosten", "Capex-Quote") written as two, unless the whole is a
    phrase the concept table holds ("EBIT-Marge")."""
    text = _HYPHENATED.sub(lambda match: _split_hyphenated(match.group(0)), text)
    return _WORD.sub(lambda match: _split_word(match.group(0)), text)


def _split_hyphenated(word: str) -> str:
    return word if concepts(word)[1] else word.replace("-", " ", 1)


def _split_word(word: str) -> str:
    known, lowered = _parts(), word.lower()
    if lowered in known:
        return word
    for cut in range(_SHORTEST, len(word) - _SHORTEST + 1):
        head, tail = lowered[:cut], lowered[cut:]
        if tail not in known:
            continue
        for joiner in _JOINERS:
            if head.endswith(joiner) and head[: len(head) - len(joiner)] in known:
                return f"{word[: cut - len(joiner)]} {word[cut:].capitalize()}"
    return word
