"""Chunk labels: every chunk's metadata without its text, kept beside the keyword index.

Ranking needs a candidate's company, page, statement, date and language, not its text. With the
labels at hand a reader asks the vector store for ids and distances only, ranks a few hundred
candidates locally and fetches the texts of the handful it shows — through a Chroma server the
difference is ~25 ms against ~7 ms per query at 100k chunks (benchmarks/speed.py).

Metadata repeats within a document, so each distinct document-level record is kept once and a
chunk holds three small integers: its record, its page and its statement section.
"""

from __future__ import annotations

from array import array
from datetime import date
from typing import Any

from knowledge.records import Chunk

# The fields a chunk shares with the other chunks of its document.
_SHARED = ("document_id", "title", "uri", "url", "publisher", "published", "language", "tickers", "kind")


class ChunkLabels:
    """Row-aligned labels: row n describes the keyword index's n-th chunk."""

    def __init__(self) -> None:
        self._records: list[tuple[Any, ...]] = []
        self._record_slots: dict[tuple[Any, ...], int] = {}
        self._sections: list[str] = [""]
        self._section_slots: dict[str, int] = {"": 0}
        self._record, self._page, self._section = array("i"), array("i"), array("i")

    def append(self, chunk: Chunk) -> None:
        record = tuple(getattr(chunk, name) for name in _SHARED)
        self._record.append(self._record_slots.setdefault(record, len(self._record_slots)))
        if len(self._record_slots) > len(self._records):
            self._records.append(record)
        self._page.append(-1 if chunk.page is None else chunk.page)
        self._section.append(self._section_slots.setdefault(chunk.section, len(self._section_slots)))
        if len(self._section_slots) > len(self._sections):
            self._sections.append(chunk.section)

    def chunk(self, row: int, chunk_id: str) -> Chunk:
        """The chunk at this row with an empty text (fetch the text from the store to show it)."""
        fields = dict(zip(_SHARED, self._records[self._record[row]], strict=True))
        page = self._page[row]
        return Chunk(
            id=chunk_id, text="", page=None if page < 0 else page, section=self._sections[self._section[row]], **fields
        )

    def state(self) -> dict[str, Any]:
        records = [
            [
                value.isoformat() if isinstance(value, date) else list(value) if isinstance(value, tuple) else value
                for value in record
            ]
            for record in self._records
        ]
        return {
            "records": records,
            "sections": self._sections,
            "record": self._record.tolist(),
            "page": self._page.tolist(),
            "section": self._section.tolist(),
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> ChunkLabels:
        labels = cls()
        for raw in state["records"]:
            fields = dict(zip(_SHARED, raw, strict=True))
            fields["published"] = date.fromisoformat(fields["published"]) if fields["published"] else None
            fields["tickers"] = tuple(fields["tickers"])
            labels._records.append(tuple(fields[name] for name in _SHARED))
        labels._sections = list(state["sections"])
        labels._record, labels._page = array("i", state["record"]), array("i", state["page"])
        labels._section = array("i", state["section"])
        return labels
