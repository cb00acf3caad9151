"""Abbreviations of line items spelled out by row labels; fiscal years in two digits; whole years."""

from __future__ import annotations

import pytest

from knowledge.answer.understand.query import asks_full_year, years
from knowledge.answer.understand.question import asks_count
from knowledge.text.abbreviations import abbreviations, spell_out, spells
from knowledge.text.concepts import concepts


def test_abbreviations_the_concept_table_does_not_know_are_found() -> None:
    assert abbreviations("Quillstone FY23 S&M spend?") == ("S&M",)
    assert abbreviations("Quillstone 9M SBC and MG&A?") == ("SBC", "MG&A")
    assert abbreviations("Quillstone SG&A and capex in FY2023?") == ()  # the concept table knows them
    assert abbreviations("What did Quillstone report?") == ()


@pytest.mark.parametrize(
    ("abbreviation", "label", "expected"),
    [
        ("S&M", "Sales and marketing", True),
        ("MG&A", "Marketing, general, and administrative", True),
        ("SBC", "Stock-based compensation expense", True),  # one word past the letters
        ("PP&E", "Property, plant and equipment, net", True),
        ("S&M", "Sales and marketing expense excluding amortization", False),  # too long to be it
        ("S&M", "Revenue", False),
        ("SBC", "Subscription", False),
        ("GOV", "Total Gross Orders Volume", True),  # the total of what it spells
        ("TCV", "Total Contract Value", True),
    ],
)
def test_a_label_spells_an_abbreviation_by_its_words_initials(abbreviation: str, label: str, expected: bool) -> None:
    assert spells(abbreviation, label) is expected


def test_the_first_label_that_spells_it_is_what_it_stands_for() -> None:
    labels = ["Revenue", "Sales and marketing", "Stock-based compensation"]
    assert spell_out("S&M", labels) == "Sales and marketing"
    assert spell_out("XQZ", labels) == ""


def test_fiscal_years_in_two_digits_are_years() -> None:
    assert years("Quillstone FY22 PP&E?") == (2022,)
    assert years("FY2023 against FY22") == (2023, 2022)
    assert years("Umsatz im GJ23") == (2023,)
    assert years("fiscal '21 results") == (2021,)
    assert years("FY23.5 is no year") == ()


def test_a_whole_year_is_asked_in_so_many_words_and_no_part_of_it() -> None:
    assert asks_full_year("What were Quillstone's total revenues for full-year 2023?")
    assert asks_full_year("Wie hoch war der Nettogewinn von Quillstone im gesamten Geschäftsjahr 2022?")
    assert not asks_full_year("What was Quillstone's revenue in the third quarter of fiscal year 2023?")
    assert not asks_full_year("What was Quillstone's revenue in the first six months of fiscal year 2023?")
    assert not asks_full_year("Quillstone FY22 PP&E?")  # a balance, asked of no span


def test_comparable_sales_are_not_revenue() -> None:
    assert concepts("What drove Quillstone's comparable sales growth in Q2 2023?")[1] == frozenset()
    assert concepts("What drove Quillstone's same-store sales?")[1] == frozenset()
    assert concepts("What were Quillstone's net sales in 2022?")[1] == frozenset({"revenueconcept"})
    assert concepts("Um wie viel stiegen die vergleichbaren Umsätze von Quillstone?")[1] == frozenset()
    assert concepts("Wie hoch war der Umsatz von Quillstone?")[1] == frozenset({"revenueconcept"})


@pytest.mark.parametrize("label", ["Research and development", "Product development", "Technology and development"])
def test_the_statement_lines_companies_name_their_research_spending_by_are_r_and_d(label: str) -> None:
    assert "rndconcept" in concepts(label)[1]
    assert "rndconcept" in concepts("What did Widget Works spend on R&D in 2031?")[1]


@pytest.mark.parametrize(
    ("question", "counts"),
    [
        ("How many Spindles did Widget Works sell in 2031?", True),
        ("Wie viele Spindeln hat Widget Works 2031 verkauft (Stückzahl)?", True),
        ("How many units sold?", True),
        ("How many times did Widget Works turn over its inventory in 2031?", False),  # a ratio
        ("How many days of inventory did Widget Works hold?", False),
        ("How much did Widget Works spend on Spindles?", False),
        ("What was Widget Works' headcount in 2031?", True),
        ("What was the number of employees at Widget Works?", True),
        ("What was Widget Works' number of days sales outstanding?", False),
    ],
)
def test_a_question_asking_how_many_things(question: str, counts: bool) -> None:
    assert asks_count(question) is counts
