"""The benchmark's figure grading: computed figures against a gold number, shown rows against a page."""

from __future__ import annotations

from benchmarks.grading import Amount, computed_correct, faults, shown_rows
from benchmarks.grading import gold_amount as read_gold

_PAGE = """WIDGET CO
STATEMENTS OF EARNINGS
(In millions)
Years ended December 31, 2031 2030
Widget sales 1,234 1,100
Less: Gadget costs (456) (400)
Earnings from widgets 778 700
"""


def gold_amount(answer: str, question: str) -> Amount:
    """The gold's amount, which every gold here has."""
    amount = read_gold(answer, question)
    assert amount is not None, answer
    return amount


_ANSWER = """Widget margin FY2031 = earnings FY2031 778 / sales FY2031 1,234 = 63.0 % [1]
Widget sales: FY2031 1,234 · FY2030 1,100 (USD millions) [1]
• Gadget costs: 2031 (456) · 2030 (400) (USD millions) [1]
Earnings from widgets 2031: 778 USD millions [1]
• Less: Gadget costs: three months ended 2031 (456) (USD millions) [1]
• The company sold widgets in many markets: a sentence, not a row. [1]"""


def test_a_computed_figure_is_graded_at_the_gold_precision_and_scale() -> None:
    assert computed_correct(_ANSWER, gold_amount("63%", "What was the widget margin?")) is True
    assert computed_correct(_ANSWER, gold_amount("63.0%", "What was the widget margin?")) is True
    assert computed_correct(_ANSWER, gold_amount("0.63", "What was the widget margin?")) is True
    assert computed_correct(_ANSWER, gold_amount("64.2%", "What was the widget margin?")) is False
    free = "Free cash flow 2031 = operating cash flow 2031 900 - abs(capex 2031 (122)) = 778 USD millions [1]"
    assert computed_correct(free, gold_amount("$0.8 billion", "Free cash flow?")) is True
    assert computed_correct(free, gold_amount("$778.00", "Free cash flow in USD millions?")) is True
    # A German gold writes a decimal comma, hedged or not; a thousands group keeps three digits.
    german = "Widgetmarge FY2031 = Ergebnis FY2031 778 / Umsatz FY2031 1,234 = 63,0 % [1]"
    assert computed_correct(german, gold_amount("63,0 % (778 Mio. USD / 1.234 Mio. USD)", "Widgetmarge?")) is True
    assert computed_correct(german, gold_amount("Rund 63,0 %", "Widgetmarge?")) is True
    # … and a German result groups thousands with dots: "6.313 USD Mio." is 6,313 million.
    cash = "Free Cashflow FY2031 = Cashflow FY2031 7,111 - abs(Investitionen FY2031 (798)) = 6.313 USD Mio. [1]"
    assert computed_correct(cash, gold_amount("$6,313 million", "Free cash flow?")) is True
    assert computed_correct(cash, gold_amount("$6.3 billion", "Free cash flow?")) is True
    assert gold_amount("1,234", "Widget sales?").value == 1234
    assert computed_correct(free, gold_amount("$778.00", "Free cash flow in USD thousands?")) is False
    assert computed_correct("Widget sales: FY2031 1,234 (USD millions) [1]", gold_amount("$1,234 million", "")) is None


def test_only_an_answer_that_is_one_number_has_a_gold_amount() -> None:
    assert read_gold("$1,234 million (up 12% from $1,100 million)", "") is not None
    assert read_gold("59.5 days", "") is not None
    assert read_gold("Yes. Sales rose 12% to $1,234 million.", "") is None
    assert read_gold("not covered", "") is None
    assert read_gold("About 7.76x", "") == Amount(7.76, 2)
    assert read_gold("A decline of about 38.8%", "") == Amount(38.8, 1, percent=True)
    assert read_gold("Rund 29,6 % (29.6%)", "") == Amount(29.6, 1, percent=True)
    assert read_gold("Rund 1.023 Mio. US-Dollar", "") is None
    german = "Bruttomarge FY2021 = Bruttoergebnis FY2021 7.770 / Umsatzerlöse FY2021 10.420 = 74,6 % [1]"
    assert computed_correct(german, gold_amount("Rund 74,6 % (74.6%)", "")) is True


def test_shown_rows_are_read_from_tables_and_looked_up_figures_not_sentences() -> None:
    rows = shown_rows(_ANSWER)
    assert [row.label for row in rows] == [
        "Widget sales",
        "Gadget costs",
        "Earnings from widgets",
        "Less: Gadget costs",
    ]
    assert rows[2].cells == (("2031", "778"),)
    assert all(not faults(row, _PAGE) for row in rows)


def test_a_row_under_a_wrong_label_year_value_or_unit_is_caught() -> None:
    def fault(line: str) -> set[str]:
        (row,) = shown_rows(line)
        return faults(row, _PAGE)

    assert fault("Gizmo sales: FY2031 1,234 · FY2030 1,100 (USD millions) [1]") == {"label"}
    assert fault("Widget sales: FY2029 1,234 · FY2030 1,100 (USD millions) [1]") == {"year"}
    assert fault("Widget sales: FY2031 1,243 · FY2030 1,100 (USD millions) [1]") == {"value"}
    assert fault("Widget sales: FY2031 1,234 · FY2030 1,100 (USD thousands) [1]") == {"unit"}
    # A year that only a figure line carries is no header: "1,234 2031" is not where columns are named.
    assert fault("Widget sales: 1,234 · 1,100 (year not stated on the page) (USD millions) [1]") == set()
