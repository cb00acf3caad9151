"""Reading an answer as a user sees it: which lines quote which source, and in which words."""

from __future__ import annotations

import re

from knowledge.answer.record import Answer

_MARKS = re.compile(r"((?:\s*\[\d+\])+)\s*$")
_DATED = re.compile(r"^\d{1,2}\.? [A-Za-zäöüÄÖÜ]+\.? — ")
_QUOTED = re.compile(r'^["„](.*)["“] \((?:quoted from|Zitat aus) [^)]*\)$')
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ\"„(])")


def quoted_lines(answer: Answer) -> list[tuple[str, list[int]]]:
    """(the words a line quotes, the sources it cites) for every line that cites a source."""
    found = []
    for line in answer.text.splitlines():
        marks = _MARKS.search(line)
        if not marks or "[P]" in line:
            continue
        text = line[: marks.start()].strip().removeprefix("• ")
        text = _DATED.sub("", text)
        unwrapped = _QUOTED.match(text)
        found.append((unwrapped.group(1) if unwrapped else text, [int(n) for n in re.findall(r"\d+", marks.group(1))]))
    return found


def unquoted(answer: Answer) -> list[str]:
    """Shown sentences or table rows not found in any source they cite (should be none)."""
    missing = []
    for text, numbers in quoted_lines(answer):
        quotes = [answer.citations[n - 1].quote for n in numbers]
        pieces = [text] if " · " in text else _SENTENCE.split(text)
        for piece in pieces:
            if not any(_found(piece, quote) for quote in quotes):
                missing.append(piece)
    return missing


def _found(piece: str, quote: str) -> bool:
    if " · " not in piece:
        return " ".join(piece.split()) in " ".join(quote.split())
    # A table row: its label and every figure are on the cited page (headers and units may come
    # from elsewhere on that page).
    label = piece.split(": ", 1)[0]
    cells = re.findall(r"\(?[-−]?[$€]?\s?\d[\d,.]*\)?%?", piece.split(": ", 1)[1])
    return label in quote and all(cell.strip() in quote for cell in cells if not re.fullmatch(r"(19|20)\d\d", cell))
