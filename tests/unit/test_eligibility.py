"""Which line items a row must name to answer (knowledge/answer/compose/eligibility.py)."""

from __future__ import annotations

from knowledge.answer.compose.eligibility import Coverage

REVENUE, EPS = frozenset({"revenueconcept"}), frozenset({"epsconcept"})
GADGETS, CATEGORY = frozenset({"gadget"}), frozenset({"categori"})
OPERATING_INCOME = frozenset({"operatingincomeconcept"})


def test_of_several_line_items_asked_one_per_row_will_do() -> None:
    # "What revenue and EPS guidance did …": the revenue row and the EPS row each answer a part.
    assert Coverage((REVENUE, EPS), [True, False], [True, False]).names_items()
    assert Coverage((REVENUE, EPS), [False, True], [False, True]).names_items()
    assert not Coverage((REVENUE, EPS), [False, False], [False, False]).names_items()


def test_the_one_line_item_asked_is_never_the_word_left_out() -> None:
    # "What operating income did the Gadgets category earn?": the category's net sales row holds two
    # of the three words asked, but not the line item.
    sales_row = Coverage((OPERATING_INCOME, GADGETS, CATEGORY), [False, True, True], [False, True, False])
    assert not sales_row.names_items() and not sales_row.enough_for_a_figure()
    income_row = Coverage((OPERATING_INCOME, GADGETS, CATEGORY), [True, True, False], [True, True, False])
    assert income_row.names_items() and income_row.enough_for_a_figure()
    # A question naming no line item has none to miss.
    assert Coverage((GADGETS, CATEGORY), [True, True], [True, True]).names_items()
