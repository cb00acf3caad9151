"""Prices for the answer engine and the CLI: import CSV files, refresh from the provider, measure
a move, draw its chart."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Protocol

from knowledge.catalog import Catalog
from knowledge.market.bars import PriceBook
from knowledge.market.csvfile import CsvFormatError, read_csv
from knowledge.market.currency import currency
from knowledge.market.move import Move, measure
from knowledge.market.plotconfig import ensure_config_dir
from knowledge.market.tiingo import Delivery, PriceError, TiingoProvider
from knowledge.market.when import Asked, week_start
from knowledge.prompts import render
from knowledge.settings import Settings
from knowledge.sources.limits import Limits

log = logging.getLogger(__name__)


class PriceProvider(Protocol):
    """Where `prices refresh` gets bars: those since the date, or the whole history (`whole`), and
    the bars it refused."""

    name: str

    def fetch(self, ticker: str, since: date | None) -> Delivery: ...


@dataclass
class PriceReport:
    """What an import or a refresh did; `as_json()` is the CLI's summary object."""

    bars_stored: dict[str, int] = field(default_factory=dict)
    errors: list[dict[str, str]] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return asdict(self)


class CsvProvider:
    """The offline default: `<PRICES_DIR>/<TICKER>.csv` files, read again on every refresh; without
    a folder there is nothing to refresh from (bars come from `prices import` alone)."""

    name = "csv"

    def __init__(self, folder: Path | None) -> None:
        self._folder = folder

    def fetch(self, ticker: str, since: date | None) -> Delivery:
        if self._folder is None:
            return Delivery([], False)
        path = self._folder / f"{ticker.upper()}.csv"
        if not path.is_file():
            raise PriceError(f"no {path.name} in {self._folder}")
        try:
            read = read_csv(path, ticker)
        except CsvFormatError as error:
            raise PriceError(str(error)) from None
        return Delivery(read.bars, True, [(f"{path}:{line}", problem) for line, problem in read.problems])


class Prices:
    """Bars in the catalog, kept fresh by the configured provider."""

    def __init__(self, settings: Settings, catalog: Catalog, provider: PriceProvider | None = None) -> None:
        self._settings = settings
        self.book = PriceBook(catalog)
        self.provider = provider or _provider(settings)

    def import_files(self, paths: list[Path], ticker: str | None = None) -> PriceReport:
        """Import CSV files (the ticker from each file's name unless given); bad rows are reported by line."""
        report = PriceReport()
        for path in paths:
            try:
                read = read_csv(path, ticker)
            except (CsvFormatError, OSError) as error:
                report.errors.append({"source": str(path), "error": str(error)})
                continue
            for line, problem in read.problems:
                report.errors.append({"source": f"{path}:{line}", "error": problem})
            stored = self.book.store(read.bars)
            report.bars_stored[read.ticker] = report.bars_stored.get(read.ticker, 0) + stored
        return report

    def refresh(self, tickers: list[str] | None = None) -> PriceReport:
        """Fetch new sessions for the tickers (default: every ticker with bars, and their benchmarks)."""
        report = PriceReport()
        for ticker in tickers or self.followed():
            last = self.book.last_session(ticker)
            try:
                delivery = self.provider.fetch(ticker, None if last is None else _next_day(last))
            except PriceError as error:
                log.info("prices for %s not refreshed: %s", ticker, error)  # the caller reports the errors
                report.errors.append({"source": ticker, "error": str(error)})
                continue
            bars, whole = delivery.bars, delivery.whole
            for where, problem in delivery.problems:
                log.warning("%s skipped: %s", where, problem)
                report.errors.append({"source": where, "error": problem})
            # A provider's whole history replaces the stored one (its adjusted closes may have changed);
            # a CSV file is simply read again over what is stored.
            self.book.store(bars, replace_all=whole and self.provider.name != "csv")
            report.bars_stored[ticker] = sum(1 for bar in bars if last is None or bar.session > last)
        return report

    def followed(self) -> list[str]:
        tickers = self.book.tickers()
        return sorted({*tickers, *(self.benchmark_of(t) or t for t in tickers)})

    def ensure_seeded(self) -> PriceReport | None:
        """Import SEEDS_DIR/prices/*.csv when no bars are stored yet (like the seed documents), unless
        SEED_PRICES is off."""
        folder = self._settings.seeds_dir / "prices"
        if not self._settings.seed_prices or self.book.count() or not folder.is_dir():
            return None
        return self.import_files(sorted(folder.glob("*.csv")))

    def benchmark_of(self, ticker: str) -> str | None:
        return {**_packaged_benchmarks(), **self._settings.price_benchmarks}.get(ticker.upper())

    def move(self, ticker: str, asked: Asked, earnings: date | None = None) -> Move | None:
        """The move of the asked session (the latest by default) for a ticker with bars, else None."""
        bars = self.book.bars(ticker)
        if not bars:
            return None
        on, since = asked.on, None
        if asked.period == "week":
            # A week ends with its last session: "last week" is no question about its Sunday.
            ended = [bar.session for bar in bars if on is None or bar.session <= on]
            on = ended[-1] if ended else on
            since = week_start(on or bars[-1].session)
        elif asked.period == "earnings" and earnings is not None:
            since = earnings
        benchmark = self.benchmark_of(ticker)
        return measure(bars, on, since, self.book.bars(benchmark) if benchmark else None)

    def chart(self, move: Move, catalysts: Sequence[tuple[date, int]], company: str, language: str) -> bytes | None:
        """Three months of closes with the asked session and the dated catalysts, each a (day, source
        number) of the answer drawn beside it (PNG); the footer in `language`."""
        ensure_config_dir(self._settings.data_dir / "matplotlib")
        try:
            from knowledge.market.chart import Chart, Marker, draw  # matplotlib: loaded only when a chart is drawn
        except (OSError, ImportError) as error:
            log.warning("no chart for %s: matplotlib cannot start (%s)", move.ticker, _first_line(error))
            return None
        markers = tuple(Marker(day, n) for day, n in catalysts)
        if sample(move.source):
            note = render("chart_note_sample", language)
        else:
            note = render("chart_note", language, source=move.source)
        chart = Chart(
            self.book.bars(move.ticker),
            move.session,
            markers,
            self.book.bars(move.benchmark) if move.benchmark else (),
            company,
            currency(move.ticker),
            note,
            language,
        )
        try:
            return draw(chart)
        except OSError as error:
            log.warning("no chart for %s: %s", move.ticker, _first_line(error))
            return None


def sample(source: str) -> bool:
    """Are these the illustrative seed bars (to be labelled as such wherever they are used)?"""
    return source.lower().startswith("sample")


@cache
def _packaged_benchmarks() -> dict[str, str]:
    raw: dict[str, str] = json.loads(Path(__file__).with_name("benchmarks.json").read_text(encoding="utf-8"))
    return {key: value for key, value in raw.items() if not key.startswith("_")}


def _provider(settings: Settings) -> PriceProvider:
    if settings.price_provider == "tiingo":
        return TiingoProvider(
            settings.tiingo_url,
            settings.tiingo_api_key.get_secret_value(),
            settings.http_timeout_seconds,
            settings.price_history_days,
            Limits.of(settings.max_download_mb, settings.fetch_deadline_seconds),
        )
    samples = settings.seeds_dir / "prices" if settings.seed_prices else None
    return CsvProvider(settings.prices_dir or samples)


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:200]


def _next_day(day: date) -> date:
    return date.fromordinal(day.toordinal() + 1)
