"""Split a cleaned document into chunks that keep their document's metadata and page."""

from __future__ import annotations

from dataclasses import replace

from langchain_text_splitters import RecursiveCharacterTextSplitter

from knowledge.index.cleaner import clean
from knowledge.index.statements import section_of
from knowledge.records import Chunk, Document, Page


class Chunker:
    """Cleans each page and splits it on paragraph, line and sentence boundaries."""

    def __init__(self, size: int = 900, overlap: int = 120) -> None:
        self._splitter = RecursiveCharacterTextSplitter(
            chunk_size=size,
            chunk_overlap=overlap,
            separators=["\n\n", "\n", ". ", "; ", ", ", " ", ""],
            keep_separator="end",
        )

    def chunk(self, document: Document) -> list[Chunk]:
        """Chunks of the document in reading order; ids change when the content does."""
        pieces = [
            (page.number, section_of(page.text), piece.strip())
            for page in self.clean_pages(document)
            for piece in self._splitter.split_text(page.text)
            if piece.strip()
        ]
        version = document.content_hash[:8]
        return [
            Chunk(
                id=f"{document.id}-{version}-{index}",
                document_id=document.id,
                text=text,
                title=document.title,
                uri=document.uri,
                url=document.url,
                publisher=document.publisher,
                published=document.published,
                page=number,
                language=document.language,
                tickers=document.tickers,
                kind=document.kind,
                section=section,
            )
            for index, (number, section, text) in enumerate(pieces)
        ]

    @staticmethod
    def clean_pages(document: Document) -> list[Page]:
        return [replace(page, text=clean(page.text)) for page in document.pages]
