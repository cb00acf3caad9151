"""Price bars out of bounds are one error line each and the good rows are kept (CSV and Tiingo);
an unknown volume stays unknown; a move over sessions missing in the data says so."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from knowledge.catalog import Catalog
from knowledge.market.bars import Bar, PriceBook
from knowledge.market.move import measure
from knowledge.market.prices import Prices
from knowledge.text.companies import Companies
from tests.commandline import run_cli
from tests.conftest import make_settings
from tests.fakes.tiingo import TOKEN, FakeTiingo

HEADER = "Date,Open,High,Low,Close,Adj Close,Volume"


def _stored(data: Path, ticker: str = "BABA") -> dict[str, Bar]:
    catalog = Catalog(f"sqlite:///{data / 'catalog.db'}")
    try:
        return {bar.session.isoformat(): bar for bar in PriceBook(catalog).bars(ticker)}
    finally:
        catalog.close()


def test_rows_out_of_bounds_are_one_line_each_and_the_rest_is_stored(tmp_path: Path) -> None:
    data, path = tmp_path / "data", tmp_path / "BABA.csv"
    path.write_text(
        "\n".join(
            [
                HEADER,
                "2025-12-15,100,101,99,100,100,1000000",  # line 2
                "2025-12-16,100,101,99,100.5,100.5,1e308",  # line 3: no market trades that much
                "1800-01-02,100,101,99,100,100,1000",  # line 4
                "2025-12-17,101,102,100,101,101,null",  # line 5: Yahoo's unknown volume
                "2025-12-18,101,1e12,100,101,101,1000",  # line 6: a high no share reaches
                "2099-01-01,118,119,117,118.18,118.18,1000",  # line 7: a session that has not happened
                "2025-12-19,102,103,101,102,102,1200000",  # line 8
            ]
        )
        + "\n",
        encoding="utf-8",
    )

    result = run_cli(data, "prices", "import", str(path), "--json")

    assert "Traceback" not in result.stderr
    summary = json.loads(result.stdout)
    assert result.returncode == 1
    errors = {error["source"].rsplit(":", 1)[1]: error["error"] for error in summary["errors"]}
    tomorrow = date.today() + timedelta(days=1)
    assert errors.keys() == {"3", "4", "6", "7"}
    assert errors["3"] == "volume 1e+308 is above 1e+15"
    assert errors["4"].startswith("date 1800-01-02 is outside 1970-01-01 to ")
    assert errors["6"] == "high 1e+12 is above 1e+09, not a share price"
    assert errors["7"].startswith("date 2099-01-01 is outside 1970-01-01 to ")
    assert errors["7"].endswith(str(tomorrow)) or errors["7"].endswith(str(tomorrow + timedelta(days=1)))
    stored = _stored(data)
    assert sorted(stored) == ["2025-12-15", "2025-12-17", "2025-12-19"]
    assert stored["2025-12-17"].volume is None and stored["2025-12-19"].volume == 1200000
    shown = run_cli(data, "prices", "show", "BABA")
    assert shown.returncode == 0 and "unknown" in shown.stdout


def test_tiingo_rows_out_of_bounds_are_one_line_each(tmp_path: Path) -> None:
    with FakeTiingo().running() as fake:
        rows = fake.rows["baba"]
        fake.rows["baba"] = [
            *rows[:-3],
            {**rows[-3], "volume": 1e308},
            {**rows[-2], "volume": None},
            {**rows[-1], "date": "2099-01-01T00:00:00.000Z"},
        ]
        settings = {"PRICE_PROVIDER": "tiingo", "TIINGO_URL": fake.base, "TIINGO_API_KEY": TOKEN}
        result = run_cli(tmp_path / "data", "prices", "refresh", "BABA", "--json", settings=settings)

    summary = json.loads(result.stdout)
    assert "Traceback" not in result.stderr
    assert [error["error"] for error in summary["errors"]][:1] == ["volume 1e+308 is above 1e+15"]
    assert summary["errors"][1]["error"].startswith("date 2099-01-01 is outside 1970-01-01 to ")
    assert len(summary["errors"]) == 2
    assert summary["bars_stored"] == {"BABA": len(rows) - 2}
    assert _stored(tmp_path / "data")[rows[-2]["date"][:10]].volume is None


def _bar(session: date, close: float, volume: int | None = 1000) -> Bar:
    return Bar("BABA", session, close, close * 1.01, close * 0.99, close, close, volume, "csv:test")


@pytest.fixture
def december() -> list[date]:
    """NYSE sessions from 3 November to 19 December 2025 (27 November is Thanksgiving)."""
    days = [date(2025, 11, 3) + timedelta(days=n) for n in range(47)]
    return [day for day in days if day.weekday() < 5 and day != date(2025, 11, 27)]


def test_a_holiday_is_no_gap_but_lost_rows_are_named_in_the_move_line(december: list[date]) -> None:
    from knowledge.answer.compose.movement import line
    from knowledge.answer.understand.question import understand

    lost = {date(2025, 12, 16), date(2025, 12, 17), date(2025, 12, 18)}  # rows refused on import
    bars = [_bar(day, 100 + n * 0.1) for n, day in enumerate(december) if day not in lost]
    thanksgiving = measure(bars, date(2025, 11, 28))
    move = measure(bars)
    assert move is not None and thanksgiving is not None
    companies = Companies.default()
    english = line(move, understand("Why is Alibaba down?", "en", companies), "Alibaba")
    german = line(move, understand("Warum fällt Alibaba?", "de", companies), "Alibaba")

    assert thanksgiving.missing_sessions == 0 and thanksgiving.change_5d_pct is not None
    assert (move.missing_sessions, move.span_sessions) == (3, 4)
    assert move.change_5d_pct is None  # "over 5 sessions" would be a lie across the gap
    assert ", over 4 sessions (3 missing in the data)" in english
    assert ", über 4 Handelstage (3 fehlen in den Daten)" in german


def test_an_unknown_volume_leaves_the_volume_ratio_unknown(december: list[date]) -> None:
    bars = [_bar(day, 100.0 + n % 3) for n, day in enumerate(december)]
    unknown_today = [*bars[:-1], _bar(december[-1], 103.0, None)]
    some_unknown = [_bar(day, 100.0, None if n % 4 == 0 else 1000) for n, day in enumerate(december)]

    today, earlier = measure(unknown_today), measure(some_unknown)

    assert today is not None and today.volume_ratio is None
    assert earlier is not None and earlier.volume_ratio == pytest.approx(1.0)


def test_stored_prices_keep_an_unknown_volume(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    settings.data_dir.mkdir()
    catalog = Catalog(settings.catalog_url)
    prices = Prices(settings, catalog)
    prices.book.store([_bar(date(2025, 12, 18), 100.0, None), _bar(date(2025, 12, 19), 101.0)])

    assert [bar.volume for bar in prices.book.bars("BABA")] == [None, 1000]
    catalog.close()
