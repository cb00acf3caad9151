"""Daily bars from CSV files in the common layout `Date,Open,High,Low,Close,Adj Close,Volume`
(as Yahoo exports them; Stooq's, without `Adj Close`, too). Bad rows (a field out of the bounds
in bars.py, or no number at all) are reported by line and skipped; the good ones are kept. A
volume Yahoo writes as `null` is kept as unknown.

A file may start with comment lines; `# source: …` names where its bars come from (the sample
bars in `seeds/prices/` say there that they are written for investorbot, not market data).
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from knowledge.market.bars import Bar, checked_bar

_COLUMNS = {"date": "date", "open": "open", "high": "high", "low": "low", "close": "close", "volume": "volume"}
_ADJUSTED = ("adj close", "adj_close", "adjclose", "adjusted close")


class CsvFormatError(Exception):
    """The file is not a price CSV at all; the message says why in one sentence."""


@dataclass
class CsvRead:
    """The bars read, where they come from, and (line number, reason) for every row skipped."""

    ticker: str
    bars: list[Bar] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)
    source: str = ""


def ticker_of(path: Path) -> str:
    """The ticker a file is named after: `BABA.csv`, `9988.HK.csv`, Stooq's `baba.us.txt`."""
    return path.stem.upper().removesuffix(".US")


def read_csv(path: Path, ticker: str | None = None, today: date | None = None) -> CsvRead:
    """Read one file; raise CsvFormatError when it has no usable header. Sessions after `today`
    (default: today in UTC) plus one day are refused."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise CsvFormatError(f"{path.name} is not UTF-8 text") from error
    lines = text.splitlines()
    source = f"csv:{path.name}"
    first = 0
    while first < len(lines) and lines[first].lstrip().startswith("#"):
        comment = lines[first].lstrip("# ").strip()
        if comment.lower().startswith("source:"):
            source = comment.split(":", 1)[1].strip()
        first += 1
    result = CsvRead((ticker or ticker_of(path)).upper(), source=source)
    rows = csv.reader(io.StringIO("\n".join(lines[first:])))
    header = [cell.strip().lower() for cell in next(rows, [])]
    columns = _columns(header, path.name)
    seen: set[date] = set()
    for number, row in enumerate(rows, start=first + 2):
        if not row or not any(cell.strip() for cell in row):
            continue
        try:
            bar = _bar(result.ticker, row, columns, source, today)
        except ValueError as error:
            result.problems.append((number, str(error)))
            continue
        if bar.session in seen:
            result.problems.append((number, f"duplicate session {bar.session}; the first one is kept"))
            continue
        seen.add(bar.session)
        result.bars.append(bar)
    result.bars.sort(key=lambda bar: bar.session)
    return result


def _columns(header: list[str], name: str) -> dict[str, int]:
    columns = {key: header.index(column) for column, key in _COLUMNS.items() if column in header}
    adjusted = next((header.index(column) for column in _ADJUSTED if column in header), None)
    missing = [column for column in _COLUMNS if column not in header]
    if missing:
        raise CsvFormatError(
            f"{name} lacks the column(s) {', '.join(missing)}; expected Date,Open,High,Low,Close,Adj Close,Volume"
        )
    if adjusted is not None:
        columns["adj_close"] = adjusted
    return columns


def _bar(ticker: str, row: list[str], columns: dict[str, int], source: str, today: date | None) -> Bar:
    def cell(key: str) -> str | None:
        index = columns[key]
        if index >= len(row) or not row[index].strip() or row[index].strip().lower() in ("null", "nan", "-"):
            return None
        return row[index].strip()

    def required(key: str) -> str:
        text = cell(key)
        if text is None:
            raise ValueError(f"missing {key.replace('_', ' ')}")
        return text

    text = required("date")
    try:
        session = date.fromisoformat(text[:10])
    except ValueError:
        raise ValueError(f"bad date {text!r}") from None
    prices = {key: _number(required(key), key) for key in ("open", "high", "low", "close")}
    prices["adj_close"] = _number(required("adj_close"), "adj close") if "adj_close" in columns else prices["close"]
    given = cell("volume")
    volume = None if given is None else _number(given, "volume")
    return checked_bar(ticker, session, prices, volume, source, today=today)


def _number(text: str, name: str) -> float:
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        raise ValueError(f"{name} {text!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"{name} {text!r} is not a number")
    return value
