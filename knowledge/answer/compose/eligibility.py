"""Eligibility: which lines may answer a question at all, before any is scored.

In: a `Unit`, the question understood, and which of the question's focus groups the unit matches.
Out: whether it may answer: a figure question needs a figure about every term asked, a date
question a date, a dated question a line about the asked year; a row answers only where a row can.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.answer.compose.unit import Unit
from knowledge.answer.understand.query import years
from knowledge.answer.understand.question import Question
from knowledge.index.statements import line_items
from knowledge.records import Chunk
from knowledge.text.terms import terms

CAUSE = re.compile(
    r"\b(because|due\s+to|after|amid|as\s+a\s+result|driven|drove|weigh\w*|pressure|worr\w*|weak\w*|hit|drag\w*|"
    r"concern\w*|fell|slow\w*|lower|higher|decreas\w*|increas\w*|declin\w*|cost\w*|subsid\w*|compet\w*|loss\w*|"
    r"wegen|druck|sorge\w*|schwach\w*|belast\w*|zweifel\w*|verlor\w*|gebremst|halbiert|rückgang|kosten|wettbewerb)\b",
    re.IGNORECASE,
)
DATE = re.compile(
    r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}\.?\s+(?:jan|feb|mar|mär|apr|may|mai|jun|jul|aug|sep|oct|okt|nov|dec|dez)\w*"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*\.?\s+\d{1,2}\b|\b(?:q[1-4]|quarter|quartal)\b",
    re.IGNORECASE,
)
# A rate in words answers "how fast" as well as a figure does.
RATE = re.compile(
    r"\b(?:double|triple)[- ]digit|\b(?:doubled|tripled|halved)\b|\b(?:zwei|drei)stellig\w*|\bverdoppel\w*|\bhalbiert",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Coverage:
    """Which of the question's focus groups a unit matches."""

    focus: tuple[frozenset[str], ...]
    matched: list[bool]  # in the unit or its paragraph's context
    direct: list[bool]  # in the unit itself

    @property
    def share(self) -> float:
        return sum(self.matched) / len(self.matched) if self.matched else 0.0

    def enough_for_a_figure(self) -> bool:
        """Every asked term (with three or more, one may be missing: "monthly users of the app").

        A question naming line items ("operating cash flow ratio: cash from operations / total
        current liabilities") is answered row by row: one of its line items per row will do (the
        other words name the metric, "return on assets", which no row does). A line item asked on
        its own must be named by the line itself, not only by its paragraph's opening: "12 new
        stores" does not answer a question about buybacks because the paragraph began with one.
        """
        items = [hit for group, hit in zip(self.focus, self.direct, strict=True) if _is_concept(group)]
        if len(items) >= 2 or (items and len(items) == len(self.focus)):
            return any(items)
        return self.names_items() and _enough(self.matched)

    def names_items(self) -> bool:
        """Is a line item asked there (of several, one will do: "revenue and EPS guidance" is answered
        row by row)? The word that may be missing is never the one asked: "operating income of the
        Gadgets category" is not answered by that category's net sales."""
        items = [hit for group, hit in zip(self.focus, self.matched, strict=True) if _is_concept(group)]
        return any(items) or not items


def qualifies(unit: Unit, question: Question, covered: Coverage, chunk: Chunk) -> bool:
    """May the unit answer the question, by what the question asks for (a figure, a date, a cause)?"""
    coverage = covered.share
    # "What drove the operating margin?": the margin's own row says how far it moved.
    metric_row = question.kind == "cause" and bool(covered.direct) and all(covered.direct)
    # A forecast is what the company said it expects: a statement's rows report what happened (an
    # outlook table elsewhere may hold the guidance).
    reported = question.kind != "forecast" or not chunk.section
    rows_wanted = reported and (
        question.needs_figure or question.kind in ("comparison", "other") or metric_row or _names_item(question)
    )
    dated = question.years and (question.needs_figure or question.kind == "cause" or unit.kind == "row")
    if (unit.kind == "row" and not rows_wanted) or (dated and not speaks_of_year(unit, question, chunk)):
        return False
    if question.needs_figure and not question.focus:
        # "How much are Alibaba shares up this year?": only question words; a figure among them will do.
        shared = set(terms(question.core, question.language)) & unit.stems
        return bool(unit.figures) and len(shared) >= 2
    if question.needs_figure:
        figure = bool(unit.figures) or bool(RATE.search(unit.text))
        # A statement row of a line item the asked metric is computed from answers with its figures.
        inputs = unit.kind == "row" and bool(question.inputs & unit.stems)
        # A row's own label must name something asked: its table's title alone ("Cash flows from
        # operating activities") fits every row under it.
        labelled = unit.kind != "row" or any(covered.direct)
        return bool(question.focus) and (inputs or (labelled and covered.enough_for_a_figure())) and figure
    if question.kind == "date":
        return coverage >= 0.5 and bool(DATE.search(unit.text))
    if question.focus:
        return coverage >= 0.5 and (unit.kind != "row" or covered.names_items())
    causal = question.kind in ("cause", "move") and bool(CAUSE.search(unit.text))
    return causal or coverage > 0


def speaks_of_year(unit: Unit, question: Question, chunk: Chunk) -> bool:
    """Does the unit speak of the asked year: in its table columns, its words, or (not for a
    forecast, which must name the year itself) its document's title ("ACME_2018_10K")?"""
    if unit.years:
        return bool(set(question.years) & _filled(unit))
    where = unit.text if question.kind == "forecast" else f"{unit.text} {chunk.title}"
    stated = {int(year) for year in re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", where)}
    if unit.kind == "row" and question.kind != "forecast":
        # A table without its column years: the filing of 2023 compares with 2022 beside it.
        stated |= {year - 1 for year in years(chunk.title)}
    if question.kind != "forecast" and chunk.kind == "news" and chunk.published is not None:
        stated.add(chunk.published.year)  # news speaks of its own days ("in November")
    return bool(set(question.years) & stated)


def _filled(unit: Unit) -> set[int]:
    """The years whose column holds a figure: a row printing "—" for the asked year says nothing of it
    ("Net revenues: 2022 — · 2021 1,409", a business sold during 2021)."""
    pairs = len(unit.cells) == 2 * len(unit.years)  # "Net sales $ 3,226,773 100.0% …": amount, share
    cells = unit.cells[::2] if pairs else unit.cells[: len(unit.years)]
    if len(cells) < len(unit.years):
        return set(unit.years)
    return {year for year, cell in zip(unit.years, cells, strict=True) if cell.strip("—–-−$ ")}


def _names_item(question: Question) -> bool:
    """Does the question name a statement's line item ("Has the company reduced its long-term debt?")?"""
    return any(group & line_items() for group in question.focus)


def _is_concept(group: frozenset[str]) -> bool:
    return len(group) == 1 and next(iter(group)).endswith("concept")


def _enough(matched: list[bool]) -> bool:
    if not matched:
        return True
    # Long questions say more than any one sentence does ("the cash proceeds JnJ realised from the
    # separation of Kenvue, formerly its Consumer Health segment"): three in five will do.
    needed = 1.0 if len(matched) < 3 else (len(matched) - 1) / len(matched) if len(matched) < 5 else 0.6
    return sum(matched) / len(matched) >= needed - 1e-9
