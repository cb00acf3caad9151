"""Computed figures: a metric the question asks for (or defines: "defined as A / B"), from the
rows of one filing, one basis, one unit and the right periods; or the row the question names,
shown under its own label, year and unit.

"Operating margin FY2022 = operating income 6,098 / revenue 17,606 = 34.6 %" — each input as the
page prints it, cited. Nothing is computed across filings, units or spans that do not match, and
one row never stands for two items; a figure that cannot be computed so is not shown.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal

import numpy as np

from knowledge.answer.compute.catalogue import ASKED, Catalogue, Metric, catalogue, cue_at
from knowledge.answer.compute.definition import definition
from knowledge.answer.compute.figure import Figure, Input, change, result
from knowledge.answer.compute.finder import (
    Found,
    Page,
    Quarterly,
    as_vectors,
    best,
    cell,
    day_of,
    nearest_years,
    period,
    plain_text,
    plain_wordings,
    shown_name,
)
from knowledge.answer.compute.formula import FIRST, PREVIOUS, SPAN, FormulaError, base_name, parse
from knowledge.answer.compute.quarter import ends_before, quarter_end
from knowledge.answer.understand.query import quarters
from knowledge.answer.understand.query import years as years_in
from knowledge.answer.understand.question import QUARTER, Question, asks_count
from knowledge.index.embedder import Embedder, Vectors
from knowledge.tables import Row
from knowledge.tables.model import AMOUNT, COUNT, PERCENT
from knowledge.text.concepts import concepts, plain_names
from knowledge.text.lexicon import expand
from knowledge.text.terms import terms

_ITEM_FLOOR = 0.65  # an item of a named metric: the catalogue's wordings guide it
_LOOKUP_FLOOR = 0.72  # a row shown on its own, or an item in the question's words, must be nearer
# ... unless the row's label is all in those words: a company names a part shorter than the question
# ("International" for "international markets").
_CONTAINED_FLOOR = 0.5
# ... or, a company's own wording coming less near ("Total selling and administrative expense" for
# "SG&A"), at least this near and this far ahead of every row under another label.
_DISTINCT_FLOOR, _DISTINCT_LEAD = 0.6, 0.15
_METRIC_FLOOR = 0.8  # a metric asked for in other words than its own
_METRIC_OVER_ITEM = 0.0  # ... and nearer by more than this than any line item's wordings
_FLOW_STATEMENTS = frozenset({"income", "cash_flow"})
_NEAR_ITEM = 0.75  # the question's words for an item are near enough to a catalogue item's wordings
_PASSED_OVER = 2  # rows a formula's item search passes over as another item's, before it gives up
_SPAN_YEARS = re.compile(r"\b(\d{1,2}|two|three|four|five|ten)[- ]years?\b", re.IGNORECASE)
_AVERAGE = re.compile(r"\(\((\w+) \+ \1_prev\) / 2\)")  # "((inventory + inventory_prev) / 2)"
_NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "ten": 10}
_WORD = re.compile(r"[\w&/%-]+")
_OPENING_ASIDE = re.compile(r"\s*\(([^()]{3,40})\)\s*\w")  # "(Provision for) benefit from income taxes"
_WHAT_WAS = re.compile(r"\s*what\s+(?:was|were)\b", re.IGNORECASE)


@dataclass(frozen=True)
class _Ask:
    """What the question asks, as the calculator reads it."""

    question: Question
    known: Catalogue
    quarterly: Quarterly  # a quarter asked; the question's words where they say the day it ended
    years: tuple[int, ...]
    excluded: re.Pattern[str] | None  # another basis's rows ("adjusted"), unless that basis is asked
    parts: tuple[frozenset[str], ...] = ()  # names the question capitalises besides the filing's company


# Words that say how much, not of what: an input the question defines shares more with its row.
_HOW_MUCH = frozenset(terms("total net cost costs expense expenses amount amounts other"))


def _anchored(words: str, row: Row) -> bool:
    """Does the row name an input the question defined in its own words ("capital expenditures as a
    percentage of …")? A concept both name, or a word of the input (or of its English synonyms) that
    says what, not how much: "marketing costs" is not "Cost of sales — Products", however near
    their meanings come."""
    label = f"{row.group or ''} {row.label}"
    english = expand(words).english
    if (concepts(words)[1] | concepts(english)[1]) & concepts(label)[1]:
        return True
    return bool((set(terms(f"{words} {english}")) - _HOW_MUCH) & set(terms(label)))


def _fits(row: Row, ask: _Ask, asked: str, reported: str) -> bool:
    """Is the row of the kind asked? A metric the filing states is a row of its kind whose label holds
    every word asked; "How many units were sold?" is no product's sales in money."""
    if reported and (row.kind != reported or not set(terms(asked)) <= set(terms(row.label))):
        return False
    return row.kind == COUNT or not asks_count(ask.question.core)


def _row_kind(metric: Metric) -> str:
    """The kind of row that states the metric's result (a percent, an amount), or "" for none."""
    return {PERCENT: PERCENT, "amount": AMOUNT}.get(metric.result, "")


def _stating(metric: Metric, pages: list[Page]) -> frozenset[int]:
    """The rows that are the metric itself: its name, in the kind of figure the metric is."""
    name, kind = set(terms(metric.names.get("en", ""))), _row_kind(metric)
    if not name or not kind:
        return frozenset()
    return frozenset(
        id(row) for page in pages for _, _, row in page.rows() if row.kind == kind and name <= set(terms(row.label))
    )


def _contained(row: Row, words: str) -> bool:
    """Are all the label's words of what (not of how much) among the words, and is there one?"""
    said = set(terms(row.label)) - _HOW_MUCH
    return bool(said) and said <= set(terms(words))


def _quarter(core: str) -> Quarterly:
    """A quarter asked: the question's words where they say the day it ended ("the three months
    ended June 30, 2023" picks that column among a year's quarters), else True; or not asked."""
    if not QUARTER.search(core):
        return False
    return core if day_of(core) else True


def _rate(row: Row) -> bool:
    """A row of percentages (a rate, a change), not of amounts."""
    valued = [cell for cell in row.cells if cell.value is not None]
    return row.kind == PERCENT or (bool(valued) and all(cell.percent for cell in valued))


def _in_report_quarter(ask: _Ask, document: list[Page]) -> _Ask | None:
    """A quarter asked by its number ("Q2 2023") read as the day it ended in this report's columns,
    where the report says which quarter it is; as asked otherwise; None when the report says it ends
    before that quarter (its own quarter's columns would answer for another)."""
    asked = quarters(ask.question.core)
    if ask.quarterly is not True or len(asked) != 1 or len(set(ask.years)) != 1:
        return ask
    if ends_before(next(iter(asked)), ask.years[0], document):
        return None
    end = quarter_end(next(iter(asked)), ask.years[0], document)
    return replace(ask, quarterly=end) if end else ask


class Calculator:
    """Finds the asked metric and its line items by meaning; the embedder's phrase vectors are kept."""

    def __init__(self, embedder: Callable[[], Embedder]) -> None:
        self._embedder = embedder
        self._phrases: dict[str, np.ndarray] = {}

    def wants(self, question: Question) -> bool:
        """Does the question ask for a figure or name a metric (only then are tables read)? Not a
        forecast: guidance is what the company said, no figure its statements report."""
        if question.kind == "forecast":
            return False
        if _looks_up(question) or question.kind == "comparison" or definition(question) is not None:
            return True
        # "Compute the year-over-year change in X's revenue": a change, growth or average of a line
        # item the question names is a figure too, unless a cause or a list is asked.
        over_item = bool(question.inputs or _named(question)) and question.kind not in ("cause", "list", "date", "move")
        return any(cue_at(metric, question.core) for metric in catalogue().metrics if over_item or not metric.generic)

    def compute(self, question: Question, pages: list[Page], names: tuple[str, ...] = ()) -> list[Figure]:
        """The figures that answer the question from these pages (best retrieval rank first)."""
        if not pages:
            return []
        known = catalogue()
        ask = _Ask(
            question,
            known,
            _quarter(question.core),
            years_in(question.core),
            None if known.basis.search(question.core) else known.basis,
        )
        metric, cue = self._metric(question, known, names)
        asked = _asked(question, cue, names, known)
        for document in _documents(pages, latest_first=not ask.years):
            here = _in_report_quarter(ask, document)
            if here is None:
                continue
            if metric is None:
                named = replace(here, parts=_parts(question, document[0].title))
                found = self._lookup(named, asked, document) if _looks_up(question) and asked else None
                figures = [found] if found is not None else []
            else:
                figures = self._metric_answer(here, metric, cue, asked, document)
            if figures:
                return figures
        return []

    def _metric(self, question: Question, known: Catalogue, names: tuple[str, ...]) -> tuple[Metric | None, str]:
        """The metric the question names (its longest wording wins), else the ratio it defines
        ("defined as A / B"), else one over any item (growth, CAGR, average), else the nearest by
        meaning."""
        worded = [(cue_at(metric, question.core), metric) for metric in known.metrics]
        worded = [(cue, metric) for cue, metric in worded if cue]
        named = [(cue, metric) for cue, metric in worded if not metric.generic]
        defined = definition(question)
        if named:
            cue, metric = max(named, key=lambda pair: len(pair[0]))
            # "quick ratio, computed as (cash + short-term investments + receivables) / current
            # liabilities": the question's own inputs, where it names more than the metric's usual ones
            # (fewer, like "net income divided by average total assets", say the same less exactly).
            own = defined is not None and len(set(defined.formula.names)) > len(set(metric.formula.names))
            return (defined, "") if own else (metric, cue)
        if defined is not None:
            return defined, ""
        if worded:
            cue, metric = max(worded, key=lambda pair: len(pair[0]))
            return metric, cue
        if not question.needs_figure:
            return None, ""
        # The question's own words for what it asks ("capex as a share of revenue"), without the
        # company, the years and the asking, come nearer a metric's wordings than the whole question.
        focus = _asked(question, "", names, known) or question.core
        core_vector, focus_vector = self._vectors((question.core, focus))
        scored = [
            (float((vectors @ core_vector).max()), float((vectors @ focus_vector).max()), metric)
            for metric in known.metrics
            if not metric.generic
            for vectors in [self._vectors(tuple(c for words in metric.cues.values() for c in words))]
        ]
        whole, _, metric = max(scored, key=lambda found: found[0])
        if whole >= _METRIC_FLOOR:
            return metric, ""
        _, near, metric = max(scored, key=lambda found: found[1])
        # A line item is asked for in words near a metric's too ("operating income", "dividends paid"):
        # the metric is meant only when it comes clearly nearer than any item does.
        item = max(self._items_near(focus_vector, known).values(), default=0.0)
        return (metric, "") if near >= _METRIC_FLOOR and near > item + _METRIC_OVER_ITEM else (None, "")

    def _metric_answer(self, ask: _Ask, metric: Metric, cue: str, asked: str, pages: list[Page]) -> list[Figure]:
        """The metric computed from its rows; the company's own figure first where another basis is
        asked, and where the rows do not give it."""
        if ask.excluded is None:
            stated = self._stated(ask, metric, cue, pages)
            return [stated] if stated is not None else self._metric_figures(ask, metric, asked, pages)
        figures = self._metric_figures(ask, metric, asked, pages)
        stated = None if figures else self._stated(ask, metric, cue, pages)
        return [stated] if stated is not None else figures

    def _stated(self, ask: _Ask, metric: Metric, cue: str, pages: list[Page]) -> Figure | None:
        """The metric as the filing states it, in a row of its own name and kind: where the question
        asks another basis than the reported one ("adjusted free cash flow": the company's own
        definition, which its statements' rows do not give), or the rows do not give it. Not a margin
        asked in points, nor an amount row for a rate."""
        kind = _row_kind(metric)
        if not cue or not kind or metric.generic or ask.known.points.search(ask.question.core):
            return None
        return self._lookup(ask, cue, pages, reported=kind)

    def _metric_figures(self, ask: _Ask, metric: Metric, asked: str, pages: list[Page]) -> list[Figure]:
        metric = as_asked(metric, ask.question, ask.known)
        back = _years_back(metric, ask)
        if back == 1 and _span(ask) > 1:
            return []  # "the three-year average", "growth from 2016 to 2018": not one year against the one before
        if metric.generic and len(_named(ask.question)) > 1:
            return []  # "the average of cost of goods sold as a % of revenue": a ratio, not one row
        found = self._items(ask, metric, asked, pages)
        # "Comparable sales increase": a row of percentages is the change already, no base to grow.
        if found is None or (metric.generic and metric.result == PERCENT and any(_rate(f.row) for f in found.values())):
            return []
        rows = [f.row for f in found.values()]
        year = max(ask.years) if ask.years else nearest_years(rows, ask.quarterly, back)
        if year is None:
            return []
        first = self._figure(ask, metric, found, year, back)
        # "… in percentage points", or a rate asked of two years ("between FY2021 and FY2022"): both
        # years and the change between them.
        compared = bool(ask.known.points.search(ask.question.core)) or len(set(ask.years)) >= 2
        points = metric.result == PERCENT and not metric.generic and compared
        if first is None or not points:
            return [first] if first is not None else []
        earlier = min(ask.years) if len(ask.years) >= 2 else year - 1
        second = self._figure(ask, metric, found, earlier, back)
        return [first, second, change(first, second, ask.known, ask.question.language)] if second else [first]

    def _items(self, ask: _Ask, metric: Metric, asked: str, pages: list[Page]) -> dict[str, Found] | None:
        """Each item of the metric's formula, in this filing, each from a row of its own; None when
        one is missing or the units differ (thousands beside millions are never computed)."""
        found: dict[str, Found] = {}
        itself = _stating(metric, pages)
        for name in metric.formula.names:
            item, _ = base_name(name)
            if item == SPAN or item in found:
                continue
            # A label the question quotes whole names a catalogue item's row; a term of the question's
            # own definition is quoted by its own words only ("short-term plus long-term debt").
            quoted = plain_text(ask.question.core)
            if item in ask.known.items:
                phrases, floor = ask.known.phrases(item), _ITEM_FLOOR
            else:  # the question's own words ("asked", or a side of its definition)
                words = asked if item == ASKED else metric.words(item)
                quoted = quoted if item == ASKED else plain_text(words)
                named = _named(ask.question) if item == ASKED else ()
                phrases, floor = self._phrases_for(words, ask.known, ask.question.language, named)[0], _LOOKUP_FLOOR
            if not phrases:
                return None
            # A row of the metric itself ("Adjusted free cash flow") is none of its inputs; a "Gross
            # margin" in money is the gross profit a gross margin in percent is computed from.
            taken = frozenset(id(f.row) for f in found.values()) | itself
            row = self._item_row(ask, item, phrases, pages, taken=taken, quoted=quoted)
            own = item not in ask.known.items and item != ASKED
            if row is None or row.score < (
                _CONTAINED_FLOOR if own and _contained(row.row, metric.words(item)) else floor
            ):
                return None
            if own and not _anchored(metric.words(item), row.row):
                return None
            found[item] = row
        units = {f.table.unit(f.row, ask.question.language) for f in found.values() if f.row.kind != PERCENT}
        return found if len(units) <= 1 and "" not in units else None

    def _item_row(
        self, ask: _Ask, item: str, phrases: tuple[str, ...], pages: list[Page], *, taken: frozenset[int], quoted: str
    ) -> Found | None:
        """The best row for one item of a formula. A catalogue item's row must be nearer to it than to
        any other item: the question may quote the formula's other input ("taxes divided by income
        before income taxes"), which wins the quote's bonus but is that other item; it is passed
        over, and so is the next such row, up to a few."""
        for _ in range(_PASSED_OVER + 1):
            row = best(
                self._vectors(phrases), plain_wordings(phrases), pages, (), ask.quarterly,
                amounts=item in ask.known.items, excluded=ask.excluded, taken=taken,
                section=ask.known.sections.get(item, ""), quoted=quoted,
            )  # fmt: skip
            if row is None or item not in ask.known.items or self._belongs(row, item, ask.known):
                return row
            taken |= {id(row.row)}
        return None

    def _figure(self, ask: _Ask, metric: Metric, found: dict[str, Found], year: int, back: int) -> Figure | None:
        values: dict[str, Decimal] = {SPAN: Decimal(back)}
        inputs: dict[str, Input] = {}
        for name in metric.formula.names:
            item, suffix = base_name(name)
            if item == SPAN:
                continue
            at = year - (1 if suffix == PREVIOUS else back if suffix == FIRST else 0)
            row = found[item]
            figure = cell(row.row, at, ask.quarterly)
            if figure is None or figure.value is None:
                return None
            values[name] = -figure.value if _negative_is(row.row.label, item, ask.known) else figure.value
            label = ask.known.item_name(item, ask.question.language) if item in ask.known.items else row.row.name
            when = period(row.row, at, ask.quarterly, ask.question.language)
            inputs[name] = Input(f"{label} {when}", row, figure.text)
        try:
            value = metric.formula.evaluate(values)
        except FormulaError:
            return None
        if metric.bounds is not None and not metric.bounds[0] <= value <= metric.bounds[1]:
            return None
        order = list(inputs)
        formula = metric.formula.shown({name: f"{{{order.index(name)}}}" for name in order}).replace(SPAN, str(back))
        unit = next(iter({f.table.unit(f.row, ask.question.language) for f in found.values()}), "")
        shown = result(value, metric.result, unit, ask.known, ask.question.language)
        subject = f" {found[ASKED].row.name}" if ASKED in found else ""
        first = next(iter(found.values())).row
        when = period(first, year, ask.quarterly, ask.question.language)
        head = f"{metric.name(ask.question.language)}{subject} {when}"
        return Figure(head, formula, tuple(inputs[name] for name in order), shown, value)

    def _lookup(self, ask: _Ask, asked: str, pages: list[Page], reported: str = "") -> Figure | None:
        """The row the question names, under its own label, year and unit; with `reported` (a kind of
        row), only a row of that kind whose label holds every word asked: a metric the filing states."""
        if len(set(ask.years)) > 1:
            return None  # "in 2021, and how did they compare with 2020": the row with both years answers
        phrases, item = self._phrases_for(asked, ask.known, ask.question.language, _named(ask.question))
        if not phrases:
            return None
        wanted = ask.years[-1:]
        # A flow (net income, capex) is never read off a balance sheet, nor a balance off a
        # statement of flows: "Accumulated other comprehensive income" at December 31 is no net income.
        if item:
            other = _FLOW_STATEMENTS if ask.known.sections.get(item) == "balance_sheet" else {"balance_sheet"}
            pages = [page for page in pages if page.section not in other]
        row = best(
            self._vectors(phrases), plain_wordings(phrases), pages, wanted, ask.quarterly, amounts=False,
            excluded=ask.excluded, quoted=plain_text(ask.question.core),
            qualifiers=_qualifiers(ask.question) + ask.parts, items=frozenset(_named(ask.question)),
        )  # fmt: skip
        if row is None or not _near_enough(row) or not _fits(row.row, ask, asked, reported):
            return None
        year = wanted[0] if wanted else nearest_years([row.row], ask.quarterly, 0)
        figure = cell(row.row, year, ask.quarterly) if year is not None else None
        if year is None or figure is None:
            return None
        unit = row.table.unit(row.row, ask.question.language)
        if row.row.kind == PERCENT:
            shown = figure.text if figure.text.endswith("%") else f"{figure.text} %"
        else:  # a unit the page does not state is said to be unknown, never guessed
            words = ask.known.units.get(ask.question.language, ask.known.units["en"])
            shown = f"{figure.text} {unit or words['unknown']}"
        name = shown_name(row.row, frozenset(_named(ask.question)))
        head = f"{name} {period(row.row, year, ask.quarterly, ask.question.language)}"
        return Figure(head, "{0}", (Input("", row, shown),), "", figure.value or Decimal(0))

    def _belongs(self, found: Found, item: str, known: Catalogue) -> bool:
        """Is the row's label nearest to this item's wordings of all the catalogue's items? "Net
        income" comes near enough to "operating income" to be taken for it where a company (a bank)
        reports no operating income; it is nearer still to net income, and so is not taken."""
        near = self._items_near(self._vectors((found.row.label,))[0], known)
        return near.get(item, 0.0) >= max(near.values())

    def _items_near(self, vector: np.ndarray, known: Catalogue) -> dict[str, float]:
        """How near the vector comes to each catalogue item (its nearest wording)."""
        return {
            name: float((self._vectors(known.phrases(name)) @ vector).max())
            for name in known.items
            if known.phrases(name)
        }

    def _phrases_for(
        self, words: str, known: Catalogue, language: str, named: tuple[str, ...] = ()
    ) -> tuple[tuple[str, ...], str]:
        """The question's words for an item, with the wordings of the catalogue item they are near
        ("capital expenditure" -> "purchases of property, plant and equipment", …) and the
        lexicon's synonyms; and that catalogue item ("" if none is near)."""
        synonyms = expand(words).english.strip()
        # A line item the concept table knows is also looked for by its plain names ("SG&A":
        # "selling general and administrative"), which the embedding model places better than initials.
        tokens = sorted(set(named) | concepts(words)[1])
        plain = [name for token in tokens for name in plain_names(token)]
        # The embedding model reads English: a German item ("Nettogewinn") is compared in the
        # lexicon's and the concept table's English words when they have them.
        own = [words] if language == "en" else []
        phrases = [*own, *([synonyms] if synonyms else []), *plain]
        if not phrases:
            return (), ""  # no English words to compare with the labels: nothing is looked up
        # The catalogue item nearest to the question's own words, or to the item's plain name where the
        # question is not in English (the lexicon's English for its words is a list, not a phrase).
        near = self._items_near(self._vectors((plain[0] if plain and not own else phrases[0],))[0], known)
        score, item = max((score, item) for item, score in near.items())
        if score < _NEAR_ITEM:
            return tuple(dict.fromkeys(phrases)), ""
        return tuple(dict.fromkeys([*phrases, *known.phrases(item)])), item

    def _vectors(self, phrases: tuple[str, ...]) -> Vectors:
        missing = [phrase for phrase in dict.fromkeys(phrases) if phrase not in self._phrases]
        if missing:
            for phrase, vector in zip(missing, self._embedder().embed(missing), strict=True):
                self._phrases[phrase] = vector
        return as_vectors([self._phrases[phrase] for phrase in phrases])


def as_asked(metric: Metric, question: Question, known: Catalogue) -> Metric:
    """The metric as the question defines it: "using year-end inventories" takes the balance at the
    year's end where the formula averages the year's opening and closing balances."""
    ending = known.ending.search(question.core) and not known.averaged.search(question.core)
    if ending and _AVERAGE.search(metric.formula.text):
        return replace(metric, formula=parse(_AVERAGE.sub(r"\1", metric.formula.text)))
    return metric


def _negative_is(label: str, item: str, known: Catalogue) -> bool:
    """Does the label say its figures in parentheses are the item? "(Provision for) benefit from
    income taxes" prints a provision as "(623)": the provision asked is 623. "(Loss) income" prints
    a loss so, and the income asked stays negative."""
    opening = _OPENING_ASIDE.match(label)
    if opening is None:
        return False
    wordings = known.phrases(item) if item in known.items else (item.replace("_", " "),)
    aside = opening.group(1).lower()
    return any(wording.lower().startswith(aside) for wording in wordings)


def _looks_up(question: Question) -> bool:
    """Does the question ask for a figure, or may it ("What was Quillstone's headcount at the end of
    2023?": a row no word list names, found by meaning only if one comes near enough)?"""
    dated = bool(question.years) and bool(_WHAT_WAS.match(question.core))
    return question.needs_figure or (question.kind in ("overview", "other") and dated)


def _qualifiers(question: Question) -> tuple[frozenset[str], ...]:
    """The question's words besides the line items it names: what qualifies the item ("Mac")."""
    return tuple(group for group in question.focus if not any(token.endswith("concept") for token in group))


def _parts(question: Question, title: str) -> tuple[frozenset[str], ...]:
    """Capitalised names no table knows, besides the company the filing's title names: the part of
    the company asked about ("Widget Works' South segment" in "widget-works-annual-report")."""
    company = set(terms(title, "en"))
    return tuple(frozenset({stem}) for stem in sorted(question.subjects - company)) if company else ()


def _named(question: Question) -> tuple[str, ...]:
    """The line items the question names by the concept table ("SG&A", "Vertriebs- und Verwaltungskosten")."""
    return tuple(sorted(token for group in question.focus for token in group if token.endswith("concept")))


def _near_enough(found: Found) -> bool:
    """A row the question names in its own words: near, or clearly the nearest."""
    distinct = found.score >= _DISTINCT_FLOOR and found.score - found.runner_up >= _DISTINCT_LEAD
    return found.score >= _LOOKUP_FLOOR or distinct


def _asked(question: Question, cue: str, names: tuple[str, ...], known: Catalogue) -> str:
    """The line item the question names in its own words, without the metric, company and years."""
    text = known.references.sub(" ", question.core)
    for name in (cue, *names):
        if name:
            text = re.sub(rf"(?<!\w){re.escape(name)}(?:['’]s)?(?!\w)", " ", text, flags=re.IGNORECASE)
    text = re.sub(r"\b(?:FY|fiscal\s+(?:year\s+)?)?'?(?:19|20)?\d{2}\b|\bQ[1-4]\b", " ", text, flags=re.IGNORECASE)
    text = QUARTER.sub(" ", text)  # "the second quarter": when, not what
    text = re.sub(r"\([^)]*\)", " ", text)
    words = [
        word
        for word in _WORD.findall(text)
        if word.lower() not in known.asking
        and word.lower() not in {"s", "-", "/"}
        and not set(terms(word, "en")) & question.subjects  # a company the table does not know
    ]
    return " ".join(words)


def _documents(pages: list[Page], latest_first: bool = False) -> list[list[Page]]:
    """The pages by filing, the filing of the best-ranked page first: inputs come from one filing.
    With `latest_first` (a question naming no year wants the latest figure), the filing whose
    tables reach the latest year comes first, rank deciding between equals."""
    grouped: dict[str, list[Page]] = {}
    for page in sorted(pages, key=lambda p: p.rank):
        grouped.setdefault(page.document_id, []).append(page)
    filings = list(grouped.values())
    return sorted(filings, key=lambda filing: -_latest(filing)) if latest_first else filings


def _latest(filing: list[Page]) -> int:
    years = (column.year for page in filing for table in page.tables for row in table.rows for column in row.columns)
    return max(years, default=0)


def _span(ask: _Ask) -> int:
    """The years the question spans: between the first and the last it names, or as it says
    ("three-year", "over 5 years"); 0 when it names no span."""
    if len(ask.years) >= 2:
        return max(ask.years) - min(ask.years)
    stated = _SPAN_YEARS.search(ask.question.core)
    if stated:
        word = stated.group(1).lower()
        return int(word) if word.isdigit() else _NUMBER_WORDS[word]
    return 0


def _years_back(metric: Metric, ask: _Ask) -> int:
    names = metric.formula.names
    if any(base_name(name)[1] == FIRST for name in names):
        return _span(ask) or 2
    return 1 if any(base_name(name)[1] == PREVIOUS for name in names) else 0
