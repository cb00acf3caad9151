"""A question asking how many is answered by a count, not by money or a share (made-up lines)."""

from __future__ import annotations

import pytest

from knowledge.answer.check.counts import states_count


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Active Buyers 3M to June 30, 2023: 132 million [1]", "en"),
        ("Widget Works had about 16,400 employees as of September 24, 2023. [1]", "en"),
        ("Widget Works betrieb Ende 2023 rund 1.250 Filialen in Europa. [1]", "de"),
    ],
)
def test_a_count_is_a_figure_that_is_neither_money_nor_a_share(text: str, language: str) -> None:
    assert states_count(text, language)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Total net sales rose 8% or $28.5 billion in 2023, driven by higher widget sales. [1]", "en"),
        ("Net revenues Q 2023: 2,540 USD millions [1]", "en"),
        ("Senior notes: 2031 · 1.95 · 1,500 · 1,489 (USD millions) [2]", "en"),
        ("Der Umsatz stieg um 12 Prozent auf 3,4 Mrd. Euro. [1]", "de"),
        ("Expenses were flat in the third quarter and the first nine months of 2023 (1). [1]", "en"),
    ],
)
def test_money_shares_years_and_markers_are_no_count(text: str, language: str) -> None:
    assert not states_count(text, language)
