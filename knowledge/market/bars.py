"""Daily bars: the record, the bounds every bar must keep, and the catalog table they are kept in."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, delete, func, select

from knowledge.catalog import Catalog
from knowledge.catalog.tables import PriceBar, now


@dataclass(frozen=True)
class Bar:
    """One session of one ticker. `adj_close` accounts for splits and dividends."""

    ticker: str
    session: date
    open: float
    high: float
    low: float
    close: float
    adj_close: float
    volume: int | None  # None: the source did not know it (Yahoo writes "null")
    source: str = ""


EARLIEST = date(1970, 1, 1)
MAX_PRICE = 1e9  # no share trades near a billion in any currency; a larger figure is an error
MAX_VOLUME = 10**15  # shares in one session: far above any market's day, far below a 64-bit column


_BATCH = 500  # bars per statement: ten values each, well under SQLite's limit on bound variables


class BarError(ValueError):
    """A bar outside the bounds; the message says which field and why."""


def checked_bar(
    ticker: str,
    session: date,
    prices: dict[str, float],
    volume: float | None,
    source: str,
    *,
    today: date | None = None,
) -> Bar:
    """A Bar from parsed fields (`prices`: open, high, low, close, adj_close), or BarError naming the
    first field out of bounds: a date from 1970 to tomorrow, positive finite prices up to MAX_PRICE
    with high not below low, a volume from 0 to MAX_VOLUME or unknown."""
    latest = (today or datetime.now(UTC).date()) + timedelta(days=1)
    if not EARLIEST <= session <= latest:
        raise BarError(f"date {session} is outside {EARLIEST} to {latest}")
    for key in ("open", "high", "low", "close", "adj_close"):
        name, value = key.replace("_", " "), prices[key]
        if not math.isfinite(value) or value <= 0:
            raise BarError(f"{name} {value:g} is not a positive price")
        if value > MAX_PRICE:
            raise BarError(f"{name} {value:g} is above {MAX_PRICE:g}, not a share price")
    if prices["high"] < prices["low"]:
        raise BarError(f"high {prices['high']} is below low {prices['low']}")
    if volume is not None:
        if not math.isfinite(volume) or volume < 0:
            raise BarError(f"negative volume {volume:g}" if volume < 0 else f"volume {volume} is not a number")
        if volume > MAX_VOLUME:
            raise BarError(f"volume {volume:g} is above {MAX_VOLUME:g}")
    return Bar(
        ticker,
        session,
        prices["open"],
        prices["high"],
        prices["low"],
        prices["close"],
        prices["adj_close"],
        None if volume is None else round(volume),
        source,
    )


class PriceBook:
    """Reads and writes bars in the catalog."""

    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog

    def store(self, bars: list[Bar], replace_all: bool = False) -> int:
        """Insert or update bars (a session already stored is overwritten); returns how many."""
        if not bars:
            return 0
        insert = postgresql.insert if self._catalog.engine.dialect.name == "postgresql" else sqlite.insert
        fetched = now()
        with self._catalog.session() as session:
            if replace_all:  # a fresh adjusted history: older adjusted closes are no longer right
                for ticker in {bar.ticker for bar in bars}:
                    session.exec(delete(PriceBar).where(col(PriceBar.ticker) == ticker))
            for start in range(0, len(bars), _BATCH):
                rows = [{**asdict(bar), "fetched_at": fetched} for bar in bars[start : start + _BATCH]]
                statement = insert(PriceBar).values(rows)
                # An upsert, not a read then a write: two processes importing the same bars at once
                # (replicas starting together) both succeed instead of one hitting the primary key.
                updated = {name: statement.excluded[name] for name in rows[0] if name not in ("ticker", "session")}
                session.execute(statement.on_conflict_do_update(index_elements=["ticker", "session"], set_=updated))
            session.commit()
        return len(bars)

    def bars(self, ticker: str, since: date | None = None, until: date | None = None) -> list[Bar]:
        """The ticker's bars in session order."""
        with self._catalog.session() as session:
            query = select(PriceBar).where(PriceBar.ticker == ticker.upper())
            if since is not None:
                query = query.where(col(PriceBar.session) >= since)
            if until is not None:
                query = query.where(col(PriceBar.session) <= until)
            rows = session.exec(query.order_by(col(PriceBar.session)))
            return [_bar(row) for row in rows]

    def last_session(self, ticker: str) -> date | None:
        with self._catalog.session() as session:
            found = session.exec(select(func.max(PriceBar.session)).where(PriceBar.ticker == ticker.upper())).one()
        return found

    def tickers(self) -> list[str]:
        with self._catalog.session() as session:
            return sorted(session.exec(select(PriceBar.ticker).distinct()))

    def count(self) -> int:
        with self._catalog.session() as session:
            return int(session.exec(select(func.count()).select_from(PriceBar)).one())


def _bar(row: PriceBar) -> Bar:
    return Bar(row.ticker, row.session, row.open, row.high, row.low, row.close, row.adj_close, row.volume, row.source)
