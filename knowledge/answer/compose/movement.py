"""The answer to "why is X down?": the move itself first, computed from prices, then the dated
catalysts the sources give for the days around it (the company's own first, then market-wide
ones), or a plain statement that no indexed source from those days explains it.

Every line is either the move (cited [P], the price source) or a sentence quoted from a source
dated within the window (cited [n]); nothing else is said.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from knowledge.answer.compose.draft import Draft
from knowledge.answer.compose.sentences import units
from knowledge.answer.compose.unit import Unit
from knowledge.answer.record import Citation
from knowledge.answer.understand.question import Question
from knowledge.market.move import Move
from knowledge.prompts import render
from knowledge.records import Chunk
from knowledge.text.companies import Companies
from knowledge.text.formats import MINUS, day, number, percent
from knowledge.text.wording import cues, everywhere, table

WINDOW = timedelta(days=7)  # catalysts from the week up to the session
REPORTED = timedelta(days=1)  # and from the day after it
MAX_CATALYSTS = 4
PER_SOURCE = 2  # a source may name two drivers (the data, and competition): one line each
UNUSUAL_Z = 2.0
_DRIVER = cues(everywhere("movement", "drivers"))


@dataclass(frozen=True)
class Catalyst:
    """A dated line of the timeline and the chunk it quotes."""

    published: date
    unit: Unit
    chunk: Chunk
    own: bool
    names_it: bool = False  # says the company's name (a line that stands on its own)


def window(move: Move) -> tuple[date, date]:
    """The days whose sources may explain the move: the week up to the session, and the day after
    it, when the reports of a session's move come out ("Why did X fall on 16 Dec?" is answered by
    the 17 Dec story of why it fell; each catalyst shows its date)."""
    start = min(move.period_start or move.session, move.session - WINDOW)
    return start, move.session + REPORTED


def line(move: Move, question: Question, name: str) -> str:
    """The move line (or, when the prices contradict the question, the line that says so)."""
    language = question.language
    values = {
        "company": name,
        "ticker": move.ticker,
        "day": day(move.session, language),
        "close": number(move.close, language),
        "details": _details(move, language),
    }
    if move.period_start is not None and move.period_change_pct is not None:
        return render(
            "move_period",
            language,
            change=percent(move.period_change_pct, language),
            start=day(move.period_start, language),
            **values,
        )
    change = percent(move.change_pct, language) if move.change_pct is not None else "±0"
    if question.direction and move.direction and question.direction != move.direction:
        asked = render("move_asked_down" if question.direction < 0 else "move_asked_up", language)
        actual = render("move_actual_up" if move.direction > 0 else "move_actual_down", language)
        size = change.lstrip("+").replace(MINUS, "")  # "it rose 0.3 %": the verb carries the sign
        return render("move_contrary", language, asked=asked, actual=actual, change=size, **values)
    return render("move_line", language, change=change, **values)


def _details(move: Move, language: str) -> str:
    parts = []
    if move.missing_sessions:
        parts.append(render("move_part_gap", language, sessions=move.span_sessions, missing=move.missing_sessions))
    if move.change_5d_pct is not None and move.period_start is None:
        parts.append(render("move_part_five", language, change=percent(move.change_5d_pct, language)))
    if move.volume_ratio is not None:
        parts.append(render("move_part_volume", language, ratio=number(move.volume_ratio, language, 1)))
    if move.zscore is not None and abs(move.zscore) >= UNUSUAL_Z:
        parts.append(render("move_part_unusual", language))
    if move.benchmark and move.benchmark_change_pct is not None:
        benchmark_change = percent(move.benchmark_change_pct, language)
        parts.append(render("move_part_benchmark", language, benchmark=move.benchmark, change=benchmark_change))
    return "".join(parts)


def catalysts(question: Question, move: Move, chunks: list[Chunk], companies: Companies) -> list[Catalyst]:
    """For each source dated in the window, its sentence that best explains a move; one fact once."""
    start, end = window(move)
    names = {name.lower() for ticker in question.tickers for name in companies.names(ticker)}
    by_document: dict[str, list[Catalyst]] = {}
    for chunk in chunks:
        if chunk.published is None or not start <= chunk.published <= end:
            continue
        for unit in units(chunk.text, 0, chunk.language):
            if unit.kind != "sentence" or not _DRIVER.search(unit.text) or unit.refers_back:
                continue
            in_text = set(companies.find(unit.text))
            named = in_text or set(companies.find(unit.lead))
            if named and not named & set(question.tickers):
                continue  # about another company
            # The company's own driver: about it alone, or with it as the subject ("JD.com is still
            # spending on food delivery, where it competes with Meituan and Alibaba"). A sentence
            # naming it among others ("Alibaba, JD.com and Baidu fell") tells of the market; one
            # naming nobody in a source about the company alone is about the company.
            text = unit.text.lower()
            mentioned = any(name in text for name in names)
            leads = any(text.startswith(name) for name in names)
            about_it = bool(chunk.tickers) and set(chunk.tickers) <= set(question.tickers)
            own = (mentioned and (len(named) <= 1 or leads)) or (not in_text and about_it)
            by_document.setdefault(chunk.document_id, []).append(Catalyst(chunk.published, unit, chunk, own, mentioned))
    found = []
    for candidates in by_document.values():
        candidates.sort(key=lambda catalyst: -_weight(catalyst, question))
        kept: list[Catalyst] = []
        for candidate in candidates:
            if len(kept) < PER_SOURCE and not any(_alike(candidate.unit, other.unit) for other in kept):
                kept.append(candidate)
        found += kept
    return sorted(found, key=order(question))


def order(question: Question) -> Callable[[Catalyst], tuple[bool, int, bool]]:
    """The company's own drivers first, newest first; among equals, the question's language first."""

    def key(catalyst: Catalyst) -> tuple[bool, int, bool]:
        return (not catalyst.own, -catalyst.published.toordinal(), catalyst.unit.language != question.language)

    return key


def _weight(catalyst: Catalyst, question: Question) -> float:
    unit = catalyst.unit
    return (
        2.0 * catalyst.own
        + 0.6 * catalyst.names_it
        + 1.0 * bool(unit.figures)
        + 0.8 * (unit.language == question.language)
        + 0.5 * len(_DRIVER.findall(unit.text))
        - 0.002 * len(unit.text)
    )


def _cite(cited: dict[int, list[Chunk]], n: int, chunk: Chunk) -> None:
    if chunk not in cited.setdefault(n, []):
        cited[n].append(chunk)


def explain(question: Question, move: Move, name: str, found: list[Catalyst]) -> Draft:
    """The move line, then the dated catalysts (each fact once), or that none explains the move."""
    language = question.language
    lines = [line(move, question, name)]
    if move.asked_date is not None:
        lines.append(render("move_snapped", language, asked=day(move.asked_date, language)))
    numbers: dict[tuple[str, int | None], int] = {}
    cited: dict[int, list[Chunk]] = {}  # one source may be quoted from several of its chunks
    shown: list[tuple[Catalyst, list[int]]] = []
    native = [c for c in found if c.unit.language == language]
    foreign = [c for c in found if c.unit.language != language]
    # The company's own drivers come first, in the question's language if any source has them,
    # else quoted from the other language; market-wide ones after. Other-language sources are
    # otherwise used only for a figure not said yet.
    own_native = [c for c in native if c.own]
    ordered = own_native + ([] if own_native else [c for c in foreign if c.own])
    ordered += [c for c in native if not c.own] + [c for c in foreign if c not in ordered]
    for catalyst in ordered:
        n = numbers.setdefault((catalyst.chunk.document_id, catalyst.chunk.page), len(numbers) + 1)
        same = next((entry for entry in shown if _same_fact(entry[0].unit, catalyst.unit)), None)
        if same is not None:
            if n not in same[1]:
                same[1].append(n)
                _cite(cited, n, catalyst.chunk)
            continue
        said = frozenset().union(*(entry[0].unit.figures for entry in shown))
        extra = catalyst.unit.language != language and not (catalyst.own and not own_native)
        if len(shown) == MAX_CATALYSTS or (extra and shown and not catalyst.unit.figures - said):
            continue
        _cite(cited, n, catalyst.chunk)
        shown.append((catalyst, [n]))
    shown.sort(key=lambda entry: order(question)(entry[0]))
    if shown:
        lines.append(render("move_catalysts", language))
        lines += [_catalyst_line(catalyst, marks, language) for catalyst, marks in shown]
    else:
        start, end = window(move)
        lines.append(render("move_unexplained", language, start=day(start, language), end=day(end, language)))
    citations = tuple(
        Citation.of(n, chunks[0], "\n\n".join(chunk.text for chunk in chunks)) for n, chunks in sorted(cited.items())
    )
    return Draft("\n".join(lines), citations, covered=True)


def _catalyst_line(catalyst: Catalyst, marks: list[int], language: str) -> str:
    text = catalyst.unit.text
    if catalyst.unit.language != language:
        names = table("movement", language).get("language_names", {})
        source = names.get(catalyst.unit.language, catalyst.unit.language)
        text = render("quoted", language, text=text, source_language=source)
    cites = "".join(f"[{n}]" for n in marks)
    return f"• {day(catalyst.published, language, year=False)} — {text} {cites}"


def _alike(first: Unit, second: Unit) -> bool:
    if _same_fact(first, second):
        return True
    shared = len(first.stems & second.stems) / max(1, len(first.stems | second.stems))
    return shared > 0.4


def _same_fact(first: Unit, second: Unit) -> bool:
    common = first.figures & second.figures
    return bool(common) and common in (first.figures, second.figures)
