"""Tiingo's official end-of-day API: `/tiingo/daily/{ticker}/prices?startDate=…` with a token.

Prices are adjusted for splits and dividends in `adjClose`. When a newly fetched session carries
a split or a dividend, the adjusted history before it changes too, so the whole history is
fetched again rather than mixing old and new adjustments.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import httpx

from knowledge.market.bars import Bar, BarError, checked_bar
from knowledge.sources.limits import DeadlineBackend, LimitError, Limits, deadline, read_body, transport

log = logging.getLogger(__name__)

SOURCE = "tiingo"


class PriceError(Exception):
    """A provider could not deliver bars; one sentence for the operator."""


class TiingoProvider:
    """End-of-day bars from Tiingo (base URL configurable, so tests can use a loopback fake)."""

    name = SOURCE

    def __init__(
        self,
        base_url: str,
        token: str,
        timeout: float = 20.0,
        history_days: int = 730,
        limits: Limits | None = None,
    ) -> None:
        self._base, self._token = base_url.rstrip("/"), token
        self._timeout, self._history = timeout, timedelta(days=history_days)
        self._limits = limits or Limits()  # MAX_DOWNLOAD_MB and FETCH_DEADLINE_SECONDS, as for sources

    def fetch(self, ticker: str, since: date | None) -> Delivery:
        """Bars from `since` (or the full history, then `whole` is True); a bar out of bounds is one
        problem, the others are kept."""
        if not self._token:
            raise PriceError("Tiingo needs TIINGO_API_KEY (a free token from tiingo.com)")
        start = since or date.today() - self._history
        rows = self._get(ticker, start)
        if since is not None and any(_adjusts(row) for row in rows):
            log.info("%s had a split or dividend: fetching its adjusted history again", ticker)
            return _delivery(ticker, self._get(ticker, date.today() - self._history), True)
        return _delivery(ticker, rows, since is None)

    def _get(self, ticker: str, start: date) -> list[dict[str, Any]]:
        url = f"{self._base}/tiingo/daily/{ticker.lower()}/prices"
        headers = {"Authorization": f"Token {self._token}", "Content-Type": "application/json"}
        until = self._limits.start()
        try:
            with (
                deadline(until),
                httpx.Client(transport=transport(DeadlineBackend()), timeout=self._timeout) as client,
                client.stream("GET", url, params={"startDate": start.isoformat()}, headers=headers) as response,
            ):
                body = read_body(response, self._limits, url) if response.status_code < 400 else b""
        except LimitError as error:
            raise PriceError(f"Tiingo: {error}") from None
        except httpx.TimeoutException:
            if until.left() <= 0:
                raise PriceError(f"Tiingo: {until.error(url)}") from None
            raise PriceError(f"Tiingo did not answer within {self._timeout:g} s for {ticker}") from None
        except httpx.HTTPError as error:
            raise PriceError(f"could not reach Tiingo for {ticker} ({type(error).__name__})") from None
        if response.status_code in (401, 403):
            raise PriceError("Tiingo refused the API key: check TIINGO_API_KEY")
        if response.status_code == 404:
            raise PriceError(f"Tiingo does not know the ticker {ticker}")
        if response.status_code == 429:
            raise PriceError("Tiingo's request allowance is used up for now; the next refresh tries again")
        if response.status_code >= 400:
            raise PriceError(f"Tiingo answered HTTP {response.status_code} for {ticker}")
        try:
            rows = json.loads(body)
        except ValueError:
            raise PriceError(f"Tiingo sent something other than JSON for {ticker}") from None
        if not isinstance(rows, list):
            raise PriceError(f"Tiingo sent an unexpected answer for {ticker}")
        return rows


@dataclass
class Delivery:
    """What a provider delivered: bars, whether they are a whole history, and (where, why) for
    every bar it sent that was refused."""

    bars: list[Bar]
    whole: bool
    problems: list[tuple[str, str]] = field(default_factory=list)


def _delivery(ticker: str, rows: list[dict[str, Any]], whole: bool) -> Delivery:
    delivery = Delivery([], whole)
    for number, row in enumerate(rows, 1):
        try:
            delivery.bars.append(_bar(ticker, row))
        except BarError as error:
            delivery.problems.append((f"{ticker} {str(row.get('date', ''))[:10] or f'row {number}'}", str(error)))
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            delivery.problems.append((f"{ticker} row {number}", f"Tiingo sent a malformed bar ({error})"))
    return delivery


def _bar(ticker: str, row: dict[str, Any]) -> Bar:
    """A bar from one of Tiingo's rows, within the same bounds as a CSV row's."""
    prices = {key: float(row[key]) for key in ("open", "high", "low", "close")}
    prices["adj_close"] = float(row.get("adjClose") or row["close"])
    volume = row.get("volume")
    session = date.fromisoformat(str(row["date"])[:10])
    return checked_bar(ticker.upper(), session, prices, None if volume is None else float(volume), SOURCE)


def _adjusts(row: dict[str, Any]) -> bool:
    return float(row.get("splitFactor") or 1.0) != 1.0 or float(row.get("divCash") or 0.0) != 0.0
