"""Selection: the lead and the supporting points, out of the scored lines.

In: the scored lines (best first), the candidate units, the question and the sentence policy.
Out: the chosen lines in the order they are shown: one fact once, the question's language first,
the best line about each item a comparison lists, a line the source puts before another shown
before it, and no line the policy forbids by meaning.
"""

from __future__ import annotations

import re

from knowledge.answer.compose.matching import matches
from knowledge.answer.compose.scoring import Scored
from knowledge.answer.compose.unit import Unit
from knowledge.answer.understand.question import Question
from knowledge.text.policy import Policy
from knowledge.text.terms import terms

_AMONG = re.compile(r"^\s*(?:among|unter)\s+(.+?),?\s+(?:which|what|welche\w*|was)\b", re.IGNORECASE)
_ITEM_SPLIT = re.compile(r"\s*,\s*(?:and\s+|or\s+|und\s+|oder\s+)?|\s+(?:and|or|und|oder)\s+", re.IGNORECASE)
_ASKED_ALREADY = frozenset(terms("activities activity Aktivitäten", "en"))  # shared by all the items
MAX_POINTS = 3  # after the lead
MAX_CHARS = 1100


def select(question: Question, scored: list[Scored], candidates: list[Unit], policy: Policy | None) -> list[Scored]:
    """The lines to show, in order; none when nothing answers."""
    chosen = _pick(question, scored, candidates)
    if policy is not None and chosen:
        chosen = _allowed(chosen, scored, question, candidates, policy)
    return chosen


def same_fact(first: Unit, second: Unit) -> bool:
    """Do the two lines say one fact (the same figures, or mostly the same words in one language)?"""
    if first.figures and second.figures and (first.figures <= second.figures or second.figures <= first.figures):
        return True
    if first.language == second.language and first.stems and second.stems:
        return len(first.stems & second.stems) / len(first.stems | second.stems) > 0.5
    return False


def _pick(question: Question, scored: list[Scored], candidates: list[Unit]) -> list[Scored]:
    return _one_per_item(question, scored, candidates) or _in_reading_order(_choose(scored, question))


def _allowed(
    chosen: list[Scored], scored: list[Scored], question: Question, candidates: list[Unit], policy: Policy
) -> list[Scored]:
    """The chosen lines the sentence policy allows by meaning too (its patterns already kept the
    others out of the candidates); what it forbids is never quoted, and the choice is made again
    without it, twice at most."""
    for _ in range(2):
        forbidden = _forbidden(chosen, policy)
        if not forbidden:
            return chosen
        scored = [s for s in scored if id(s.unit) not in forbidden]
        chosen = _pick(question, scored, candidates)
    forbidden = _forbidden(chosen, policy)
    return [s for s in chosen if id(s.unit) not in forbidden]


def _forbidden(chosen: list[Scored], policy: Policy) -> set[int]:
    sentences = [s for s in chosen if s.unit.kind == "sentence"]  # a table row exhorts nobody
    verdicts = policy.breaches([s.unit.text for s in sentences])
    return {id(s.unit) for s, bad in zip(sentences, verdicts, strict=True) if bad}


def _choose(scored: list[Scored], question: Question) -> list[Scored]:
    """The lead and up to MAX_POINTS points: one fact once, same language first, within the length cap."""
    if not scored:
        return []
    same = [s for s in scored if s.unit.language == question.language]
    lead = same[0] if same and same[0].score >= scored[0].score - 1.5 else scored[0]
    chosen = [lead]
    for candidate in scored:
        if len(chosen) > MAX_POINTS or sum(len(s.unit.text) for s in chosen) > MAX_CHARS:
            break
        if candidate in chosen or candidate.score < lead.score * 0.45 or _repeats(candidate, chosen):
            continue
        continues = candidate.unit.passage == lead.unit.passage and lead.unit.language != question.language
        if candidate.unit.language != question.language and not continues and not _adds_figures(candidate, chosen):
            continue  # another language only for a fact not said yet, or to go on quoting the lead's source
        chosen.append(candidate)
    return chosen


def _one_per_item(question: Question, scored: list[Scored], candidates: list[Unit]) -> list[Scored]:
    """ "Among operations, investing and financing activities, which …?": the best line about each
    item named, in the question's order (none if one of them has no line). A row that names the
    item and one other asked term will do ("Cash provided by operations")."""
    listed = _AMONG.search(question.core)
    if listed is None or question.kind != "comparison":
        return []
    chosen: list[Scored] = []
    for item in _ITEM_SPLIT.split(listed.group(1)):
        wanted = frozenset(terms(item, question.language)) - _ASKED_ALREADY
        best = next((s for s in scored if wanted and wanted <= s.unit.stems and s not in chosen), None)
        others = [group for group in question.focus if not group & wanted]
        rows = (u for u in candidates if u.kind == "row" and wanted and wanted <= u.stems)
        row = next((u for u in rows if any(matches(group, u.stems) for group in others)), None)
        best = best or (Scored(row, 0.0, 0.0, True) if row is not None else None)
        if best is None or best in chosen:
            return []
        chosen.append(best)
    return chosen if len(chosen) >= 2 else []


def _in_reading_order(chosen: list[Scored]) -> list[Scored]:
    """A chosen sentence that the source puts right before another chosen one is shown before it
    ("Retail sales rose only 1.3 % in November." then "In October the gain had been 2.9 %…")."""
    ordered = list(chosen)
    for scored in chosen:
        at = ordered.index(scored)
        before = next(
            (
                other
                for other in ordered[at + 1 :]
                if other.unit.passage == scored.unit.passage and other.unit.text == scored.unit.previous
            ),
            None,
        )
        if before is not None:
            ordered.remove(before)
            ordered.insert(at, before)
    return ordered


def _repeats(candidate: Scored, chosen: list[Scored]) -> bool:
    # A chosen sentence that leans on the one before it is shown with it: that one is said too.
    brought = {other.unit.previous for other in chosen if other.unit.refers_back}
    return candidate.unit.text in brought or any(same_fact(candidate.unit, other.unit) for other in chosen)


def _adds_figures(candidate: Scored, chosen: list[Scored]) -> bool:
    known = frozenset().union(*(s.unit.figures for s in chosen))
    return bool(candidate.unit.figures - known)
