"""One sentence splitter for the project: where a sentence of a source, an answer or a question ends.

In: a text (a paragraph of a page, a line of an answer, a question). Out: its sentences in order,
each as the text spells it; the spaces between two sentences are left out.

A sentence ends at ".", "!", "?" or "…" and the closing quotes or brackets after it, before a
space, unless the word before the stop is an abbreviation ("Inc.", "U.S.", "z.B."; per language
in `knowledge/text/language/*.toml`). The options are what callers differ in:

- `capital`: only where the next sentence begins with a capital, a digit or an opening quote or
  bracket: for source text, whose "4 p.m. on Friday" ends nothing (the cleaner, the composer);
- `colon`: a colon ends a sentence too: for a question, whose instructions run up to one
  ("Round to one decimal: what was …?");
- `markers`: citation markers after the stop ("… rose 5 %. [1] [2]") stay with the sentence: for
  the verifier, which checks each sentence against the sources it cites.

Line breaks are the caller's: the cleaner splits a paragraph (a PDF table keeps its lines), the
guard and the verifier split line by line, the renderer only a line too long for one message.

Why no library (measured on a 10-K's 106 pages, 370,000 characters, lines joined, on this
project's 2-core machine; an answer splits up to ~30 passages of 900 characters it has not seen):
pysbd takes 16.8 ms per 1,000 characters and syntok 5.1 ms, too slow for `ask` (p95 <= 50 ms);
blingfire (0.3 ms, last release 2021) splits after "Mr." and misses ends before page furniture;
sentencex (0.016 ms) shares only 1,203 of the 1,610 ends the project found, and splits no
paragraph that opens with a bullet point. This pattern takes 0.009 to 0.02 ms and knows markers.
"""

from __future__ import annotations

import re
from functools import cache

from knowledge.text.wording import everywhere

_STOP = r"[.!?…]"
_CLOSERS = r"[\"'”“»)]*"
_MARKERS = r"(?:\s*\[[\dP][\d,\sP]*\])*"
_OPENS = r"(?=[A-ZÄÖÜ0-9\"“„(»])"  # what a sentence of a source begins with
_ABBREVIATED = 12  # characters before a stop enough to hold any abbreviation and the word break before it


def split(text: str, *, capital: bool = False, colon: bool = False, markers: bool = False) -> list[str]:
    """The text's sentences (see the module's docstring for the options); a text with no end is one."""
    found, start = [], 0
    for end in _boundary(capital, colon, markers).finditer(text):
        if abbreviated(text[max(0, end.start() - _ABBREVIATED) : end.start() + 1]):
            continue  # "Quillstone Inc. said": the stop belongs to the word
        found.append(text[start : end.end(1)])
        start = end.end()
    found.append(text[start:])
    return found


def abbreviated(text: str) -> bool:
    """Does the text end with an abbreviation's full stop ("… of Quillstone Inc.")?"""
    return bool(_abbreviation().search(text))


def stops(text: str) -> bool:
    """Does the text end where a sentence may end (a stop and its closing quotes)?"""
    return bool(re.search(f"{_STOP}{_CLOSERS}$", text))


@cache
def _boundary(capital: bool, colon: bool, markers: bool) -> re.Pattern[str]:
    stop = r"[.!?…:]" if colon else _STOP
    return re.compile(f"({stop}{_CLOSERS}{_MARKERS if markers else ''})\\s+{_OPENS if capital else ''}")


@cache
def _abbreviation() -> re.Pattern[str]:
    words = "|".join(re.escape(word) for word in everywhere("sentences", "abbreviations"))
    return re.compile(rf"\b(?:{words})\.$")
