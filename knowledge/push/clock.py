"""A chat's local times: wall-clock times parsed, time zones checked, quiet hours and the moment a
daily digest is due, correct across daylight-saving changes (`zoneinfo`)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

_WALL = re.compile(r"^([01]?\d|2[0-3])[:.h]([0-5]\d)$")


class ClockError(ValueError):
    """A time or a time zone that cannot be read; the message says what is expected."""


def wall_time(text: str) -> time:
    """ "08:00", "8:00", "8.30" or "20h15" as a time of day."""
    match = _WALL.match(text.strip())
    if match is None:
        raise ClockError(f"{text.strip()!r} is not a time of day; write it as 08:00")
    return time(int(match.group(1)), int(match.group(2)))


def zone(name: str) -> ZoneInfo:
    """A time zone by its IANA name ("Europe/Berlin"), any case."""
    wanted = name.strip()
    if not wanted:
        raise ClockError("name a time zone, such as Europe/Berlin")
    for candidate in (wanted, *(known for known in available_timezones() if known.lower() == wanted.lower())):
        try:
            return ZoneInfo(candidate)
        except (ZoneInfoNotFoundError, ValueError):
            continue
    raise ClockError(f"{wanted!r} is not a time zone; use a name such as Europe/Berlin or America/New_York")


def quiet_span(text: str) -> tuple[str, str]:
    """ "22:00-07:00" as its two ends, normalised ("22:00", "07:00")."""
    start, dash, end = text.replace("–", "-").partition("-")
    if not dash:
        raise ClockError("write quiet hours as 22:00-07:00, or off")
    first, last = wall_time(start), wall_time(end)
    if first == last:
        raise ClockError("quiet hours need a start and an end that differ")
    return first.strftime("%H:%M"), last.strftime("%H:%M")


def quiet_until(at: datetime, timezone: str, start: str, end: str) -> datetime | None:
    """When the quiet hours holding at `at` end (UTC), or None when the chat is not quiet then."""
    if not start or not end:
        return None
    tz = ZoneInfo(timezone)
    local = at.astimezone(tz)
    first, last = wall_time(start), wall_time(end)
    now = local.time()
    inside = first <= now < last if first < last else now >= first or now < last
    if not inside:
        return None
    day = local.date() if now < last else local.date() + timedelta(days=1)
    return _at(day, last, tz)


def last_occurrence(at: datetime, timezone: str, wall: str) -> tuple[date, datetime]:
    """The latest local day whose `wall` time has come by `at`, and that moment in UTC.

    Built from the local date and the wall time each day, so 08:00 stays 08:00 on the days the
    clocks change (a time the change skips, 02:30 in spring, comes out an hour later).
    """
    tz = ZoneInfo(timezone)
    when = wall_time(wall)
    today = at.astimezone(tz).date()
    moment = _at(today, when, tz)
    if moment > at:
        today -= timedelta(days=1)
        moment = _at(today, when, tz)
    return today, moment


def _at(day: date, when: time, tz: ZoneInfo) -> datetime:
    """The UTC moment of a local wall time (the first of two when the clocks go back)."""
    return datetime.combine(day, when, tzinfo=tz).astimezone(UTC)


def utc(value: datetime) -> datetime:
    """A time read back from the catalog, with its zone (SQLite gives it back without; it was UTC)."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
