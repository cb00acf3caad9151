"""Records that travel through the pipeline (in process, never persisted as such)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from knowledge.market.move import Move


@dataclass(frozen=True)
class Page:
    """A stretch of a document's text; `number` is the 1-based PDF page, if any."""

    text: str
    number: int | None = None


@dataclass(frozen=True)
class Document:
    """One loaded source document with its metadata."""

    id: str
    uri: str
    title: str
    pages: tuple[Page, ...]
    content_hash: str
    publisher: str = ""
    url: str = ""
    published: date | None = None
    language: str = "en"
    tickers: tuple[str, ...] = ()
    kind: str = "news"

    @property
    def text(self) -> str:
        return "\n\n".join(page.text for page in self.pages)


@dataclass(frozen=True)
class Chunk:
    """A piece of a document small enough to embed, carrying its document's metadata."""

    id: str
    document_id: str
    text: str
    title: str
    uri: str
    url: str = ""
    publisher: str = ""
    published: date | None = None
    page: int | None = None
    language: str = "en"
    tickers: tuple[str, ...] = ()
    kind: str = "news"
    section: str = ""  # the financial statement on the chunk's page, if any

    @property
    def order(self) -> int:
        """The chunk's place in its document (its id's last part), 0 where the id carries none."""
        tail = self.id.rsplit("-", 1)[-1]
        return int(tail) if tail.isdigit() else 0

    def sibling_id(self, offset: int) -> str | None:
        """The id of the chunk `offset` places after this one in its document, if ids carry places."""
        prefix, _, number = self.id.rpartition("-")
        at = int(number) + offset if number.isdigit() else -1
        return f"{prefix}-{at}" if at >= 0 else None


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its fused relevance score."""

    chunk: Chunk
    score: float
    dense: float = 0.0
    keyword: float = 0.0


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
