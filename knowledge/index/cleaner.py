"""Clean extracted text: PDF noise, boilerplate, clickbait calls to action, planted instructions."""

from __future__ import annotations

import re

# Calls to action and clickbait that news portals append ("Buy or sell?! Read our free analysis").
_CALL_TO_ACTION = re.compile(
    r"kaufen\s+oder\s+verkaufen|buy\s+or\s+sell|sell\s+or\s+buy|gratis[- ]analyse|kostenlose[n]?\s+analyse"
    r"|free\s+(?:analysis|report|stock\s+report)|hier\s+weiterlesen|jetzt\s+weiterlesen|read\s+more\s+here"
    r"|click\s+here|klicken\s+sie\s+hier|sign\s+up\s+(?:now|today|for\s+free)|subscribe\s+(?:now|today)"
    r"|jetzt\s+(?:abonnieren|anmelden)|sollten\s+anleger\s+(?:sofort|jetzt)\s+(?:verkaufen|kaufen)"
    r"|lohnt\s+sich\s+(?:doch\s+)?(?:der|ein)\s+einstieg|dringende[rn]?\s+handlungsbedarf"
    r"|should\s+investors\s+(?:sell|buy)\s+(?:now|immediately)|was\s+jetzt\s+zu\s+tun\s+ist"
    r"|what\s+to\s+do\s+now",
    re.IGNORECASE,
)
# Text that tries to instruct a model that reads it (prompt injection planted in a source).
_PLANTED_INSTRUCTION = re.compile(
    r"ignor(?:e|iere)\s+(?:all\s+|alle\s+)?(?:the\s+|die\s+)?(?:previous|prior|above|earlier|vorherigen|bisherigen)"
    r"|disregard\s+(?:all\s+|the\s+)?(?:previous|prior|above|earlier)|(?:new|neue)\s+(?:instructions|anweisungen)\s*:"
    r"|you\s+are\s+now\s+(?:a|an|in)\b|system\s+prompt|tell\s+the\s+(?:reader|user)s?\s+to\s+(?:buy|sell)"
    r"|sage?\s+(?:dem\s+)?(?:leser|nutzer)\w*,?\s+(?:er|sie)\s+soll\w*\s+(?:kaufen|verkaufen)",
    re.IGNORECASE,
)
_BOILERPLATE_LINE = re.compile(
    r"^\s*(?:table\s+of\s+contents|inhaltsverzeichnis|page\s+\d+(?:\s+of\s+\d+)?|seite\s+\d+|\d{1,4}"
    r"|advertisement|anzeige|share\s+this\s+article|cookie\s+settings|all\s+rights\s+reserved\.?)\s*$",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ\"„(0-9])")
_HYPHEN_BREAK = re.compile(r"(\w)-\n(\w)")
_SPACES = re.compile(r"[ \t\u00a0\u2009\u202f]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def clean(text: str) -> str:
    """Return the text without noise, calls to action or planted instructions."""
    paragraphs = _drop_tail(_normalise_whitespace(text).split("\n\n"))
    cleaned = (_clean_paragraph(paragraph) for paragraph in paragraphs)
    return "\n\n".join(paragraph for paragraph in cleaned if paragraph)


def is_call_to_action(text: str) -> bool:
    return bool(_CALL_TO_ACTION.search(text))


def is_planted_instruction(text: str) -> bool:
    return bool(_PLANTED_INSTRUCTION.search(text))


def _normalise_whitespace(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = _HYPHEN_BREAK.sub(r"\1\2", text)
    text = _SPACES.sub(" ", text)
    lines = [line.strip() for line in text.split("\n")]
    lines = [line for line in lines if not _BOILERPLATE_LINE.match(line)]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _drop_tail(paragraphs: list[str]) -> list[str]:
    # Clickbait tails ("Buy or sell?! ... read on here") close an article: cut from the first one on.
    if len(paragraphs) < 3:
        return paragraphs
    start = len(paragraphs) * 6 // 10
    for index in range(start, len(paragraphs)):
        if is_call_to_action(paragraphs[index]):
            return paragraphs[:index]
    return paragraphs


def _clean_paragraph(paragraph: str) -> str:
    # Only the offending sentences go; an untouched paragraph keeps its line breaks (PDF tables).
    sentences = _SENTENCE_END.split(paragraph)
    kept = [s for s in sentences if not is_call_to_action(s) and not is_planted_instruction(s)]
    return " ".join(kept).strip() if len(kept) != len(sentences) else paragraph.strip()
