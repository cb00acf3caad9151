"""The offline answer: the retrieved sentences that best answer the question, each with its citation."""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.answer.guard import violates
from knowledge.records import Citation, Passage
from knowledge.text.terms import terms

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ0-9\"„(])|\n+")
_CAUSE = re.compile(
    r"\b(because|due\s+to|after|amid|as\s+a\s+result|weigh\w*|pressure|worr\w*|weak\w*|hit|drag|concern\w*|fell|slow\w*"
    r"|wegen|druck|sorge\w*|schwach\w*|belast\w*|zweifel\w*|verlor\w*|gebremst|halbiert)\b",
    re.IGNORECASE,
)
_WHY = re.compile(r"\b(why|warum|wieso|weshalb|what\s+drove|reason|grund)\b", re.IGNORECASE)
_MAX_SENTENCES = 5
_RELATIVE_FLOOR = 0.5
# When the question itself carries no usable terms ("Should I buy X?", "What about X?"), the answer
# gives an overview of the company's situation instead.
OVERVIEW_TERMS = (
    "latest news why shares fell rose down revenue growth grew profit operating margin losses "
    "subsidies competition risks pressure weak users "
    "Umsatz Wachstum wuchsen Gewinn Marge Wettbewerb Risiken Druck schwach Nutzer"
)
_PER_PASSAGE = 3


@dataclass(frozen=True)
class Draft:
    """An answer before the guard: text with [n] markers and the sources they point to."""

    text: str
    citations: tuple[Citation, ...]


@dataclass(frozen=True)
class _Candidate:
    sentence: str
    passage_rank: int
    score: float
    terms: frozenset[str]


def compose(
    question: str, expanded: str, passages: tuple[Passage, ...], language: str, names: tuple[str, ...] = ()
) -> Draft:
    """Pick the best sentences from the passages and cite each; an empty draft if none fits.

    `names` are the names of the companies asked about: every passage mentions them, so they
    do not tell a good sentence from a bad one.
    """
    name_terms = frozenset(term for name in names for term in terms(name, "en") + terms(name, "de"))
    query = (frozenset(terms(expanded, "en")) | frozenset(terms(question, language))) - name_terms
    why = bool(_WHY.search(question))
    candidates = [
        candidate
        for rank, passage in enumerate(passages)
        for candidate in _candidates(passage, rank, query, why, language)
    ]
    ranked = sorted(candidates, key=lambda c: -c.score)
    floor = ranked[0].score * _RELATIVE_FLOOR if ranked else 0.0
    chosen = _choose([candidate for candidate in ranked if candidate.score >= floor])
    # One source number per document page, even when two of its chunks were used.
    numbers: dict[tuple[str, int | None], int] = {}
    used: dict[int, list[Passage]] = {}
    lines = []
    for candidate in chosen:
        passage = passages[candidate.passage_rank]
        n = numbers.setdefault((passage.chunk.document_id, passage.chunk.page), len(numbers) + 1)
        if passage not in used.setdefault(n, []):
            used[n].append(passage)
        lines.append(f"{candidate.sentence} [{n}]")
    citations = tuple(_citation(n, group) for n, group in used.items())
    return Draft("\n".join(lines), citations)


def _candidates(passage: Passage, rank: int, query: frozenset[str], why: bool, language: str) -> list[_Candidate]:
    found = []
    for sentence in (s.strip() for s in _SENTENCE.split(passage.chunk.text)):
        if not 30 <= len(sentence) <= 500 or sentence.endswith("?") or sentence.startswith("#") or violates(sentence):
            continue
        if len(sentence) < 60 and not any(ch.isdigit() for ch in sentence):
            continue  # a heading or a table's row label says nothing on its own
        sentence_terms = frozenset(terms(sentence, passage.chunk.language))
        overlap = len(query & sentence_terms)
        cause = why and bool(_CAUSE.search(sentence))
        if overlap == 0 and not cause:
            continue
        score = overlap + 1.5 / (rank + 1) + (0.5 if any(ch.isdigit() for ch in sentence) else 0.0)
        if passage.chunk.language == language:
            score += 1.0
        if why:
            score += 1.0 if cause else -1.0
        found.append(_Candidate(sentence, rank, score, sentence_terms))
    return found


def _choose(ranked: list[_Candidate]) -> list[_Candidate]:
    chosen: list[_Candidate] = []
    per_passage: dict[int, int] = {}
    for candidate in ranked:
        if len(chosen) == _MAX_SENTENCES:
            break
        if per_passage.get(candidate.passage_rank, 0) >= _PER_PASSAGE or any(
            _similar(candidate.terms, other.terms) for other in chosen
        ):
            continue
        per_passage[candidate.passage_rank] = per_passage.get(candidate.passage_rank, 0) + 1
        chosen.append(candidate)
    return chosen


def _similar(first: frozenset[str], second: frozenset[str]) -> bool:
    return bool(first and second) and len(first & second) / len(first | second) > 0.5


def _citation(n: int, passages: list[Passage]) -> Citation:
    ordered = sorted(passages, key=lambda passage: _chunk_order(passage.chunk.id))
    return Citation.of(n, passages[0].chunk, "\n\n".join(passage.chunk.text for passage in ordered))


def _chunk_order(chunk_id: str) -> int:
    tail = chunk_id.rsplit("-", 1)[-1]
    return int(tail) if tail.isdigit() else 0
