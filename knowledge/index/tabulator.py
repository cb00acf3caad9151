"""The tables of a document's pages, stored beside its chunks: the stage after a document is saved.

In: a loaded document (its raw page text: the cleaner drops lone year lines, which are column
headers). Out: one `PageTable` row per page that holds a table, with a vector per row label made
once here, so that answering compares line items with labels without embedding them again.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

import numpy as np

from knowledge.catalog import Catalog
from knowledge.catalog.tables import PageTable
from knowledge.index.embedder import Vectors
from knowledge.index.statements import section_of
from knowledge.records import Document
from knowledge.tables import Table, read

DIMENSIONS = 384  # the packaged model's; a stored page knows its own from its bytes and row count
MAX_PAGE_CHARS = 400_000  # a page longer than this is a text file's whole body, not a table page


class Tabulator:
    """Reads each page's tables and embeds their row labels (through the embedding cache)."""

    def __init__(self, catalog: Catalog, embed: Callable[[Sequence[str]], Vectors]) -> None:
        self._catalog, self._embed = catalog, embed

    def tabulate(self, document: Document) -> int:
        """Store the document's page tables in place of its old ones; returns how many rows."""
        pages: list[tuple[int, str, list[Table]]] = []
        before = ""
        for position, page in enumerate(document.pages):
            if len(page.text) > MAX_PAGE_CHARS:
                continue
            section, before = section_of(page.text, before), page.text
            tables = [table for table in read(page.text, document.language, section) if table.rows]
            if tables:
                pages.append((page.number if page.number is not None else position, section, tables))
        # Only rows whose cells stand under known columns can answer; the others keep a zero vector.
        # The label alone is embedded: a group title in front ("Operating expenses: …") would make
        # every row of the block look alike.
        labels = list(dict.fromkeys(row.name for _, _, tables in pages for t in tables for row in t.rows if row.placed))
        found = self._embed(labels) if labels else np.zeros((0, DIMENSIONS), dtype=np.float32)
        vectors = np.vstack([found, np.zeros((1, found.shape[1]), dtype=np.float32)])
        at = {label: index for index, label in enumerate(labels)}
        unplaced = len(labels)
        rows = [
            PageTable(
                document_id=document.id,
                page=number,
                section=section,
                tables=json.dumps([table.as_json() for table in tables]),
                vectors=np.asarray(
                    vectors[[at.get(row.name, unplaced) for table in tables for row in table.rows]],
                    dtype=np.float32,
                ).tobytes(),
            )
            for number, section, tables in pages
        ]
        self._catalog.save_page_tables(document.id, rows)
        return len(labels)


def stored(row: PageTable) -> tuple[list[Table], Vectors]:
    """A stored page's tables and its row-label vectors, one per row in reading order."""
    tables = [Table.from_json(data) for data in json.loads(row.tables)]
    count = sum(len(table.rows) for table in tables)
    vectors = np.frombuffer(row.vectors, dtype=np.float32)
    return tables, vectors.reshape(count, -1) if count else vectors.reshape(0, DIMENSIONS)
