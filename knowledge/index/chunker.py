"""Split a cleaned document into chunks that keep their document's metadata and page."""

from __future__ import annotations

from collections.abc import Iterator

from langchain_text_splitters import RecursiveCharacterTextSplitter

from knowledge.index.cleaner import clean
from knowledge.index.statements import section_of
from knowledge.records import Chunk, Document
from knowledge.text.policy import Policy

# A page longer than this (a huge text file is one "page") is cleaned and split a block at a
# time, at paragraph breaks, so memory stays bounded however large the document.
BLOCK_CHARS = 200_000


class Chunker:
    """Cleans each page and splits it on paragraph, line and sentence boundaries."""

    def __init__(self, size: int = 900, overlap: int = 120, policy: Policy | None = None) -> None:
        self._policy = policy or Policy()
        self._splitter = RecursiveCharacterTextSplitter(
            chunk_size=size,
            chunk_overlap=overlap,
            separators=["\n\n", "\n", ". ", "; ", ", ", " ", ""],
            keep_separator="end",
        )

    def chunk(self, document: Document) -> Iterator[Chunk]:
        """Chunks of the document in reading order, made as they are consumed; ids change with the content."""
        version = document.content_hash[:8]
        index = 0
        before = ""
        for page in document.pages:
            section = ""
            for number, block in enumerate(_blocks(page.text)):
                text = clean(block, self._policy)
                if number == 0:
                    section = section_of(text, before)
                for piece in self._splitter.split_text(text):
                    if piece.strip():
                        yield _chunk(document, f"{document.id}-{version}-{index}", piece.strip(), page.number, section)
                        index += 1
            before = page.text


def _blocks(text: str) -> Iterator[str]:
    while len(text) > BLOCK_CHARS:
        cut = text.rfind("\n\n", BLOCK_CHARS // 2, BLOCK_CHARS)
        if cut == -1:
            cut = text.rfind("\n", BLOCK_CHARS // 2, BLOCK_CHARS)
        cut = cut if cut > 0 else BLOCK_CHARS
        yield text[:cut]
        text = text[cut:]
    yield text


def _chunk(document: Document, id_: str, text: str, page: int | None, section: str) -> Chunk:
    return Chunk(
        id=id_,
        document_id=document.id,
        text=text,
        title=document.title,
        uri=document.uri,
        url=document.url,
        publisher=document.publisher,
        published=document.published,
        page=page,
        language=document.language,
        tickers=document.tickers,
        kind=document.kind,
        section=section,
    )
