"""Keep an answer's [n] markers and its source list consistent: no dangling markers, no uncited sources."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from knowledge.answer.record import Citation

MARKER = re.compile(r"\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]")
_SPACE_BEFORE_PUNCT = re.compile(r"[ \t]+([.,;:!?])")
_DOUBLE_SPACE = re.compile(r"[ \t]{2,}")


def markers(text: str) -> list[int]:
    """Every source number cited in the text, in order, repeats included."""
    return [int(number) for match in MARKER.finditer(text) for number in match.group(1).split(",")]


def drop_dangling(text: str, numbers: set[int]) -> str:
    """Remove markers that point to no source, keeping the others as they are."""

    def keep(match: re.Match[str]) -> str:
        kept = [n for n in match.group(1).split(",") if int(n) in numbers]
        return "".join(f"[{n.strip()}]" for n in kept)

    return _DOUBLE_SPACE.sub(" ", _SPACE_BEFORE_PUNCT.sub(r"\1", MARKER.sub(keep, text)))


def reconcile(text: str, citations: Sequence[Citation]) -> tuple[str, tuple[Citation, ...]]:
    """Drop markers that point nowhere, drop sources never cited, renumber 1..n by first use."""
    by_number = {citation.n: citation for citation in citations}
    order: dict[int, int] = {}
    for number in markers(text):
        if number in by_number and number not in order:
            order[number] = len(order) + 1

    def renumber(match: re.Match[str]) -> str:
        kept = [order[int(n)] for n in match.group(1).split(",") if int(n) in order]
        return "".join(f"[{n}]" for n in dict.fromkeys(kept))

    text = MARKER.sub(renumber, text)
    text = _DOUBLE_SPACE.sub(" ", _SPACE_BEFORE_PUNCT.sub(r"\1", text)).strip()
    kept = tuple(replace(by_number[old], n=new) for old, new in sorted(order.items(), key=lambda item: item[1]))
    return text, kept
