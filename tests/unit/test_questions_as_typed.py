"""Questions as people type them: dates and periods, the move in any tense and language, names
with typos or in Chinese, new subjects, greetings (issue 19 item 5). No I/O."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from knowledge.answer.understand.followup import Context, resolve
from knowledge.answer.understand.question import understand
from knowledge.market.bars import Bar
from knowledge.market.move import measure
from knowledge.market.when import Asked, asked
from knowledge.text.companies import Companies
from knowledge.text.wording import cues, everywhere, languages

# The day after the seed prices' last session (Thursday 18 Dec 2025): relative dates are read from it.
REFERENCE = date(2025, 12, 19)


@pytest.mark.parametrize(
    ("question", "on", "period"),
    [
        ("Why did Alibaba fall on 16 Dec?", date(2025, 12, 16), None),
        ("Why did Alibaba fall on Sunday 14 December?", date(2025, 12, 14), None),
        ("Warum fiel Alibaba am 16. Dezember?", date(2025, 12, 16), None),
        ("Warum fiel Alibaba am 16.12.?", date(2025, 12, 16), None),
        ("Why did Alibaba fall last Friday?", date(2025, 12, 12), None),
        ("Warum fiel Alibaba letzten Freitag?", date(2025, 12, 12), None),
        ("Why did Alibaba fall yesterday?", date(2025, 12, 18), None),
        ("Warum ist Alibaba gestern gefallen?", date(2025, 12, 18), None),
        ("Why did Alibaba drop 5% on Monday?", date(2025, 12, 15), None),  # the figure is no date
        ("Warum fiel Alibaba vergangene Woche?", date(2025, 12, 14), "week"),  # the week up to Sunday 14th
        ("Why did Alibaba fall last week?", date(2025, 12, 14), "week"),
        ("How did Alibaba stock do this week?", None, "week"),
        ("Wie lief die Alibaba-Aktie diese Woche?", None, "week"),
        ("How did Alibaba do since earnings?", None, "earnings"),
        ("Wie entwickelte sich Alibaba seit den Zahlen?", None, "earnings"),
        ("Why is Alibaba down?", None, None),
        ("Why is Alibaba down today?", None, None),  # today: the latest session
        ("What was Apple's revenue in fiscal 2025?", None, None),  # a year is no session
        ("What can you do?", None, None),  # "do" is no Thursday
    ],
)
def test_dates_and_periods_are_read_in_english_and_german(question: str, on: date | None, period: str | None) -> None:
    found = asked(question, REFERENCE)

    assert (found.on, found.period) == (on, period)


def test_a_year_less_date_is_the_last_one_before_the_reference() -> None:
    assert asked("Why did Alibaba fall on 20 Dec?", REFERENCE).on == date(2024, 12, 20)


def _bars(ticker: str, closes: list[float], first: date) -> list[Bar]:
    days = [first + timedelta(days=n) for n in range(40) if (first + timedelta(days=n)).weekday() < 5]
    return [Bar(ticker, day, c, c, c, c, c, 1000, "sample") for day, c in zip(days, closes, strict=False)]


def test_a_period_compares_the_share_with_the_benchmarks_same_period() -> None:
    # Monday 1 Dec 2025 onwards; the share and the index both fall all week, the index gains on Friday.
    share = _bars("BABA", [100, 100, 100, 100, 100, 100, 98, 96, 94, 92], date(2025, 12, 1))
    index = _bars("KWEB", [50, 50, 50, 50, 50, 50, 49, 48, 47, 48], date(2025, 12, 1))

    week = measure(share, since=date(2025, 12, 7), benchmark=index)
    day = measure(share, benchmark=index)

    assert week is not None and day is not None
    assert week.period_change_pct == pytest.approx(-8.0)
    assert week.benchmark_change_pct == pytest.approx(-4.0)  # 50 -> 48 over the same week, not Friday's +2.1 %
    assert day.benchmark_change_pct == pytest.approx(48 / 47 * 100 - 100)


COMPANIES = Companies.default()


@pytest.mark.parametrize(
    ("question", "language", "direction"),
    [
        ("Why is Alibaba down?", "en", -1),
        ("Why did Alibaba fall on 16 Dec?", "en", -1),
        ("Why did Alibaba fall on Sunday 14 December?", "en", -1),
        ("Why has Alibaba dropped since earnings?", "en", -1),
        ("Why did Alibaba rise last Friday?", "en", 1),
        ("Warum ist Alibaba gefallen?", "de", -1),
        ("Warum fiel Alibaba am 16. Dezember?", "de", -1),
        ("Warum fiel Alibaba vergangene Woche?", "de", -1),
        ("Warum ist Alibaba gestiegen?", "de", 1),
        ("Wieso hat Alibaba seit den Zahlen verloren?", "de", -1),
        ("Why did Alibaab fall?", "en", -1),  # a typo in the name
        ("阿里巴巴为什么下跌?", "en", -1),  # the Chinese alias, a Chinese question
        ("How did Alibaba stock do this week?", "en", 0),
        ("Alibaba down again - why?", "en", -1),  # the why-word last
        ("What made Alibaba drop on Tuesday?", "en", -1),
        ("How did BABA trade last week?", "en", 0),
        ("Why has Alibaba gone down since earnings?", "en", -1),
        ("Wie lief Alibaba seit den Zahlen?", "de", 0),
    ],
)
def test_the_move_is_understood_in_every_tense_and_language(question: str, language: str, direction: int) -> None:
    understood = understand(question, language, COMPANIES)

    assert understood.kind == "move"
    assert understood.tickers == ("BABA",)
    assert understood.direction == direction


def test_an_everyday_word_one_letter_off_a_name_is_no_typo_of_it() -> None:
    assert COMPANIES.find_loosely("good morning!") == ()  # not Corning
    assert COMPANIES.find_loosely("why did alibaab fall") == ("BABA",)


def test_a_move_of_something_else_than_the_share_is_a_cause_question() -> None:
    assert understand("Why are Alibaba's margins under pressure?", "en", COMPANIES).kind == "cause"


@pytest.mark.parametrize(
    ("question", "language"),
    [("hi", "en"), ("Hello!", "en"), ("good morning!", "en"), ("hallo", "de"), ("Guten Morgen!", "de"),
     ("What can you do?", "en"),
     ("Hi, what can you do?", "en"), ("Was kannst du?", "de"), ("help", "en")],
)  # fmt: skip
def test_greetings_and_what_can_you_do_ask_for_help(question: str, language: str) -> None:
    understood = understand(question, "en", COMPANIES)

    assert understood.kind == "help"
    assert understood.language == language


@pytest.mark.parametrize("question", ["Hi, why is Alibaba down?", "What can you do about taxes?", "Help with tariffs"])
def test_a_greeting_with_a_question_is_the_question(question: str) -> None:
    assert understand(question, "en", COMPANIES).kind != "help"


def test_a_name_the_table_lacks_is_a_new_subject_not_a_follow_up() -> None:
    context = Context(("BABA",), "Why is Alibaba down?", "en")

    assert resolve("Why is Rheinmetall stock down?", context, COMPANIES).tickers is None
    assert resolve("Warum fällt Rheinmetall?", context, COMPANIES).tickers is None
    assert resolve("hi", context, COMPANIES).tickers is None
    assert resolve("What about its margins?", context, COMPANIES).tickers == ("BABA",)  # still a follow-up
    # German nouns are capitalised: one the sources know is no new subject.
    assert resolve("Und die Marge?", context, COMPANIES, lambda term: term == "marg").tickers == ("BABA",)


def test_what_did_a_company_report_asks_for_an_overview() -> None:
    understood = understand("What did Apple report?", "en", COMPANIES)

    assert understood.tickers == ("AAPL",)
    assert understood.focus == ()


def test_language_files_load_once_per_language_and_cues_cover_word_forms() -> None:
    assert {"en", "de"} <= set(languages())
    assert everywhere("dates", "months")[:2] == ("january", "february")
    pattern = cues(("fall*", "gibt nach", "下跌"))
    assert pattern.search("Alibaba fallen") and pattern.search("die Aktie gibt nach") and pattern.search("为什么下跌")
    assert not pattern.search("a waterfall")
    assert Asked() == asked("", REFERENCE)
