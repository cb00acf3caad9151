"""The hook between answering and the calculator: the page tables of the retrieved filings are
read back, figures computed, and their lines put first in the draft with their own citations
(the draft's citations renumbered after them)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from knowledge.answer.compose.draft import Draft
from knowledge.answer.compute.calculator import Calculator
from knowledge.answer.compute.figure import Figure
from knowledge.answer.compute.finder import Page
from knowledge.answer.compute.rows import restate
from knowledge.answer.record import Citation
from knowledge.answer.understand.query import quarters
from knowledge.answer.understand.question import Question, asks_count
from knowledge.catalog import Catalog
from knowledge.index.embedder import Embedder
from knowledge.index.tabulator import stored
from knowledge.records import Chunk, Passage
from knowledge.text.terms import terms

_MARKER = re.compile(r"\[(\d{1,3})\]")
_DOCUMENTS = 3  # the filings of the best passages that may hold the inputs


class Facts:
    """Computed figures for a question, from the stored tables of the filings retrieval found."""

    def __init__(self, catalog: Catalog, embedder: Callable[[], Embedder]) -> None:
        self._catalog = catalog
        self.calculator = Calculator(embedder)

    def figures(self, question: Question, passages: tuple[Passage, ...], names: tuple[str, ...] = ()) -> list[Figure]:
        """The figures that answer the question, or [] (a question that asks no figure costs nothing)."""
        if not self.calculator.wants(question):
            return []
        return self.calculator.compute(question, self._pages(_in_quarter(question, _about(question, passages))), names)

    def labels(self, question: Question, passages: tuple[Passage, ...]) -> list[str]:
        """The row labels of the asked company's retrieved pages and statements, the statements' first."""
        about = [
            p
            for p in _about(question, passages)
            if not question.tickers or set(p.chunk.tickers) & set(question.tickers)
        ]
        pages = {(p.chunk.document_id, p.chunk.page) for p in about if p.chunk.page is not None}
        stored_pages = self._catalog.page_tables({p.chunk.document_id for p in about}, pages)
        ordered = sorted(stored_pages, key=lambda page: page.section == "")
        return [row.label for page in ordered for table in stored(page)[0] for row in table.rows]

    def restate_rows(self, draft: Draft, question: Question, computed: bool = False) -> Draft:
        """The draft's table rows shown from the stored tables of the pages it cites (a closest passage
        shown for want of an answer too: "9M to March 31, 2024", never a bare "2024"); where the
        question asks how many things and nothing was `computed`, none in money."""
        if ": " not in draft.text:
            return draft
        cited = {c.n: (c.document_id, c.page) for c in draft.citations if c.page is not None}
        stored_pages = self._catalog.page_tables({d for d, _ in cited.values()}, set(cited.values()), sections=False)
        tables = {(row.document_id, row.page): stored(row)[0] for row in stored_pages}
        if not tables:
            return draft
        lines = []
        counting = asks_count(question.core) and not computed
        for line in draft.text.split("\n"):
            marks = _MARKER.findall(line)
            page = cited.get(int(marks[-1])) if marks else None
            lines.append(
                restate(line, tables[page], question.language, question.core, counting) if page in tables else line
            )
        kept = [line for line in lines if line]
        if not kept:
            return replace(draft, text="", covered=False)  # every row it showed answered another question
        return replace(draft, text="\n".join(kept).removeprefix("• "))

    def add(self, draft: Draft, figures: list[Figure], passages: tuple[Passage, ...]) -> Draft:
        """The draft with the figures' lines first; a draft that answered nothing is covered now.
        A page the draft cites already keeps one number."""
        if not figures:
            return draft
        chunks = {passage.chunk.document_id: passage.chunk for passage in passages}
        numbers: dict[tuple[str, int], int] = {}
        for figure in figures:
            for item in figure.inputs:
                numbers.setdefault(item.source, len(numbers) + 1)
        cited = draft.citations if draft.covered else ()
        renumbered: dict[int, int] = {}
        moved: list[Citation] = []
        quotes: dict[int, str] = {}  # what the draft quoted from a page the figures cite too
        for citation in cited:
            same = numbers.get((citation.document_id, citation.page or -1))
            if same is not None:
                quotes[same] = citation.quote
            else:
                same = len(numbers) + len(moved) + 1
                moved.append(replace(citation, n=same))
            renumbered[citation.n] = same
        body = _MARKER.sub(lambda m: f"[{renumbered.get(int(m.group(1)), int(m.group(1)))}]", draft.text)
        body = "\n".join(line for line in body.split("\n") if not _shown(line, figures, numbers))
        lines = [figure.line(numbers) for figure in figures] + ([body] if cited else [])
        citations = tuple(
            _citation(n, source, figures, chunks[source[0]], quotes.get(n, "")) for source, n in numbers.items()
        )
        return Draft("\n".join(lines), citations + tuple(moved), covered=True)

    def _pages(self, passages: tuple[Passage, ...]) -> list[Page]:
        documents = list(dict.fromkeys(p.chunk.document_id for p in passages))[:_DOCUMENTS]
        retrieved = [(p.chunk.document_id, p.chunk.page) for p in passages if p.chunk.page is not None]
        rank = {key: at for at, key in reversed(list(enumerate(retrieved)))}
        rows = self._catalog.page_tables(
            set(documents), {(d, p) for d, p in retrieved if p is not None and d in documents}
        )
        titles = {p.chunk.document_id: p.chunk.title for p in passages}
        pages = []
        for row in rows:
            tables, vectors = stored(row)
            order = documents.index(row.document_id) * 1000 + rank.get((row.document_id, row.page), 999)
            title = titles.get(row.document_id, "")
            pages.append(Page(row.document_id, row.page, row.section, tuple(tables), vectors, order, title))
        return pages


def _shown(line: str, figures: list[Figure], numbers: dict[tuple[str, int], int]) -> bool:
    """A draft line quoting a row that a figure already shows from the same page."""
    rows = {
        (item.found.row.name, numbers[item.source]) for figure in figures if not figure.result for item in figure.inputs
    }
    marks = _MARKER.findall(line)
    label = line.removeprefix("• ").lstrip('„“"»«').split(": ", 1)[0]  # quoted in another language, too
    return bool(marks) and (label, int(marks[-1])) in rows


def _about(question: Question, passages: tuple[Passage, ...]) -> tuple[Passage, ...]:
    """The passages of filings that name the company asked about, when the question names one the
    company table does not know: another company's rows never answer."""
    if not question.subjects or question.tickers:
        return passages
    named = {
        p.chunk.document_id for p in passages if question.subjects & set(terms(f"{p.chunk.title} {p.chunk.text}", "en"))
    }
    return tuple(p for p in passages if p.chunk.document_id in named)


def _in_quarter(question: Question, passages: tuple[Passage, ...]) -> tuple[Passage, ...]:
    """The passages of filings that name the quarter asked ("Q4 2023", "fourth quarter"), when the
    question names one: a 10-Q's quarter column is no other quarter's figure."""
    asked = quarters(question.core)
    if not asked:
        return passages
    named = {p.chunk.document_id for p in passages if asked & quarters(f"{p.chunk.title}\n{p.chunk.text}")}
    return tuple(p for p in passages if p.chunk.document_id in named)


def _citation(n: int, source: tuple[str, int], figures: list[Figure], chunk: Chunk, quoted: str) -> Citation:
    """The page an input comes from, quoting the rows it uses as the page prints them (and what
    the draft quoted from the same page)."""
    lines = dict.fromkeys(item.found.row.line for figure in figures for item in figure.inputs if item.source == source)
    return Citation.of(n, replace(chunk, page=source[1]), "\n".join(filter(None, ("\n".join(lines), quoted))))


def facts_text(figures: list[Figure]) -> str:
    """The figures as plain lines for a model's prompt and its figure check (no source numbers)."""
    return "\n".join(
        _MARKER.sub("", figure.line({item.source: 0 for item in figure.inputs})).strip() for figure in figures
    )
