"""A small PNG of three months of closes: the asked session marked, catalyst dates marked with [n]."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta

import matplotlib

matplotlib.use("Agg")  # no display here; and the chart is drawn off the event loop, in a thread

import matplotlib.dates as mdates
import matplotlib.pyplot as plt

from knowledge.market.bars import Bar

WINDOW = timedelta(days=92)
_EPOCH = date(1970, 1, 1).toordinal()  # matplotlib's dates are days since 1970


def _x(day: date) -> float:
    return float(day.toordinal() - _EPOCH)


@dataclass(frozen=True)
class Marker:
    """A catalyst on the chart: its date and its source number in the answer."""

    day: date
    n: int


def draw(bars: list[Bar], session: date, markers: tuple[Marker, ...], title: str, note: str = "") -> bytes:
    """The chart as PNG bytes (about 20 KB); raises ValueError when there is nothing to draw."""
    shown = [bar for bar in bars if session - WINDOW <= bar.session <= session]
    if len(shown) < 2:
        raise ValueError("fewer than two sessions to draw")
    figure, axes = plt.subplots(figsize=(6.4, 3.2), dpi=100)
    try:
        days, closes = [_x(bar.session) for bar in shown], [bar.close for bar in shown]
        axes.plot(days, closes, color="#1f4e79", linewidth=1.6)
        asked = next(bar for bar in reversed(shown) if bar.session <= session)
        axes.scatter([_x(asked.session)], [asked.close], color="#c0392b", zorder=3, s=28)
        axes.annotate(f"{asked.close:.2f}", (_x(asked.session), asked.close), textcoords="offset points", xytext=(6, 6))
        low, high = min(closes), max(closes)
        for marker in markers:
            if shown[0].session <= marker.day <= session:
                axes.axvline(_x(marker.day), color="#7f8c8d", linestyle=":", linewidth=1)
                axes.text(_x(marker.day), high, f"[{marker.n}]", ha="center", va="bottom", fontsize=8, color="#555")
        axes.set_ylim(low - (high - low) * 0.08, high + (high - low) * 0.15 + 0.01)
        axes.set_title(title, fontsize=10, loc="left")
        if note:
            figure.text(0.01, 0.01, note, fontsize=7, color="#777")
        axes.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))  # type: ignore[no-untyped-call]
        axes.grid(alpha=0.25)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        figure.tight_layout(rect=(0, 0.04 if note else 0, 1, 1))
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        return buffer.getvalue()
    finally:
        plt.close(figure)
