"""Tables read by structure: columns, spans, the caption's unit, per-share and percent rows,
footnote markers. Every excerpt here is made up for the test (no filing's text)."""

from decimal import Decimal

from knowledge.tables import Table, read
from knowledge.tables.model import COUNT, PER_SHARE, PERCENT, Column, Row

STATEMENT = """Widget Works Inc.
Consolidated Statements of Income
(In millions, except per share data)
Years Ended June 30, 2024 2023 2022
Revenue $ 9,120 $ 8,400 $ 7,950
Cost of revenue 4,010 3,900 3,700
Operating income (1) 2,210 1,980 1,805
Other expense, net (35) — 12
Earnings per share:
Basic $ 3.10 $ 2.75 $ 2.40
Diluted 3.05 2.70 2.36
Gross margin 56.0 % 53.6 % 53.5 %
"""


def _rows(text: str, section: str = "") -> dict[str, tuple[Row, Table]]:
    return {row.name: (row, table) for table in read(text, "en", section) for row in table.rows}


def test_cells_stand_under_their_years_with_the_caption_unit() -> None:
    rows = _rows(STATEMENT)
    revenue, table = rows["Revenue"]
    assert [c.title() for c in revenue.columns] == ["FY2024", "FY2023", "FY2022"]
    cell = revenue.value(2023, "year")
    assert cell is not None and cell.value == Decimal(8400)
    assert table.unit(revenue) == "USD millions"  # "$" on the rows names the caption's currency


def test_footnote_marker_is_never_a_value_and_parentheses_are_negative() -> None:
    rows = _rows(STATEMENT)
    operating = rows["Operating income"][0]
    assert [c.text for c in operating.cells] == ["2,210", "1,980", "1,805"]
    other = rows["Other expense, net"][0]
    assert other.cells[0].value == Decimal(-35) and other.cells[1].value is None


def test_per_share_rows_keep_their_title_and_are_never_millions() -> None:
    rows = _rows(STATEMENT)
    diluted, table = rows["Earnings per share — Diluted"]
    assert diluted.kind == PER_SHARE
    assert table.unit(diluted) == "USD per share"


def test_share_counts_used_for_per_share_figures_are_counts_not_per_share() -> None:
    text = STATEMENT.replace("Gross margin 56.0 % 53.6 % 53.5 %\n", "") + (
        "Shares used in computing earnings per share:\nBasic 2,941 2,950 2,967\nDiluted 2,990 3,001 3,020\n"
    )
    rows = _rows(text)
    diluted, table = rows["Shares used in computing earnings per share — Diluted"]
    assert diluted.kind == COUNT and "per share" not in table.unit(diluted)
    assert rows["Earnings per share — Diluted"][0].kind == PER_SHARE


def test_percent_rows_are_percent() -> None:
    margin, table = _rows(STATEMENT)["Gross margin"]
    assert margin.kind == PERCENT and table.unit(margin) == "%"
    cell = margin.value(2024)
    assert cell is not None and cell.value == Decimal("56.0")


def test_two_spans_over_repeated_years() -> None:
    text = """(in thousands)
Three Months Ended Six Months Ended
March 31, March 31,
2024 2023 2024 2023
Net sales 510 480 1,020 950
"""
    row = _rows(text)["Net sales"][0]
    quarter, half = row.value(2024, "quarter"), row.value(2024, "half")
    assert quarter is not None and quarter.value == 510
    assert half is not None and half.value == 1020
    assert row.value(2024) is None  # ambiguous without the span


def test_change_columns_and_a_row_that_does_not_fit() -> None:
    text = """(Dollars in millions)
2024 2023 % Change
Subscriptions 1,200 1,000 20 %
Services 300
"""
    rows = _rows(text)
    subscriptions = rows["Subscriptions"][0]
    assert [c.kind for c in subscriptions.columns] == ["value", "value", "change_pct"]
    change = subscriptions.value(0, kind="change_pct")
    assert change is not None and change.percent
    services = rows["Services"][0]
    assert not services.placed and services.value(2024) is None  # its year cannot be read


def test_years_one_per_line_and_a_label_wrapped_onto_its_figures() -> None:
    text = """(In thousands)
December 29,
2024
December 31,
2023
Proceeds from the sale of a product line, net of cash
1,500 700
Inventories 2,000 1,800
"""
    rows = _rows(text, "balance_sheet")
    inventories = rows["Inventories"][0]
    assert [c.year for c in inventories.columns] == [2024, 2023]
    assert inventories.columns[0].span == "point"
    assert "Proceeds from the sale of a product line, net of cash" in rows


def test_no_caption_means_no_unit() -> None:
    text = "2024 2023\nRevenue 91 84\n"
    revenue, table = _rows(text)["Revenue"]
    assert table.unit(revenue) == ""


def test_german_caption_and_round_trip() -> None:
    text = "in Mio. €\n2024 2023 Veränderung\nUmsatzerlöse 4.210 3.980 230\n"
    tables = read(text, "de")
    assert tables[0].measure.scale == 1_000_000 and tables[0].measure.currency == "EUR"
    assert Table.from_json(tables[0].as_json()) == tables[0]


def test_a_closing_parenthesis_set_apart_still_makes_a_negative_cell() -> None:
    row = _rows("(in millions)\n2024 2023 2022\nPurchases of equipment (8,120 ) (4,310 ) 95\n")[
        "Purchases of equipment"
    ][0]
    assert [c.value for c in row.cells] == [Decimal(-8120), Decimal(-4310), Decimal(95)] and row.placed


def test_balances_at_different_days_keep_their_days_and_fiscal_year_ends_their_years() -> None:
    quarter = read(
        "(In thousands)\nJune 30, 2023 December 31, 2022\nTotal current assets 5,616 8,154\n", section="balance_sheet"
    )
    assert [column.title() for column in quarter[0].rows[0].columns] == ["June 30, 2023", "December 31, 2022"]
    year = read(
        "(In millions)\nDecember 31, 2022 December 31, 2021\nTotal current assets 14,688 15,403\n",
        section="balance_sheet",
    )
    assert [column.title() for column in year[0].rows[0].columns] == ["FY2022", "FY2021"]
    stored = quarter[0].rows[0].columns[0]
    assert Column.from_json(stored.as_json()) == stored
    assert Column.from_json([2022, "point", "value"]).date == ""  # tables stored before days were kept


def test_a_captions_exception_closing_on_the_next_line_does_not_become_the_tables_unit() -> None:
    page = (
        "Selected balance sheet data (in millions, except remaining performance\n"
        "obligation, which is presented in billions):\n"
        "January 31, 2023 January 31, 2022\n"
        "Cash and marketable securities $ 12,508 $ 10,537\nUnearned revenue 17,376 15,628\n"
    )
    (table,) = read(page)
    assert [table.unit(row, "en") for row in table.rows] == ["USD millions", "USD millions"]


def test_a_columns_day_is_written_as_the_answers_language_writes_dates() -> None:
    column = Column(2023, "point", "value", "June 30")
    assert (column.title(), column.title("de")) == ("June 30, 2023", "30. Juni 2023")
    assert Column(2022, "point", "value", "Dec. 31").title("de") == "31. Dezember 2022"
    assert Column(2022, "point", "value", "31. März").title("en") == "31. März 2022"  # as the page printed it


def test_days_and_years_one_per_line_stay_under_the_spans_above_them() -> None:
    text = (
        "Widget Works Inc.\nCONDENSED STATEMENTS OF OPERATIONS (Unaudited)\n(In millions)\n"
        "Three Months Ended Nine Months Ended\nJuly 1,\n2023\nJune 25,\n2022\nJuly 1,\n2023\nJune 25,\n2022\n"
        "Net sales:\nProducts $ 605 $ 633 $ 2,309 $ 2,452\nServices 212 196 628 589\n"
    )
    rows = _rows(text)
    products, _ = rows["Products"]
    assert [(c.year, c.span) for c in products.columns] == [
        (2023, "quarter"),
        (2022, "quarter"),
        (2023, "nine_months"),
        (2022, "nine_months"),
    ]


def test_quarters_of_one_year_are_told_apart_by_their_last_day_even_printed_over_two_lines() -> None:
    text = (
        "Widget Works Inc.\nUnaudited Supplemental Operating Data\nThree Months Ended\n"
        "June 30,\n2023\nMarch 31,\n2023\nDecember\n31,\n2022\n(In millions, except percentages)\n"
        "Active Members (1) 132 133 134\nActive Members excluding Quillstone and\nOrbit (2) 131 131 132\n"
    )
    rows = _rows(text)
    members, _ = rows["Active Members"]  # the footnote marker is no value
    assert [cell.text for cell in members.cells] == ["132", "133", "134"]
    assert [column.title() for column in members.columns] == [
        "3M to June 30, 2023",
        "3M to March 31, 2023",
        "3M to December 31, 2022",
    ]
    assert members.columns[0].title("de") == "3M bis 30. Juni 2023"
    assert "Active Members excluding Quillstone and Orbit" in rows  # a label wrapped after "and"


def test_spans_a_few_lines_above_the_years_reach_them_whatever_the_line_ends() -> None:
    text = "Three Months Ended\r\nJune 30,\r\nSix Months Ended\r\nJune 30,\r\n2023 2022 2023 2022\r\n(In millions)\r\n"
    rows = _rows(f"{text}Depreciation and amortization 101 113 208 231\r\n")
    row, _ = rows["Depreciation and amortization"]
    assert [column.span for column in row.columns] == ["quarter", "quarter", "half", "half"]


def test_a_worded_caption_a_change_header_over_two_cells_and_labels_ending_in_a_noun() -> None:
    text = (
        "WIDGET WORKS INC.\nCONDENSED STATEMENT OF INCOME (UNAUDITED)\n"
        "Dollars and shares in millions, except per share data\n"
        "Quarters Ended June 30, 2024 2023 Inc/ (Dec)\n"
        "Revenues from licensed stores 3,933.3 3,526.8 406.5 12\n"
        "Receivables, net of allowances of $95 and $103 5,020 4,911 109 2\n"
    )
    rows = _rows(text)
    licensed, table = rows["Revenues from licensed stores"]  # its figures are cells, not words of its label
    assert [(c.year, c.kind) for c in licensed.columns] == [
        (2024, "value"),
        (2023, "value"),
        (0, "change"),
        (0, "change_pct"),
    ]
    assert table.unit(licensed) == "USD millions"
    receivables, _ = rows["Receivables, net of allowances of $95 and $103"]
    assert [c.text for c in receivables.cells] == ["5,020", "4,911", "109", "2"]


def test_a_row_in_its_own_unit_is_a_row_not_the_caption_of_the_rows_above() -> None:
    text = (
        "Three Months Ended\n(In Millions) Apr 1, 2024 Apr 2, 2023\nWeighted average shares—basic 4,154 4,079\n"
        "Other information:\nEmployees (in thousands) 125.5 122.9\n"
    )
    rows = _rows(text)
    _, table = rows["Weighted average shares—basic"]
    assert table.measure.scale == 1_000_000  # the caption's millions, not the row's thousands
    employees, table = rows["Employees (in thousands)"]
    assert [cell.text for cell in employees.cells] == ["125.5", "122.9"]
    assert table.unit(employees) == "thousand"


def test_a_footnotes_breakdown_is_named_with_the_footnote_not_as_the_statements_row() -> None:
    text = (
        "(In millions)\n2023 2022\nOperating expenses:\nProduct development 392 344\n"
        "(1) Includes stock-based compensation as follows:\nProduct development 74 62\n"
    )
    rows = [row for table in read(text, "en", "income") for row in table.rows]
    assert [row.name for row in rows] == [
        "Product development",
        "Includes stock-based compensation as follows — Product development",
    ]


def test_a_subtotal_without_a_label_closes_the_group_nested_in_another() -> None:
    text = (
        "(In millions)\nThree Months Ended\nMar 30, 2024 Apr 1, 2023\nNet revenue:\nGadgets\nDesktop $ 1,000 $ 900\n"
        "Laptop 2,000 1,800\n3,000 2,700\nGizmos 700 650\nTotal net revenue $ 3,700 $ 3,350\n"
        "Operating income (loss):\nGadgets $ 300 $ 250\nGizmos (50) 40\n"
    )
    rows = [row for table in read(text, "en", "") for row in table.rows]
    names = [row.name for row in rows]
    # "Gizmos" twice: told apart by the title it stands under; the desktop line stays under "Gadgets".
    assert "Net revenue — Gizmos" in names and "Operating income (loss) — Gizmos" in names, names
    assert next(row for row in rows if row.label == "Desktop").group == "Gadgets"
    assert next(row for row in rows if row.label == "Total net revenue").group == "Net revenue:"


def test_a_footnote_s_breakdown_under_its_own_header_is_the_footnote_s_not_the_statement_s() -> None:
    text = (
        "Consolidated Statements of Operations\n(in millions)\nFiscal Year Ended January 31,\n2031 2030\n"
        "Operating expenses (1)(2):\nResearch and development 5,055 4,465\nMarketing and sales 13,526 11,855\n"
        "Total operating expenses 18,581 16,320\n"
        "(1) Amounts include amortization of intangible assets acquired through business combinations of "
        "earlier years, as follows:\nFiscal Year Ended January 31,\n2031 2030\nMarketing and sales 916 727\n"
        "(2) Amounts include stock-based compensation expense, as follows:\nFiscal Year Ended January 31,\n"
        "2031 2030\nResearch and development 1,136 918\n"
    )
    rows = [row for table in read(text) for row in table.rows]
    by_value = {row.cells[0].text: row for row in rows}
    assert not by_value["5,055"].footnoted and not by_value["13,526"].footnoted
    assert by_value["916"].footnoted and by_value["1,136"].footnoted
    assert (
        by_value["1,136"].name
        == "Amounts include stock-based compensation expense, as follows — Research and development"
    )


def test_a_label_that_begins_with_what_it_counts_is_a_count_not_money() -> None:
    text = (
        "(In millions, except percentages)\nThree Months Ended\nJune 30, March 31, December 31,\n2031 2031 2030\n"
        "Active Buyers 132 133 134\nTotal net revenues $ 2,540 $ 2,510 $ 2,510\n"
        "Revenue from contracts with customers $ 2,400 $ 2,390 $ 2,380\n"
    )
    table = read(text)[0]
    kinds = {row.label: row.kind for row in table.rows}
    assert kinds == {
        "Active Buyers": COUNT,
        "Total net revenues": "amount",
        "Revenue from contracts with customers": "amount",
    }
    # Counts are in the caption's scale (it excepts percentages only), without its currency.
    assert table.unit(table.rows[0]) == "million" and table.unit(table.rows[1]) == "USD millions"


def _count_unit(caption: str, shares: str = "2,941 2,950") -> str:
    text = f"{caption}\nYears Ended June 30, 2031 2030\nRevenue $ 9,120 $ 8,400\nShares outstanding {shares}\n"
    table = read(text)[0]
    shares_row = next(row for row in table.rows if row.kind == COUNT)
    return table.unit(shares_row)


def test_counts_take_the_scale_the_caption_gives_them_and_none_it_does_not() -> None:
    assert _count_unit("(In millions, except per share data)") == "million"
    assert _count_unit("(In millions, except number of shares, which are reflected in thousands)") == "thousand"
    assert _count_unit("(In millions, except per share amounts and shares)") == ""
    assert _count_unit("(In millions, except per share data)", "2,941,300 2,950,100") == ""  # 2.9 quadrillion
    assert _count_unit("Revenue by region") == ""
    text = "(In millions)\nYears Ended June 30, 2031 2030\nWeighted average expected life (in years) 6.0 5.5\n"
    table = read(text)[0]
    assert table.rows[0].kind == COUNT and table.unit(table.rows[0]) == ""  # its own unit, not millions
    text = "(In millions)\nYears Ended June 30, 2031 2030\nWeighted-average fair value per option 55.30 32.38\n"
    table = read(text)[0]
    assert "million" not in table.unit(table.rows[0])  # a value per option, not a count


def test_a_title_with_a_footnote_marker_heads_the_rows_below_it() -> None:
    text = (
        "(In millions, except percentages)\nThree Months Ended\nJune 30, March 31, December 31,\n2031 2031 2030\n"
        "Active Buyers (1) 132 133 134\n"
        "Active Buyers excluding Widget Resale and\nQuillstone Market (2) 131 131 132\n"
        "Gross Orders Volume (3)\nU.S. $ 8,702 $ 9,010 $ 8,894\nInternational $ 9,512 $ 9,400 $ 9,333\n"
        "Total Gross Orders Volume $ 18,214 $ 18,410 $ 18,227\n"
    )
    rows = {row.label: row for row in read(text)[0].rows}
    assert "Gross Orders Volume" not in rows  # its marker "(3)" is no value
    assert rows["Active Buyers excluding Widget Resale and Quillstone Market"].group == ""
    for label in ("U.S.", "International", "Total Gross Orders Volume"):
        assert rows[label].group == "Gross Orders Volume" and rows[label].placed
    assert [cell.text for cell in rows["U.S."].cells] == ["8,702", "9,010", "8,894"]
