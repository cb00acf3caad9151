"""Check a model's sentences against what they cite: every figure a sentence states must be found in
a passage it cites, or in the move computed from prices. A sentence that fails is dropped."""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.answer.check.citations import markers
from knowledge.answer.record import Citation
from knowledge.text.figures import figures
from knowledge.text.sentences import split

_MARKERS = re.compile(r"\[(?:\d{1,3}|P)(?:\s*,\s*(?:\d{1,3}|P))*\]")
_PRICE = re.compile(r"\[P\]")


@dataclass(frozen=True)
class Checked:
    """The sentences kept, and how many were dropped for figures their sources do not hold."""

    text: str
    dropped: int


def supported(sentence: str, citations: dict[int, Citation], facts: str) -> bool:
    """Are all the sentence's figures in the passages it cites (or in the price facts)?"""
    stated = figures(_MARKERS.sub(" ", sentence))
    if not stated:
        return True
    cited = [citations[n].quote for n in markers(sentence) if n in citations]
    known = figures(" ".join(cited)) | figures(facts)
    return stated <= known


def verify(text: str, citations: tuple[Citation, ...], facts: str = "") -> Checked:
    """The text without sentences whose figures are not found where they point."""
    by_number = {citation.n: citation for citation in citations}
    kept_lines, dropped = [], 0
    for line in text.split("\n"):
        sentences = [piece for piece in split(line, markers=True) if piece.strip()]
        kept = [sentence for sentence in sentences if supported(sentence, by_number, facts)]
        dropped += len(sentences) - len(kept)
        if kept:
            kept_lines.append(" ".join(sentence.strip() for sentence in kept))
    return Checked("\n".join(kept_lines).strip(), dropped)
