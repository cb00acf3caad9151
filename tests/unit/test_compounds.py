"""German compounds read as the finance words they join."""

from __future__ import annotations

import pytest

from knowledge.answer.understand.question import understand
from knowledge.text.companies import Companies
from knowledge.text.compounds import split
from knowledge.text.concepts import concepts


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("Umsatzwachstum", "Umsatz Wachstum"),
        ("Gewinnrückgang", "Gewinn Rückgang"),
        ("Unternehmen", "Unternehmen"),  # no two known parts
        ("Bruttomarge", "Bruttomarge"),  # a known word stays whole
    ],
)
def test_a_compound_of_two_known_parts_is_split(text: str, parts: str) -> None:
    assert split(text) == parts


def test_a_german_question_asking_in_one_word_names_the_item_and_the_metric() -> None:
    question = understand("Wie hoch war das Umsatzwachstum von Alibaba 2022?", "de", Companies.default())
    assert {"revenueconcept"} in [set(group) for group in question.focus]
    assert "Umsatz Wachstum" in question.core


def test_a_compound_hyphenated_before_a_noun_is_split_unless_the_whole_is_a_known_phrase() -> None:
    assert split("Wie hoch waren die SG&A-Kosten?") == "Wie hoch waren die SG&A Kosten?"
    assert concepts(split("Wie hoch waren die R&D-Ausgaben?"))[1] == frozenset({"rndconcept"})
    assert split("Wie hoch war die EBIT-Marge?") == "Wie hoch war die EBIT-Marge?"  # a phrase of its own
    assert split("Non-GAAP") == "Non-GAAP"  # no noun after the hyphen
