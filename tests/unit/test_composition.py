"""How the offline answer arranges what it quotes from a news article."""

from __future__ import annotations

from datetime import date

from knowledge.answer.compose.composer import compose
from knowledge.answer.understand.question import understand
from knowledge.records import Chunk, Passage
from knowledge.text.companies import Companies

ARTICLE = (
    "Alibaba shares fell on Tuesday. Retail sales in China grew only 1.3% in November. "
    "In October the gain had been 2.9%, so growth more than halved within a month, which weighs on Alibaba."
)


def test_two_chosen_sentences_of_one_paragraph_are_shown_in_the_sources_order() -> None:
    chunk = Chunk(
        id="a-v1-0",
        document_id="a",
        text=ARTICLE,
        title="Alibaba slips",
        uri="https://example.com/a",
        page=None,
        tickers=("BABA",),
        kind="news",
        published=date(2025, 12, 16),
        language="en",
    )
    question = understand("Did growth halve within a month for Alibaba?", "en", Companies.default())

    lines = compose(question, (Passage(chunk, 1.0, 0.5, 3.0),), Companies.default()).text.splitlines()

    assert lines == [
        "Retail sales in China grew only 1.3% in November. [1]",
        "• In October the gain had been 2.9%, so growth more than halved within a month, which weighs on Alibaba. [1]",
    ]
