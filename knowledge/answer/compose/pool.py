"""The candidate pool: the chunks a draft may quote from, and their sentences and rows.

In: the retrieved passages (and the served index around them). Out: the pool of chunks (the
retrieved ones, the other chunks of their pages where a page matters, and the chunks that only
finish a sentence cut at a chunk's end), and the `Unit`s read from them.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Protocol

from knowledge.answer.compose.sentences import ends_sentence, units
from knowledge.answer.compose.unit import Unit
from knowledge.answer.understand.question import Question
from knowledge.records import Chunk, Passage
from knowledge.text import sentences
from knowledge.text.terms import terms

_CARRY = 600  # characters of the next chunk a cut sentence may take
_OVERLAP, _PROBE = 400, 20  # characters: the most two chunks may share; enough of one to find it

Page = tuple[str, int | None]  # a document's id and its PDF page (None: the document has no pages)


class Neighbours(Protocol):
    """The served index around retrieved chunks."""

    def page(self, chunk: Chunk) -> list[Chunk]:
        """All chunks of the chunk's PDF page, in order (for table headers and a statement's other rows)."""
        ...

    def following(self, chunks: list[Chunk]) -> list[Chunk]:
        """The chunk after each of these, where there is one, in one fetch."""
        ...


def gather(passages: tuple[Passage, ...], around: Neighbours | None) -> tuple[list[Chunk], frozenset[str]]:
    """The retrieved chunks, plus the other chunks of retrieved statement pages (their rows) and of
    the best passage's page (its next sentence may hold the answer: "The $104.2 million increase
    was primarily due to …"); and, apart, the chunks that only finish a sentence cut at a chunk's end.
    """
    pool: dict[str, Chunk] = {}
    for rank, passage in enumerate(passages):
        pool.setdefault(passage.chunk.id, passage.chunk)
        if around is not None and (passage.chunk.section or rank == 0) and passage.chunk.page is not None:
            for sibling in around.page(passage.chunk):
                pool.setdefault(sibling.id, sibling)
    cut = [c for c in pool.values() if c.page is not None and not ends_sentence(c.text) and c.sibling_id(1) not in pool]
    tails = [c for c in around.following(cut) if c.id not in pool] if around is not None and cut else []
    pool.update((chunk.id, chunk) for chunk in tails)
    return list(pool.values()), frozenset(chunk.id for chunk in tails)


def find_documents(question: Question, pool: list[Chunk]) -> set[str]:
    """The documents that name the unknown company a question asks about (all, if it names none)."""
    if not question.subjects:
        return {chunk.document_id for chunk in pool}
    words: dict[str, set[str]] = {}
    for chunk in pool:
        words.setdefault(chunk.document_id, set()).update(terms(f"{chunk.title} {chunk.text}", "en"))
    return {document for document, found in words.items() if question.subjects & found}


def read_units(pool: list[Chunk], tails: frozenset[str] = frozenset()) -> list[Unit]:
    """The sentences and rows of the pool's chunks; a tail only finishes its predecessor's sentence."""
    texts = join_pages(pool)
    after = link_following(pool)
    found: list[Unit] = []
    for index, chunk in enumerate(pool):
        if chunk.id in tails:
            continue
        page = texts[(chunk.document_id, chunk.page)] if chunk.page is not None else ""
        text = _carried_on(chunk.text, pool[after[index]].text) if index in after else chunk.text
        found.extend(_split(text, index, chunk.language, page))
    return found


def join_pages(pool: list[Chunk]) -> dict[Page, str]:
    """Each PDF page's text as far as the pool holds it, in reading order."""
    texts: dict[Page, str] = {}
    for chunk in sorted(pool, key=lambda chunk: chunk.order):
        key = (chunk.document_id, chunk.page)
        texts[key] = f"{texts.get(key, '')}\n{chunk.text}" if chunk.page is not None else chunk.text
    return texts


def link_following(pool: list[Chunk]) -> dict[int, int]:
    """For each chunk of the pool, the pool's chunk that goes on where it stops on the same page."""
    at = {chunk.id: index for index, chunk in enumerate(pool)}
    found = {}
    for index, chunk in enumerate(pool):
        after = at.get(chunk.sibling_id(1) or "") if chunk.page is not None else None
        if after is not None and pool[after].page == chunk.page:
            found[index] = after
    return found


@lru_cache(maxsize=1024)
def _split(text: str, index: int, language: str, page: str) -> tuple[Unit, ...]:
    # The word-matched draft and the evidence by meaning read the same best passages.
    return tuple(units(text, index, language, page))


def _carried_on(text: str, following: str) -> str:
    """A chunk cut inside a sentence, with the sentence's end from the next chunk ("Increases were
    primarily due to … costs for" + "significant litigation …."): its cause is in the second half."""
    if ends_sentence(text):
        return text
    rest, joint = _past_overlap(text, following), " "
    if rest is not following:  # the chunks overlap: the rest goes on exactly where the text stops
        joint = ""
    pieces = sentences.split(rest[:_CARRY])
    if len(pieces) == 1 and not sentences.stops(pieces[0]):
        return text  # no sentence ends within reach
    return f"{text}{joint}{pieces[0]}"


def _past_overlap(text: str, following: str) -> str:
    """The next chunk after the words it repeats from the end of this one (the chunker overlaps them)."""
    probe = following[:_PROBE]
    at = text.find(probe, max(0, len(text) - _OVERLAP))
    while len(probe) == _PROBE and at >= 0:
        if following.startswith(text[at:]):
            return following[len(text) - at :]
        at = text.find(probe, at + 1)
    return following
