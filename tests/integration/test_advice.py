"""Advice and price-forecast requests against look-alikes (issue 19, item 1), with the real model.

A price asked of the future is a forecast request; a question why a stock moved, one about a
company whose name holds "Buy", or one with a misspelt name asks for facts.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from knowledge.answer.understand.advice import MASK, AdviceDetector, is_advice_request, masked
from knowledge.index.embedder import Embedder
from knowledge.text.companies import Companies


@pytest.fixture(scope="module")
def detector(embedder: Embedder, models_dir: Path) -> AdviceDetector:
    return AdviceDetector(lambda: embedder, cache_dir=models_dir)


@pytest.mark.parametrize(
    "question",
    [
        "What price will Alibaba stock reach by the end of 2026?",
        "Where will Siemens shares trade next spring?",
        "Welchen Kurs erreicht die Alibaba-Aktie bis Ende 2026?",
        "Is Best Buy a buy after the holiday quarter?",
    ],
)
def test_price_forecasts_and_calls_are_advice_requests(detector: AdviceDetector, question: str) -> None:
    assert detector.detect(question)


@pytest.mark.parametrize(
    "question",
    [
        "Why is Rheinmetall stock down?",
        "Warum ist die Rheinmetall-Aktie gefallen?",
        "What was Best Buy's revenue in fiscal 2023?",
        "How much inventory did Best Buy hold at the end of fiscal 2023?",
        "Did Best Buy buy back shares in fiscal 2023?",
        "What is Best Buy's gross margin?",
        "Why is Alibaab down?",
        "Warum fällt Alibaab?",
        "What price target did Morgan Stanley set for Alibaba?",
    ],
)
def test_look_alikes_are_answered(detector: AdviceDetector, question: str) -> None:
    assert not detector.detect(question)


@pytest.mark.parametrize(
    "question",
    [
        "Plinth Systems at these levels: tempting, or a trap?",
        "Quarrel Foods has halved, time to scoop some up?",
        "Reicht mein Mut für einen Einstieg bei Plinth?",
        "Ist der Kurssturz bei Quarrel Foods eher Chance oder Falle?",
    ],
)
def test_the_learned_reading_recognises_requests_no_pattern_names(detector: AdviceDetector, question: str) -> None:
    assert not is_advice_request(masked(question, Companies.default()))

    assert detector.detect(question)


@pytest.mark.parametrize(
    "question",
    [
        "How much did Quarrel Foods pay to buy its rival?",
        "What sales target did Plinth Systems set for its new plant?",
        "Wie viele Aktien hat Quarrel Foods im letzten Jahr zurückgekauft?",
        "Sollte ich für die Schulden von Plinth den Jahresbericht lesen?",
    ],
)
def test_the_learned_reading_answers_questions_with_trade_words(detector: AdviceDetector, question: str) -> None:
    assert not detector.detect(question)


@pytest.mark.parametrize(
    ("question", "kept"),
    [
        ("What hit Quillstone's stock in December 2025?", "December"),
        ("Why did Quillstone fall on Friday?", "Friday"),
        ("Warum fiel die Alibaba-Aktie am Freitag im März?", "Freitag im März"),
    ],
)
def test_month_and_day_names_are_not_masked_as_company_names(question: str, kept: str) -> None:
    text = masked(question, Companies.default())
    assert kept in text and MASK in text and "Quillstone" not in text and "Alibaba" not in text


def test_a_question_about_past_years_asks_what_was_reported(embedder: Embedder, models_dir: Path) -> None:
    """The learned reading takes "opex" (no word it was fitted on) for a trade word; a question
    dated in the past, for no one in particular, asks for a reported figure. A year ahead stays a
    forecast, and "I" still asks for advice."""
    detector = AdviceDetector(lambda: embedder, cache_dir=models_dir, today=lambda: date(2026, 12, 5))
    assert not detector.detect("Quillstone 2020 total opex?")
    assert detector.detect("What price will Quillstone stock reach by the end of 2027?")
    assert detector.detect("Should I have sold my Quillstone shares in 2020?")
