"""The metrics the calculator knows (metrics.json): each a formula over named line items, with its
names and the words that ask for it per language; and the line items with their usual wordings.

The wordings are a boost and a source of phrases to compare by meaning, never a gate: a company
that words a line its own way is found by the nearness of its label to these phrases.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from knowledge.answer.compute.formula import Formula, parse

ASKED = "asked"  # the line item the question names, for metrics over any item (growth, CAGR, average)


@dataclass(frozen=True)
class Metric:
    key: str
    names: dict[str, str]  # language -> "Operating margin"
    formula: Formula
    result: str  # percent, ratio, times, days, amount
    cues: dict[str, tuple[str, ...]]
    generic: bool  # computed over the item the question names
    bounds: tuple[Decimal, Decimal] | None = None  # a margin outside ±100 % means a wrong row was read
    terms: tuple[tuple[str, str], ...] = ()  # a defined metric's inputs in the question's words ("SG&A")

    def words(self, item: str) -> str:
        """An input's words to look it up by ("sg_a": "SG&A", as the question wrote it)."""
        return dict(self.terms).get(item, item.replace("_", " "))

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names["en"]


@dataclass(frozen=True)
class Catalogue:
    metrics: tuple[Metric, ...]
    items: dict[str, dict[str, tuple[str, ...]]]  # item -> language -> wordings
    sections: dict[str, str]  # item -> the statement that states it ("cash_flow" for capex) or ""
    basis: re.Pattern[str]  # "adjusted", "non-GAAP": another basis than the reported one
    points: re.Pattern[str]  # "change in", "percentage points": a change of a percent metric
    ending: re.Pattern[str]  # "year-end inventories": the balance at the end, not the year's average
    averaged: re.Pattern[str]  # "the average of the 2020 and 2019 year-end inventories": the average still
    asking: frozenset[str]  # words that ask, not name the item
    units: dict[str, dict[str, str]]
    references: re.Pattern[str]  # "per the consolidated statements of income": where to look, not what

    def item_name(self, item: str, language: str) -> str:
        wordings = self.items.get(item, {})
        if language != "en" and wordings.get(language):
            return wordings[language][0]
        return item.replace("_", " ")

    def phrases(self, item: str) -> tuple[str, ...]:
        return tuple(phrase for wordings in self.items.get(item, {}).values() for phrase in wordings)


@cache
def catalogue() -> Catalogue:
    data: dict[str, Any] = json.loads(Path(__file__).with_name("metrics.json").read_text("utf-8"))
    metrics = tuple(
        Metric(
            key=key,
            names={language: str(entry[language]) for language in ("en", "de") if language in entry},
            formula=parse(str(entry["formula"])),
            result=str(entry["result"]),
            cues={language: tuple(cues) for language, cues in entry["cues"].items()},
            generic=bool(entry.get("generic", False)),
            bounds=(Decimal(entry["bounds"][0]), Decimal(entry["bounds"][1])) if "bounds" in entry else None,
        )
        for key, entry in data["metrics"].items()
    )
    items = {
        item: {language: tuple(w) for language, w in wordings.items() if language != "section"}
        for item, wordings in data["items"].items()
    }
    sections = {item: str(wordings.get("section", "")) for item, wordings in data["items"].items()}
    return Catalogue(
        metrics=metrics,
        items=items,
        sections=sections,
        basis=_words(w for words in data["basis"].values() for w in words),
        points=_words(w for words in data["change_in_points"].values() for w in words),
        ending=_words((w for words in data["ending_balance"].values() for w in words), whole=True),
        averaged=_words((w for words in data["averaged"].values() for w in words), whole=True),
        asking=frozenset(word for words in data["asking"].values() for word in words.split()),
        units=data["units"],
        references=re.compile("|".join(f"(?:{p})" for p in data["references"].values()), re.IGNORECASE),
    )


def _words(words: Any, whole: bool = False) -> re.Pattern[str]:
    """Any of the words at a word's start; with `whole`, as whole words ("year end" is not "year ending")."""
    ordered = sorted(set(words), key=len, reverse=True)
    end = r"(?![\w-])" if whole else ""
    return re.compile(rf"(?<![\w-])(?:{'|'.join(map(re.escape, ordered))}){end}", re.IGNORECASE)


def cue_at(metric: Metric, text: str) -> str:
    """The longest wording of the metric the text contains, or ""."""
    lowered = f" {text.lower()} "
    found = [
        cue
        for cues in metric.cues.values()
        for cue in cues
        if re.search(rf"(?<![\w-]){re.escape(cue.lower())}(?![\w-])", lowered)
    ]
    return max(found, key=len, default="")
