"""A quarter asked by its number, read as the day it ended from the report's own columns. Every
excerpt here is made up for the test (no filing's text)."""

import numpy as np

from knowledge.answer.compute.finder import Page
from knowledge.answer.compute.quarter import ends_before, quarter_end
from knowledge.tables import read
from tests.excerpts import QUARTERLY_TREND, SECOND_QUARTER_STATEMENT


def _pages(*texts: str) -> list[Page]:
    return [
        Page("d", n, "", tuple(read(text)), np.zeros((0, 384), dtype=np.float32), n) for n, text in enumerate(texts)
    ]


def test_a_second_quarter_report_names_its_quarters_by_their_end_days() -> None:
    report = _pages(
        QUARTERLY_TREND, SECOND_QUARTER_STATEMENT
    )  # six months beside three: the report is of the second quarter

    assert quarter_end(2, 2031, report) == "June 30"
    assert quarter_end(1, 2031, report) == "March 31"
    assert quarter_end(3, 2031, report) == ""  # a later quarter than the report's own
    assert quarter_end(2, 2030, report) == ""  # another fiscal year: which quarter is which is not said


def test_a_report_that_does_not_say_its_quarter_leaves_the_question_as_asked() -> None:
    assert quarter_end(2, 2031, _pages(QUARTERLY_TREND)) == ""  # no year-to-date columns, no statement of the quarter


def test_a_report_ends_before_a_later_quarter_of_its_own_fiscal_year_only() -> None:
    report = _pages(QUARTERLY_TREND, SECOND_QUARTER_STATEMENT)

    assert ends_before(3, 2031, report) and ends_before(4, 2031, report)
    assert not ends_before(2, 2031, report) and not ends_before(1, 2031, report)
    assert not ends_before(3, 2032, report)  # another fiscal year: not said
    assert not ends_before(3, 2031, _pages(QUARTERLY_TREND))  # the report does not say its quarter
