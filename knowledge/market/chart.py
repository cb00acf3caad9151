"""A price chart an investor can read at phone width.

Enters: the ticker's daily bars, its benchmark's, the asked session, the answer's dated catalysts
and the words around them (the answer's language). Leaves: a PNG of three months of closes with
the benchmark rebased on the same axes, volume bars beneath, the asked session marked, and the
catalysts as numbered flags, one per day, stacked so that no two overlap.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import matplotlib.dates as mdates
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator
from matplotlib.transforms import blended_transform_factory

from knowledge.market.bars import Bar
from knowledge.prompts import render
from knowledge.text.formats import day as format_day
from knowledge.text.formats import month, number

WINDOW = timedelta(days=92)
# 1152 × 768 px, about what Telegram keeps of a photo, shown on a phone about 360 points wide:
# a few inches at a high resolution, so that 8-point text is about 10 points there.
SIZE = (4.5, 3.0)
DPI = 256
FOOTER_CHARS = 86  # a footer line at 7 pt across the chart's width
INK, BENCH, ASKED, FLAG, GRID = "#1f4e79", "#8c8c8c", "#c0392b", "#6b5b2e", "#d9d9d9"
_EPOCH = date(1970, 1, 1).toordinal()  # matplotlib's dates are days since 1970


@dataclass(frozen=True)
class Marker:
    """A catalyst on the chart: its date and its source number in the answer."""

    day: date
    n: int


@dataclass(frozen=True)
class Chart:
    """What one chart shows; `company` and `currency` name the share, `note` is the footer."""

    bars: Sequence[Bar]
    session: date
    markers: tuple[Marker, ...] = ()
    benchmark: Sequence[Bar] = ()
    company: str = ""
    currency: str | None = None
    note: str = ""
    language: str = "en"


@dataclass(frozen=True)
class Flag:
    """The label of one catalyst day: its source numbers, merged."""

    day: date
    text: str


def draw(chart: Chart) -> bytes:
    """The chart as PNG bytes; raises ValueError when there are fewer than two sessions to draw."""
    buffer = io.BytesIO()
    plot(chart).savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def flags(markers: Sequence[Marker], first: date, last: date) -> list[Flag]:
    """One flag per catalyst day within [first, last], its numbers in order ("1,3")."""
    by_day: dict[date, set[int]] = {}
    for marker in markers:
        if first <= marker.day <= last:
            by_day.setdefault(marker.day, set()).add(marker.n)
    return [Flag(day, ",".join(str(n) for n in sorted(numbers))) for day, numbers in sorted(by_day.items())]


def rows(extents: Sequence[tuple[float, float]], gap: float = 6.0) -> list[int]:
    """For labels spanning (left, right) pixels, in order of `left`: the lowest row each fits in
    without touching the one before it in that row."""
    ends: list[float] = []
    placed = []
    for left, right in extents:
        row = next((index for index, end in enumerate(ends) if left >= end + gap), len(ends))
        if row == len(ends):
            ends.append(right)
        else:
            ends[row] = right
        placed.append(row)
    return placed


def plot(chart: Chart) -> Figure:
    """The chart as a matplotlib figure.

    Made without pyplot: pyplot keeps every open figure in process-wide state, which charts drawn
    at once in several threads would share; a figure of its own with an Agg canvas is freed with it.
    """
    shown = [bar for bar in chart.bars if chart.session - WINDOW <= bar.session <= chart.session]
    if len(shown) < 2:
        raise ValueError("fewer than two sessions to draw")
    volumes = [bar.volume for bar in shown if bar.volume is not None]
    figure = Figure(figsize=SIZE, dpi=DPI)
    FigureCanvasAgg(figure)  # no display here: the chart is drawn off the event loop, in a thread
    grid = figure.add_gridspec(2 if volumes else 1, 1, height_ratios=[3, 1] if volumes else [1], hspace=0.08)
    footer = textwrap.wrap(chart.note, FOOTER_CHARS)
    figure.subplots_adjust(left=0.13, right=0.975, top=0.81, bottom=0.085 + 0.04 * len(footer))
    prices = figure.add_subplot(grid[0])
    axes = [prices]
    if volumes:
        axes.append(figure.add_subplot(grid[1], sharex=prices))
        _volume(axes[1], shown, chart, max(volumes))
    asked = shown[-1]  # the window ends at the asked session (or the session before a non-trading day)
    handles, names, values = _lines(prices, chart, shown)
    for ax in axes:
        ax.axvspan(_x(asked.session) - 0.5, _x(asked.session) + 0.5, color=ASKED, alpha=0.12, linewidth=0)
    _price_axis(prices, chart, values)
    _time_axis(axes, shown[0].session, asked.session, chart.language)
    _flags(figure, axes, flags(chart.markers, shown[0].session, asked.session))
    _frame(figure, chart, asked, handles, names, footer=footer)
    return figure


def _lines(prices: Any, chart: Chart, shown: list[Bar]) -> tuple[list[Any], list[str], list[float]]:
    """The closes, the benchmark rebased onto them, the asked session's dot: their legend handles
    and names, and every value drawn (for the axis' range)."""
    asked, language = shown[-1], chart.language
    line = prices.plot([_x(b.session) for b in shown], [b.close for b in shown], color=INK, linewidth=1.3)[0]
    handles: list[Any] = [line]
    names = [asked.ticker]
    benchmark = _rebased(chart.benchmark, shown)
    if benchmark:
        handles += prices.plot(
            [_x(day) for day, _ in benchmark], [value for _, value in benchmark], color=BENCH, linewidth=1.0,
            linestyle=(0, (4, 2)),
        )  # fmt: skip
        names.append(render("chart_benchmark", language, benchmark=chart.benchmark[0].ticker, ticker=asked.ticker))
    handles.append(prices.scatter([_x(asked.session)], [asked.close], color=ASKED, s=16, zorder=4))
    names.append(f"{format_day(asked.session, language)}: {number(asked.close, language)}")
    return handles, names, [b.close for b in shown] + [value for _, value in benchmark]


def _x(day: date) -> float:
    return float(day.toordinal() - _EPOCH)


def _day(x: float) -> date:
    return date.fromordinal(round(x) + _EPOCH)


def _rebased(benchmark: Sequence[Bar], shown: list[Bar]) -> list[tuple[date, float]]:
    """The benchmark's adjusted closes scaled to start at the ticker's close on their first common session."""
    sessions = {bar.session: bar for bar in shown}
    inside = [bar for bar in benchmark if shown[0].session <= bar.session <= shown[-1].session]
    start = next((bar for bar in inside if bar.session in sessions), None)
    if start is None or len(inside) < 2:
        return []
    scale = sessions[start.session].close / start.adj_close
    return [(bar.session, bar.adj_close * scale) for bar in inside if bar.session >= start.session]


def _volume(axes: Any, shown: list[Bar], chart: Chart, highest: int) -> None:
    millions = highest >= 1_000_000
    scale = 1_000_000 if millions else 1_000
    known = [bar for bar in shown if bar.volume is not None]
    axes.bar(
        [_x(bar.session) for bar in known],
        [(bar.volume or 0) / scale for bar in known],
        width=0.8,
        color=[ASKED if bar is shown[-1] else "#a9b8c8" for bar in known],
    )
    unit = render("chart_unit_millions" if millions else "chart_unit_thousands", chart.language)
    axes.set_ylabel(render("chart_axis_volume", chart.language, unit=unit), fontsize=7, linespacing=1.0)
    axes.yaxis.set_major_locator(MaxNLocator(3, integer=True))
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: number(value, chart.language, 0)))
    _tidy(axes)


def _price_axis(axes: Any, chart: Chart, values: list[float]) -> None:
    low, high = min(values), max(values)
    spread = max(high - low, high * 0.01)
    decimals = 0 if spread >= 20 else 2 if spread < 2 else 1
    axes.set_ylim(low - spread * 0.06, high + spread * 0.06)
    axes.yaxis.set_major_locator(MaxNLocator(5))
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: number(value, chart.language, decimals)))
    if chart.currency:
        axes.set_ylabel(render("chart_axis_price", chart.language, currency=chart.currency), fontsize=7.5)
    _tidy(axes)


def _time_axis(axes: list[Any], first: date, last: date, language: str) -> None:
    """Month names in the answer's language, the year at the first month shown and at January."""

    def label(x: float, _: object) -> str:
        shown = _day(x)
        return (
            f"{month(shown, language)} {shown.year}"
            if shown.month == 1 or x <= _x(first) + 31
            else month(shown, language)
        )

    bottom = axes[-1]
    bottom.xaxis.set_major_locator(mdates.MonthLocator())  # type: ignore[no-untyped-call]
    bottom.xaxis.set_minor_locator(mdates.WeekdayLocator(mdates.MO))  # type: ignore[no-untyped-call]
    bottom.xaxis.set_major_formatter(FuncFormatter(label))
    bottom.set_xlim(_x(first) - 1, _x(last) + 2)
    for ax in axes[:-1]:
        ax.tick_params(labelbottom=False)


def _flags(figure: Figure, axes: list[Any], shown: list[Flag]) -> None:
    """Numbered flags at the top of the price panel, a dotted line down to each day; a flag that
    would touch its neighbour goes a row up (the panel's top grows to make room)."""
    if not shown:
        return
    prices = axes[0]
    where = blended_transform_factory(prices.transData, prices.transAxes)
    labels = [
        prices.text(
            _x(flag.day), 1.0, flag.text, transform=where, ha="center", va="bottom", fontsize=6.5, color="white",
            fontweight="bold", zorder=5, bbox={"boxstyle": "round,pad=0.25", "facecolor": FLAG, "linewidth": 0},
        )
        for flag in shown
    ]  # fmt: skip
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    boxes = []
    for label in labels:
        label.update_bbox_position_size(renderer)  # the rounded box around the number, as drawn
        boxes.append(label.get_bbox_patch().get_window_extent(renderer))
    placed = rows([(box.x0, box.x1) for box in boxes])
    # One row: a box's height and a gap, as a share of the panel's height.
    step = (max(box.height for box in boxes) + 4) / prices.get_window_extent(renderer).height
    band = step * (max(placed) + 1)
    low, high = prices.get_ylim()
    prices.set_ylim(low, high + (high - low) * band / (1 - band))  # the flags sit above every close
    pad = (boxes[0].height - labels[0].get_window_extent(renderer).height) / 2
    lift = (pad + 2) / prices.get_window_extent(renderer).height  # the box's lower edge, not the text's
    for label, row in zip(labels, placed, strict=True):
        label.set_y(1 - band + step * row + lift)
    for flag in shown:
        for ax in axes:
            ax.axvline(_x(flag.day), color=FLAG, linestyle=":", linewidth=0.7, alpha=0.8, zorder=1)


def _frame(
    figure: Figure, chart: Chart, asked: Bar, handles: list[Any], names: list[str], *, footer: list[str]
) -> None:
    title = render(
        "chart_title",
        chart.language,
        company=chart.company or asked.ticker,
        ticker=asked.ticker,
        day=format_day(asked.session, chart.language),
    )
    figure.text(0.015, 0.975, title, fontsize=9, fontweight="bold", va="top")
    figure.legend(
        handles, names, loc="upper left", bbox_to_anchor=(0.005, 0.92), ncol=len(names), frameon=False, fontsize=7,
        handlelength=1.5, handletextpad=0.4, columnspacing=1.0, borderaxespad=0.2,
    )  # fmt: skip
    if footer:
        figure.text(0.015, 0.012, "\n".join(footer), fontsize=7, color="#444444", va="bottom", linespacing=1.2)


def _tidy(axes: Any) -> None:
    axes.grid(color=GRID, linewidth=0.4)
    axes.tick_params(labelsize=7, length=2.5, pad=2)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
