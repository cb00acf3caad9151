"""Computed figures: the formula language, Decimal results, periods and units kept apart."""

from decimal import Decimal

import numpy as np
import pytest

from knowledge.answer.compute.calculator import (
    Calculator,
    _Ask,
    _documents,
    _looks_up,
    _near_enough,
    _quarter,
    as_asked,
)
from knowledge.answer.compute.catalogue import Metric, catalogue
from knowledge.answer.compute.definition import definition
from knowledge.answer.compute.figure import Figure, Input, number, result
from knowledge.answer.compute.finder import (
    Found,
    Page,
    _in_order,
    best,
    cell,
    nearest_years,
    plain_text,
    plain_wordings,
    shown_name,
)
from knowledge.answer.compute.formula import FormulaError, base_name, parse
from knowledge.answer.compute.rows import restate
from knowledge.answer.understand.query import years
from knowledge.answer.understand.question import understand
from knowledge.tables import read
from knowledge.text.companies import Companies


def test_formula_is_evaluated_with_decimal_and_shown_with_its_inputs() -> None:
    formula = parse("365 * ((inventory + inventory_prev) / 2) / cost_of_sales")
    value = formula.evaluate({"inventory": Decimal(120), "inventory_prev": Decimal(100), "cost_of_sales": Decimal(730)})
    assert value == Decimal(55)
    assert formula.names == ("inventory", "inventory_prev", "cost_of_sales")
    assert formula.shown({"inventory": "A", "inventory_prev": "B", "cost_of_sales": "C"}) == "365 * ((A + B) / 2) / C"


@pytest.mark.parametrize("text", ["__import__('os').system('x')", "a.b", "[1, 2]", "open(1)", "a if b else c"])
def test_nothing_but_arithmetic_parses(text: str) -> None:
    with pytest.raises(FormulaError):
        parse(text)


def test_a_zero_divisor_is_an_error_not_a_figure() -> None:
    with pytest.raises(FormulaError):
        parse("a / b").evaluate({"a": Decimal(1), "b": Decimal(0)})


def test_results_in_their_units_and_languages() -> None:
    known = catalogue()
    assert result(Decimal("0.34636"), "percent", "", known, "en") == "34.6 %"
    assert result(Decimal("1234.5"), "amount", "USD millions", known, "en") == "1,235 USD millions"
    assert number(Decimal("1234.56"), 1, "de") == "1.234,6"


def test_an_expense_printed_in_parentheses_is_a_cost_not_a_negative_ratio() -> None:
    # "Interest expense (594,954)": the page's sign for a cost; coverage and days are never negative.
    known = catalogue()
    coverage = known.metrics[[m.name("en") for m in known.metrics].index("Interest coverage")]
    assert coverage.formula.evaluate({"operating_income": Decimal(1200), "interest_expense": Decimal(-400)}) == 3
    days = known.metrics[[m.name("en") for m in known.metrics].index("Days inventory outstanding")]
    inputs = {"inventory": Decimal(100), "inventory_prev": Decimal(100), "cost_of_sales": Decimal(-730)}
    assert days.formula.evaluate(inputs) == 50


PAGE = """(in millions)
Three Months Ended Six Months Ended
2024 2023 2024 2023
Net sales 510 480 1,020 950
"""


def test_a_quarter_is_never_read_as_the_year() -> None:
    row = read(PAGE)[0].rows[0]
    assert cell(row, 2024, quarterly=True) is not None
    assert cell(row, 2024, quarterly=False) is None  # no year's column: nothing to compute from
    assert nearest_years([row], quarterly=True, back=1) == 2024


def test_the_nearest_label_wins_and_a_taken_row_is_not_used_twice() -> None:
    tables = read("(in millions)\n2024 2023\nRevenue 900 800\nCost of revenue 400 350\n")
    vectors = np.eye(2, dtype=np.float32)  # stand-ins for the two labels' vectors
    page = Page("doc", 3, "income", tuple(tables), vectors, 0)
    asked = np.array([[0.9, 0.1]], dtype=np.float32)
    found = best(asked, frozenset(), [page], (2024,), False, amounts=True, excluded=None)
    assert found is not None and found.row.label == "Revenue"
    again = best(
        asked, frozenset(), [page], (2024,), False, amounts=True, excluded=None, taken=frozenset({id(found.row)})
    )
    assert again is not None and again.row.label == "Cost of revenue"


def test_each_input_is_cited_when_they_come_from_two_pages() -> None:
    tables = read("(in millions)\n2024 2023\nRevenue 900 800\n")
    row = tables[0].rows[0]
    one = Found(row, tables[0], Page("doc", 3, "income", tuple(tables), np.zeros((1, 2), dtype=np.float32), 0), 1.0)
    two = Found(row, tables[0], Page("doc", 5, "", tuple(tables), np.zeros((1, 2), dtype=np.float32), 0), 1.0)
    figure = Figure("Ratio FY2024", "{0} / {1}", (Input("a", one, "900"), Input("b", two, "800")), "1.13", Decimal(1))
    assert figure.line({("doc", 3): 1, ("doc", 5): 2}) == "Ratio FY2024 = a 900 [1] / b 800 [2] = 1.13"


def test_a_quoted_row_is_shown_under_its_columns_and_unit_or_says_what_is_missing() -> None:
    tables = read("(in thousands)\nYears Ended March 31, 2024 2023\nLicence fees 1,200 1,100\nServices 300\n")
    assert restate("• Licence fees: 1,200 · 1,100 (USD millions) [2]", tables, "en") == (
        "• Licence fees: FY2024 1,200 · FY2023 1,100 (thousands) [2]"
    )
    assert restate("Services: 300 [1]", tables, "en") == "Services: 300 (year not stated on the page) (thousands) [1]"
    assert restate("Revenue rose: a lot [1]", tables, "en") == "Revenue rose: a lot [1]"  # no such row


def test_a_label_that_negates_is_not_the_item_it_is_worded_like() -> None:
    tables = read("(in millions)\n2024 2023\nDividends declared and not paid 130 120\nDividends paid 520 480\n")
    vectors = np.array([[1.0, 0.0], [0.8, 0.6]], dtype=np.float32)  # the negated label comes nearer
    page = Page("doc", 3, "cash_flow", tuple(tables), vectors, 0)
    asked = np.array([[1.0, 0.0]], dtype=np.float32)
    found = best(asked, frozenset({"dividends paid"}), [page], (2024,), False, amounts=True, excluded=None)
    assert found is not None and found.row.label == "Dividends paid"
    negated = best(asked, frozenset({"dividends not paid"}), [page], (2024,), False, amounts=True, excluded=None)
    assert negated is not None and negated.row.label == "Dividends declared and not paid"


def test_a_label_holding_the_wording_in_order_wins_over_one_as_near_by_meaning() -> None:
    statement = "(in millions)\n2024 2023\nOther expense (income), net 140 150\nNet income attributable to us 900 800\n"
    tables = read(statement)
    vectors = np.array([[1.0, 0.0], [0.95, 0.31]], dtype=np.float32)  # the model places "Other …" nearer
    page = Page("doc", 3, "income", tuple(tables), vectors, 0)
    found = best(np.array([[1.0, 0.0]], dtype=np.float32), frozenset({"net income"}), [page], (2024,), False,
                 amounts=True, excluded=None)  # fmt: skip
    assert found is not None and found.row.label == "Net income attributable to us"


def test_a_row_in_a_companys_own_words_is_taken_when_it_clearly_stands_out() -> None:
    tables = read("(in millions)\n2024 2023\nTotal selling and administrative expense 500 450\n")
    row = tables[0].rows[0]
    page = Page("doc", 3, "income", tuple(tables), np.zeros((1, 2), dtype=np.float32), 0)
    assert _near_enough(Found(row, tables[0], page, 0.66, runner_up=0.41))
    assert not _near_enough(Found(row, tables[0], page, 0.66, runner_up=0.6))
    assert _near_enough(Found(row, tables[0], page, 0.8, runner_up=0.79))


def test_a_one_year_formula_is_not_computed_for_a_longer_span_nor_over_a_ratio() -> None:
    known = catalogue()
    average = next(metric for metric in known.metrics if metric.formula.names == ("asked", "asked_prev"))
    calculator = Calculator(_Unused)

    def figures(asked: str) -> list[object]:
        question = understand(asked, "en", Companies.default())
        return list(
            calculator._metric_figures(_Ask(question, known, False, years(question.core), None), average, "", [])
        )

    # Both are declined before any row is looked for (looking would embed the item's words).
    assert figures("What was Alibaba's three-year average revenue from 2020 to 2022?") == []
    assert figures("What was Alibaba's average cost of sales as a % of revenue in 2022?") == []


def test_a_label_the_question_quotes_whole_wins_over_its_near_twin() -> None:
    text = "(in millions)\n2022 2021\nNet cash provided by continuing operating activities 2,627 2,900\n"
    tables = read(text + "Net cash provided by operating activities 2,254 2,657\n")
    vectors = np.array([[0.80, 0.6], [0.82, 0.57]], dtype=np.float32)  # the total comes a little nearer
    page = Page("doc", 3, "cash_flow", tuple(tables), vectors, 0)
    asked = np.array([[1.0, 0.0]], dtype=np.float32)
    quoted = plain_text("Compute free cash flow as net cash provided by continuing operating activities minus capex.")
    found = best(asked, frozenset(), [page], (2022,), False, amounts=True, excluded=None, quoted=quoted)
    assert found is not None and found.row.label.startswith("Net cash provided by continuing")
    plain = best(asked, frozenset(), [page], (2022,), False, amounts=True, excluded=None)
    assert plain is not None and plain.row.label == "Net cash provided by operating activities"


class _Unused:
    """An embedder that must not be needed."""

    name = "unused"

    def embed(self, texts: object) -> np.ndarray:
        raise AssertionError("rows were looked for")


def test_a_question_naming_no_year_reads_the_latest_filing_first() -> None:
    none = np.zeros((1, 2), dtype=np.float32)
    old = Page("older", 3, "income", tuple(read("(in millions)\n2018 2017\nGoodwill 900 800\n")), none, 0)
    new = Page("newer", 5, "income", tuple(read("(in millions)\n2022 2021\nGoodwill 990 950\n")), none, 1)
    assert [filing[0].document_id for filing in _documents([old, new])] == ["older", "newer"]  # by rank
    assert [filing[0].document_id for filing in _documents([old, new], latest_first=True)] == ["newer", "older"]


def test_only_a_wording_held_whole_and_in_order_earns_the_bonus() -> None:
    wordings = plain_wordings(("net income", "net income (loss)"))
    assert _in_order("net income attributable to us", wordings)
    assert not _in_order("accumulated other comprehensive income loss", wordings)  # "income (loss)" alone
    assert not _in_order("other expense income net", wordings)


def test_a_row_whose_years_come_twice_under_no_named_span_says_so() -> None:
    tables = read("(in thousands)\n2022 2021 2022 2021\nRegional operations 991 899 3,815 3,392\n")
    shown = restate("Regional operations: 991 · 899 · 3,815 · 3,392 [1]", tables, "en")
    assert shown == (
        "Regional operations: 2022 991 · 2021 899 · 2022 3,815 · 2021 3,392 "
        "(the page names no periods here, and a year appears more than once) (thousands) [1]"
    )


def test_a_change_of_a_named_line_item_is_computed_but_a_cause_is_not() -> None:
    calculator = Calculator(lambda: None)  # type: ignore[arg-type,return-value]  # wants() embeds nothing
    asked = understand("Compute the year-over-year change in Alibaba's revenue in Q1 2023.", "en", Companies.default())
    assert calculator.wants(asked)
    assert not calculator.wants(understand("What drove the change in Alibaba's revenue?", "en", Companies.default()))


def test_year_end_balances_replace_the_average_when_the_question_says_so() -> None:
    known = catalogue()
    days = next(metric for metric in known.metrics if metric.key == "dio")

    def formula(asked: str) -> str:
        return as_asked(days, understand(asked, "en", Companies.default()), known).formula.text

    assert formula("Using year-end inventories, what were Alibaba's days of inventory in 2022?") == (
        "365 * inventory / abs(cost_of_sales)"
    )
    assert "inventory_prev" in formula("What were Alibaba's days of inventory for the fiscal year ending March 2022?")
    assert "inventory_prev" in formula(
        "What was Alibaba's DIO, using the average of the 2022 and 2021 year-end inventories?"
    )


def test_a_row_the_question_narrows_the_item_to_wins_over_the_total_and_a_residual_is_no_item() -> None:
    rows = "Widgets 300 280\nServices 210 190\nOther revenues 8 7\nTotal revenues 518 477\n"
    tables = read(f"(in millions)\n2024 2023\n{rows}")
    # The model places the total (and the residual) nearer to "revenues" than a product's row.
    vectors = np.array([[0.4, 0.92], [0.4, 0.92], [0.99, 0.14], [0.97, 0.24]], dtype=np.float32)
    page = Page("doc", 3, "income", tuple(tables), vectors, 0)
    asked = np.array([[1.0, 0.0]], dtype=np.float32)

    def found(question: str) -> str:
        items = frozenset({"revenueconcept"})
        focus = understand(question, "en", Companies.default()).focus
        qualifiers = tuple(group for group in focus if not any(token.endswith("concept") for token in group))
        row = best(asked, frozenset({"revenues"}), [page], (2024,), False, amounts=True, excluded=None,
                   quoted=plain_text(question), qualifiers=qualifiers, items=items)  # fmt: skip
        assert row is not None
        return row.row.label

    assert found("What were Widget Works' services revenues in 2024?") == "Services"
    assert found("What were Widget Works' revenues in 2024?") == "Total revenues"  # "Other …" is what is left
    assert found("What were Widget Works' other revenues in 2024?") == "Other revenues"


def test_a_segment_row_counts_as_the_item_its_sub_table_names_and_is_shown_with_it() -> None:
    text = (
        "(in millions)\n2024 2023\nSegment revenue:\nWidgets 300 280\nServices 210 190\n"
        "Segment operating income:\nWidgets 60 50\nServices 40 30\nTotal operating income 100 80\n"
    )
    tables = read(text)
    vectors = np.array([[0.2, 0.98]] * 4 + [[1.0, 0.0]], dtype=np.float32)
    page = Page("doc", 3, "", tuple(tables), vectors, 0)
    question = "What was the operating income of Widget Works' Services segment in 2024?"
    focus = understand(question, "en", Companies.default()).focus
    qualifiers = tuple(group for group in focus if not any(token.endswith("concept") for token in group))
    items = frozenset({"operatingincomeconcept"})
    row = best(np.array([[1.0, 0.0]], dtype=np.float32), frozenset(), [page], (2024,), False, amounts=True,
               excluded=None, quoted=plain_text(question), qualifiers=qualifiers, items=items)  # fmt: skip
    assert row is not None and (row.row.label, row.row.group) == ("Services", "Segment operating income:")
    assert shown_name(row.row, items) == "Segment operating income — Services"


def test_a_ratio_spelled_out_in_an_aside_is_computed_and_a_payment_counts_by_its_size() -> None:
    asked = (
        "What share of its fiscal 2022 net income did Widget Works pay out as dividends (payments for "
        "dividends divided by net income)? Answer in percent with one decimal."
    )
    metric = definition(understand(asked, "en", Companies.default()))
    assert metric is not None and metric.result == "percent"
    assert metric.name("en") == "Payments for dividends / net income"
    assert metric.formula.text == "abs(payments_for_dividends) / net_income"
    plain = definition(understand("What was Widget Works' ratio (cash divided by total assets) in 2022?", "en",
                                   Companies.default()))  # fmt: skip
    assert plain is not None and plain.result == "ratio" and plain.formula.text == "cash / total_assets"


def test_a_dated_what_was_question_may_name_a_row_no_word_list_knows() -> None:
    def looks_up(asked: str) -> bool:
        return _looks_up(understand(asked, "en", Companies.default()))

    assert looks_up("What was Widget Works' headcount at the end of 2023?")
    assert not looks_up("Who runs Widget Works?")
    assert not looks_up("What was Widget Works' headcount?")  # no period: the answer is the sources' text


def test_a_sub_table_title_that_names_another_item_is_not_shown_with_the_row() -> None:
    group = "Selling, general & administrative expenses"
    tables = read(f"(in millions)\n2024 2023\n{group}\nEARNINGS PER SHARE-DILUTED 3.15 1.6\n")
    row = tables[0].rows[0]
    assert row.group == group
    assert shown_name(row, frozenset({"epsconcept"})) == "EARNINGS PER SHARE-DILUTED"


def test_a_sum_or_difference_the_question_defines_is_computed_term_by_term() -> None:
    asked = (
        "What was Widget Works' net debt at June 30, 2023, defined as short-term plus long-term debt minus "
        "cash and cash equivalents (excluding investments)? Answer in USD millions."
    )
    metric = definition(understand(asked, "en", Companies.default()))
    assert metric is not None and metric.name("en") == "Net debt" and metric.result == "amount"
    # "short-term" shares the next term's noun: short-term debt.
    assert metric.formula.text == "short_term_debt + long_term_debt - cash_and_cash_equivalents"


def test_a_dash_is_nil_and_a_term_quoted_by_the_question_is_found_by_its_own_words() -> None:
    text = "(in millions)\nJune 30, 2023 December 31, 2022\nShort-term debt — 1,150\nLong-term debt 7,721 7,721\n"
    tables = read(text, section="balance_sheet")
    short = tables[0].rows[0]
    assert cell(short, 2023, False) is not None and cell(short, 2023, False).value == 0  # type: ignore[union-attr]
    vectors = np.array([[0.99, 0.14], [0.86, 0.51]], dtype=np.float32)
    page = Page("doc", 7, "balance_sheet", tuple(tables), vectors, 0)
    asked = np.array([[1.0, 0.0]], dtype=np.float32)
    found = best(asked, frozenset({"short term debt"}), [page], (2023,), False, amounts=False, excluded=None,
                 quoted=plain_text("short term debt"))  # fmt: skip
    assert found is not None and found.row.label == "Short-term debt"


def test_a_forecast_computes_no_reported_figure() -> None:
    calculator = Calculator(_Unused)
    asked = understand("What gross margin does Widget Works expect for fiscal 2024?", "en", Companies.default())
    assert asked.kind == "forecast" and not calculator.wants(asked)
    reported = understand("What was Widget Works' gross margin in fiscal 2023?", "en", Companies.default())
    assert calculator.wants(reported)


def test_a_row_shown_as_the_answer_must_name_the_part_of_the_company_asked() -> None:
    from knowledge.answer.compose.draft import Draft
    from knowledge.answer.engine import _speaks_of_specifics
    from knowledge.answer.retrieve.retriever import Retrieval

    tables = read("(in millions)\n2024 2023\nOrbit Rewards revenue 310 280\nTotal revenue 9,120 8,400\n")
    page = Page("doc", 3, "income", tuple(tables), np.zeros((2, 2), dtype=np.float32), 0)
    question = understand(
        "How much revenue did the Orbit Rewards program generate for Alibaba in fiscal 2024?", "en", Companies.default()
    )

    def shown(row: int) -> list[Figure]:
        found = Found(tables[0].rows[row], tables[0], page, 0.9)
        return [Figure("Revenue FY2024", "{0}", (Input("", found, "9,120"),), "", Decimal(9120))]

    draft = Draft("Total revenue FY2024: 9,120 USD millions [1]", (), covered=True)
    found = Retrieval((), ("BABA",), "en", covered=True)
    assert not _speaks_of_specifics(question, draft, found, shown(1))  # the total answers another question
    assert _speaks_of_specifics(question, draft, found, shown(0))


def test_a_rows_change_columns_are_named_as_a_reader_would() -> None:
    tables = read("(Dollars in millions)\n2024 2023 $ Change % Change\nInterest expense 660 578 82 14\n")
    assert restate("Interest expense: 660 · 578 · 82 · 14 [1]", tables, "en") == (
        "Interest expense: 2024 660 · 2023 578 · change 82 · change 14% (USD millions) [1]"
    )
    assert "Veränderung 14%" in restate("Interest expense: 660 · 578 · 82 · 14 [1]", tables, "de")


def test_a_ratio_of_the_companys_totals_is_no_ratio_of_the_part_asked() -> None:
    from knowledge.answer.engine import _of_the_part
    from knowledge.answer.retrieve.retriever import Retrieval

    text = "(in millions)\n2024 2023\nOperating income 2,210 1,980\nOrbit Rewards operating income 310 280\n"
    tables = read(text)
    page = Page("doc", 3, "income", tuple(tables), np.zeros((2, 2), dtype=np.float32), 0)
    question = understand(
        "What operating margin did Alibaba's Orbit Rewards business earn in 2024?", "en", Companies.default()
    )
    found = Retrieval((), ("BABA",), "en", covered=True)

    def inputs(row: int) -> tuple[Input, ...]:
        return (Input("operating income FY2024", Found(tables[0].rows[row], tables[0], page, 0.9), "2,210"),)

    assert not _of_the_part(question, inputs(0), found)  # the company's total
    assert _of_the_part(question, inputs(1), found)


def test_a_part_asked_must_be_named_by_the_answer_or_the_pages_it_cites() -> None:
    from knowledge.answer.compose.draft import Draft
    from knowledge.answer.engine import _speaks_of_specifics
    from knowledge.answer.record import Citation
    from knowledge.answer.retrieve.retriever import Retrieval
    from knowledge.records import Chunk, Passage

    question = understand("What was Jane Quillon's total compensation at Alibaba in 2023?", "en", Companies.default())
    named = Chunk("a-1", "a", "Jane Quillon, 58, has been our Chief Executive Officer since 2019.", "10-K", "a.pdf")
    signed = Chunk("a-2", "a", "This report has been signed by the following persons.", "10-K", "a.pdf")
    found = Retrieval((Passage(named, 1.0, 0.5, 2.0), Passage(signed, 1.0, 0.5, 1.0)), ("BABA",), "en", covered=True)

    def citing(chunk: Chunk) -> Draft:
        return Draft(f"{chunk.text} [1]", (Citation.of(1, chunk),), covered=True)

    # The name on another retrieved page leaves the signature page no answer.
    assert not _speaks_of_specifics(question, citing(signed), found, [])
    assert _speaks_of_specifics(question, citing(named), found, [])


def test_a_row_a_figure_shows_is_not_quoted_again_in_any_language() -> None:
    from knowledge.answer.compute.facts import _shown

    tables = read("(in millions)\n2024 2023\nCapital expenditures (120) (110)\n")
    page = Page("doc", 3, "cash_flow", tuple(tables), np.zeros((1, 2), dtype=np.float32), 0)
    found = Found(tables[0].rows[0], tables[0], page, 0.9)
    figures = [Figure("Capital expenditures FY2024", "{0}", (Input("", found, "(120)"),), "", Decimal(-120))]
    numbers = {("doc", 3): 1}
    quoted = "„Capital expenditures: (120) · (110) (USD millions)“ (Zitat aus einer englischen Quelle) [1]"
    assert _shown(quoted, figures, numbers)
    assert _shown("• Capital expenditures: FY2024 (120) · FY2023 (110) (USD millions) [1]", figures, numbers)
    assert not _shown("• Revenue: FY2024 900 (USD millions) [1]", figures, numbers)


def test_a_ratio_named_by_its_two_inputs_is_computed_from_them() -> None:
    def defined(asked: str, language: str = "en") -> tuple[str, str, str, str] | None:
        metric = definition(understand(asked, language, Companies.default()))
        if metric is None:
            return None
        top, bottom = metric.formula.names
        return metric.formula.text, metric.result, metric.words(base_name(top)[0]), metric.words(bottom)

    assert defined(
        "What were Widget Works' capital expenditures as a percentage of total operating revenues in 2022?"
    ) == (
        "abs(capital_expenditures) / total_operating_revenues",
        "percent",
        "capital expenditures",
        "total operating revenues",
    )
    # The inputs are looked up in the question's own words, initials and all.
    assert defined("How large was Widget Works' SG&A as a share of its net sales in fiscal 2023?") == (
        "sg_a / net_sales",
        "percent",
        "SG&A",
        "net sales",
    )
    # German: the inputs are looked up in the lexicon's English for their words.
    german = defined(
        "Wie hoch waren die Investitionsausgaben (capital expenditures) von Widget Works im Geschäftsjahr 2023 "
        "im Verhältnis zum Umsatz? Bitte in Prozent.",
        "de",
    )
    assert german is not None and german[1:] == ("percent", "capital expenditures", "Umsatz")
    # ... and a side with no English words to look it up by leaves the question to its rows.
    assert defined("Wie hoch war der Xyzaufwand von Widget Works im Verhältnis zum Umsatz?", "de") is None
    # Asked from the whole: "what share of B came from A", "what percentage of B did A account for".
    assert defined("What percentage of revenue came from services in 2022?") == (
        "services / revenue",
        "percent",
        "services",
        "revenue",
    )
    assert defined("What percentage of Widget Works' net sales did the North segment account for in 2022?") == (
        "the_north_segment / net_sales",
        "percent",
        "the North segment",
        "net sales",
    )
    # A period between the whole and the part may hold a comma before its year.
    assert defined(
        "What share of Widget Works' total orders in the three months ended June 30, 2031 came from abroad?"
    ) == (
        "abroad / total_orders",
        "percent",
        "abroad",
        "total orders",
    )
    assert defined("What percentage of Widget Works' orders in the second quarter of 2031 was international?") == (
        "international / orders",
        "percent",
        "international",
        "orders",
    )
    # An average (or growth) of such a ratio over years is no one year's ratio.
    assert (
        defined(
            "What is Widget Works' three year average of cost of goods sold as a % of revenue from FY2016 to FY2018?"
        )
        is None
    )


def _metric_of(asked: str) -> Metric | None:
    """The metric the calculator reads the question for (no model run: it is named or defined)."""
    metric, _ = Calculator(lambda: pytest.fail("no model needed"))._metric(
        understand(asked, "en", Companies.default()), catalogue(), ()
    )
    return metric


def test_a_ratio_spelled_out_in_german_is_computed_from_its_two_inputs() -> None:
    asked = "Wie hoch war die Kennzahl (Operating Income geteilt durch Zinsaufwand) von Widget Works 2023?"
    metric = definition(understand(asked, "de", Companies.default()))
    # An expense printed in parentheses ("Interest expense (694)") counts by its size.
    assert metric is not None and metric.formula.text == "operating_income / abs(zinsaufwand)"


def test_a_question_s_own_inputs_win_over_a_named_metric_s_usual_ones() -> None:
    metric = _metric_of(
        "What was Widget Works' quick ratio at April 1, 2023, computed as (cash and cash equivalents + "
        "short-term investments + accounts receivable, net) divided by total current liabilities?"
    )
    assert metric is not None and metric.name("en") == "Quick ratio"
    assert metric.formula.text == (
        "(cash_and_cash_equivalents + short_term_investments + accounts_receivable_net) / total_current_liabilities"
    )
    assert metric.words("accounts_receivable_net") == "accounts receivable, net"
    # The same inputs as the metric's own, or fewer ("average total assets" is two of them): its
    # catalogue formula and wordings are kept.
    taxed = _metric_of(
        "What was Widget Works' effective tax rate in 2023 (provision for income taxes divided by income before "
        "provision for income taxes)?"
    )
    assert taxed is not None and taxed.key == "effective_tax_rate"
    averaged = _metric_of(
        "What was Widget Works' return on assets for 2020, computed as net income divided by average total "
        "assets (2020 and 2019 year-end)?"
    )
    assert averaged is not None and averaged.key == "roa"


# A statement's row and, under the footnote's own header, the footnote's breakdown of the same label.
_FOOTNOTED = (
    "(in millions)\nFiscal Year Ended January 31,\n2031 2030\nOperating expenses (1):\n"
    "Research and development 5,055 4,465\nTotal operating expenses 18,581 16,320\n"
    "(1) Amounts include stock-based compensation expense, as follows:\nFiscal Year Ended January 31,\n"
    "2031 2030\nResearch and development 1,136 918\n"
)


def test_a_footnote_s_breakdown_answers_only_a_question_that_names_what_it_breaks_out() -> None:
    tables = read(_FOOTNOTED)
    # The footnote's row comes nearer by meaning: the label alone no longer decides.
    vectors = np.array([[0.9, 0.44], [0.0, 1.0], [1.0, 0.0]], dtype=np.float32)
    page = Page("doc", 3, "income", tuple(tables), vectors, 0)

    def chosen(question: str) -> str:
        row = best(np.array([[1.0, 0.0]], dtype=np.float32), frozenset({"research and development"}), [page],
                   (2031,), False, amounts=True, excluded=None, quoted=plain_text(question))  # fmt: skip
        assert row is not None
        return row.row.cells[0].text

    assert chosen("What did Widget Works spend on research and development in fiscal 2031?") == "5,055"
    assert chosen("What stock-based compensation did Widget Works record in research and development?") == "1,136"


def test_a_line_item_asked_of_two_years_is_left_to_the_row_that_shows_both() -> None:
    asked = "What were Widget Works' services revenues in 2031, and how did they compare with 2030?"
    question = understand(asked, "en", Companies.default())
    ask = _Ask(question, catalogue(), False, years(question.core), None)
    # No single year's figure is looked up (nor any model run for it): the composer's row shows both.
    assert Calculator(lambda: pytest.fail("no model needed"))._lookup(ask, "services revenues", []) is None


def test_a_quoted_footnote_breakdown_is_shown_as_the_statement_s_row_unless_it_is_asked() -> None:
    tables = read(_FOOTNOTED)
    quoted = "Research and development: 2031 1,136 · 2030 918 (USD millions) [1]"
    spend = restate(quoted, tables, "en", "What did Widget Works spend on research and development in 2031?")
    assert spend == "Research and development: FY2031 5,055 · FY2030 4,465 (millions) [1]"
    stock = restate(quoted, tables, "en", "What stock-based compensation did Widget Works book in R&D in 2031?")
    assert stock.startswith("Amounts include stock-based compensation expense, as follows — Research and development")
    assert "1,136" in stock


def test_a_quarter_asked_by_the_day_it_ended_is_read_from_that_column_of_a_trend_table() -> None:
    text = (
        "Three Months Ended\nJune 30,\n2031\nMarch 31,\n2031\nDecember\n31,\n2030\n(In millions)\n"
        "Total net revenues $ 2,540 $ 2,510 $ 2,480\n"
    )
    row = read(text)[0].rows[0]
    asked = _quarter("What were Widget Works' net revenues for the three months ended June 30, 2031?")
    assert cell(row, 2031, asked).text == "2,540"  # type: ignore[union-attr]
    assert cell(row, 2031, _quarter("… for the quarter ended March 31, 2031?")).text == "2,510"  # type: ignore[union-attr]
    assert cell(row, 2031, _quarter("What were its net revenues in Q2 2031?")) is None  # which of two, unsaid
    assert _quarter("What were its net revenues in 2031?") is False
