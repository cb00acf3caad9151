"""The answer's records: what the user gets (`Answer`) and its numbered sources (`Citation`).

In: made by the answer stages (and by the push alerts and digests, which are answers too). Out: to
the bot's renderer, the CLI, the push outbox and the chart (as its move and numbered catalysts).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from knowledge.records import Chunk

if TYPE_CHECKING:
    from knowledge.market.move import Move


@dataclass(frozen=True)
class Citation:
    """A numbered source in an answer."""

    n: int
    title: str
    publisher: str
    url: str
    published: str
    page: int | None
    document_id: str
    quote: str

    @classmethod
    def of(cls, n: int, chunk: Chunk, quote: str | None = None) -> Citation:
        """Source number `n` for a chunk; the quote is the chunk's text unless given."""
        return cls(
            n=n,
            title=chunk.title,
            publisher=chunk.publisher,
            url=chunk.url or chunk.uri,
            published=chunk.published.isoformat() if chunk.published else "",
            page=chunk.page,
            document_id=chunk.document_id,
            quote=chunk.text if quote is None else quote,
        )


@dataclass(frozen=True)
class Answer:
    """What the user gets: text with [n] markers, its sources and the disclaimer."""

    question: str
    text: str
    citations: tuple[Citation, ...]
    disclaimer: str
    language: str
    advice_request: bool
    grounded: bool
    mode: str = "extractive"
    model: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)
    move: Move | None = None  # the move computed from prices, for "why is X down/up"
    catalysts: tuple[tuple[str, str], ...] = ()  # (date, document id) of the dated catalysts, for charts
    dropped_sentences: int = 0  # model sentences dropped for figures their sources do not hold
    tickers: tuple[str, ...] = ()  # the companies answered about (what a follow-up inherits)
    topic: str = ""  # the question as understood (a follow-up's topic)
    generation: int = 0  # the index generation the answer was drawn from (one, never a mix)
    nearest: bool = False  # not covered: `text` is the one closest passage, shown labelled as such
    computed: str = ""  # figures computed from cited table rows, one a line: a model may state them

    def numbered_catalysts(self) -> tuple[tuple[date, int], ...]:
        """The dated catalysts as (day, source number), for the move's chart: those the answer cites."""
        numbers = {citation.document_id: citation.n for citation in self.citations}
        return tuple(
            (date.fromisoformat(day), numbers[document]) for day, document in self.catalysts if document in numbers
        )

    def as_json(self) -> dict[str, object]:
        return {
            "answer": self.text,
            "citations": [citation.__dict__ for citation in self.citations],
            "disclaimer": self.disclaimer,
            "language": self.language,
            "advice_request": self.advice_request,
            "grounded": self.grounded,
            "mode": self.mode,
            "model": self.model,
            "move": self.move.as_json() if self.move is not None else None,
            "dropped_sentences": self.dropped_sentences,
            "generation": self.generation,
        }
