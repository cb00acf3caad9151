"""The guard every answer passes: no buy/sell/hold calls, no price targets, no clickbait, a disclaimer."""

from __future__ import annotations

import re
from dataclasses import replace

from knowledge.answer.citations import drop_dangling, reconcile
from knowledge.index.cleaner import is_call_to_action, is_planted_instruction
from knowledge.prompts import render
from knowledge.records import Answer, Citation

_ADVICE_REQUEST = re.compile(
    r"\bshould\s+(?:i|we|one)\s+(?:\w+\s+){0,2}(?:buy|sell|hold|invest|short|get\s+in|get\s+out|dump|keep)"
    r"|\b(?:is|are)\s+\S+(?:\s+\S+)?\s+(?:a\s+)?(?:good|bad|smart|safe)\s+(?:buy|investment|time|stock|bet)"
    r"|\b(?:is|are)\s+\S+(?:\s+\S+)?\s+a\s+(?:buy|sell|hold)\b|\bbuy\s+or\s+sell|\bsell\s+or\s+hold|\bbuy,\s*sell\s+or\s+hold"
    r"|\bprice\s+target|\btarget\s+price|\bworth\s+(?:buying|investing)|\bgood\s+time\s+to\s+(?:buy|sell|invest)"
    r"|\ball[- ]in\b|\bmy\s+(?:savings|portfolio|retirement|money)|\bwhat\s+would\s+you\s+(?:buy|do)"
    r"|\bpretend\s+(?:you\s+are|to\s+be)\s+(?:a|my)\s+(?:broker|adviser|advisor|analyst)"
    r"|\b(?:advis[eo]r|berater\w*|broker)\b.*\b(?:buy|sell|hold|kaufen|verkaufen|halten)"
    r"|\b(?:do\s+you\s+)?(?:agree|recommend)\b.*\b(?:buy|sell|hold)|\bwill\s+\S+(?:\s+\S+)?\s+(?:go\s+up|rise|recover)\b"
    r"|\bsoll(?:te)?\s+(?:ich|man|wir)\b.*\b(?:kaufen|verkaufen|halten|einsteigen|aussteigen|investieren|nachkaufen)"
    r"|\bkaufen\s+oder\s+verkaufen|\bkursziel|\blohnt\s+sich\b.*\b(?:einstieg|kauf|investition|aktie)"
    r"|\bgute\s+(?:investition|anlage|kaufgelegenheit)|\bjetzt\s+(?:kaufen|einsteigen|verkaufen)"
    r"|\bmein(?:e|en)?\s+(?:erspartes|depot|altersvorsorge|geld)|\btu\s+so,\s+als\s+wärst\s+du"
    r"|\bshould\s+(?:i|we)\s+put\b|\btell\s+me\s+(?:to|what|which)\b.*\b(?:buy|sell)"
    r"|\b(?:time|moment)\s+to\s+(?:buy|sell|get\s+in)|\bbuy\s+the\s+dip|\bstrong\s+(?:buy|sell)"
    r"|\brate\b.*\b(?:buy|sell|hold)\b|\bsoll(?:te)?\s+(?:ich|man|wir)\b.*\b(?:stecken|anlegen|setzen)"
    r"|\bempfiehl\w*|\bempfehlen\s+sie\s+mir",
    re.IGNORECASE,
)
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


def is_advice_request(question: str) -> bool:
    """Does the question ask for a buy/sell/hold call, a price target or personal advice?"""
    return bool(_ADVICE_REQUEST.search(question))


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
    text, citations = reconcile(strip_violations(answer.text), answer.citations)
    citations = tuple(replace(c, quote=strip_violations(c.quote)) for c in citations)
    notice = render("advice_notice", answer.language) if answer.advice_request else ""
    grounded = answer.grounded and bool(citations)
    if not grounded:
        key = "advice_only" if answer.advice_request else "not_covered"
        text, citations, notice = render(key, answer.language), (), ""
    if notice and not text.startswith(notice):
        text = f"{notice}\n\n{text}"
    return replace(
        answer,
        text=text,
        citations=citations,
        grounded=grounded,
        disclaimer=render("disclaimer", answer.language),
    )
