"""The chart's structure: benchmark rebased on the same axes, volume, flags merged per day and never
overlapping, the asked session marked, currency and month names in the answer's language."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import pytest

from knowledge.market.bars import Bar
from knowledge.market.chart import Chart, Flag, Marker, draw, flags, plot, rows
from knowledge.market.currency import currency

LAST = date(2025, 12, 18)
SESSIONS = [day for day in (LAST - timedelta(days=n) for n in range(130, -1, -1)) if day.weekday() < 5]


def _bars(ticker: str, base: float, volume: int | None = 2_000_000) -> list[Bar]:
    return [
        Bar(ticker, day, base, base, base, base + 5 * math.sin(i / 6), base + 5 * math.sin(i / 6), volume, "csv")
        for i, day in enumerate(SESSIONS)
    ]


@contextmanager
def _figure(chart: Chart) -> Iterator[Any]:
    figure = plot(chart)
    figure.canvas.draw()
    yield figure


def test_markers_on_one_day_are_one_flag_and_those_outside_the_window_none() -> None:
    markers = (Marker(LAST, 2), Marker(LAST, 1), Marker(LAST - timedelta(days=3), 3), Marker(date(2024, 1, 2), 4))

    assert flags(markers, LAST - timedelta(days=92), LAST) == [Flag(LAST - timedelta(days=3), "3"), Flag(LAST, "1,2")]


def test_labels_that_would_touch_go_a_row_up() -> None:
    assert rows([(0, 10), (12, 20), (30, 40), (100, 110)], gap=6) == [0, 1, 0, 0]


def test_crowded_catalyst_flags_never_overlap() -> None:
    days = [LAST - timedelta(days=k) for k in (0, 0, 1, 1, 2, 3, 4, 7, 30, 31)]
    markers = tuple(Marker(day, n) for n, day in enumerate(days, 1))

    with _figure(Chart(_bars("BABA", 150), LAST, markers, language="en")) as figure:
        renderer = figure.canvas.get_renderer()
        boxes = [
            text.get_bbox_patch().get_window_extent(renderer)
            for text in figure.axes[0].texts
            if text.get_bbox_patch() is not None
        ]
        texts = sorted(text.get_text() for text in figure.axes[0].texts)

    assert texts == sorted(["1,2", "3,4", "5", "6", "7", "8", "9", "10"])
    assert not [pair for pair in itertools.combinations(boxes, 2) if pair[0].overlaps(pair[1])]
    top = figure.axes[0].get_window_extent(renderer).y1
    assert all(box.y1 <= top + 40 for box in boxes)  # within the panel's top band, not over the legend


@pytest.mark.parametrize(
    ("language", "months", "price_axis"),
    [
        ("en", ["Oct 2025", "Nov", "Dec"], "Close (USD)"),
        ("de", ["Okt. 2025", "Nov.", "Dez."], "Schlusskurs (USD)"),
    ],
)
def test_month_names_and_axis_labels_are_in_the_answers_language(
    language: str, months: list[str], price_axis: str
) -> None:
    chart = Chart(_bars("BABA", 150), LAST, currency="USD", language=language)

    with _figure(chart) as figure:
        shown = [label.get_text() for label in figure.axes[-1].get_xticklabels() if label.get_text()]
        axis = figure.axes[0].get_ylabel()

    assert shown == months and axis == price_axis


def test_the_benchmark_is_rebased_onto_the_shares_axes_and_volume_drawn_beneath() -> None:
    shares, benchmark = _bars("BABA", 150), _bars("KWEB", 30)

    with _figure(Chart(shares, LAST, benchmark=benchmark, company="Alibaba", language="en")) as figure:
        prices, volume = figure.axes
        line, rebased = prices.get_lines()[:2]
        legend = [text.get_text() for text in figure.legends[0].get_texts()]
        bars = list(volume.containers[0])

    window = [bar for bar in shares if bar.session >= LAST - timedelta(days=92)]
    assert rebased.get_ydata()[0] == pytest.approx(line.get_ydata()[0])
    assert legend == ["BABA", "KWEB, rebased to BABA", f"18 Dec 2025: {window[-1].close:.2f}"]
    assert len(bars) == len(window)
    assert bars[-1].get_facecolor() != bars[0].get_facecolor()  # the asked session stands out


def test_no_volume_panel_when_no_volume_is_known_and_a_png_still() -> None:
    chart = Chart(_bars("BABA", 150, volume=None), LAST)

    with _figure(chart) as figure:
        assert len(figure.axes) == 1
    assert draw(chart).startswith(b"\x89PNG")


def test_a_single_session_is_no_chart() -> None:
    with pytest.raises(ValueError, match="fewer than two"):
        draw(Chart(_bars("BABA", 150)[-1:], LAST))


@pytest.mark.parametrize(
    ("ticker", "expected"), [("BABA", "USD"), ("SAP.DE", "EUR"), ("0700.HK", "HKD"), ("X.ZZ", None)]
)
def test_the_quote_currency_follows_the_listing(ticker: str, expected: str | None) -> None:
    assert currency(ticker) == expected
