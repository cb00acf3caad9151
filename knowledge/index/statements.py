"""Financial statements: which one a page is, and which ones a question asks about.

Filings put each primary statement on pages of their own under a fixed heading; questions name
them ("using the cash flow statement") or imply them ("capex", "working capital").
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from knowledge.text.concepts import concepts

_HEADING_SPAN = 600  # a statement's heading sits at the top of its page
_HEADING_LINES = 8
_BROKEN_HEADING_SPAN = 100
# "… classified in Deferred income taxes and other liabilities on the Consolidated Balance Sheets.":
# the tail of a sentence that mentions a statement, wrapped onto a short line of its own.
_NOT_A_TITLE = frozenset(
    "location analysis selected supplemental summarized summarised our note amounts other recognized recognised "
    "classifications information arrangements components subject management related".split()
)
# What may follow a statement's title on its line: the unit, the period, "(continued)".
_TITLE_TAILS = (
    "continued", "inmillions", "inthousands", "inbillions", "dollarsin", "forthe", "foryears", "forfiscal",
    "asof", "yearended", "yearsended", "december", "unaudited", "condensed",
)  # fmt: skip
_TAIL_LINES = 3  # a page's last lines (page numbers aside) that may be the next page's title
_TITLE_OPENINGS = "(?:unaudited|condensed|consolidated|interim|selected)*"
_MENTION = re.compile(r"[.,;]\s*$|\b(?:in|on|within|to|from|into)\s+(?:the|our|its)\s+\w*", re.IGNORECASE)
# A title run on with "and …" ("Statements of Income and Other Information") holds that statement
# when the page lists this many of its line items: a note's table about it lists a few at most.
_LISTED_ITEMS = 5


@dataclass(frozen=True)
class StatementHints:
    named: frozenset[str]
    implied: frozenset[str]


@cache
def _data() -> dict[str, dict[str, Any]]:
    loaded: dict[str, dict[str, Any]] = json.loads(Path(__file__).with_name("statements.json").read_text("utf-8"))
    return loaded


@cache
def _supplementary() -> re.Pattern[str]:
    """A parent company's own statements ("Schedule I — Condensed Financial Information of
    Registrant", "(Parent Company Only)"), beside the consolidated ones."""
    return re.compile(str(_data()["supplementary"]["pattern"]), re.IGNORECASE)


@cache
def _headings() -> dict[str, re.Pattern[str]]:
    return {name: re.compile(str(pattern)) for name, pattern in _data()["headings"].items()}


def section_of(page_text: str, before: str = "") -> str:
    """The primary statement a page holds ("cash_flow", "balance_sheet", "income"), or "".

    The heading must be a short line of its own near the top. Letters are compared without spaces
    because PDF extraction often splits words ("Balance Shee t"). `before` is the previous page's
    text: a PDF may give a page's title as the last lines of the page before it.
    """
    own = _own_section(page_text)
    if own or not before:
        return own
    tail = [line for line in before.splitlines() if line.strip() and not line.strip().isdigit()][-_TAIL_LINES:]
    return next((_own_section(line) for line in tail if len(line) <= 90 and _whole_title(line)), "")


def _own_section(page_text: str) -> str:
    lines = page_text[:_HEADING_SPAN].splitlines()[:_HEADING_LINES]
    if any(_supplementary().search(line) for line in lines):
        return ""  # the parent company's own statements beside the consolidated ones
    # Either a short heading line, or a heading broken over several lines at the very top.
    short = [line for line in lines if len(line) <= 90 and not _MENTION.search(line)]
    # A heading broken over lines is made of short lines: a page opening on a long sentence
    # ("The following tables present the amounts affecting the Consolidated Statements of Income …") has none.
    broken = " ".join(itertools.takewhile(lambda line: len(line) <= 90, lines))[:_BROKEN_HEADING_SPAN]
    candidates = [*short, broken]
    # Lower on the page (a press release's statements follow its closing prose), only a line that
    # is a statement's title and nothing else: "Unaudited Condensed Consolidated Balance Sheet".
    # A title among the page's last lines heads the next page's statement, not this page's.
    below = page_text.splitlines()[_HEADING_LINES:-_TAIL_LINES]
    titled = [line for line in below if len(line) <= 90 and _whole_title(line)]
    for candidate in [*candidates, *titled]:
        squashed = re.sub(r"[^a-z]", "", candidate.lower())
        # An auditor's report ("have audited the consolidated balance sheets") is no statement; an
        # interim one titled "(Unaudited)" is.
        if "notes" in squashed or "comprehensive" in squashed or re.search(r"(?<!un)audited", squashed):
            continue
        if sum(bool(pattern.search(squashed)) for pattern in _headings().values()) > 1:
            continue  # a table of contents lists them all
        for name, pattern in _headings().items():
            match = pattern.search(squashed)
            if match and _titles(candidate, squashed[match.end() :], broken=candidate is broken):
                return name
    return next((name for line in short if (name := _run_on_title(line, page_text))), "")


def _run_on_title(line: str, page_text: str) -> str:
    """The statement a title run on with "and …" names, when the page's line items confirm it."""
    squashed = re.sub(r"[^a-z]", "", line.lower())
    for name, pattern in _headings().items():
        match = re.match(rf"{_TITLE_OPENINGS}{pattern.pattern}and", squashed)
        if match and "comprehensive" not in squashed and _lists(page_text, name):
            return name
    return ""


def _lists(page_text: str, statement: str) -> bool:
    listing = _statements_listing()
    return sum(statement in listing.get(item, ()) for item in concepts(page_text)[1]) >= _LISTED_ITEMS


def _whole_title(line: str) -> bool:
    """A line that is a statement's title and nothing else; not the end of a sentence wrapped onto a
    line of its own ("… other liabilities on the" / "Consolidated Balance Sheets.")."""
    if _MENTION.search(line) or re.search(r"\d\s*$", line):
        return False  # a sentence's end, or a table of contents' entry ("… Cash Flows 63")
    squashed = re.sub(r"[^a-z]", "", line.lower())
    return any(re.fullmatch(rf"{_TITLE_OPENINGS}{pattern.pattern}", squashed) for pattern in _headings().values())


def _titles(candidate: str, rest: str, *, broken: bool) -> bool:
    """Is the line a statement's own title, not a note's table about it ("Balance Sheet Location",
    "Supplemental balance sheet information") or a table-of-contents entry ("… Sheets 53")?"""
    if set(re.findall(r"[a-z]+", candidate.lower())) & _NOT_A_TITLE:
        return False
    if not broken and re.search(r"\d\s*$", candidate):
        return False
    return not rest or rest.startswith(_TITLE_TAILS)


def hints(question: str) -> StatementHints:
    """The statements a question names outright, and those its terms imply."""
    lowered = question.lower()

    def matching(group: str) -> frozenset[str]:
        table = _data()[group]
        return frozenset(name for name, phrases in table.items() if any(p in lowered for p in phrases))

    # "How much did Nike pay in dividends?": a line item, in any of its words, is on its statement.
    listing = _statements_listing()
    by_item = frozenset(name for item in concepts(question)[1] for name in listing.get(item, ()))
    return StatementHints(matching("named"), matching("implied") | by_item)


@cache
def line_items() -> frozenset[str]:
    """The concept tokens of line items a primary statement lists (goodwill, capex, net income, …)."""
    return frozenset(_statements_listing())


@cache
def _statements_listing() -> dict[str, frozenset[str]]:
    """Each line item's concept token, and the statements that list it."""
    listing: dict[str, set[str]] = {}
    for name, items in _data()["concepts"].items():
        if name[0] != "_":
            for item in items:
                listing.setdefault(item, set()).add(name)
    return {item: frozenset(names) for item, names in listing.items()}
