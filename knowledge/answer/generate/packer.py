"""Pack retrieved passages into the model's context: numbered, newest and most relevant first, within a budget."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# A rough, model-independent estimate; the budget only has to keep prompts well inside the window.
from knowledge.answer.record import Citation
from knowledge.prompts import render
from knowledge.records import Passage

# A rough, model-independent estimate; the budget only has to keep prompts well inside the window.
CHARS_PER_TOKEN = 4


@dataclass(frozen=True)
class Packed:
    """The sources block for the prompt and the citation each number stands for."""

    text: str
    citations: tuple[Citation, ...]


def pack(passages: tuple[Passage, ...], budget_tokens: int) -> Packed:
    """Number the passages (best first, newer first among near-equals) until the budget is spent."""
    ordered = sorted(passages, key=_priority, reverse=True)
    blocks: list[str] = []
    citations: list[Citation] = []
    remaining = budget_tokens * CHARS_PER_TOKEN
    for passage in ordered:
        chunk = passage.chunk
        n = len(citations) + 1
        block = render(
            "source_block",
            n=n,
            title=chunk.title,
            publisher=chunk.publisher or "unknown publisher",
            published=chunk.published.isoformat() if chunk.published else "undated",
            page=f", p. {chunk.page}" if chunk.page is not None else "",
            text=chunk.text,
        )
        if len(block) > remaining:
            if blocks:
                break
            block = block[:remaining]  # at least one source, cut to fit
        blocks.append(block)
        remaining -= len(block)
        citations.append(Citation.of(n, chunk))
    return Packed("\n\n".join(blocks), tuple(citations))


def _priority(passage: Passage) -> tuple[float, date]:
    # Relevance first, in coarse steps, so that among similar scores the newer passage leads.
    return (round(passage.score, 3), passage.chunk.published or date.min)
