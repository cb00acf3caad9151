"""`investorbot prices import|refresh|show`: daily bars in the catalog, from CSV files or Tiingo."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from apps.cli.output import Commands, finish, json_flag
from knowledge.catalog import Catalog
from knowledge.market.move import measure
from knowledge.market.prices import PriceReport, Prices
from knowledge.settings import Settings


def add_prices(commands: Commands) -> None:
    prices = commands.add_parser(
        "prices",
        help="import, refresh or show daily price bars",
        description='Daily bars for the move in "why is X down?" answers. PRICE_PROVIDER picks csv (default) '
        "or tiingo (TIINGO_API_KEY).",
    )
    actions = prices.add_subparsers(title="actions", metavar="ACTION", required=True)
    imported = actions.add_parser(
        "import",
        help="import CSV files (Date,Open,High,Low,Close,Adj Close,Volume)",
        description="Import CSV files as Yahoo or Stooq export them. The ticker is the file name (BABA.csv) "
        "unless --ticker is given. Bad rows are reported by line and skipped.",
    )
    imported.add_argument("paths", nargs="+", type=Path, metavar="FILE")
    imported.add_argument("--ticker", help="the ticker of every file given (default: each file's name)")
    json_flag(imported)
    imported.set_defaults(handler=import_files)
    refresh = actions.add_parser("refresh", help="fetch new sessions from the provider")
    refresh.add_argument("tickers", nargs="*", metavar="TICKER", help="default: every ticker with bars")
    json_flag(refresh)
    refresh.set_defaults(handler=refresh_prices)
    show = actions.add_parser("show", help="show a ticker's latest bars and its move")
    show.add_argument("ticker")
    show.add_argument("--days", type=int, default=10, help="how many sessions (default 10)")
    json_flag(show, "print bars and move as JSON")
    show.set_defaults(handler=show_bars)


def import_files(args: argparse.Namespace, settings: Settings) -> int:
    missing = [str(path) for path in args.paths if not path.is_file()]
    if missing:
        print(f"investorbot: no such file: {', '.join(missing)}", file=sys.stderr)
        return 2
    return _finish(_prices(settings).import_files(args.paths, args.ticker), args.json)


def refresh_prices(args: argparse.Namespace, settings: Settings) -> int:
    tickers = [ticker.upper() for ticker in args.tickers] or None
    return _finish(_prices(settings).refresh(tickers), args.json)


def show_bars(args: argparse.Namespace, settings: Settings) -> int:
    prices = _prices(settings)
    bars = prices.book.bars(args.ticker.upper())
    if not bars:
        print(f"investorbot: no bars for {args.ticker.upper()} (see `investorbot prices import`)", file=sys.stderr)
        return 1
    benchmark = prices.benchmark_of(bars[-1].ticker)
    move = measure(bars, None, None, prices.book.bars(benchmark) if benchmark else None)
    shown = bars[-max(1, args.days) :]
    if args.json:
        rows = [{**bar.__dict__, "session": bar.session.isoformat()} for bar in shown]
        print(json.dumps({"bars": rows, "move": move.as_json() if move else None}, ensure_ascii=False))
        return 0
    print(f"{'session':<12}{'open':>10}{'high':>10}{'low':>10}{'close':>10}{'adj close':>11}{'volume':>14}")
    for bar in shown:
        print(
            f"{bar.session.isoformat():<12}{bar.open:>10.2f}{bar.high:>10.2f}{bar.low:>10.2f}"
            f"{bar.close:>10.2f}{bar.adj_close:>11.2f}{'unknown' if bar.volume is None else f'{bar.volume:,}':>14}"
        )
    if move is not None and move.change_pct is not None:
        print(f"{move.ticker} {move.change_pct:+.2f} % on {move.session} (source: {move.source})")
    return 0


def _prices(settings: Settings) -> Prices:
    """Just the prices: no index, no model."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return Prices(settings, Catalog(settings.catalog_url))


def _finish(report: PriceReport, as_json: bool) -> int:
    return finish(report, as_json, [f"{ticker}: {count} session(s)" for ticker, count in report.bars_stored.items()])
