"""Analyst-style questions about filings: the framing is not the focus, and the statement row that
holds the asked line item answers (not a neighbour with a similar label)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from knowledge.answer.compose.composer import compose
from knowledge.answer.compose.draft import write
from knowledge.answer.compose.eligibility import speaks_of_year
from knowledge.answer.compose.scoring import Scored
from knowledge.answer.compose.sentences import units
from knowledge.answer.compute.catalogue import catalogue
from knowledge.answer.understand.query import strip_instructions
from knowledge.answer.understand.question import understand
from knowledge.index.statements import hints, section_of
from knowledge.records import Chunk, Passage
from knowledge.sources.loader import pdf_lines
from knowledge.text.companies import Companies
from knowledge.text.concepts import concepts
from knowledge.text.figures import figures

BALANCE_SHEET = (
    "NIKE, INC.\nCONSOLIDATED BALANCE SHEETS\nMAY 31,\n(In millions) 2019 2018\n"
    "Other current assets 1,968 1,130\nTotal current assets 16,525 15,134\n"
    "Accounts payable 2,612 2,279\nTotal current liabilities 7,866 6,040\n"
)


def _focus(question: str) -> list[set[str]]:
    return [set(group) for group in understand(question, "en", Companies.default()).focus]


@pytest.mark.parametrize(
    ("question", "focus"),
    [
        (
            "According to the details clearly outlined within the balance sheet, how much total current "
            "assets did Nike have at the end of FY2019? Answer in USD millions.",
            [{"currentassetsconcept"}],
        ),
        (
            "Using the cash flow statement, how much did Nike generate in cash flow from operating activities "
            "in FY2020?",
            [{"operatingcashconcept"}],
        ),
        (
            "What is the FY2017 operating cash flow ratio for Nike? Operating cash flow ratio is defined as: "
            "cash from operations / total current liabilities. Round your answer to two decimal places.",
            [{"currentliabilitiesconcept"}, {"operatingcashconcept"}],
        ),
    ],
)
def test_the_framing_of_an_analyst_question_is_not_its_focus(question: str, focus: list[set[str]]) -> None:
    assert _focus(question) == focus


def test_a_why_question_about_a_percentage_asks_for_causes() -> None:
    question = understand(
        "What drove the reduction in SG&A expense as a percent of net sales?", "en", Companies.default()
    )
    assert question.kind == "cause"


def _filing_passage(filing: str, ticker: str, text: str, section: str) -> Passage:
    """A retrieved chunk of a statement page of a 10-K named like FinanceBench's ("NIKE_2019_10K")."""
    chunk = Chunk(
        id=f"{filing.lower()}-v1-40",
        document_id=filing.lower(),
        text=text,
        title=filing,
        uri=f"file:///{filing}.pdf",
        page=54,
        tickers=(ticker,),
        kind="filing",
        section=section,
    )
    return Passage(chunk, 1.0, 0.5, 3.0)


def _labels_shown(asked: str, passage: Passage) -> list[str]:
    """The label of every line the answer shows (a row's label, a sentence's opening words)."""
    draft = compose(understand(asked, "en", Companies.default()), (passage,), Companies.default())
    return [line.lstrip("• ").split(":")[0] for line in draft.text.splitlines()]


def _rows(page: str) -> list[str]:
    """The rows a whole page shows (the page is its own passage)."""
    return [unit.text for unit in units(page, 0, "en", page_text=page) if unit.kind == "row"]


def _statement_passage() -> Passage:
    return _filing_passage("NIKE_2019_10K", "NKE", BALANCE_SHEET, "balance_sheet")


def test_the_row_of_the_asked_line_item_answers_with_its_year_and_unit() -> None:
    question = understand(
        "Based on the balance sheet, what were Nike's total current assets at the end of FY2019?",
        "en",
        Companies.default(),
    )
    draft = compose(question, (_statement_passage(),), Companies.default())

    assert draft.covered
    lead = draft.text.splitlines()[0]
    assert lead.startswith("Total current assets: 2019 16,525 · 2018 15,134")
    assert "millions" in lead


def test_a_ratio_of_two_line_items_shows_both_rows() -> None:
    shown = _labels_shown(
        "What is Nike's FY2019 working capital ratio? Working capital ratio is defined as total current assets "
        "divided by total current liabilities.",
        _statement_passage(),
    )
    assert {"Total current assets", "Total current liabilities"} <= set(shown)
    assert "Accounts payable" not in shown


INCOME_STATEMENT = (
    "ADOBE INC.\nCONSOLIDATED STATEMENTS OF INCOME\n(In millions)\n2022 2021 2020\n"
    "Total revenue 17,606 15,785 12,868\nSales and marketing 4,968 4,321 3,591\n"
    "Operating income 6,098 5,802 4,237\nNet income 4,756 4,822 5,260\n"
)


def test_a_metric_is_answered_by_the_rows_it_is_computed_from() -> None:
    question = understand(
        "Does Adobe have an improving operating margin profile as of FY2022?", "en", Companies.default()
    )
    passage = _filing_passage("ADOBE_2022_10K", "ADBE", INCOME_STATEMENT, "income")
    draft = compose(question, (passage,), Companies.default())

    shown = [line.lstrip("• ").split(":")[0] for line in draft.text.splitlines()]
    assert question.kind == "figure" and draft.covered
    assert set(shown[:2]) == {"Total revenue", "Operating income"}
    assert "Net income" not in shown


def test_a_prose_line_ending_in_a_figure_is_not_a_table_row() -> None:
    page = (
        "Merchandise inventories, net at the end of the fourth quarter of fiscal 2022 totaled $1.6\n"
        "billion compared to $1.5 billion at the end of the fourth quarter of fiscal 2021. The $104.2\n"
        "million increase was primarily due to the opening of 47 new stores since January 29, 2022.\n"
    )

    found = units(page, 0, "en")

    assert [unit.kind for unit in found] == ["sentence", "sentence"]
    assert found[1].text.startswith("The $104.2 million increase") and found[1].refers_back


def test_a_paragraph_opening_on_the_figures_just_named_leans_on_the_paragraph_before() -> None:
    text = (
        "China's retail sales grew by only 1.3% in November, down from 2.9% in October.\n\n"
        "The weak figures hit consumer-facing technology stocks across the board."
    )

    found = units(text, 0, "en")

    assert found[1].refers_back and found[1].previous == found[0].text


def test_a_sentence_shown_with_the_line_that_leans_on_it_is_not_shown_again() -> None:
    text = (
        "Widget Works' operating expenses for 2031 were $9.7 billion, flat compared to 2030. These expenses "
        "represented 25.3% of revenue for 2031."
    )
    pool = [Chunk(id="d-v-0", document_id="d", text=text, title="Widget Works annual report", uri="file:///d")]
    first, leaning = units(text, 0, "en")
    asked = understand("Wie hoch waren die Betriebsausgaben von Widget Works 2031?", "de", Companies.default())

    # The line that leans on the first comes first (it was nearer): it brings the first with it.
    draft = write([Scored(leaning, 1.0, 1.0, True), Scored(first, 0.9, 1.0, True)], pool, asked)

    assert leaning.refers_back and draft.text.count("flat compared to 2030") == 1, draft.text


LIABILITIES = (
    "AMERICAN EXPRESS COMPANY\nCONSOLIDATED BALANCE SHEETS\n(Millions) 2022 2021\n"
    "Investment securities 4,578 2,591\nTotal assets $ 228,354 $ 188,548\n"
    "Liabilities\nCustomer deposits $ 110,239 $ 84,382\nAccounts payable 12,133 10,574\n"
    "Short-term borrowings 1,348 2,243\nOther liabilities 37,350 30,497\n"
    "Total liabilities $ 203,643 $ 166,371\nRetained earnings 16,279 13,474\n"
)


@pytest.mark.parametrize(
    ("asked", "lead", "runner_up"),
    [
        ("What was the largest liability in American Express's balance sheet in 2022?", "Customer deposits", "Other"),
        ("Which liability was the smallest for American Express in 2022?", "Short-term borrowings", "Accounts"),
    ],
)
def test_a_superlative_is_answered_by_the_rows_of_the_table_it_names(asked: str, lead: str, runner_up: str) -> None:
    question = understand(asked, "en", Companies.default())
    passage = _filing_passage("AMERICANEXPRESS_2022_10K", "AXP", LIABILITIES, "balance_sheet")
    draft = compose(question, (passage,), Companies.default())

    lines = draft.text.splitlines()
    assert lines[0] in {"Largest item of the table (2022):", "Smallest item of the table (2022):"}
    assert lines[1].startswith(f"{lead}: 2022")
    assert lines[2].startswith(f"• {runner_up}")
    assert not any("Total" in line or "Retained" in line for line in lines)  # neither the total nor equity


def test_a_superlative_of_rates_is_not_read_off_a_column_of_amounts() -> None:
    question = understand("Which segment had the highest growth in 2022?", "en", Companies.default())
    assert question.extreme == 0


def test_an_aside_in_parentheses_is_not_part_of_the_focus() -> None:
    focus = _focus(
        "What is the amount of the cash proceeds that JnJ realised from the separation of Kenvue "
        "(formerly Consumer Health business segment), as of August 30, 2023?"
    )
    stems = set().union(*focus)
    assert {"cash", "proceed", "kenvu"} <= stems
    assert not stems & {"health", "segment", "realis"}


def test_a_filing_naming_the_company_opens_a_sentence_of_its_own() -> None:
    text = "Because the share count fell on August 23, revenue rose. The Company generated $13.2 billion in cash."
    found = units(text, 0, "en", page_text=text)
    assert not found[-1].refers_back
    assert units(text, 0, "en")[-1].refers_back  # in a news article "The company" follows on


def test_a_sentence_mentioning_a_statement_does_not_make_a_statement_page() -> None:
    notes = (
        "May 31, 2021 and 2020, respectively, and primarily classified in Deferred income taxes and other\n"
        "liabilities on the Consolidated Balance Sheets.\nThe Company has pension plans in various countries.\n"
    )
    assert section_of(notes) == ""
    assert section_of("NIKE, INC.\nCONSOLIDATED BALANCE SHEETS\nMAY 31,\n") == "balance_sheet"
    opening = "The following tables present the amounts affecting the Consolidated Statements of Income for:\n"
    assert section_of(opening + "(Dollars in millions)\n") == ""
    assert section_of("CONSOLIDATED STATEMENTS\nOF CASH FLOWS\n(In millions)\n") == "cash_flow"
    assert section_of("DERIVATIVE ASSETS\nBALANCE SHEET LOCATION\nMAY 31,\n") == ""  # a note's column
    assert section_of("Index\nConsolidated Balance Sheets 53\nConsolidated Statements of Income 54\n") == ""
    # Interim statements say "(Unaudited)"; an auditor's report has audited them, and is none.
    assert section_of("Widget Works Inc.\nCONDENSED CONSOLIDATED STATEMENTS OF OPERATIONS (Unaudited)\n") == "income"
    assert section_of("Report\nWe have audited the consolidated balance sheets\n") == ""
    # A press release's statement follows its closing prose: a line that is the title and nothing else.
    prose = "".join(f"The company assumes no obligation to update statement {n} of this release.\n" for n in range(9))
    titled = f"{prose}Widget Works Inc.\nUnaudited Condensed Consolidated Balance Sheet\nJune 30,\n{BALANCE_SHEET}"
    assert section_of(titled) == "balance_sheet"
    assert section_of(f"{prose}As shown in the condensed consolidated balance sheet below\n") == ""
    # The end of a sentence wrapped onto a line of its own is no title.
    assert (
        section_of(f"{prose}and other liabilities on the\nConsolidated Balance Sheets.\nMore text follows here.\n")
        == ""
    )
    # A PDF may give a page's title as the last lines of the page before; a contents entry is none.
    page = "Three Months Ended\n2024 2023\n(In millions)\nCash flows from operating activities:\n"
    before = f"{prose}Widget Works Inc.\nUnaudited Condensed Consolidated Statement of Cash Flows\n8\n"
    assert section_of(page, before) == "cash_flow"
    assert section_of(page, f"{prose}Consolidated Statements of Cash Flows 63\n55\n") == ""
    assert section_of(before) == ""  # on its own page, that title heads the next one
    # The parent company's own statements in a schedule are not the consolidated ones.
    schedule = "WIDGET WORKS INC.\nSCHEDULE I — CONDENSED FINANCIAL INFORMATION OF WIDGET WORKS (“PARENT”)\n"
    assert section_of(schedule + "CONDENSED BALANCE SHEETS\n(in millions) 2022 2021\n") == ""
    # A title run on with "and …" is a statement where the page lists its line items, not elsewhere.
    run_on = "Widget Works Inc.\nConsolidated Condensed Statements of Income and Other Information\n(In millions)\n"
    rows = "Net revenue 11,715\nCost of sales 7,707\nGross margin 4,008\nOperating income 1,468\nNet income 2,768\n"
    assert section_of(run_on + rows + "Earnings per share—diluted 0.66\n") == "income"
    assert section_of(run_on + "Employees (in thousands) 125.5\n") == ""


def test_a_press_release_bullet_is_a_statement_even_without_a_full_stop() -> None:
    release = (
        "FOR IMMEDIATE RELEASE\n"
        "• 2022 Full-Year reported sales growth of 1.3% to $94.9 Billion primarily driven by strong commercial\n"
        "execution partially offset by unfavorable foreign exchange. Operational growth excluding\n"
        "COVID-19 Vaccine of 6.1%*\n"
        "• Company guides 2023 adjusted operational sales growth excluding COVID-19 Vaccine of 4.0%* and\n"
        "adjusted operational EPS of $10.50, reflecting growth of 3.5%*\n"
        "New Brunswick, N.J. (January 24, 2023) – Johnson & Johnson today announced results for 2022.\n"
    )
    said = [unit.text for unit in units(release, 0, "en")]
    assert "Operational growth excluding COVID-19 Vaccine of 6.1%*" in said  # the wrapped line stays with it
    assert (
        "Company guides 2023 adjusted operational sales growth excluding COVID-19 Vaccine of 4.0%* and adjusted "
        "operational EPS of $10.50, reflecting growth of 3.5%*" in said
    )
    assert not any(text.endswith("3.5%* New Brunswick, N.J.") for text in said)  # the next paragraph is apart


def test_a_table_row_shows_its_own_header_and_change_column() -> None:
    page = (
        "RESULTS OF OPERATIONS\nOperating Expenses:\n(Percent of net sales) 2022 2021 Change\n"
        "Cost of sales 56.2 % 53.2 % 3.0 %\nOperating income margin 19.1 % 20.8 % (1.7)%\n"
    )
    rows = _rows(page)
    assert rows[-1] == "Operating income margin: 2022 19.1% · 2021 20.8% · change (1.7)% (percent of net sales)"


def test_a_list_of_drivers_is_quoted_with_the_line_that_introduces_it() -> None:
    page = (
        "Cost of Products Sold and Selling, Marketing and Administrative Expenses:\n"
        "(Dollars in billions. Percentages in chart are as a percent to total sales)\n"
        "Cost of products sold increased as a percent to sales driven by:\n"
        "• One-time COVID-19 vaccine manufacturing exit related costs\n"
        "• Currency impacts in the Pharmaceutical segment\n"
        "partially offset by\n"
        "• Supply chain benefits in the Consumer Health segment\n"
    )
    said = [unit.text for unit in units(page, 0, "en", page_text=page)]
    assert said == [
        "Cost of products sold increased as a percent to sales driven by: • One-time COVID-19 vaccine manufacturing "
        "exit related costs • Currency impacts in the Pharmaceutical segment partially offset by • Supply chain "
        "benefits in the Consumer Health segment"
    ]


def test_figures_inside_a_row_labels_parentheses_stay_in_the_label() -> None:
    page = (
        "CONSOLIDATED BALANCE SHEETS\n(Millions) 2022 2021\n"
        "Long-term debt (includes debt issued by consolidated variable interest entities: 2022, $12,662; "
        "2021, $13,803) 42,573 38,675\n"
    )
    rows = [unit for unit in units(page, 0, "en", page_text=page) if unit.kind == "row"]
    assert rows[-1].cells == ("42,573", "38,675")
    assert rows[-1].text.endswith("2021, $13,803): 2022 42,573 · 2021 38,675 (USD millions)")


@pytest.mark.parametrize(
    ("asked", "inputs"),
    [
        (
            "What is Nike's FY2019 quick ratio?",
            {"currentassetsconcept", "inventoryconcept", "currentliabilitiesconcept"},
        ),
        ("What is 3M's FY2018 dividend payout ratio?", {"dividendconcept", "netincomeconcept"}),
        ("What is Adobe's FY2022 fixed asset turnover ratio?", {"revenueconcept", "ppeconcept"}),
        ("What were MGM's FY2022 days payable outstanding?", {"payablesconcept", "cogsconcept"}),
    ],
)
def test_an_analyst_metric_is_read_as_the_line_items_it_is_computed_from(asked: str, inputs: set[str]) -> None:
    question = understand(asked, "en", Companies.default())
    assert question.inputs == inputs
    assert question.kind == "figure"


def test_a_ratio_row_keeps_its_date_and_carries_no_currency_unit() -> None:
    page = "SELECTED FINANCIAL DATA\n(Dollars in millions) 2019 2018\nCurrent ratio at May 31 2.1 2.5\n"
    row = next(unit for unit in units(page, 0, "en", page_text=page) if unit.kind == "row")
    assert row.text == "Current ratio at May 31: 2019 2.1 · 2018 2.5"


CASH_FLOWS = (
    "ADOBE SYSTEMS INCORPORATED\nCONSOLIDATED STATEMENTS OF CASH FLOWS\n(In thousands)\n2017 2016 2015\n"
    "Cash flows from operating activities:\nNet income 1,693,954 1,168,782 629,551\n"
    "Prepaid expenses and other current assets 28,040 (71,021) (7,701)\n"
    "Net cash provided by operating activities 2,912,853 2,199,728 1,469,502\n"
)


def test_a_row_is_chosen_by_its_own_label_not_its_tables_title() -> None:
    shown = _labels_shown(
        "What is the FY2017 operating cash flow ratio for Adobe? Operating cash flow ratio is defined as: cash from "
        "operations / total current liabilities.",
        _filing_passage("ADOBE_2017_10K", "ADBE", CASH_FLOWS, "cash_flow"),
    )
    assert shown[0] == "Net cash provided by operating activities"
    assert "Prepaid expenses and other current assets" not in shown  # "current" is not "current liabilities"


def test_a_chunk_cut_inside_a_sentence_does_not_quote_the_cut_piece() -> None:
    page = (
        "• NIKE, Inc. Revenues were $51.2 billion in fiscal 2023, which increased 10% compared to fiscal 2022. The\n"
        "increase was due to higher revenues in North America, Europe, Middle East &\n"
        "Africa, which contributed approximately 7 and 6 percentage points to NIKE, Inc.\n"
        "Revenues, respectively.\n"
    )
    whole = [unit.text for unit in units(page, 0, "en", page_text=page)]
    assert whole[-1].endswith(
        "Middle East & Africa, which contributed approximately 7 and 6 percentage points to "
        "NIKE, Inc. Revenues, respectively."
    )
    tail = page[page.index("Africa") :]
    assert units(tail, 1, "en", page_text=page) == []  # "Africa, which contributed …" is the end of a sentence


def test_unadjusted_ebitda_is_computed_from_operating_income_and_depreciation() -> None:
    question = understand("What is the FY2020 unadjusted EBITDA for MGM Resorts?", "en", Companies.default())
    assert question.inputs == {"operatingincomeconcept", "depreciationconcept"}
    assert not understand("What was MGM's Adjusted EBITDA in 2022?", "en", Companies.default()).inputs


def test_the_task_and_not_its_caveat_is_the_question() -> None:
    core = strip_instructions(
        "Roughly how many times has JnJ sold its inventory in FY2022? Calculate inventory turnover ratio for FY2022; "
        "if conventional inventory management is not meaningful for the company then state that and explain why."
    )
    assert (
        core
        == "Roughly how many times has JnJ sold its inventory in FY2022? Calculate inventory turnover ratio for FY2022"
    )
    assert strip_instructions("What drove gross margin? If gross margin is not a useful metric, explain why.") == (
        "What drove gross margin?"
    )
    # How to write the answer, closing a sentence, is no part of what is asked.
    assert strip_instructions(
        "What was the change in Quillstone's cloud revenue in Q1 2023, in percent with one decimal."
    ) == ("What was the change in Quillstone's cloud revenue in Q1 2023.")
    assert strip_instructions("Wie hoch war die Bruttomarge? Bitte in Prozent mit einer Nachkommastelle.") == (
        "Wie hoch war die Bruttomarge?"
    )
    assert strip_instructions("By how much did sales grow? One decimal.") == "By how much did sales grow?"
    assert strip_instructions("What was R&D as a percent of revenue?") == "What was R&D as a percent of revenue?"


def test_a_statement_pages_second_chunk_reads_the_columns_the_first_opened() -> None:
    first = (
        "CONSOLIDATED BALANCE SHEETS\nAt January 1, 2023 and January 2, 2022\n(Dollars in Millions) 2022 2021\n"
        "Inventories (Notes 1 and 3) 12,483 10,387\n"
        "Accounts receivable trade, less allowances for doubtful accounts $203 (2021, $230) 16,160 15,283\n"
    )
    second = "Accounts payable 11,703 11,055\n"
    page = first + second
    rows = [unit.text for unit in units(first, 0, "en", page) + units(second, 1, "en", page) if unit.kind == "row"]
    assert rows == [
        "Inventories (Notes 1 and 3): 2022 12,483 · 2021 10,387 (USD millions)",
        "Accounts receivable trade, less allowances for doubtful accounts $203 (2021, $230): 2022 16,160 · "
        "2021 15,283 (USD millions)",
        "Accounts payable: 2022 11,703 · 2021 11,055 (USD millions)",
    ]


def test_a_quarter_question_reads_the_quarters_page_not_the_six_months() -> None:
    rows = "Sales to customers 25,530 $ 100.0 24,020 $ 100.0 6.3\nNet earnings 5,144 20.1 4,814 20.0 6.9\n"
    half = "Sales to customers 50,276 $ 100.0 47,446 $ 100.0 6.0\nNet earnings 5,076 10.1 9,963 21.0 (49.1)\n"
    title = "Johnson & Johnson and Subsidiaries\nCondensed Consolidated Statement of Earnings\n"
    quarter = _filing_passage("JOHNSON_JOHNSON_2023Q2_EARNINGS", "JNJ", f"{title}{rows}SECOND QUARTER\n", "income")
    six = _filing_passage("JOHNSON_JOHNSON_2023Q2_EARNINGS", "JNJ", f"{title}{half}SIX MONTHS\n", "income")
    six = Passage(replace(six.chunk, id="six-v1-41", page=55), 1.0, 0.5, 3.0)
    question = understand(
        "Did JnJ's net earnings as a percent of sales increase in Q2 of FY2023 compared to Q2 of FY2022?",
        "en",
        Companies.default(),
    )
    draft = compose(question, (six, quarter), Companies.default())

    assert draft.text.splitlines()[0].startswith("Net earnings: 5,144 · 20.1")


def test_other_current_assets_are_not_the_current_assets_a_ratio_needs() -> None:
    assert concepts("Prepaid expenses and other current assets")[1] == frozenset()
    assert concepts("Total current assets")[1] == {"currentassetsconcept"}
    assert _focus("Does 3M maintain a stable trend of dividend distribution?") == [{"dividendconcept"}, {"stabl"}]


def test_a_german_question_about_a_filing_is_read_like_an_english_one() -> None:
    asked = understand("Wie hoch waren die Vorräte von Nike im Geschäftsjahr 2023?", "de", Companies.default())
    assert asked.focus == (frozenset({"inventoryconcept"}),) and asked.years == (2023,)
    largest = understand(
        "Welche Verbindlichkeit war 2022 die größte in der Bilanz von American Express?", "de", Companies.default()
    )
    assert largest.extreme == 1 and any("liabil" in group for group in largest.focus)
    assert "balance_sheet" in hints("Welche Verbindlichkeit war 2022 die größte in der Bilanz?").named
    cash = understand("Wie hoch war der operative Cashflow von Block im Jahr 2020?", "de", Companies.default())
    assert cash.focus == (frozenset({"operatingcashconcept"}),)


def test_a_table_of_changes_does_not_answer_which_is_largest() -> None:
    changes = (
        "3M COMPANY\nCONSOLIDATED STATEMENT OF INCOME\nComponents of net sales change:\n"
        "Organic sales 2.6 0.3 (0.6) 1.2\nTranslation (6.5) (9.8) (3.9) (3.1)\n"
        "Total sales change (4.3) (9.6) (4.9) (2.0)\n"
    )
    question = understand("Which segment had the largest net sales for 3M in 2022?", "en", Companies.default())
    draft = compose(question, (_filing_passage("3M_2022_10K", "MMM", changes, "income"),), Companies.default())
    assert not draft.text.startswith("Largest item of the table")


def test_among_named_items_each_gets_its_own_row() -> None:
    statement = (
        "NIKE, INC.\nCONSOLIDATED STATEMENTS OF CASH FLOWS\n(In millions) 2023 2022 2021\n"
        "Cash provided (used) by operations:\nNet income 5,070 6,046 5,727\n"
        "Cash provided (used) by operations 5,841 5,188 6,657\n"
        "Cash provided (used) by investing activities:\nPurchases of short-term investments (6,059) (12,913) (9,961)\n"
        "Cash provided (used) by investing activities 564 (1,524) (3,800)\n"
        "Cash provided (used) by financing activities:\nRepurchase of common stock (5,480) (4,014) (608)\n"
        "Cash provided (used) by financing activities (7,447) (4,836) (1,459)\n"
    )
    shown = _labels_shown(
        "Among operations, investing, and financing activities, which brought in the most (or lost the least) "
        "cash flow for Nike in FY2023?",
        _filing_passage("NIKE_2023_10K", "NKE", statement, "cash_flow"),
    )
    assert shown == [
        "Cash provided (used) by operations",
        "Cash provided (used) by investing activities",
        "Cash provided (used) by financing activities",
    ]


MARGIN_PAGE = (
    "RESULTS OF OPERATIONS\nOperating Expenses:\n(Percent of net sales) 2022 2021 Change\n"
    "Cost of sales 56.2 % 53.2 % 3.0 %\nOperating income margin 19.1 % 20.8 % (1.7)%\n"
    "The following table provides the increases (decreases) in operating income margins.\n"
    "Cost of Sales:\nCost of sales, measured as a percent of sales, increased in 2022 when compared to the same "
    "period last year. Increases were primarily due to special item costs for"
)
MARGIN_PAGE_REST = "significant litigation and higher raw materials costs. Gain on Business Divestitures:\n"


def _page_passages(texts: list[str]) -> tuple[Passage, ...]:
    """Consecutive chunks of one 10-K page, as retrieval returns them."""
    return tuple(
        Passage(
            Chunk(
                id=f"mmm_2022_10k-v1-{40 + n}",
                document_id="mmm_2022_10k",
                text=text,
                title="3M_2022_10K",
                uri="file:///3M_2022_10K.pdf",
                page=27,
                tickers=("MMM",),
                kind="filing",
            ),
            1.0 - n / 10,
            0.5,
            3.0,
        )
        for n, text in enumerate(texts)
    )


def test_a_why_question_about_a_margin_leads_with_its_row_then_the_cost_lines_that_moved_it() -> None:
    asked = understand("What drove operating margin change as of FY2022 for 3M?", "en", Companies.default())
    draft = compose(asked, _page_passages([MARGIN_PAGE, MARGIN_PAGE_REST]), Companies.default())
    lines = draft.text.splitlines()
    assert lines[0] == "Operating income margin: 2022 19.1% · 2021 20.8% · change (1.7)% (percent of net sales) [1]"
    # A cost line as a percent of sales is why the margin moved, though it names no margin.
    assert any(line.startswith("• Cost of sales, measured as a percent of sales, increased") for line in lines)
    assert not any("The following table" in line for line in lines)  # announces the table, says nothing


def test_a_sentence_cut_between_two_chunks_is_quoted_whole_and_cites_both() -> None:
    asked = understand("Why did 3M's cost of sales increase in 2022?", "en", Companies.default())
    draft = compose(asked, _page_passages([MARGIN_PAGE, MARGIN_PAGE_REST]), Companies.default())
    whole = (
        "Increases were primarily due to special item costs for significant litigation and higher raw materials costs."
    )
    assert whole in draft.text
    (citation,) = draft.citations
    assert "special item costs for" in citation.quote and "significant litigation and higher" in citation.quote


class _Page:
    """The served index around a retrieved chunk: a fake of the engine's neighbours, over a list."""

    def __init__(self, chunks: list[Chunk]) -> None:
        self._chunks = {chunk.id: chunk for chunk in chunks}
        self.asked: list[str] = []

    def page(self, chunk: Chunk) -> list[Chunk]:
        return [chunk]

    def following(self, chunks: list[Chunk]) -> list[Chunk]:
        self.asked += [chunk.id for chunk in chunks]
        return [self._chunks[i] for chunk in chunks if (i := chunk.sibling_id(1) or "") in self._chunks]


def test_a_sentence_cut_at_a_retrieved_chunks_end_is_finished_from_the_next_chunk_alone() -> None:
    rest = f"{MARGIN_PAGE_REST}Cost of sales increased in 2022 because of the Belgian shutdown.\n"
    first, second = _page_passages([MARGIN_PAGE, rest])
    around = _Page([first.chunk, second.chunk])
    asked = understand("Why did 3M's cost of sales increase in 2022?", "en", Companies.default())
    draft = compose(asked, (first,), Companies.default(), around)
    assert around.asked == ["mmm_2022_10k-v1-40"]
    assert "special item costs for significant litigation and higher raw materials costs." in draft.text
    assert "Belgian shutdown" not in draft.text  # the next chunk finishes the sentence; it was not retrieved
    assert "significant litigation and higher" in draft.citations[0].quote


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("The payout ratio rose.", {"payoutratioconcept"}),
        ("The dividend payout ratio rose.", {"payoutratioconcept"}),
        ("Total asset turnover was 0.8.", {"assetturnoverconcept"}),
        ("Fixed asset turnover was 3.1.", {"fixedassetturnoverconcept"}),
        ("EBITDA rose; Adjusted EBITDA fell.", {"ebitdaconcept"}),
        ("Adjusted EBITDA fell.", set()),
        ("CAPEX and Umsatzkosten", {"capexconcept", "cogsconcept"}),
        ("Widget Works 2031 total opex?", {"opexconcept"}),
        ("Total operating expenses rose; other operating expenses fell.", {"opexconcept"}),
        ("Other operating expenses fell.", set()),
    ],
)
def test_phrases_opening_with_a_condition_or_an_optional_word_are_found(text: str, named: set[str]) -> None:
    # The phrase scan is grouped by each phrase's first letter: a phrase that may begin with two
    # letters ("(dividend) payout ratio") or behind a look-behind must be found under each.
    assert concepts(text)[1] == named


def test_chunks_that_overlap_finish_a_cut_sentence_without_repeating_the_shared_words() -> None:
    page = (
        "Gross profit:\nAs a percentage of net sales, gross profit increased to 39.6% compared to 39.0% in fiscal "
        "2021, primarily due to leverage of fixed costs. Inventory shrink was higher.\n"
    )
    cut = page.index("in fiscal 2021")
    first, second = page[:cut].rstrip(), page[cut - 40 :]  # the chunker repeats ~40 characters
    asked = understand("Why did Ulta's gross margin increase in 2022?", "en", Companies.default())
    draft = compose(asked, _page_passages([first, second]), Companies.default())
    assert "compared to 39.0% in fiscal 2021, primarily due to leverage of fixed costs. [1]" in draft.text
    assert draft.text.count("39.0%") == 1


def test_a_short_bullet_line_ends_its_point_and_the_next_line_is_a_sentence_of_its_own() -> None:
    page = (
        "Cost of products sold increased as a percent to sales driven by:\n"
        "• Commodity inflation in the MedTech and Consumer Health segments\n"
        "partially offset by\n"
        "• Supply chain benefits in the Consumer Health segment\n"
        "The intangible asset amortization expense included in cost of products sold was $4.3 billion.\n"
    )
    said = [unit.text for unit in units(page, 0, "en", page_text=page)]
    assert said[-1] == "The intangible asset amortization expense included in cost of products sold was $4.3 billion."
    assert said[0].endswith("• Supply chain benefits in the Consumer Health segment")


@pytest.mark.parametrize(
    ("asked", "statement"),
    [
        ("How much did Nike pay in dividends in FY2023?", "cash_flow"),
        ("How much did 3M spend on share repurchases in 2022?", "cash_flow"),
        ("What was 3M's goodwill at year end 2022?", "balance_sheet"),
        ("What were 3M's total liabilities at the end of FY2022?", "balance_sheet"),
        ("What was Adobe's FY2022 diluted net income per share?", "income"),
    ],
)
def test_a_line_item_named_in_any_of_its_words_implies_its_statement(asked: str, statement: str) -> None:
    assert statement in hints(asked).implied


@pytest.mark.parametrize(
    ("asked", "focus"),
    [
        ("How much did Nike pay in dividends in FY2023?", [{"dividendconcept"}]),
        ("How much did 3M spend on share repurchases in 2022?", [{"buybackconcept"}]),
        ("What was Block's FY2020 net income attributable to common stockholders?", [{"netincomeconcept"}]),
    ],
)
def test_verbs_that_link_a_company_to_a_line_item_are_not_its_focus(asked: str, focus: list[set[str]]) -> None:
    assert _focus(asked) == focus
    assert understand(asked, "en", Companies.default()).kind == "figure"


PER_SHARE = (
    "SQUARE, INC.\nCONSOLIDATED STATEMENTS OF OPERATIONS\n(In thousands, except per share data)\n"
    "Year Ended December 31,\n2020 2019 2018\n"
    "Net income (loss) $ 213,105 $ 375,446 $ (38,453)\nNet income (loss) per share:\n"
    "Basic $ 0.48 $ 0.88 $ (0.09)\nDiluted $ 0.44 $ 0.81 $ (0.09)\n"
    "Weighted-average shares used to compute net income (loss) per share:\n"
    "Basic 443,126 424,999 405,731\nDiluted 482,167 466,076 405,731\n"
)


def test_basic_and_diluted_rows_carry_the_title_of_their_sub_table() -> None:
    rows = _rows(PER_SHARE)
    assert rows[1:] == [
        "Net income (loss) per share — Basic: 2020 0.48 · 2019 0.88 · 2018 (0.09)",
        "Net income (loss) per share — Diluted: 2020 0.44 · 2019 0.81 · 2018 (0.09)",
        "Weighted-average shares used to compute net income (loss) per share — Basic: 2020 443,126 · 2019 424,999 · "
        "2018 405,731",
        "Weighted-average shares used to compute net income (loss) per share — Diluted: 2020 482,167 · "
        "2019 466,076 · 2018 405,731",
    ]


def test_the_questions_own_words_pick_between_rows_spelled_alike() -> None:
    passage = _filing_passage("BLOCK_2020_10K", "SQ", PER_SHARE, "income")
    # The share counts "used to compute net income (loss) per share" are not the per-share figure.
    assert _labels_shown("What was Block's diluted EPS in 2020?", passage) == ["Net income (loss) per share — Diluted"]
    paid = (
        "NIKE, INC.\nCONSOLIDATED STATEMENTS OF CASH FLOWS\n(Dollars in millions) 2023 2022\n"
        "Dividends declared and not paid 524 480\nDividends — common and preferred (2,012) (1,837)\n"
    )
    passage = _filing_passage("NIKE_2023_10K", "NKE", paid, "cash_flow")
    assert (
        _labels_shown("How much did Nike pay in dividends in FY2023?", passage)[0] == "Dividends — common and preferred"
    )


def test_a_typographic_apostrophe_names_the_same_line_item() -> None:
    assert concepts("Total stockholders’ equity 14,051 14,797")[1] == {"equityconcept"}
    assert _focus("What was Adobe’s total stockholders’ equity at the end of FY2022?") == [{"equityconcept"}]


def test_an_audit_opinion_naming_every_statement_is_not_quoted() -> None:
    page = (
        "We have audited the accompanying consolidated balance sheets of Adobe Inc. as of December 2, 2022, the "
        "related consolidated statements of income, stockholders’ equity, and cash flows for each of the three "
        "fiscal years.\n"
    )
    assert units(page, 0, "en", page_text=page) == []


def test_a_cover_pages_check_boxes_are_not_quoted() -> None:
    page = (
        "YES ☐ NO ☒ Indicate by check mark whether the registrant is a large accelerated filer or an accelerated "
        "filer.\n"
        "Widget Works designs and sells widgets in forty countries.\n"
    )
    assert [unit.text for unit in units(page, 0, "en", page_text=page)] == [
        "Widget Works designs and sells widgets in forty countries."
    ]


def test_days_inventory_outstanding_is_computed_from_inventories_and_cost_of_sales() -> None:
    asked = understand("What is Nike's FY2022 days inventory outstanding?", "en", Companies.default())
    assert asked.inputs == {"inventoryconcept", "cogsconcept"}


RELEASE = (
    "Ulta Beauty, Inc.\nConsolidated Statements of Income\n(In thousands, except per share data)\n"
    "13 Weeks Ended\nJanuary 28, January 29,\n2023 2022\n"
    "Net sales $ 3,226,773 100.0% $ 2,729,388 100.0%\nGross profit (as a percentage of net sales) 37.6% 37.6%\n"
    "52 Weeks Ended\nJanuary 28, January 29,\n2023 2022\n"
    "Net sales $ 10,208,580 100.0% $ 8,630,889 100.0%\n"
)


@pytest.mark.parametrize(
    ("asked", "lead"),
    [
        (
            "What were Ulta Beauty's net sales in fiscal 2022?",
            "Net sales: 2023 10,208,580, 100.0% · 2022 8,630,889, 100.0% (USD thousands) [1]",
        ),
        (
            "What were Ulta Beauty's net sales in the fourth quarter of 2022?",
            "Net sales: 2023 3,226,773, 100.0% · 2022 2,729,388, 100.0% (USD thousands) [1]",
        ),
    ],
)
def test_a_release_answers_from_the_table_of_the_span_asked_for(asked: str, lead: str) -> None:
    passage = _filing_passage("ULTABEAUTY_2023Q4_EARNINGS", "ULTA", RELEASE, "income")
    draft = compose(understand(asked, "en", Companies.default()), (passage,), Companies.default())
    lines = draft.text.splitlines()
    assert lines[0] == lead
    assert not any("Gross profit" in line for line in lines)  # a share of net sales is not net sales


def test_a_row_without_column_years_answers_for_the_year_before_its_filings() -> None:
    table = "Consolidated Statements of Income\n(In millions)\nNet sales 10,208 8,630\n"
    passage = _filing_passage("ULTABEAUTY_2023Q4_EARNINGS", "ULTA", table, "income")
    asked = understand("What were Ulta Beauty's net sales in 2022?", "en", Companies.default())
    assert compose(asked, (passage,), Companies.default()).text.startswith("Net sales: 10,208 · 8,630")
    earlier = understand("What were Ulta Beauty's net sales in 2020?", "en", Companies.default())
    assert not compose(earlier, (passage,), Companies.default()).covered


def test_a_yes_no_question_about_a_line_item_is_answered_by_its_row() -> None:
    sheet = (
        "MGM RESORTS INTERNATIONAL\nCONSOLIDATED BALANCE SHEETS\n(In thousands) 2022 2021\n"
        "Long-term debt, net 7,432,817 11,770,797\n"
        "See Note 9 to the accompanying consolidated financial statements for discussion on long-term debt.\n"
    )
    passage = _filing_passage("MGMRESORTS_2022_10K", "MGM", sheet, "balance_sheet")
    asked = understand("Has MGM reduced its long-term debt in 2022?", "en", Companies.default())
    assert _focus("Has MGM reduced its long-term debt in 2022?") == [{"longtermdebtconcept"}]
    draft = compose(asked, (passage,), Companies.default())
    assert draft.text == "Long-term debt, net: 2022 7,432,817 · 2021 11,770,797 (thousands) [1]"  # no "See Note 9"


def test_a_why_question_about_a_year_is_answered_from_that_years_filing() -> None:
    old = _filing_passage(
        "3M_2018_10K", "MMM", "Operating income margins were 21.2 percent, up due to lower costs.\n", ""
    )
    new = _filing_passage(
        "3M_2022_10K", "MMM", "Operating income margins decreased due to litigation costs and raw materials.\n", ""
    )
    new = replace(new, chunk=replace(new.chunk, id="3m_2022_10k-v1-7", document_id="3m_2022_10k"))
    asked = understand("Why did 3M's operating margin fall in 2022?", "en", Companies.default())
    draft = compose(asked, (old, new), Companies.default())
    assert "litigation costs" in draft.text
    assert "21.2 percent" not in draft.text


def test_a_pdf_line_whose_words_pdfium_parts_by_bare_line_feeds_is_one_line() -> None:
    raw = "MGM RESORTS\r\nCONSOLIDATED\nSTATEMENTS\nOF\nOPERATIONS\r\n(In thousands)\r\nYear\nEnded\nDecember\n31,\r\n"
    text = pdf_lines(raw)
    assert text == "MGM RESORTS\nCONSOLIDATED STATEMENTS OF OPERATIONS\n(In thousands)\nYear Ended December 31,\n"
    assert section_of(text) == "income"


def test_a_later_table_with_other_columns_is_not_read_under_the_first_tables_years() -> None:
    page = (
        "(Dollars in millions) 2022 2021 % change\nTotal Company $ 34,229 $ 35,355 (3.2)%\n"
        "Sales by geographic area:\nYear ended December 31, 2022\nAmericas Asia Pacific Europe Worldwide\n"
        "Net sales (millions) $ 18,400 $ 9,901 $ 5,928 $ 34,229\n% of worldwide sales 53.8 % 28.9 % 17.3 % 100.0 %\n"
        "Divestitures (0.6) (0.4) (0.6) (0.5)\nTotal sales change 1.7 % (6.6) % (11.0) % (3.2) %\n"
    )
    rows = _rows(page)
    assert rows == [
        "Total Company: 2022 34,229 · 2021 35,355 · change (3.2)% (USD millions)",
        "Net sales (millions): 18,400 · 9,901 · 5,928 · 34,229 (USD millions)",  # four regions, not 2022/2021
        "% of worldwide sales: 53.8% · 28.9% · 17.3% · 100.0%",
        "Divestitures: (0.6) · (0.4) · (0.6) · (0.5) (USD millions)",
        "Total sales change: 1.7% · (6.6)% · (11.0)% · (3.2)%",  # rates carry no currency unit
    ]


def test_a_year_that_dates_the_label_stays_in_it() -> None:
    page = (
        "(In thousands) 2023 2022\n6.75% senior notes, due 2025 750,000 750,000\n"
        "Interest (income) expense, net (4,378) (0.1%) 467 0.1%\n"
    )
    rows = _rows(page)
    assert rows == [
        "6.75% senior notes, due 2025: 2023 750,000 · 2022 750,000 (thousands)",
        "Interest (income) expense, net: 2023 (4,378), (0.1%) · 2022 467, 0.1% (thousands)",
    ]


@pytest.mark.parametrize(
    "boilerplate",
    [
        "Balances, June 30, 2023 352,790 $ 3,528 $ — $ 4,382,588 $ 30,057 $ 4,416,173 The accompanying notes are "
        "an integral part of these statements.",
        "Risk Factors — Risks Related to Our Business, Industry, and Market Conditions.",
        "SeeCertain amounts adjusted for special items section below for additional discussion of these items.",
        "Those standards require that we plan and perform the audit to obtain reasonable assurance about whether the "
        "financial statements are free of material misstatement.",
        "I have reviewed this annual report on Form 10-K of NIKE, Inc. and found it complete.",
        "Such information is incorporated herein by reference to the proxy statement of the company.",
        "The table presents principal cash flows and related weighted average interest rates by expected maturity.",
    ],
)
def test_filing_boilerplate_titles_and_runaway_rows_are_not_quoted(boilerplate: str) -> None:
    assert units(boilerplate + "\n", 0, "en", page_text=boilerplate + "\n") == []


def test_an_ordinary_sentence_with_figures_is_still_quoted() -> None:
    text = "Revenue rose 5% to $247.7 billion in 2024, and operating income grew 12% to $34.1 billion.\n"
    assert [unit.text for unit in units(text, 0, "en", page_text=text)] == [text.strip()]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("One-time COVID-19 vaccine costs", set()),
        ("Form 10-K for 2022", set()),
        ("revenue fell 4.4% to $23.7B", {4.4, 23.7}),
    ],
)
def test_a_number_that_is_part_of_a_name_is_not_a_figure(text: str, found: set[float]) -> None:
    assert figures(text) == found


def test_a_figure_question_on_one_line_item_quotes_only_lines_that_name_it() -> None:
    release = (
        "During the fourth quarter of fiscal 2022, the Company repurchased 722,457 shares of its common stock at a "
        "cost of $328.1 million. Real estate activity in the fourth quarter included 12 new stores in Ohio.\n"
    )
    passage = _filing_passage("ULTABEAUTY_2023Q4_EARNINGS", "ULTA", release, "")
    asked = understand(
        "What percent of Ulta Beauty's total spend on stock repurchases for FY2023 occurred in Q4?",
        "en",
        Companies.default(),
    )
    assert asked.focus == (frozenset({"buybackconcept"}),)
    draft = compose(asked, (passage,), Companies.default())
    assert "$328.1 million" in draft.text and "12 new stores" not in draft.text


def test_a_table_of_two_spans_shows_each_years_figure_under_its_span() -> None:
    page = (
        "CONSOLIDATED STATEMENTS OF OPERATIONS\n(In thousands)\nThree Months Ended\nJune 30,\nSix Months Ended\n"
        "June 30,\n2023 2022 2023 2022\nNet revenues $ 3,942,207 $ 3,264,888 $ 7,815,503 $ 6,119,197\n"
    )
    (row,) = [unit for unit in units(page, 0, "en", page_text=page) if unit.kind == "row"]
    assert row.text == (
        "Net revenues: three months ended 2023 3,942,207 · 2022 3,264,888 · six months ended 2023 7,815,503 · "
        "2022 6,119,197 (USD thousands)"
    )


def test_a_total_printed_without_a_label_is_named_by_its_block_or_the_line_above() -> None:
    page = (
        "CONSOLIDATED STATEMENTS OF OPERATIONS\n(In thousands)\nYear Ended December 31,\n2022 2021\nRevenues\n"
        "Casino $ 5,734,173 $ 5,362,912\nRooms 3,057,145 1,690,037\n13,127,485 9,680,140\n"
        "TOTAL CURRENT LIABILITIES\n27,194 26,532\n"
        "Purchase of premises and equipment, net of sales: 2022, $1; 2021, $88 (1,855) (1,550)\n"
        # Years alone under a title are the header of the columns beside it, not a total of 2,023.
        "Net Income Earnings per share - diluted\n2023 2022\n"
    )
    rows = _rows(page)
    assert rows[2:] == [
        "Revenues: 2022 13,127,485 · 2021 9,680,140 (USD thousands)",
        "TOTAL CURRENT LIABILITIES: 2022 27,194 · 2021 26,532 (USD thousands)",
        # A long label full of figures is still a row (its words, not its figures, are counted).
        "Purchase of premises and equipment, net of sales: 2022, $1; 2021, $88: 2022 (1,855) · 2021 (1,550) "
        "(USD thousands)",
    ]


def test_a_row_showing_the_asked_years_column_comes_before_one_whose_columns_are_unknown() -> None:
    note = _filing_passage(
        "NIKE_2019_10K", "NKE", "DISAGGREGATION OF REVENUES\nTOTAL REVENUES 15,902 9,812 6,208 39,117\n", ""
    )
    statement = _filing_passage(
        "NIKE_2019_10K",
        "NKE",
        "CONSOLIDATED STATEMENTS OF INCOME\n(In millions) 2019 2018\nRevenues 39,117 36,397\n",
        "income",
    )
    statement = replace(statement, chunk=replace(statement.chunk, id="nike_2019_10k-v1-90", page=52))
    asked = understand("What was Nike's total revenue in FY2019?", "en", Companies.default())
    draft = compose(asked, (note, statement), Companies.default())
    assert draft.text.startswith("Revenues: 2019 39,117 · 2018 36,397 (millions)")


def test_a_currency_named_with_a_country_is_no_topic() -> None:
    question = "Wie hoch waren die Investitionsausgaben (Capex) von Alibaba 2022 in Millionen US-Dollar?"
    focus = [set(group) for group in understand(question, "de", Companies.default()).focus]
    assert focus == [{"capexconcept"}]
    # The country is still a topic where it is one.
    assert any("state" in group for group in _focus("How much did Alibaba earn in the U.S. in 2022?"))


def test_a_row_printing_a_dash_for_the_asked_year_does_not_answer_for_it() -> None:
    question = understand("What were Alibaba's net revenues in 2022?", "en", Companies.default())
    chunk = Chunk(id="c", document_id="d", text="", title="Alibaba 2022 annual report", uri="u", tickers=("BABA",))
    table = "(In millions) 2022 2021 2020\nNet revenues — 1,409 1,377\n"
    (row,) = [unit for unit in units(table, 0, "en") if unit.kind == "row"]
    assert row.years == (2022, 2021, 2020)
    assert not speaks_of_year(row, question, chunk)
    assert speaks_of_year(row, replace(question, years=(2021,)), chunk)


@pytest.mark.parametrize(
    ("question", "concept"),
    [
        ("What was Alibaba's SG&A in 2022?", "sgaconcept"),
        ("What was Alibaba's D&A in 2022?", "depreciationconcept"),
        ("What was Alibaba's top line in 2022?", "revenueconcept"),
        ("What was Alibaba's topline in 2022?", "revenueconcept"),
        ("What was Alibaba's bottom line in 2022?", "netincomeconcept"),
        ("Alibaba Q2 2023 D&A?", "depreciationconcept"),
    ],
)
def test_a_line_item_asked_by_its_initials_or_an_idiom_asks_for_its_figure(question: str, concept: str) -> None:
    understood = understand(question, "en", Companies.default())
    assert understood.kind == "figure"
    assert [set(group) for group in understood.focus] == [{concept}]


@pytest.mark.parametrize(
    ("asked", "specifics"),
    [
        ("How much net sales did Alibaba generate in India in fiscal 2022?", [{"india"}]),
        ("What was Alibaba Group's cloud revenue in 2023?", []),  # a legal form run on from the name is the name
        ("What did Alibaba Holdings Inc. report as revenue?", []),
        ("How much revenue did Alibaba Epic Games generate in 2023?", [{"epic"}]),  # a part of it
        ("What did Alibaba say about the Epic Games case? Answer in one sentence.", [{"epic"}]),
        ("Wie hoch war der Umsatz von Alibaba in Indien?", []),  # German capitalises every noun
    ],
)
def test_names_besides_the_companys_are_what_an_answer_must_mention(asked: str, specifics: list[set[str]]) -> None:
    question = understand(asked, "de" if "Wie" in asked else "en", Companies.default())
    assert [set(group) for group in question.specifics] == specifics
    assert question.specifics_in("Net sales in India rose; the Epic Games case went on.")
    assert not question.specifics or not question.specifics_in("Total net sales: FY2022 394,328 (USD millions)")


def test_a_name_around_an_acronym_is_a_measure_and_a_part_is_named_in_all_its_words() -> None:
    measure = understand(
        "Which region had the Highest EBITDAR Contribution for Alibaba in 2022?", "en", Companies.default()
    )
    assert measure.specifics == () and [set(group) for group in measure.measures] == [{"ebitdar", "contribut"}]
    assert measure.measures_in("Adjusted Property EBITDAR by region") and not measure.measures_in("Net revenues")
    part = understand("What Net Promoter Score did Alibaba report for 2022?", "en", Companies.default())
    assert part.measures == () and part.specifics_in("Net revenues rose")
    assert not part.specifics_in("Net revenues rose", whole=True)
    assert part.specifics_in("Our Net Promoter Score rose to 61.", whole=True)


def test_a_question_naming_a_statement_asks_for_its_rows() -> None:
    asked = "What did Alibaba report as acquisitions, net of cash acquired, in its fiscal 2023 cash flow statement?"
    assert understand(asked, "en", Companies.default()).kind == "figure"
    assert understand("What did Alibaba report about acquisitions in 2023?", "en", Companies.default()).kind != "figure"
    # The statement says where to look, not what: its words are no part of the row's name.
    assert "cash flow" not in catalogue().references.sub(" ", asked)


def test_an_expectation_is_answered_by_what_the_company_said_not_by_a_statements_rows() -> None:
    statement = _filing_passage(
        "NIKE_2024Q1_EARNINGS", "NKE", "Net revenue $ 11,715 $ 18,353\nGross margin 4,008 9,244\n", "income"
    )
    outlook = (
        "Outlook: Nike is forecasting second-quarter 2024 revenue of $11.5 billion to $12.5 billion and a gross "
        "margin of 33.2 percent.\n"
    )
    release = _filing_passage("NIKE_2024Q1_EARNINGS", "NKE", outlook, "")
    said = Passage(replace(release.chunk, id="nike_2024q1_earnings-v1-41", page=55), 1.0, 0.5, 3.0)
    asked = "What revenue and gross margin did Nike expect for Q2 2024?"
    question = understand(asked, "en", Companies.default())
    assert question.kind == "forecast"
    draft = compose(question, (statement, said), Companies.default())
    assert draft.text.startswith("Outlook: Nike is forecasting second-quarter 2024 revenue")
    assert "4,008" not in draft.text


def test_a_statements_name_is_where_to_look_not_a_part_the_answer_must_name() -> None:
    for asked in (
        "What was the largest liability in Alibaba's Balance Sheet in 2022?",
        "What was Alibaba's revenue per its Condensed Consolidated Statements of Operations?",
    ):
        assert understand(asked, "en", Companies.default()).specifics == ()


@pytest.mark.parametrize(
    ("asked", "kind"),
    [
        ("What did Widget Works report for marketing, general and administrative expenses in fiscal 2024?", "figure"),
        ('What did Widget Works record as "Other operating expenses" in 2024?', "figure"),
        ("What did Widget Works report in fiscal 2024?", "other"),  # nothing named: what it reported at all
        ("What did Widget Works spend its capital expenditures on?", "other"),  # what for, not how much
    ],
)
def test_what_a_company_reported_for_a_line_item_asks_for_its_figure(asked: str, kind: str) -> None:
    assert understand(asked, "en", Companies.default()).kind == kind
