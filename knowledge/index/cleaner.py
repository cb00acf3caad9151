"""Clean extracted text: PDF noise, boilerplate, clickbait calls to action, and every sentence the
sentence policy forbids (planted instructions, buy/sell exhortations, urgency pitches, promised
prices; see knowledge/text/policy.py). The wording of each language is in knowledge/text/language/."""

from __future__ import annotations

import re

from knowledge.text import sentences
from knowledge.text.policy import Policy
from knowledge.text.wording import pattern

_HYPHEN_BREAK = re.compile(r"(\w)-\n(\w)")
_SPACES = re.compile(r"[ \t\u00a0\u2009\u202f]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
# A line of its own that is page furniture: a page number, "Table of contents", "Anzeige".
_FURNITURE = r"^\s*(?:\d{1,4}|{})\s*$"


def clean(text: str, policy: Policy | None = None) -> str:
    """Return the text without noise, calls to action or sentences the policy forbids.

    Without a policy object the policy's patterns still apply; with one (and its embedder) the
    meaning of the doubtful sentences is judged too.
    """
    paragraphs = _drop_tail(_normalise_whitespace(text).split("\n\n"))
    split = [sentences.split(paragraph, capital=True) for paragraph in paragraphs]
    verdicts = iter((policy or Policy()).breaches([sentence for pieces in split for sentence in pieces]))
    cleaned = []
    for paragraph, pieces in zip(paragraphs, split, strict=True):
        kept = [piece for piece in pieces if not next(verdicts) and not is_call_to_action(piece)]
        # Only the offending sentences go; an untouched paragraph keeps its line breaks (PDF tables).
        cleaned.append(" ".join(kept).strip() if len(kept) != len(pieces) else paragraph.strip())
    return "\n\n".join(paragraph for paragraph in cleaned if paragraph)


def is_call_to_action(text: str) -> bool:
    """Clickbait a portal appends ("Buy or sell?! Read our free analysis")."""
    return bool(pattern("cleaner", "calls_to_action").search(text))


def _normalise_whitespace(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = _HYPHEN_BREAK.sub(r"\1\2", text)
    text = _SPACES.sub(" ", text)
    furniture = pattern("cleaner", "boilerplate_lines", _FURNITURE)
    lines = [line.strip() for line in text.split("\n")]
    lines = [line for line in lines if not furniture.match(line)]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _drop_tail(paragraphs: list[str]) -> list[str]:
    # Clickbait tails ("Buy or sell?! ... read on here") close an article: cut from the first one on.
    if len(paragraphs) < 3:
        return paragraphs
    start = len(paragraphs) * 6 // 10
    for index in range(start, len(paragraphs)):
        if is_call_to_action(paragraphs[index]):
            return paragraphs[:index]
    return paragraphs
