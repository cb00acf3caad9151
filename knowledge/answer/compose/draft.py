"""The draft: the chosen lines written out, each with its source's [n] marker.

In: the chosen lines (lead first), the pool they come from and the question. Out: a `Draft`: the
lead, then "• " points, a line in the other language marked as quoted, a line that leans on the
sentence before it shown with that sentence, and one citation per PDF page (or document) quoted.
"""

from __future__ import annotations

from dataclasses import dataclass

from knowledge.answer.compose.pool import link_following
from knowledge.answer.compose.scoring import Scored
from knowledge.answer.compose.unit import Unit
from knowledge.answer.record import Citation
from knowledge.answer.understand.question import Question
from knowledge.prompts import render
from knowledge.records import Chunk

_LANGUAGE_NAMES = {"en": {"en": "English", "de": "German"}, "de": {"en": "englischen", "de": "deutschen"}}


@dataclass(frozen=True)
class Draft:
    """An answer before the guard: lines with [n] markers, their sources, and whether it answers."""

    text: str
    citations: tuple[Citation, ...]
    covered: bool


def write(chosen: list[Scored], pool: list[Chunk], question: Question) -> Draft:
    """The chosen lines as a draft that answers, cited page by page."""
    numbers: dict[tuple[str, int | None], int] = {}
    used: dict[int, list[Chunk]] = {}
    lines: list[str] = []
    following = link_following(pool)
    for index, scored in enumerate(chosen):
        unit, chunk = scored.unit, pool[scored.unit.passage]
        if any(other.unit.refers_back and other.unit.previous == unit.text for other in chosen[:index]):
            continue  # shown already, in front of the line above that leans on it
        n = numbers.setdefault((chunk.document_id, chunk.page), len(numbers) + 1)
        for part in _parts(unit, pool, following):
            if part not in used.setdefault(n, []):
                used[n].append(part)
        said = any(unit.previous == other.unit.text for other in chosen[:index])
        # "This includes …" brings the sentence it leans on, unless that one is shown already.
        text = f"{unit.previous} {unit.text}" if unit.refers_back and unit.previous and not said else unit.text
        if unit.language != question.language:
            source = _LANGUAGE_NAMES[question.language][unit.language]
            text = render("quoted", question.language, text=text, source_language=source)
        lines.append(f"{'• ' if lines else ''}{text} [{n}]")
    citations = tuple(_citation(n, group) for n, group in used.items())
    return Draft("\n".join(lines), citations, covered=True)


def _parts(unit: Unit, pool: list[Chunk], following: dict[int, int]) -> list[Chunk]:
    """The chunk a unit comes from, and the next one when its sentence ends there (cited with it)."""
    chunk = pool[unit.passage]
    after = following.get(unit.passage)
    if after is None or unit.quote[-40:] in " ".join(chunk.text.split()):
        return [chunk]
    return [chunk, pool[after]]


def _citation(n: int, chunks: list[Chunk]) -> Citation:
    ordered = sorted(chunks, key=lambda chunk: chunk.order)
    return Citation.of(n, chunks[0], "\n\n".join(chunk.text for chunk in ordered))
