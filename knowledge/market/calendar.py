"""Which trading sessions are missing between two bars: the exchange's own calendar when it is
known (exchange_calendars, chosen by the ticker's suffix), else a count of weekdays.

Loaded only when two bars are more than a weekend apart, so an ordinary move needs no calendar.
"""

from __future__ import annotations

import json
import logging
import warnings
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

# Without a calendar a weekday between two bars may be a holiday. Exchanges close for at most
# three weekdays in a row in an ordinary year (Easter and Christmas in Europe, Lunar New Year in
# Hong Kong), so only a longer gap is counted as missing; holidays count as missing only when an
# exchange closes longer than that (Shanghai's Golden Week), and a gap of three or fewer rows lost
# from the data goes unnamed.
HOLIDAY_WEEKDAYS = 3


def missing_sessions(ticker: str, before: date, after: date) -> int:
    """Sessions the ticker's exchange held strictly between the bars of `before` and `after`."""
    weekdays = [
        day for day in (before + timedelta(days=n) for n in range(1, (after - before).days)) if day.weekday() < 5
    ]
    if not weekdays:
        return 0
    calendar = _calendar(_exchange(ticker))
    if calendar is not None:
        first, last = calendar.first_session.date(), calendar.last_session.date()
        if first <= weekdays[0] and weekdays[-1] <= last:
            with warnings.catch_warnings():
                # exchange_calendars still uses pandas APIs that newer pandas deprecates; not ours to fix.
                warnings.simplefilter("ignore", DeprecationWarning)
                return len(calendar.sessions_in_range(weekdays[0], weekdays[-1]))
    return len(weekdays) if len(weekdays) > HOLIDAY_WEEKDAYS else 0


def _exchange(ticker: str) -> str | None:
    suffix = ticker.rsplit(".", 1)[1].upper() if "." in ticker else ""
    return _exchanges().get(suffix)


@cache
def _exchanges() -> dict[str, str]:
    raw: dict[str, str] = json.loads(Path(__file__).with_name("exchanges.json").read_text(encoding="utf-8"))
    return {key: value for key, value in raw.items() if not key.startswith("_")}


@cache
def _calendar(name: str | None) -> Any:
    if name is None:
        return None
    import exchange_calendars  # pandas underneath: imported only when a gap needs a calendar

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # as above
            return exchange_calendars.get_calendar(name)
    except (exchange_calendars.errors.InvalidCalendarName, ValueError) as error:
        log.warning("no trading calendar %s (%s); counting weekdays instead", name, error)
        return None
