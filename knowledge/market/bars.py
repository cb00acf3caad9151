"""Daily bars: the record, and the catalog table they are kept in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

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
    volume: int
    source: str = ""


class PriceBook:
    """Reads and writes bars in the catalog."""

    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog

    def store(self, bars: list[Bar], replace_all: bool = False) -> int:
        """Insert or update bars (a session already stored is overwritten); returns how many."""
        if not bars:
            return 0
        with self._catalog.session() as session:
            if replace_all:  # a fresh adjusted history: older adjusted closes are no longer right
                for ticker in {bar.ticker for bar in bars}:
                    session.exec(delete(PriceBar).where(col(PriceBar.ticker) == ticker))
            for bar in bars:
                session.merge(
                    PriceBar(
                        ticker=bar.ticker,
                        session=bar.session,
                        open=bar.open,
                        high=bar.high,
                        low=bar.low,
                        close=bar.close,
                        adj_close=bar.adj_close,
                        volume=bar.volume,
                        source=bar.source,
                        fetched_at=now(),
                    )
                )
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
