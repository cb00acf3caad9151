"""The offline answer: a lead line that answers, then a few supporting points, each quoted from its
source and cited.

What the question asks for decides which sentences may answer: a figure question needs a
sentence or table row with a figure about every term asked; a date question a date; a why
question the company's own drivers before market-wide ones. When nothing answers, the draft
says so instead of offering loosely related lines. One fact is said once (the same figures from
two sources or two languages get both citations), a sentence that leans on the one before it
("Its users…") brings that sentence along, and a sentence in the other language is used only
when it holds something new, marked as quoted.

The stages, each its own module: `pool` (the chunks and their lines), `eligibility` (which lines
may answer), `scoring` (how well), `selection` (which are shown, in what order) and `draft` (the
lines written out with their citations).
"""

from __future__ import annotations

from knowledge.answer.compose.draft import Draft, write
from knowledge.answer.compose.extremes import Ranking, ranked, tables
from knowledge.answer.compose.matching import matches
from knowledge.answer.compose.pool import Neighbours, find_documents, gather, read_units
from knowledge.answer.compose.scoring import Scored, favour_period, score
from knowledge.answer.compose.selection import select
from knowledge.answer.compose.unit import Unit
from knowledge.answer.understand.question import QUARTER, Question
from knowledge.prompts import render
from knowledge.records import Chunk, Passage
from knowledge.text.companies import Companies
from knowledge.text.concepts import concepts
from knowledge.text.policy import Policy
from knowledge.text.terms import terms


def compose(
    question: Question,
    passages: tuple[Passage, ...],
    companies: Companies,
    around: Neighbours | None = None,
    policy: Policy | None = None,
) -> Draft:
    """The best lead and supporting points from the passages, or an uncovered draft."""
    pool, tails = gather(passages, around)
    about = find_documents(question, pool)
    candidates = [unit for unit in read_units(pool, tails) if pool[unit.passage].document_id in about]
    if question.extreme:
        table = _extreme(question, candidates, pool)
        if table is not None:
            return table
    scored = [s for s in (score(unit, question, pool, companies) for unit in candidates) if s is not None]
    if QUARTER.search(question.core):
        scored = favour_period(scored, pool)
    scored.sort(key=lambda s: -s.score)
    chosen = select(question, scored, candidates, policy)
    if not chosen:
        return Draft("", (), covered=False)
    return write(chosen, pool, question)


def nearest(
    question: Question,
    passages: tuple[Passage, ...],
    companies: Companies,
    around: Neighbours | None = None,
    policy: Policy | None = None,
) -> Draft:
    """For a question nothing answers: the one sentence or row of the top passages that comes
    closest (a third of its terms or more, about the company asked), to be shown labelled as such.

    An analyst can open that page and judge; the answer still says the sources do not cover it.
    """
    pool, tails = gather(passages[:3], around)
    about = find_documents(question, pool)
    found: list[tuple[tuple[float, bool, int], Unit]] = []
    for unit in read_units(pool, tails):
        if pool[unit.passage].document_id not in about or not question.focus:
            continue
        share = sum(matches(group, unit.stems) for group in question.focus) / len(question.focus)
        named = set(companies.find(unit.text))
        if share < 1 / 3 or (question.tickers and named and not named & set(question.tickers)):
            continue
        key = (share, question.needs_figure and bool(unit.figures), -unit.passage)
        found.append((key, unit))
    # The policy's meaning check embeds a line: only the best are judged, not every candidate.
    found.sort(key=lambda pair: pair[0], reverse=True)
    best = next((pair for pair in found if policy is None or policy.allows(pair[1].text)), None)
    if best is None:
        return Draft("", (), covered=False)
    shown = write([Scored(best[1], 0.0, best[0][0], True)], pool, question)
    return Draft(shown.text, shown.citations, covered=False)


def _extreme(question: Question, candidates: list[Unit], pool: list[Chunk]) -> Draft | None:
    """The largest (or smallest) row of the table the question names, with the runners-up."""
    first: dict[tuple[str, int | None], int] = {}
    for index, chunk in enumerate(pool):
        first.setdefault((chunk.document_id, chunk.page), index)

    def page_of(unit: Unit) -> tuple[str, int | None]:
        return pool[unit.passage].document_id, pool[unit.passage].page

    ordered = sorted(candidates, key=lambda u: (first[page_of(u)], pool[u.passage].order, u.position))
    best: tuple[tuple[int, bool, int], Ranking] | None = None
    for table in tables(ordered, page_of):
        words = frozenset(terms(table.label, table.rows[0].language)) | concepts(table.label)[1]
        named = sum(matches(group, words) for group in question.focus)
        ranking = ranked(table, question) if named else None
        # A table closed by its total is whole; a chunk may end halfway through another copy of it.
        key = (named, bool(table.total), len(table.rows))
        if ranking is not None and ranking.rows and (best is None or key > best[0]):
            best = (key, ranking)
    if best is None:
        return None
    ranking = best[1]
    shown = write([Scored(row, 0.0, 1.0, True) for row in ranking.rows], pool, question)
    column = f" ({ranking.year})" if ranking.year else ""  # the year whose figures ranked the rows
    label = render("extreme_largest" if question.extreme > 0 else "extreme_smallest", question.language, column=column)
    return Draft(f"{label}\n{shown.text}", shown.citations, covered=True)  # the label quotes no source
