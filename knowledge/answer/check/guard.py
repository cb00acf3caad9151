"""The guard every answer passes: no buy/sell/hold calls, no price targets, no clickbait, a disclaimer."""

from __future__ import annotations

import re
from dataclasses import replace

from knowledge import metrics
from knowledge.answer.check.citations import drop_dangling, reconcile
from knowledge.index.cleaner import is_call_to_action, is_planted_instruction
from knowledge.prompts import render
from knowledge.records import Answer, Citation

_CALL = re.compile(
    r"\b(?:strong\s+)?(?:buy|sell|hold)\s+(?:rating|recommendation|call|signal)s?\b|\bstrong\s+(?:buy|sell)\b"
    r"|\b(?:you|investors|readers|one)\s+(?:should|must|ought\s+to)\s+(?:\w+\s+)?(?:buy|sell|hold|invest|short|dump|get\s+in)"
    r"|\bprice\s+targets?\b|\btarget\s+price|\bnow\s+is\s+(?:the|a)\s+(?:time|moment|chance)\s+to"
    r"|\b(?:we|i)\s+recommend\s+(?:buying|selling|holding)|\bbuy\s+the\s+dip\b|\bgood\s+time\s+to\s+(?:buy|sell)"
    r"|\b(?:is|looks\s+like)\s+a\s+(?:clear\s+)?(?:buy|sell)\b|\b(?:outperform|underperform|overweight|underweight)\s+rating"
    r"|\bkursziel\w*|\b(?:jetzt|sofort)\s+(?:kaufen|verkaufen|einsteigen|zugreifen|aussteigen)"
    r"|\b(?:kauf|verkaufs|halte)empfehlung\w*|\bsollten\s+(?:sie|anleger|investoren)\s+(?:\w+\s+)?(?:kaufen|verkaufen|halten|einsteigen)"
    r"|\b(?:kaufen|verkaufen|halten)\s*!",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_FINISHED = re.compile(r"[.!?](?:\s*\[\d+(?:\s*,\s*\d+)*\])*(?=\s)|\n")


def violates(text: str) -> bool:
    """Would this sentence, shown to a user, be a call, a target, clickbait or an injected instruction?"""
    return bool(_CALL.search(text)) or is_call_to_action(text) or is_planted_instruction(text)


def strip_violations(text: str) -> str:
    """The text without the sentences that violate the rules, line breaks kept."""
    lines = []
    for line in text.split("\n"):
        sentences = [sentence for sentence in _SENTENCE.split(line) if sentence.strip()]
        kept = [sentence for sentence in sentences if not violates(sentence)]
        if len(kept) == len(sentences):
            lines.append(line)
        elif kept:
            lines.append(" ".join(kept))
    return "\n".join(lines).strip()


def guard_partial(text: str, citations: tuple[Citation, ...], advice: bool, language: str) -> str:
    """What may be shown of a model's answer while it is still being written.

    Only finished sentences are shown, and only after the same checks as the final text, so a call
    to buy is never on screen even for a moment.
    """
    ends = [match.end() for match in _FINISHED.finditer(text)]
    shown = drop_dangling(strip_violations(text[: ends[-1]] if ends else ""), {c.n for c in citations})
    if advice and shown:
        shown = f"{render('advice_notice', language)}\n\n{shown}"
    return shown


def guard(answer: Answer) -> Answer:
    """Enforce the rules on an answer and attach the disclaimer in the question's language."""
    stripped = strip_violations(answer.text)
    if stripped != answer.text:
        metrics.GUARD_REMOVALS.inc()
    text, citations = reconcile(stripped, answer.citations)
    citations = tuple(replace(c, quote=strip_violations(c.quote)) for c in citations)
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
        disclaimer=render("disclaimer", answer.language),
    )
