"""Records that travel through the pipeline (in process, never persisted as such): the documents,
their chunks and the passages retrieved. The answer's own records are in `knowledge.answer.record`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


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
