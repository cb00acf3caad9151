"""The phrasings of issue 19 as a user types them, answered over the seeds (real model, Chroma,
SQLite and the sample prices, which end on Thursday 18 Dec 2025)."""

from __future__ import annotations

from datetime import date

import pytest

from knowledge.answer.understand.followup import Context
from knowledge.wiring.answering import Answering


@pytest.mark.parametrize(
    ("question", "session"),
    [
        ("Warum ist Alibaba gefallen?", date(2025, 12, 18)),
        ("Warum fiel Alibaba am 16. Dezember?", date(2025, 12, 16)),
        ("Why did Alibaba fall on 16 Dec?", date(2025, 12, 16)),
        ("Why did Alibaab fall?", date(2025, 12, 18)),
        ("阿里巴巴为什么下跌?", date(2025, 12, 18)),
        ("Why did Alibaba fall last Friday?", date(2025, 12, 12)),
    ],
)
def test_the_move_is_answered_in_every_tense_language_and_spelling(
    seeded: Answering, question: str, session: date
) -> None:
    answer = seeded.ask(question)

    assert answer.grounded and answer.move is not None
    assert (answer.move.ticker, answer.move.session) == ("BABA", session)


def test_a_forecast_of_a_line_item_the_sources_lack_is_not_padded_with_other_facts(seeded: Answering) -> None:
    answer = seeded.ask("What will Alibaba's revenue be in 2026?")

    assert answer.advice_request and not answer.grounded and answer.citations == ()
    assert "hold no facts" in answer.text

    # A plain request for a call still gets the facts about the company.
    called = seeded.ask("Should I buy Alibaba?")
    assert called.advice_request and called.citations


def test_a_past_sessions_move_is_explained_by_the_next_days_report_of_it(seeded: Answering) -> None:
    answer = seeded.ask("Why did Alibaba fall on 16 Dec?")

    assert answer.move is not None and answer.move.session == date(2025, 12, 16)
    assert "17 Dec — Alibaba's stock fell this week" in answer.text
    assert any(citation.published == "2025-12-17" for citation in answer.citations)


@pytest.mark.parametrize("question", ["Alibaab down?", "Alibaba Aktie fällt?", "Alibaba stock up today?"])
def test_a_company_and_a_move_word_alone_ask_for_the_move(seeded: Answering, question: str) -> None:
    answer = seeded.ask(question)

    assert answer.move is not None and answer.move.ticker == "BABA"
    assert not answer.advice_request


def test_a_company_a_move_word_and_a_topic_still_ask_about_the_topic(seeded: Answering) -> None:
    answer = seeded.ask("Alibaba margins down?")

    assert answer.move is None


def test_a_day_without_a_session_snaps_back_and_the_answer_says_so(seeded: Answering) -> None:
    answer = seeded.ask("Why did Alibaba fall on Sunday 14 December?")

    assert answer.move is not None and answer.move.session == date(2025, 12, 12)
    assert "14 Dec 2025 was not a trading day" in answer.text


def test_periods_are_measured_with_the_benchmark_over_the_same_days(seeded: Answering) -> None:
    week = seeded.ask("How did Alibaba stock do this week?").move
    last_week = seeded.ask("Warum fiel Alibaba vergangene Woche?").move
    results = seeded.ask("How did Alibaba do since earnings?").move
    seit = seeded.ask("Wie entwickelte sich Alibaba seit den Zahlen?").move
    day = seeded.ask("Why is Alibaba down?").move

    assert week is not None and last_week is not None and results is not None and day is not None
    assert (week.period_start, week.session) == (date(2025, 12, 12), date(2025, 12, 18))
    assert (last_week.period_start, last_week.session) == (date(2025, 12, 5), date(2025, 12, 12))
    # The newest results document about the company (its interim results, 25 Nov 2025).
    assert results.period_start == date(2025, 11, 25) and seit == results
    # The benchmark's week, not its last day.
    assert week.benchmark_change_pct is not None and week.benchmark_change_pct != day.benchmark_change_pct


def test_since_earnings_without_a_results_document_says_it_shows_the_latest_session(seeded: Answering) -> None:
    answer = seeded.ask("Why has Baidu gone down since earnings?")

    assert answer.move is not None and answer.move.ticker == "BIDU" and answer.move.period_start is None
    assert "No results document about Baidu is indexed" in answer.text


def test_an_unknown_company_after_a_known_one_is_not_answered_about_the_known_one(seeded: Answering) -> None:
    first = seeded.ask("Why is Alibaba down?")
    context = Context(first.tickers, first.topic, first.language)

    answer = seeded.ask("Why is Rheinmetall stock down?", context)

    assert not answer.grounded and answer.move is None and answer.tickers == ()
    assert "Alibaba" not in answer.text


@pytest.mark.parametrize(
    ("question", "language"), [("hi", "en"), ("hallo", "de"), ("what can you do?", "en"), ("Was kannst du?", "de")]
)
def test_greetings_get_the_short_help_answer(seeded: Answering, question: str, language: str) -> None:
    answer = seeded.ask(question)

    assert answer.mode == "help" and answer.language == language
    assert ("Why is Alibaba down?" if language == "en" else "Warum fällt Alibaba?") in answer.text
    assert "not cover" not in answer.text and "nicht ab" not in answer.text


@pytest.mark.parametrize(
    ("question", "language"),
    [("are you a robot?", "en"), ("danke dir, bis morgen", "de"), ("Bist du eine KI?", "de"), ("nice one", "en")],
)
def test_small_talk_no_phrase_list_holds_gets_the_help_answer(seeded: Answering, question: str, language: str) -> None:
    answer = seeded.ask(question)

    assert answer.mode == "help" and answer.language == language
    assert not answer.advice_request


@pytest.mark.parametrize("question", ["why though", "und die Marge?", "Should I buy stocks now?", "what is EBITDA?"])
def test_short_questions_and_follow_ups_are_not_taken_for_small_talk(seeded: Answering, question: str) -> None:
    first = seeded.ask("Why is Alibaba down?")

    alone, followed = seeded.ask(question), seeded.ask(question, Context(first.tickers, first.topic, first.language))

    assert alone.mode != "help" and followed.mode != "help"


@pytest.mark.parametrize("question", ["Apple fiscal 2025 highlights", "What did Apple report?"])
def test_a_documents_title_and_what_a_company_reported_are_answered(seeded: Answering, question: str) -> None:
    answer = seeded.ask(question)

    assert answer.grounded
    assert all("Apple" in citation.title for citation in answer.citations)
