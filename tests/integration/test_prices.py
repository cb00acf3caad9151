"""Daily bars as a user gets them: `prices import` of CSV files, `prices refresh` from Tiingo (a
loopback fake in its real JSON format), `prices show`, and the move that leads `ask --json`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from knowledge.catalog import Catalog
from knowledge.market.bars import PriceBook
from knowledge.market.prices import Prices
from knowledge.text.formats import day, percent
from tests.commandline import run_cli
from tests.conftest import make_settings
from tests.fakes.tiingo import TOKEN, FakeTiingo


@pytest.fixture
def tiingo() -> Iterator[FakeTiingo]:
    with FakeTiingo().running() as fake:
        yield fake


def _tiingo_cli(data: Path, fake: FakeTiingo, *args: str, **extra: str) -> tuple[int, dict[str, object], str]:
    settings = {"PRICE_PROVIDER": "tiingo", "TIINGO_URL": fake.base, "TIINGO_API_KEY": TOKEN, **extra}
    result = run_cli(data, "prices", *args, settings=settings)
    summary = json.loads(result.stdout) if "--json" in args and result.stdout.strip() else {}
    return result.returncode, summary, result.stderr


def _stored(data: Path, ticker: str = "BABA") -> list[dict[str, object]]:
    """The bars the commands stored, read from their catalog."""
    catalog = Catalog(f"sqlite:///{data / 'catalog.db'}")
    try:
        return [{**bar.__dict__, "session": bar.session.isoformat()} for bar in PriceBook(catalog).bars(ticker)]
    finally:
        catalog.close()


def test_tiingo_history_once_then_only_new_sessions(tmp_path: Path, tiingo: FakeTiingo) -> None:
    data = tmp_path / "data"
    tiingo.until = "2025-12-10"
    code, summary, _ = _tiingo_cli(data, tiingo, "refresh", "BABA", "--json")
    first = len(tiingo.published("baba", "1900-01-01"))
    assert code == 0 and summary["bars_stored"] == {"BABA": first}
    assert tiingo.requests[-1] == ("baba", (date.today() - timedelta(days=730)).isoformat())

    tiingo.until = "9999-12-31"
    tiingo.rows["kweb"] = [
        {**row, "close": row["close"] / 5, "adjClose": row["adjClose"] / 5} for row in tiingo.rows["baba"]
    ]
    code, summary, stderr = _tiingo_cli(data, tiingo, "refresh", "--json")  # BABA and its benchmark, KWEB
    new = tiingo.published("baba", "2025-12-11")
    assert code == 0, stderr
    assert summary["bars_stored"] == {"BABA": len(new), "KWEB": len(tiingo.rows["kweb"])} and len(new) == 6
    assert ("baba", "2025-12-11") in tiingo.requests  # only the sessions after the last stored one

    rows = _stored(data)
    assert len(rows) == first + len(new) and rows[-1]["session"] == "2025-12-18"
    assert rows[-1]["close"] == new[-1]["close"] and rows[-1]["source"] == "tiingo"


def test_a_dividend_fetches_the_adjusted_history_again(tmp_path: Path, tiingo: FakeTiingo) -> None:
    settings = make_settings(tmp_path, price_provider="tiingo", tiingo_url=tiingo.base, tiingo_api_key=TOKEN)
    settings.data_dir.mkdir(parents=True)
    catalog = Catalog(settings.catalog_url)
    prices = Prices(settings, catalog)
    tiingo.until = "2025-12-10"
    assert not prices.refresh(["BABA"]).errors
    # A dividend on 11 December lowers every adjusted close before it, as Tiingo reports it.
    for row in tiingo.rows["baba"]:
        if row["date"] < "2025-12-11":
            row["adjClose"] = round(row["close"] * 0.99, 4)
        elif row["date"].startswith("2025-12-11"):
            row["divCash"] = 1.5
    tiingo.until = "9999-12-31"

    assert not prices.refresh(["BABA"]).errors

    bars = prices.book.bars("BABA")
    assert bars[0].adj_close == pytest.approx(round(bars[0].close * 0.99, 4))
    assert len(bars) == len(tiingo.rows["baba"]) and tiingo.requests[-1][1] < "2025-12-11"  # whole history
    catalog.close()


def test_tiingo_failures_are_one_line_each_and_keep_the_stored_bars(tmp_path: Path, tiingo: FakeTiingo) -> None:
    data = tmp_path / "data"
    tiingo.until = "2025-12-10"
    assert _tiingo_cli(data, tiingo, "refresh", "BABA")[0] == 0
    before = _stored(data)
    tiingo.until = "9999-12-31"
    cases = [  # ticker, answer status, delay, key, the line
        ("BABA", None, 0.0, "wrong-token", "Tiingo refused the API key: check TIINGO_API_KEY"),
        ("ZZZZ", None, 0.0, TOKEN, "Tiingo does not know the ticker ZZZZ"),
        ("BABA", 429, 0.0, TOKEN, "Tiingo's request allowance is used up for now"),
        ("BABA", None, 3.0, TOKEN, "Tiingo did not answer within 1 s for BABA"),
    ]
    for ticker, status, delay, key, expected in cases:
        tiingo.status, tiingo.delay = status, delay

        code, _, stderr = _tiingo_cli(data, tiingo, "refresh", ticker, TIINGO_API_KEY=key, HTTP_TIMEOUT_SECONDS="1")

        lines = [line for line in stderr.splitlines() if line.strip()]
        assert code == 1 and len(lines) == 1 and expected in lines[0], (expected, stderr)
        assert "Traceback" not in stderr and key not in stderr
        assert _stored(data) == before


def _csv(path: Path, closes: list[float], extra: list[str] = ()) -> list[date]:  # type: ignore[assignment]
    """Weekday sessions from 5 January 2026, one per close; `extra` raw lines appended."""
    day, sessions, lines = date(2026, 1, 5), [], ["Date,Open,High,Low,Close,Adj Close,Volume"]
    for index, close in enumerate(closes):
        while day.weekday() >= 5:
            day += timedelta(days=1)
        volume = 30_000_000 if index == len(closes) - 1 else 10_000_000
        lines.append(f"{day},{close:.2f},{close * 1.01:.2f},{close * 0.98:.2f},{close:.2f},{close:.2f},{volume}")
        sessions.append(day)
        day += timedelta(days=1)
    path.write_text("\n".join([*lines, *extra]) + "\n", encoding="utf-8")
    return sessions


def test_csv_import_reports_bad_rows_by_line_and_keeps_the_rest(tmp_path: Path) -> None:
    data, path = tmp_path / "data", tmp_path / "baba.csv"
    _csv(path, [100.0, 101.0, 102.0])
    good = run_cli(data, "prices", "import", str(path), "--json")
    assert good.returncode == 0 and json.loads(good.stdout)["bars_stored"] == {"BABA": 3}

    broken = tmp_path / "more.csv"
    _csv(
        broken,
        [103.0],
        [
            "2026-13-01,1,1,1,1,1,100",  # line 3
            "2026-01-09,104,105,-3,104,104,100",  # line 4
            "2026-01-12,104,105,103,,104,100",  # line 5
            "2026-01-05,99,100,98,99,99,100",  # line 6: a second 5 January in this file
            "2026-01-13,105,106,104,105.5,105.5,2000",  # line 7: good
        ],
    )
    # The first row of this file is also 5 January: duplicated on line 6.
    result = run_cli(data, "prices", "import", str(broken), "--ticker", "baba", "--json")

    summary = json.loads(result.stdout)
    assert result.returncode == 1
    assert {error["source"].rsplit(":", 1)[1]: error["error"] for error in summary["errors"]} == {
        "3": "bad date '2026-13-01'",
        "4": "low -3 is not a positive price",
        "5": "missing close",
        "6": "duplicate session 2026-01-05; the first one is kept",
    }
    assert summary["bars_stored"] == {"BABA": 2}
    closes = {row["session"]: row["close"] for row in _stored(data)}
    assert closes == {"2026-01-05": 103.0, "2026-01-06": 101.0, "2026-01-07": 102.0, "2026-01-13": 105.5}


def _closes(last: float) -> list[float]:
    """70 quiet sessions around 150, then `last`."""
    return [150.0 + (0.6 if index % 2 else -0.6) for index in range(70)] + [last]


def test_the_move_from_imported_bars_leads_the_answer_and_contradicts_a_wrong_premise(tmp_path: Path) -> None:
    data, path = tmp_path / "data", tmp_path / "BABA.csv"
    closes = _closes(145.0)
    sessions = _csv(path, closes)
    assert run_cli(data, "prices", "import", str(path)).returncode == 0

    result = run_cli(data, "ask", "--json", "Why is Alibaba down?")

    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    move = answer["move"]
    expected = (closes[-1] / closes[-2] - 1) * 100
    assert move["ticker"] == "BABA" and move["session"] == sessions[-1].isoformat()
    assert abs(move["change_pct"] - expected) < 0.01
    assert abs(move["change_5d_pct"] - (closes[-1] / closes[-6] - 1) * 100) < 0.01
    assert move["volume_ratio"] == pytest.approx(3.0, abs=0.01)
    first = answer["answer"].splitlines()[0]
    assert first.startswith(f"Alibaba (BABA) {percent(expected, 'en')} on {day(sessions[-1], 'en')} to 145.00")
    assert first.endswith("[P]")

    # The same session, but the stock rose: the answer says so instead of explaining a fall.
    _csv(path, _closes(155.0))
    assert run_cli(data, "prices", "import", str(path)).returncode == 0
    rose = json.loads(run_cli(data, "ask", "--json", "Why is Alibaba down?").stdout)
    assert rose["move"]["change_pct"] > 0
    assert rose["answer"].splitlines()[0].startswith(f"Alibaba (BABA) did not fall on {day(sessions[-1], 'en')}")
    assert "it rose" in rose["answer"].splitlines()[0]
