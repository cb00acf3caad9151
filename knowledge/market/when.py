"""Which session a question asks about: a date ("on 16 December", "am 16.12."), a period ("this
week", "diese Woche", "since earnings", "seit den Zahlen"), or, by default, the latest one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = {
    **{name: number for number, name in enumerate(
        "january february march april may june july august september october november december".split(), 1)},
    **{name: number for number, name in enumerate(
        "januar februar märz april mai juni juli august september oktober november dezember".split(), 1)},
    **{name: number for number, name in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)},
    "mär": 3, "mrz": 3, "okt": 10, "dez": 12, "sept": 9,
}  # fmt: skip
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th|\.)?\s+({_MONTH})\.?(?:\s+(\d{{4}}))?\b", re.IGNORECASE)
_MONTH_DAY = re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?\b", re.IGNORECASE)
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
# "16.12.2025", or "am 16.12." (without a year only after a preposition: "um 2.9." is no date)
_DOTTED = re.compile(r"(\b(?:am|vom|seit|bis|on)\s+)?\b(\d{1,2})\.(\d{1,2})\.(\d{4})?(?!\d)", re.IGNORECASE)
_WEEK = re.compile(r"\b(this|last|past)\s+week\b|\bdiese[rn]?\s+woche\b|\bin\s+der\s+woche\b", re.IGNORECASE)
_EARNINGS = re.compile(
    r"\bsince\s+(?:the\s+)?(?:earnings|results|report)|\bseit\s+(?:den\s+)?(?:zahlen|quartalszahlen|ergebnissen)",
    re.IGNORECASE,
)
_YESTERDAY = re.compile(r"\b(yesterday|gestern)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Asked:
    """The session asked about (None: the latest) and the kind of period, if one was asked."""

    on: date | None = None
    period: str | None = None  # "week" or "earnings"


def asked(question: str, today: date) -> Asked:
    """Read the session and period a question asks about; a date without a year is the last one
    on or before `today`."""
    if _EARNINGS.search(question):
        return Asked(period="earnings")
    if _WEEK.search(question):
        return Asked(period="week")
    if _YESTERDAY.search(question):
        return Asked(on=today - timedelta(days=1))
    return Asked(on=_date(question, today))


def week_start(latest: date) -> date:
    """The last day of the week before the latest session's week: "this week" is measured from its close."""
    return latest - timedelta(days=latest.weekday() + 1)


def _date(question: str, latest: date) -> date | None:
    if match := _ISO.search(question):
        return _safe(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    if match := _DAY_MONTH.search(question):
        return _dated(int(match.group(1)), MONTHS[match.group(2).lower()], match.group(3), latest)
    if match := _MONTH_DAY.search(question):
        return _dated(int(match.group(2)), MONTHS[match.group(1).lower()], match.group(3), latest)
    for match in _DOTTED.finditer(question):
        if match.group(1) or match.group(4):
            return _dated(int(match.group(2)), int(match.group(3)), match.group(4), latest)
    return None


def _dated(day: int, month: int, year: str | None, latest: date) -> date | None:
    if year:
        return _safe(int(year), month, day)
    found = _safe(latest.year, month, day)
    if found is not None and found > latest:  # "16 December" asked in January means last year's
        found = _safe(latest.year - 1, month, day)
    return found


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
