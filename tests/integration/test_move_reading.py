"""Move questions whose verbs no pattern lists (issue 19, item 1: question kinds by meaning too),
read with the real model; questions about a share that ask something else stay as they were."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.answer.understand.move import MoveReading
from knowledge.answer.understand.question import understand
from knowledge.index.embedder import Embedder
from knowledge.text.companies import Companies


@pytest.fixture(scope="module")
def reading(embedder: Embedder, models_dir: Path) -> MoveReading:
    return MoveReading(lambda: embedder, cache_dir=models_dir)


@pytest.mark.parametrize(
    "question",
    [
        "What hit Alibaba's stock in December?",
        "What has been weighing on JD.com shares?",
        "Was hat die Alibaba-Aktie zuletzt gedrückt?",
    ],
)
def test_a_move_asked_with_other_verbs_is_a_move(reading: MoveReading, question: str) -> None:
    assert reading.asks(understand(question, "en", Companies.default()))


@pytest.mark.parametrize(
    "question",
    [
        "What hit Alibaba's margins in 2024?",
        "What did Alibaba's share buyback cost?",
        "What did Alibaba report?",
        "How many shares does JD.com have outstanding?",
        "What hit the stock market in December?",  # no company: nothing to compute a move for
    ],
)
def test_other_questions_about_a_share_stay_as_they_are(reading: MoveReading, question: str) -> None:
    assert not reading.asks(understand(question, "en", Companies.default()))
