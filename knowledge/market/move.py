"""The move of a session, computed from daily bars (never by a model).

Changes use adjusted closes, so a split or a dividend is not taken for a fall; the close shown is
the session's own close. When the data lacks sessions between the bars a change is measured from
(rows refused on import, a provider's gap), the move says how many, rather than passing a change
over several sessions off as one.
"""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass
from datetime import date

from knowledge.market.bars import Bar
from knowledge.market.calendar import missing_sessions

SESSIONS_5D = 5
VOLUME_SESSIONS = 20
ZSCORE_SESSIONS = 60


@dataclass(frozen=True)
class Move:
    """How a ticker moved in one session (and, when asked, over a period ending there)."""

    ticker: str
    session: date
    close: float
    change_pct: float | None
    change_5d_pct: float | None
    volume_ratio: float | None
    zscore: float | None
    benchmark: str | None
    benchmark_change_pct: float | None
    source: str
    asked_date: date | None = None  # set when the asked day was not a session (snapped back)
    period_start: date | None = None  # "this week", "since earnings": the close it is measured from
    period_change_pct: float | None = None
    missing_sessions: int = 0  # sessions the exchange held within the headline change's span that the data lacks
    span_sessions: int = 1  # sessions the headline change spans, missing ones included

    def as_json(self) -> dict[str, object]:
        data = asdict(self)
        for key in ("session", "asked_date", "period_start"):
            data[key] = data[key].isoformat() if data[key] else None
        for key, value in data.items():
            if isinstance(value, float):
                data[key] = round(value, 2)
        return data

    @property
    def direction(self) -> int:
        """1 up, -1 down, 0 flat or unknown (the period's change when a period was asked)."""
        change = self.period_change_pct if self.period_start is not None else self.change_pct
        if change is None or abs(change) < 0.005:
            return 0
        return 1 if change > 0 else -1


def measure(
    bars: list[Bar],
    on: date | None = None,
    since: date | None = None,
    benchmark: list[Bar] | None = None,
) -> Move | None:
    """The move of the session `on` (the latest when None; a non-trading day snaps back to the
    session before it), optionally over the period from the close on or before `since`."""
    index = _session_index(bars, on)
    if index is None:
        return None
    bar = bars[index]
    period_start, period_change = None, None
    if since is not None:
        start = _session_index(bars, since)
        if start is not None and start < index:
            period_start, period_change = bars[start].session, _change(bars, start, index)
    first = _start_index(bars, index, period_start)
    missing = _missing(bars, first, index)
    bench_ticker, bench_change = None, None
    if benchmark:
        bench_ticker, bench_change = benchmark[0].ticker, _benchmark_change(benchmark, bar.session, period_start)
    return Move(
        ticker=bar.ticker,
        session=bar.session,
        close=bar.close,
        change_pct=_change(bars, index - 1, index) if index >= 1 else None,
        change_5d_pct=_change_5d(bars, index),
        volume_ratio=_volume_ratio(bars, index),
        zscore=_zscore(bars, index),
        benchmark=bench_ticker,
        benchmark_change_pct=bench_change,
        source=bar.source,
        asked_date=on if on is not None and on != bar.session else None,
        period_start=period_start,
        period_change_pct=period_change,
        missing_sessions=missing,
        span_sessions=max(1, index - first + missing),
    )


def _benchmark_change(benchmark: list[Bar], session: date, period_start: date | None) -> float | None:
    """The benchmark over the same span as the share: its session, or the same period ("this week"
    against the index's week, not its last day)."""
    end = next((i for i, bar in enumerate(benchmark) if bar.session == session), None)
    if not end:
        return None
    start = end - 1 if period_start is None else _session_index(benchmark, period_start)
    return _change(benchmark, start, end) if start is not None and start < end else None


def _start_index(bars: list[Bar], index: int, period_start: date | None) -> int:
    """The bar the headline change is measured from: the period's first close, else the bar before."""
    if period_start is not None:
        return next(i for i, bar in enumerate(bars) if bar.session == period_start)
    return max(0, index - 1)


def _change_5d(bars: list[Bar], index: int) -> float | None:
    """The change over the last 5 sessions; None when the data lacks sessions in them, since it
    would be a change over more than 5 sessions under that name."""
    if index < SESSIONS_5D:
        return None
    if _missing(bars, index - SESSIONS_5D, index):
        return None
    return _change(bars, index - SESSIONS_5D, index)


def _missing(bars: list[Bar], first: int, last: int) -> int:
    """Sessions the data lacks between bar `first` and bar `last`."""
    pairs = zip(bars[first:last], bars[first + 1 : last + 1], strict=False)
    return sum(missing_sessions(after.ticker, before.session, after.session) for before, after in pairs)


def _session_index(bars: list[Bar], on: date | None) -> int | None:
    if not bars:
        return None
    if on is None:
        return len(bars) - 1
    candidates = [index for index, bar in enumerate(bars) if bar.session <= on]
    return candidates[-1] if candidates else None


def _change(bars: list[Bar], start: int, end: int) -> float:
    return (bars[end].adj_close / bars[start].adj_close - 1.0) * 100.0


def _volume_ratio(bars: list[Bar], index: int) -> float | None:
    """The session's volume against the average of the sessions before; None (unknown) when its
    own volume is unknown or too few earlier ones are known."""
    volume = bars[index].volume
    window = [bar.volume for bar in bars[max(0, index - VOLUME_SESSIONS) : index] if bar.volume is not None]
    if volume is None or len(window) < VOLUME_SESSIONS // 2 or not sum(window):
        return None
    return volume / statistics.fmean(window)


def _zscore(bars: list[Bar], index: int) -> float | None:
    """How unusual the session's change is against the daily changes of the sessions before it."""
    first = max(1, index - ZSCORE_SESSIONS)
    changes = [_change(bars, i - 1, i) for i in range(first, index)]
    if index < 1 or len(changes) < 20:
        return None
    spread = statistics.pstdev(changes)
    if spread == 0:
        return None
    return (_change(bars, index - 1, index) - statistics.fmean(changes)) / spread
