"""Sessions missing between two bars: the exchange's calendar by ticker suffix, else weekdays."""

from __future__ import annotations

import json
from datetime import date

import exchange_calendars
import pytest

from knowledge.market.calendar import missing_sessions
from tests.conftest import ROOT


@pytest.mark.parametrize(
    ("ticker", "before", "after", "missing"),
    [
        ("BABA", date(2025, 12, 12), date(2025, 12, 15), 0),  # a weekend
        ("BABA", date(2025, 11, 26), date(2025, 11, 28), 0),  # Thanksgiving: the NYSE is closed
        ("BABA", date(2025, 12, 15), date(2025, 12, 19), 3),  # three sessions lost from the data
        ("9988.HK", date(2025, 12, 22), date(2025, 12, 29), 2),  # Christmas and Boxing Day closed; 23, 24 lost
        ("SAP.DE", date(2025, 4, 17), date(2025, 4, 22), 0),  # Good Friday and Easter Monday
        ("BABA", date(1999, 1, 4), date(1999, 1, 8), 0),  # before the calendar: 3 weekdays may be holidays
        ("BABA", date(1999, 1, 4), date(1999, 1, 12), 5),  # a longer gap is counted
        ("ABC.ZZ", date(2025, 1, 6), date(2025, 1, 13), 4),  # an unknown market: weekdays
    ],
)
def test_missing_sessions(ticker: str, before: date, after: date, missing: int) -> None:
    assert missing_sessions(ticker, before, after) == missing


def test_every_mapped_exchange_has_a_calendar() -> None:
    mapping = json.loads((ROOT / "knowledge" / "market" / "exchanges.json").read_text(encoding="utf-8"))
    names = set(exchange_calendars.get_calendar_names())

    assert {value for key, value in mapping.items() if not key.startswith("_")} <= names
