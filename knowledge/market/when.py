"""Which session a question asks about: a date ("on 16 Dec", "am 16. Dezember", "last Friday",
"gestern"), a period ("this week", "vergangene Woche", "since earnings", "seit den Zahlen"), or,
by default, the latest one.

Dates are read by dateparser, in every language with a data file; the periods, and what a
question calls its results, come from the language files (`[dates]`). Relative dates are read
against a reference day the caller gives: the day after the last session with prices, unless
that is later than today, so that "last Friday" means the same to a reader of archived prices.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache, lru_cache

from knowledge.text.wording import everywhere, languages, table

_FIGURE = re.compile(r"[-+\u2212]?\d[\d.,]*\s*%")  # "down 5% on Monday": a figure, not the 5th
_DOTTED = r"\b(\d{1,2})\.(\d{1,2})\.(?!\d)"  # "am 16.12.": a day and month with no year
_LETTERS = re.compile(r"[^\W\d_]{4,}")


@dataclass(frozen=True)
class Asked:
    """The session asked about (None: the latest), the kind of period, if one was asked, and the
    words that said so."""

    on: date | None = None
    period: str | None = None  # "week" or "earnings"
    said: str = ""


@cache
def month_numbers() -> dict[str, int]:
    """Every month name and abbreviation in every language, lower case, to its number."""
    found: dict[str, int] = {}
    for language in languages():
        words = table("dates", language)
        for key in ("months", "month_abbreviations"):
            found.update({name: number for number, name in enumerate(words.get(key, []), 1)})
        found.update(words.get("other_abbreviations", {}))
    return found


@lru_cache(maxsize=1024)
def asked(question: str, reference: date) -> Asked:
    """Read the session and period a question asks about. A date without a year, and a relative
    one, is read as the last such day before `reference`; `reference` itself (and later) means
    the latest session."""
    if said := _phrase(question, "since_results"):
        return Asked(period="earnings", said=said)
    if said := _phrase(question, "this_week"):
        return Asked(period="week", said=said)
    if said := _phrase(question, "last_week"):
        return Asked(on=week_start(reference), period="week", said=said)
    return _day(question, reference)


def week_start(latest: date) -> date:
    """The last day of the week before `latest`'s week: that week is measured from its close."""
    return latest - timedelta(days=latest.weekday() + 1)


def _phrase(question: str, key: str) -> str:
    match = _phrases(key).search(question)
    return match.group(0) if match else ""


@cache
def _phrases(key: str) -> re.Pattern[str]:
    found = sorted(everywhere("dates", key), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(phrase) for phrase in found) + r")\b", re.IGNORECASE)


def _day(question: str, reference: date) -> Asked:
    text = _FIGURE.sub(lambda match: " " * len(match.group(0)), _undotted(question))
    if not _may_date(text):
        return Asked()  # dateparser takes milliseconds per question: only for text that may hold a date
    settings = {"PREFER_DATES_FROM": "past", "RELATIVE_BASE": datetime.combine(reference, datetime.min.time())}
    from dateparser.date import DateDataParser  # loaded with the first question about a date
    from dateparser.search import search_dates

    found = search_dates(text, languages=_dated(), settings=settings) or []
    parser = DateDataParser(languages=_dated(), settings=settings)
    for said, when in found:
        # "do" (German for Thursday) and a bare "2025" or "May" are no day of a session.
        if not (_LETTERS.search(said) or any(ch.isdigit() for ch in said)) or said.strip().isdigit():
            continue
        # Read again, without its preposition, to learn whether it names a day, a week or a month.
        data = parser.get_date_data(_leading_preposition().sub("", said))
        if data.date_obj is not None and data.period not in ("day", "week"):
            continue
        day = (data.date_obj or when).date()
        if data.date_obj is not None and data.period == "week":
            this_week = week_start(reference) < day
            return Asked(on=None if this_week else week_start(day + timedelta(days=7)), period="week", said=said)
        return Asked(on=day if day < reference else None, said=said)
    return Asked()


def _may_date(text: str) -> bool:
    """A figure, a month or a day word ("Friday", "gestern"): worth dateparser's reading."""
    return any(char.isdigit() for char in text) or bool(_day_words().search(text))


@cache
def _day_words() -> re.Pattern[str]:
    found = [*month_numbers(), *everywhere("dates", "day_words")]
    return re.compile(r"\b(?:" + "|".join(re.escape(word) for word in found) + r")\b", re.IGNORECASE)


def _dated() -> list[str]:
    """The languages whose files say how they write dates."""
    return [language for language in languages() if table("dates", language)]


@cache
def _leading_preposition() -> re.Pattern[str]:
    prepositions = "|".join(re.escape(word) for word in everywhere("dates", "date_prepositions"))
    return re.compile(rf"^\s*(?:{prepositions})\s+", re.IGNORECASE)


@cache
def _dotted() -> re.Pattern[str]:
    prepositions = "|".join(re.escape(word) for word in everywhere("dates", "date_prepositions"))
    return re.compile(rf"\b((?:{prepositions})\s+){_DOTTED}", re.IGNORECASE)


def _undotted(question: str) -> str:
    """ "am 16.12." as "am 16 December" (dateparser reads a bare "16.12." as a time of day); only
    after a preposition, since "um 2.9." is a figure."""
    names = {number: name for name, number in month_numbers().items() if len(name) > 3}

    def spelled(match: re.Match[str]) -> str:
        month = int(match.group(3))
        return f"{match.group(1)}{match.group(2)} {names[month]}" if month in names else match.group(0)

    return _dotted().sub(spelled, question)
