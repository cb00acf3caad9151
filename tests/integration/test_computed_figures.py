"""Page tables stored at indexing and computed figures, with the real model, Chroma and catalog.

The statement below is made up for the test (no filing's text)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from fpdf import FPDF

from knowledge.index.embedder import Embedder
from knowledge.index.tabulator import stored
from knowledge.wiring.local import Local
from tests.conftest import make_settings
from tests.excerpts import QUARTERLY_TREND, SECOND_QUARTER_STATEMENT

STATEMENT = """Widget Works Inc.
Consolidated Statements of Income
(In millions, except per share data)
Years Ended June 30, 2024 2023 2022
Revenue $ 9,120 $ 8,400 $ 7,950
Cost of revenue 4,010 3,900 3,700
Operating income (1) 2,210 1,980 1,805
Other expense (income), net 140 150 160
Earnings per share:
Diluted 3.05 2.70 2.36"""

NARRATIVE = "Widget Works Inc. makes industrial widgets. Demand for widgets grew in fiscal 2024 in every region."


def _pdf(path: Path, pages: list[str]) -> Path:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=10)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 5, text)
    pdf.output(str(path))
    return path


def _indexed(tmp_path: Path, embedder: Embedder, name: str, pages: list[str]) -> tuple[Local, Path]:
    """A data folder with one made-up filing of these pages ingested, and the filing's path."""
    folder = tmp_path / "filings"
    folder.mkdir()
    report = _pdf(folder / name, pages)
    local = Local(make_settings(tmp_path), embedder)
    local.indexing.librarian.ingest([folder])
    return local, report


def test_operating_margin_is_computed_from_stored_rows_and_goes_with_the_document(
    tmp_path: Path, embedder: Embedder
) -> None:
    local, report = _indexed(tmp_path, embedder, "widget-works-annual-report.pdf", [NARRATIVE, STATEMENT])
    catalog = local.core.catalog
    document = catalog.documents()[0].id

    pages = catalog.page_tables({document}, set())
    tables, vectors = stored(pages[0])
    rows = [row for table in tables for row in table.rows]
    revenue = next(at for at, row in enumerate(rows) if row.label == "Revenue")
    assert (pages[0].page, pages[0].section) == (2, "income")
    assert np.isclose(np.linalg.norm(vectors[revenue]), 1.0, atol=1e-3)  # embedded at indexing

    answer = local.answering.ask("What was Widget Works' operating margin in fiscal 2024?")
    first = answer.text.split("\n", 1)[0]
    assert first == "Operating margin FY2024 = operating income FY2024 2,210 / revenue FY2024 9,120 = 24.2 % [1]"
    assert answer.citations[0].page == 2 and "2,210" in answer.citations[0].quote

    # Asked in other words than the metric's own: the question's focus is compared by meaning.
    reworded = local.answering.ask("What was Widget Works' operating income relative to its revenue in fiscal 2024?")
    assert reworded.text.startswith("Operating margin FY2024 = operating income FY2024 2,210 / revenue FY2024 9,120")
    plain = local.answering.ask("What was Widget Works' operating income in fiscal 2024?")
    assert plain.text.startswith("Operating income FY2024: 2,210 USD millions")  # an item asked for is no metric

    # A rate asked of two years: both, and the change between them in points.
    both = local.answering.ask("How did Widget Works' operating margin change between fiscal 2023 and fiscal 2024?")
    assert both.text.split("\n")[2].startswith("Operating margin FY2024 − FY2023 = 24.2 % − 23.6 % = +0.7 pp")

    # No row states interest expense ("Other expense (income), net" comes near): nothing is computed.
    coverage = local.answering.ask("What was Widget Works' interest coverage in fiscal 2024?")
    assert "Interest coverage" not in coverage.text and "=" not in coverage.text

    two = local.answering.ask("What was Widget Works' average revenue in fiscal 2024?")
    assert two.text.startswith("Average Revenue FY2024 = (Revenue FY2024 9,120 + Revenue FY2023 8,400) / 2 = 8,760")

    per_share = local.answering.ask("What were Widget Works' diluted earnings per share in fiscal 2023?")
    assert per_share.text.startswith("Earnings per share — Diluted FY2023: 2.70 USD per share [1]")

    report.unlink()
    local.indexing.librarian.refresh()
    assert catalog.page_tables({document}, {(document, 2)}) == []
    local.close()


QUARTERLY = """Widget Works Inc. | Q3 2024 Form 10-Q
Condensed Statements of Income
(In millions, except per share data)
Three Months Ended Nine Months Ended
March 31,
2024
March 31,
2023
March 31,
2024
March 31,
2023
Revenue $ 2,400 $ 2,000 $ 6,900 $ 6,100
Operating income 600 450 1,700 1,500"""


def test_a_quarterly_report_computes_its_own_quarter_and_never_answers_another(
    tmp_path: Path, embedder: Embedder
) -> None:
    local, _ = _indexed(tmp_path, embedder, "widget-works-quarterly-report.pdf", [NARRATIVE, QUARTERLY])

    # Days and years one per line under "Three Months Ended Nine Months Ended": each under its span.
    growth = local.answering.ask("By how much did Widget Works' revenue grow in Q3 2024 year over year?")
    # Each quarter is named by its last day: two quarters of one year are told apart.
    assert growth.text.startswith(
        "Change Revenue 3M to March 31, 2024 = Revenue 3M to March 31, 2024 2,400 / "
        "Revenue 3M to March 31, 2023 2,000 - 1 = 20.0 %"
    )
    # The report's quarter column is no other quarter's figure.
    other = local.answering.ask("What was Widget Works' revenue in Q4 2024?")
    answered, _, closest = other.text.partition("The closest passage")
    assert not other.grounded and "=" not in answered and "3M to" not in answered
    # Shown as the closest passage, the row names its spans: no bare "2024" for a quarter's figure.
    assert not closest or "Revenue: 3M to March 31, 2024 2,400" in closest
    local.close()


EXPENSES = """Widget Works Inc.
Consolidated Statements of Operations
(In millions)
Years Ended June 30, 2024 2023
Revenue $ 9,120 $ 8,400
Sales and marketing 1,230 1,110
Research and development 870 800
Operating income 2,210 1,980"""


def test_an_abbreviation_is_spelled_out_by_the_companys_own_row_labels(tmp_path: Path, embedder: Embedder) -> None:
    local, _ = _indexed(tmp_path, embedder, "widget-works-annual-report.pdf", [NARRATIVE, EXPENSES])

    # "S&M" is in no word list; the statement's "Sales and marketing" spells it (not "Revenue",
    # which "sales" alone would name). "FY24" is fiscal 2024.
    answer = local.answering.ask("Widget Works FY24 S&M?")
    assert answer.text.startswith("Sales and marketing FY2024: 1,230 USD millions [1]")
    assert answer.question == "Widget Works FY24 S&M?"
    # An abbreviation no row spells is left as asked: nothing is made up for it.
    unknown = local.answering.ask("Widget Works FY24 XQZ?")
    assert "XQZ" not in unknown.text and "1,230" not in unknown.text.split("\n", 1)[0]
    local.close()


BALANCE = """Widget Works Inc. | Q3 2024 Form 10-Q
Condensed Balance Sheets
(In millions)
March 31,
2024
June 30,
2023
Total current assets $ 5,200 $ 4,900
Total current liabilities 4,000 4,100
Total assets 20,000 19,500"""

TAXES = """Widget Works Inc.
Consolidated Statements of Operations
(In millions)
Years Ended June 30, 2024 2023
Revenue $ 9,120 $ 8,400
Income before income taxes 2,000 1,800
(Provision for) benefit from income taxes (420) 90
Net income 1,580 1,890"""


def test_a_quarter_end_balance_and_a_provision_printed_in_parentheses(tmp_path: Path, embedder: Embedder) -> None:
    local, _ = _indexed(tmp_path, embedder, "widget-works-reports.pdf", [NARRATIVE, BALANCE, TAXES])

    # A balance asked of a quarter stands in the column of the day the quarter ended.
    ratio = local.answering.ask("What was Widget Works' current ratio at the end of Q3 2024?")
    assert ratio.text.startswith(
        "Current ratio March 31, 2024 = current assets March 31, 2024 5,200 / current liabilities March 31, 2024 "
        "4,000 = 1.30"
    )
    # "(Provision for) benefit" prints the provision in parentheses: the rate is positive. The question
    # quotes the other input whole; that row is passed over as the tax.
    rate = local.answering.ask(
        "What was Widget Works' effective tax rate in fiscal 2024 (provision for income taxes divided by income "
        "before income taxes)?"
    )
    assert rate.text.startswith(
        "Effective tax rate FY2024 = income tax FY2024 (420) / pretax income FY2024 2,000 = 21.0 %"
    ), rate.text
    benefit = local.answering.ask("What was Widget Works' effective tax rate in fiscal 2023?")
    assert benefit.text.startswith(
        "Effective tax rate FY2023 = income tax FY2023 90 / pretax income FY2023 1,800 = -5.0 %"
    )
    local.close()


CATEGORIES = """Widget Works Inc.
Net sales by category
(In millions)
Years Ended June 30, 2024 2023
Gadgets $ 3,100 $ 2,900
Gizmos 6,020 5,500
Total net sales 9,120 8,400"""


def test_a_row_of_the_part_asked_is_no_answer_for_another_line_item(tmp_path: Path, embedder: Embedder) -> None:
    local, _ = _indexed(tmp_path, embedder, "widget-works-annual-report.pdf", [NARRATIVE, CATEGORIES])

    sales = local.answering.ask("What were Widget Works' Gadgets net sales in fiscal 2024?")
    assert "3,100" in sales.text.split("\n", 1)[0]
    # The category's row says net sales: asked for its operating income, it answers nothing.
    income = local.answering.ask("What operating income did Widget Works' Gadgets category earn in fiscal 2024?")
    assert "3,100" not in income.text, income.text
    local.close()


SEGMENTS = """Widget Works Inc.
Note 9 - Segment Information
The following table shows information by reportable segment (in millions):
Years Ended June 30, 2024 2023
North:
Net sales $ 5,000 $ 4,600
Operating income $ 1,200 $ 1,100
South:
Net sales $ 4,120 $ 3,800
Operating income $ 1,010 $ 880"""


def test_rows_of_one_label_under_several_segments_are_told_apart(tmp_path: Path, embedder: Embedder) -> None:
    local, _ = _indexed(tmp_path, embedder, "widget-works-annual-report.pdf", [NARRATIVE, SEGMENTS])

    # "Net sales" four times over: each is shown with its segment, and the segment asked is found,
    # though no table knows the company (its name and the part's are both capitalised words).
    south = local.answering.ask("What were Widget Works' South segment net sales in fiscal 2024?")
    assert south.text.startswith("South — Net sales FY2024: 4,120 USD millions [1]")
    north = local.answering.ask("What was the operating income of Widget Works' North segment in fiscal 2023?")
    assert north.text.startswith("North — Operating income FY2023: 1,100 USD millions [1]")
    local.close()


def test_a_region_no_row_or_page_names_is_not_answered_by_the_total(tmp_path: Path, embedder: Embedder) -> None:
    local, _ = _indexed(tmp_path, embedder, "widget-works-annual-report.pdf", [NARRATIVE, STATEMENT])

    total = local.answering.ask("What was Widget Works' revenue in fiscal 2024?")
    assert total.text.startswith("Revenue FY2024: 9,120 USD millions [1]")
    # "China" is a word every lexicon knows, and still a part of the company no page speaks of.
    china = local.answering.ask("What were Widget Works' revenues from China in fiscal 2024?")
    assert not china.grounded and not china.text.startswith("Revenue"), china.text
    local.close()


PRODUCTS = """Widget Works Inc.
Net sales by category
(In millions)
Years Ended June 30, 2024 2023 2022
Net sales by category:
Gearbox $ 5,120 $ 4,800 $ 4,400
Spindle 4,000 3,600 3,550
Total net sales $ 9,120 $ 8,400 $ 7,950"""


def test_how_many_is_not_answered_by_an_amount_in_money(tmp_path: Path, embedder: Embedder) -> None:
    local, _ = _indexed(tmp_path, embedder, "widget-works-annual-report.pdf", [NARRATIVE, PRODUCTS])

    units = local.answering.ask("How many Spindles did Widget Works sell in fiscal 2024 (units)?")
    assert not units.grounded and "USD millions" not in units.text, units.text
    local.close()


def test_a_quarter_asked_by_number_and_a_part_named_shorter_by_the_company(tmp_path: Path, embedder: Embedder) -> None:
    local, _ = _indexed(
        tmp_path, embedder, "widget-works-q2-release.pdf", [NARRATIVE, SECOND_QUARTER_STATEMENT, QUARTERLY_TREND]
    )

    # The release prints six months beside its quarter: its second quarter ended June 30, 2031; and
    # "International" is what the question calls "international markets".
    share = local.answering.ask(
        "What share of Widget Works' total gross orders volume in Q2 2031 came from international markets?"
    )
    assert share.text.startswith(
        "International markets / total gross orders volume 3M to June 30, 2031 = International 3M to June 30, 2031 "
        "9,512 / Total Gross Orders Volume 3M to June 30, 2031 18,214 = 52.2 %"
    ), share.text
    # The third quarter is after the release's own: its second quarter's column is no answer to it.
    later = local.answering.ask("What were Widget Works' net revenues in the third quarter of 2031?")
    assert "2,540" not in later.text.split("\n", 1)[0], later.text
    local.close()


RECONCILIATION = """Widget Works Inc.
Reconciliation of Non-GAAP Measures
(In millions)
Years Ended June 30, 2024 2023
Net cash provided by operating activities $ 3,100 $ 2,900
Additions to property and equipment (1,200) (1,100)
Payments on finance leases (150) (90)
Adjusted free cash flow $ 1,750 $ 1,710"""


def test_a_metric_asked_on_another_basis_is_shown_as_the_filing_states_it(tmp_path: Path, embedder: Embedder) -> None:
    local, _ = _indexed(tmp_path, embedder, "widget-works-annual-report.pdf", [NARRATIVE, RECONCILIATION])

    stated = local.answering.ask("What was Widget Works' adjusted free cash flow in fiscal 2024?")
    assert stated.text.startswith("Adjusted free cash flow FY2024: 1,750 USD millions"), stated.text
    # On the reported basis it is computed from its rows, each cited.
    computed = local.answering.ask("What was Widget Works' free cash flow in fiscal 2024?")
    assert computed.text.startswith(
        "Free cash flow FY2024 = operating cash flow FY2024 3,100 - abs(capex FY2024 (1,200)) = 1,900 USD millions"
    ), computed.text
    local.close()


# Pages of a made-up annual report about anything but the cost line asked for, then the page that
# names it in full words only.
FILLER = [
    f"Widget Works Inc. fiscal 2024 annual report. {topic}"
    for topic in (
        "Risk factors: demand for widgets depends on industrial production and may fall in a downturn.",
        "Properties: the company owns four plants and leases two warehouses in fiscal 2024.",
        "Legal proceedings: no proceeding is expected to have a material effect on the results.",
        "Human capital: the company employed about 5,000 people at the end of fiscal 2024.",
        "Products: gear widgets, valve widgets and sensor widgets are sold to machine builders.",
        "Competition: rivals compete on price, delivery times and the quality of their widgets.",
        "Suppliers: steel and copper are bought from several suppliers under annual contracts.",
        "Research: new sensor widgets were launched in fiscal 2024 after two years of work.",
        "Dividends: the board declared quarterly dividends throughout fiscal 2024.",
        "Customers: no single customer accounted for more than 10 percent of revenue.",
    )
]
COSTS = (
    "Selling, general and administrative expenses were $1,410 million in fiscal 2024, up from $1,300 "
    "million in fiscal 2023, mainly because of higher marketing and travel costs."
)


def test_an_abbreviated_line_item_finds_the_page_that_spells_it_out(tmp_path: Path, embedder: Embedder) -> None:
    local, _ = _indexed(tmp_path, embedder, "widget-works-annual-report.pdf", [*FILLER, COSTS])

    # Neither search matches "SG&A" itself: the line item's plain name, which the filing prints, does.
    found = local.answering.retrieve("Widget Works SG&A FY2024?", top_k=3)
    assert any("Selling, general and administrative" in passage.chunk.text for passage in found.passages)
    local.close()


COMPARABLE = """Widget Works Inc. | Q2 2031 results
Comparable sales increase
Three Months Ended June 30, 2031 2030
U.S. 10.3% 3.7%
International 12.1% 5.0%
Total 11.2% 4.4%"""


def test_a_change_printed_as_a_percent_is_not_grown_again(tmp_path: Path, embedder: Embedder) -> None:
    local, _ = _indexed(tmp_path, embedder, "widget-works-q2-release.pdf", [NARRATIVE, COMPARABLE])

    # The row is the increase already: 10.3 % against 3.7 % is no base for a growth of 178.4 %.
    answer = local.answering.ask("What was Widget Works' U.S. comparable sales increase in Q2 2031?")
    assert "- 1 =" not in answer.text and "178" not in answer.text, answer.text
    local.close()


BALANCES = """Widget Works Inc.
Consolidated Balance Sheets
(In millions)
June 30, 2024 June 30, 2023
Cash and cash equivalents $ 1,210 $ 1,050
Total current assets 4,400 4,100
Retained earnings 6,300 5,800
Accumulated other comprehensive income (loss) (562) (498)
Total stockholders' equity 7,900 7,200"""


def test_a_flow_is_never_read_off_a_balance_sheet(tmp_path: Path, embedder: Embedder) -> None:
    local, _ = _indexed(tmp_path, embedder, "widget-works-annual-report.pdf", [NARRATIVE, BALANCES])

    answer = local.answering.ask("What was Widget Works' net income in fiscal 2024?")

    assert "(562)" not in answer.text.split("The closest passage")[0]
    cash = local.answering.ask("How much cash and cash equivalents did Widget Works hold at June 30, 2024?")
    assert "1,210" in cash.text.split("\n", 1)[0]
