"""Evidence by meaning, without the model: the period asked, the focus, which lines are embedded."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from knowledge.answer.compose.evidence import _LINES, _likeliest, focus_of
from knowledge.answer.compose.meaning import Meaning, about
from knowledge.answer.compose.unit import Unit
from knowledge.answer.understand.query import quarters
from knowledge.answer.understand.question import understand
from knowledge.index.embedder import Vectors
from knowledge.index.recent import remembering
from knowledge.text.companies import Companies


class CountingEmbedder:
    """A stand-in model: one fixed vector per text (by its length), and a record of what it embedded."""

    name = "counting"

    def __init__(self) -> None:
        self.seen: list[str] = []

    def embed(self, texts: Sequence[str]) -> Vectors:
        self.seen.extend(texts)
        vectors = np.array([[1.0, float(len(text) % 7)] for text in texts], dtype=np.float32)
        normed: Vectors = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
        return normed


def _sentence(text: str, passage: int, stems: frozenset[str] = frozenset()) -> Unit:
    return Unit(text, text, "sentence", passage, 0, "en", stems, frozenset())


def _row(label: str, heading: str = "") -> Unit:
    return Unit(
        f"{label}: 2024 8,712 · 2023 7,219", label, "row", 0, 0, "en", frozenset(), frozenset(), heading=heading
    )


def test_quarters_are_read_in_every_spelling() -> None:
    assert quarters("What was RevPAR in Q2 2023?") == {2}
    assert quarters("JNJ_2023Q2_EARNINGS") == {2}
    assert quarters("in the third fiscal quarter") == {3}
    assert quarters("Umsatz im zweiten Quartal") == {2}
    assert quarters("Quarterly dividends, FAQ1, Q22") == frozenset()


def test_the_focus_drops_the_company_and_names_the_line_item_plainly() -> None:
    companies = Companies.default()
    question = understand("What was JD.com's capex in 2024?", "en", companies)

    focus = focus_of(question, companies)

    assert "JD.com" not in focus
    assert "capital expenditure" in focus


def test_a_row_is_compared_by_its_label_and_a_bare_total_by_its_table() -> None:
    assert about(_row("Additions to property and equipment")) == "Additions to property and equipment"
    assert about(_row("Total", heading="Cash flows from investing activities")) == (
        "Total (Cash flows from investing activities)"
    )


def test_each_line_is_embedded_once_across_questions() -> None:
    embedder = CountingEmbedder()
    meaning = Meaning(remembering(lambda: embedder))
    lines = [_row("Net earnings"), _row("Depreciation and amortization")]

    first = meaning.compare("net income", lines)
    second = meaning.compare("profit", lines)

    assert len(first) == len(second) == 2
    assert embedder.seen == ["net income", "Net earnings", "Depreciation and amortization", "profit"]


def test_the_lines_holding_the_asked_words_are_embedded_first() -> None:
    question = understand("What are the main risks for Acme?", "en", Companies.default())
    plain = [_sentence(f"Line {number} says nothing asked.", passage=0) for number in range(2 * _LINES)]
    asked = _sentence("The main risk is the weather.", passage=5, stems=frozenset({"main", "risk"}))

    kept = _likeliest([*plain, asked], question)

    assert len(kept) == _LINES
    assert kept[0] == asked
    assert kept[1:] == plain[: _LINES - 1]  # the others in their order: the best passages' first
