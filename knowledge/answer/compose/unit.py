"""What an answer can quote: a sentence or a table row of one passage, with what scoring needs."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Unit:
    """A sentence or a table row of one passage, ready to be scored and shown."""

    text: str  # what the answer shows
    quote: str  # the words as the passage has them
    kind: str  # "sentence" or "row"
    passage: int
    position: int
    language: str
    stems: frozenset[str]
    figures: frozenset[float]
    refers_back: bool = False  # opens with "It", "The company", "Deshalb", …
    previous: str = ""  # the sentence before it in the same paragraph, if any
    lead: str = ""  # the paragraph's first sentence: whom "the group" means when the sentence names nobody
    heading: str = ""  # the section heading above it ("Risk factors"): what it is about
    years: tuple[int, ...] = ()  # the columns a row's figures belong to
    cells: tuple[str, ...] = ()  # a row's figures as printed, in column order
    period: str = ""  # a row's table covers a "quarter" or a "year" ("13 Weeks Ended", "52 Weeks Ended")
