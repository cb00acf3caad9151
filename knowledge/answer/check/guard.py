"""The guard every answer passes: nothing the sentence policy forbids (calls to buy or sell, promised
prices, urgency pitches, planted instructions; knowledge/text/policy.py), no clickbait, a disclaimer."""

from __future__ import annotations

import re
from dataclasses import replace

from knowledge import metrics
from knowledge.answer.check.citations import drop_dangling, reconcile
from knowledge.answer.record import Answer, Citation
from knowledge.index.cleaner import is_call_to_action
from knowledge.prompts import render, shapes
from knowledge.text.policy import Policy, breach

# The prompts an answer's own lines are rendered from (the move, its notes, the model's notes); the
# quoted sentence's frame ("quoted") is not among them, its text is a source's.
_OWN_PROMPTS = (
    "move_",
    "extreme_",
    "row_spans_",
    "advice_",
    "not_covered",
    "keyword_only",
    "index_building",
    "help_answer",
    "model_",
    "price_source",
)
_FINISHED = re.compile(r"[.!?](?:\s*\[\d+(?:\s*,\s*\d+)*\])*(?=\s)|\n")


def violates(text: str) -> bool:
    """Would this sentence, by its wording, be a call, a target, clickbait or an injected instruction?"""
    return bool(breach(text)) or is_call_to_action(text)


def strip_violations(text: str, policy: Policy | None = None) -> str:
    """The text without the sentences that break the policy (by wording, and by meaning when the
    policy has an embedder) or that are clickbait; line breaks kept."""
    return (policy or Policy()).strip(text, also=is_call_to_action, own=shapes(_OWN_PROMPTS))


def guard_partial(
    text: str, citations: tuple[Citation, ...], advice: bool, language: str, policy: Policy | None = None
) -> str:
    """What may be shown of a model's answer while it is still being written.

    Only finished sentences are shown, and only after the same checks as the final text, so a call
    to buy is never on screen even for a moment.
    """
    ends = [match.end() for match in _FINISHED.finditer(text)]
    shown = drop_dangling(strip_violations(text[: ends[-1]] if ends else "", policy), {c.n for c in citations})
    if advice and shown:
        shown = f"{render('advice_notice', language)}\n\n{shown}"
    return shown


def guard(answer: Answer, policy: Policy | None = None) -> Answer:
    """Enforce the rules on an answer and attach the disclaimer in the question's language."""
    stripped = strip_violations(answer.text, policy)
    if stripped != answer.text:
        metrics.GUARD_REMOVALS.inc()
    text, citations = reconcile(stripped, answer.citations)
    citations = tuple(replace(c, quote=strip_violations(c.quote, policy)) for c in citations)
    notice = render("advice_notice", answer.language) if answer.advice_request else ""
    grounded = answer.grounded and (bool(citations) or answer.move is not None)
    if not grounded:
        key = "advice_only" if answer.advice_request else "not_covered"
        closest = answer.nearest and bool(citations) and not answer.advice_request
        label = f"\n\n{render('not_covered_nearest', answer.language)}\n{text}" if closest else ""
        text, citations, notice = render(key, answer.language) + label, citations if closest else (), ""
    if notice and not text.startswith(notice):
        text = f"{notice}\n\n{text}"
    return replace(
        answer,
        text=text,
        citations=citations,
        grounded=grounded,
        disclaimer=disclaimer(answer.language, bool(citations)),
    )


def disclaimer(language: str, cited: bool) -> str:
    """The disclaimer every answer carries; one that cites no source does not speak of cited ones."""
    return render("disclaimer" if cited else "disclaimer_uncited", language)
