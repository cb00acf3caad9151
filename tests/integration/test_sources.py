"""Network sources end to end against a loopback web server speaking the real formats."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fpdf import FPDF

from knowledge.index.embedder import Embedder
from knowledge.sources.registry import SourceSpec, SourceSpecError
from knowledge.wiring.local import Local
from tests.conftest import make_settings
from tests.fakes.web import FILING, FakeWeb, Route

AGENT = "investorbot tests tests@example.com"


@pytest.fixture
def web() -> Iterator[FakeWeb]:
    server = FakeWeb()
    with server.running():
        yield server


def _engine(tmp_path: Path, embedder: Embedder, web: FakeWeb, **overrides: object) -> Local:
    values: dict[str, object] = {
        "sec_data_url": web.base,
        "sec_archives_url": web.base,
        "sec_user_agent": AGENT,
        "http_timeout_seconds": 1.0,
        "sources_file": tmp_path / "none.toml",
        "allow_private_urls": True,  # the fixtures are served on loopback
        **overrides,
    }
    return Local(make_settings(tmp_path, **values), embedder)


def test_rss_new_items_broken_entries_and_an_unchanged_second_refresh(
    tmp_path: Path, embedder: Embedder, web: FakeWeb
) -> None:
    local = _engine(tmp_path, embedder, web)
    local.indexing.librarian.add_source(SourceSpec("rss", f"{web.base}/feeds/china-tech.rss", tickers=("BABA",)))

    first = local.indexing.librarian.refresh()
    second = local.indexing.librarian.refresh()

    assert first.documents_added == 2
    failed = {error["source"].rsplit("/", 1)[-1]: error["error"] for error in first.errors}
    assert set(failed) == {"gone", "china-tech.rss#untitled"}
    assert (second.documents_added, second.documents_updated, second.chunks_embedded) == (0, 0, 0)
    assert web.downloads("/news/alibaba-cloud-deals") == 1
    assert web.downloads("/feeds/china-tech.rss") == 1
    rows = {row.title: row for row in local.core.catalog.documents()}
    cloud = rows["Alibaba cloud unit signs three new AI data centre deals"]
    assert cloud.publisher == "Example Markets Wire" and cloud.published == "2025-12-18" and "BABA" in cloud.tickers
    texts = " ".join(chunk.text for chunk in local.answering.chunks())
    assert "Southeast Asia" in texts and "Advertisement" not in texts and "Most read" not in texts
    (source,) = local.core.catalog.sources()
    assert source.last_error and "gone" in source.last_error
    local.close()


def test_changed_entry_is_re_embedded_alone(tmp_path: Path, embedder: Embedder, web: FakeWeb) -> None:
    local = _engine(tmp_path, embedder, web)
    local.indexing.librarian.add_source(SourceSpec("rss", f"{web.base}/feeds/china-tech.rss"))
    local.indexing.librarian.refresh()
    feed = web.routes["/feeds/china-tech.rss"].body.decode()
    web.feed("/feeds/china-tech.rss", feed.replace("Wed, 17 Dec 2025 15:10:00 GMT", "Thu, 18 Dec 2025 09:00:00 GMT"))
    web.article(
        "kestrel-robots",
        "Kestrel Robotics widens its warehouse robot rental plan",
        "2025-12-18",
        [
            "Kestrel Robotics now rents its picking robots by the hour and by the week, the company said on Thursday "
            "when it added a weekly plan for seasonal peaks at logistics firms."
        ],
    )

    changed = local.indexing.librarian.refresh()

    assert (changed.documents_added, changed.documents_updated) == (0, 1)
    assert 0 < changed.chunks_embedded <= 2
    assert web.downloads("/news/alibaba-cloud-deals") == 1
    assert any("by the week" in chunk.text for chunk in local.answering.chunks())
    local.close()


def test_atom_feed_in_german(tmp_path: Path, embedder: Embedder, web: FakeWeb) -> None:
    local = _engine(tmp_path, embedder, web)
    local.indexing.librarian.add_source(SourceSpec("rss", f"{web.base}/feeds/global-markets.atom"))

    report = local.indexing.librarian.refresh()
    answer = local.answering.ask("Um wie viel erhöht Nordlicht Energie die Dividende?")

    assert report.documents_added == 2 and not report.errors
    assert {row.language for row in local.core.catalog.documents()} == {"de"}
    assert answer.grounded and "acht Prozent" in answer.text
    assert answer.citations[0].publisher == "Beispiel Börsenticker"
    local.close()


def test_failing_sources_are_recorded_and_the_others_go_on(tmp_path: Path, embedder: Embedder, web: FakeWeb) -> None:
    web.routes["/feeds/slow.rss"] = Route(b"<rss/>", "application/rss+xml", delay=3)
    local = _engine(tmp_path, embedder, web)
    for path in ("/feeds/missing.rss", "/feeds/broken.rss", "/feeds/slow.rss", "/feeds/china-tech.rss"):
        local.indexing.librarian.add_source(SourceSpec("rss", f"{web.base}{path}"))
    local.indexing.librarian.add_source(SourceSpec("url", f"{web.base}/news/missing-article"))

    report = local.indexing.librarian.refresh()

    errors = {error["source"].rsplit("/", 1)[-1]: error["error"] for error in report.errors}
    assert "404" in errors["missing.rss"] and "404" in errors["missing-article"]
    assert "malformed feed XML" in errors["broken.rss"]
    assert "timed out" in errors["slow.rss"]
    assert report.documents_added == 2
    status = {source.location.rsplit("/", 1)[-1]: source.last_error for source in local.core.catalog.sources()}
    assert "404" in (status["missing.rss"] or "") and "timed out" in (status["slow.rss"] or "")
    local.close()


def test_single_article_url_is_extracted_and_not_downloaded_twice(
    tmp_path: Path, embedder: Embedder, web: FakeWeb
) -> None:
    local = _engine(tmp_path, embedder, web)
    local.indexing.librarian.add_source(SourceSpec("url", f"{web.base}/news/kestrel-robots", tickers=("KSTR",)))

    first = local.indexing.librarian.refresh()
    second = local.indexing.librarian.refresh()

    assert first.documents_added == 1 and second.chunks_embedded == 0
    assert web.downloads("/news/kestrel-robots") == 1
    (row,) = local.core.catalog.documents()
    assert row.title == "Kestrel Robotics widens its warehouse robot rental plan" and row.tickers == "KSTR"
    local.close()


def test_edgar_filings_with_press_release_exhibit(tmp_path: Path, embedder: Embedder, web: FakeWeb) -> None:
    local = _engine(tmp_path, embedder, web)
    local.indexing.librarian.add_source(SourceSpec("edgar", "KSTR", forms=("10-K", "10-Q", "8-K"), since="2025-01-01"))

    report = local.indexing.librarian.refresh()
    again = local.indexing.librarian.refresh()
    answer = local.answering.ask("What revenue did Kestrel Robotics report for the third quarter of 2025?")

    assert not report.errors, report.errors
    titles = sorted(row.title for row in local.core.catalog.documents())
    assert titles == [
        "Kestrel Robotics Inc 10-K filed 2025-03-03 for the period ended 2024-12-31",
        "Kestrel Robotics Inc 10-Q filed 2025-10-30 for the period ended 2025-09-30",
        "Kestrel Robotics Inc 8-K EX-99.1 press release filed 2025-11-06 for the period ended 2025-11-06",
        "Kestrel Robotics Inc 8-K filed 2025-11-06 for the period ended 2025-11-06",
    ]
    assert all(row.tickers == "KSTR" and row.publisher == "SEC EDGAR" for row in local.core.catalog.documents())
    assert again.chunks_embedded == 0 and web.downloads(f"{FILING}/kstr-ex991_q3.htm") == 1
    assert answer.grounded and "84.2" in answer.text
    assert any("sec" in c.publisher.lower() for c in answer.citations)
    texts = " ".join(chunk.text for chunk in local.answering.chunks())
    assert "Item 2.02 Results of Operations" in texts and "EntityCentralIndexKey" not in texts
    assert "Revenue | 84.2 | 64.3" in texts
    local.close()


def test_edgar_without_user_agent_is_a_clear_error(tmp_path: Path, embedder: Embedder, web: FakeWeb) -> None:
    local = _engine(tmp_path, embedder, web, sec_user_agent="")
    local.indexing.librarian.add_source(SourceSpec("edgar", "KSTR"))
    local.indexing.librarian.add_source(SourceSpec("edgar", "NOPE"))

    report = local.indexing.librarian.refresh()

    assert next(error["error"] for error in report.errors).startswith("EDGAR needs SEC_USER_AGENT")
    assert not any(path.startswith("/submissions") for path, _ in web.hits)
    local.close()


def test_unknown_ticker_is_named(tmp_path: Path, embedder: Embedder, web: FakeWeb) -> None:
    local = _engine(tmp_path, embedder, web)
    local.indexing.librarian.add_source(SourceSpec("edgar", "NOPE"))

    report = local.indexing.librarian.refresh()

    assert report.errors == [{"source": "NOPE", "error": "ticker NOPE is not in EDGAR's company list"}]
    local.close()


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (SourceSpec("rss", "ftp://example.com/feed"), r"not an http\(s\) URL"),
        (SourceSpec("gopher", "x"), "unknown source kind"),
        (SourceSpec("edgar", "not a ticker!"), "neither a ticker nor a CIK"),
        (SourceSpec("edgar", "BABA", since="last week"), "YYYY-MM-DD"),
        (SourceSpec("path", "/no/such/folder"), "no such file or folder"),
    ],
)
def test_bad_source_descriptions_are_refused(
    tmp_path: Path, embedder: Embedder, spec: SourceSpec, message: str
) -> None:
    local = Local(make_settings(tmp_path), embedder)

    with pytest.raises(SourceSpecError, match=message):
        local.indexing.librarian.add_source(spec)
    local.close()


def test_pdf_served_and_ingested_keeps_pages(tmp_path: Path, embedder: Embedder) -> None:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for text in ("Kestrel annual report", "Item 7. Revenue was 251.0 million dollars in 2024.", "Risk factors."):
        pdf.add_page()
        pdf.multi_cell(0, 6, text)
    folder = tmp_path / "reports"
    folder.mkdir()
    pdf.output(str(folder / "KSTR_2024_10K.pdf"))
    local = Local(make_settings(tmp_path), embedder)
    local.indexing.librarian.add_source(SourceSpec("path", str(folder)))

    local.indexing.librarian.refresh()
    answer = local.answering.ask("What was Kestrel's revenue in 2024?")

    assert answer.grounded and answer.citations[0].page == 2 and answer.citations[0].title == "KSTR_2024_10K"
    local.close()


def test_sources_file_is_imported_and_sources_can_be_removed(tmp_path: Path, embedder: Embedder, web: FakeWeb) -> None:
    listing = tmp_path / "sources.toml"
    listing.write_text(f'[[source]]\nkind = "url"\nlocation = "{web.base}/news/kestrel-robots"\n')
    local = _engine(tmp_path, embedder, web, sources_file=listing)

    local.indexing.librarian.refresh()
    (source,) = local.core.catalog.sources()
    removed = local.indexing.librarian.remove_source(source.id or 0)

    assert removed == 1 and local.answering.chunk_count() == 0 and local.core.catalog.sources() == []
    local.close()


def test_pages_are_decoded_by_the_http_charset_before_guessing(
    tmp_path: Path, embedder: Embedder, web: FakeWeb
) -> None:
    paragraph = (
        "Exhibit 99.1 — Press release: Kestrel Robotics’ Düsseldorf unit sold 14 cranes, "
        "and its chief executive said demand in Europe stayed strong through the quarter."
    )
    body = f"<body><article><p>{paragraph}</p></article></body>"
    page = f"<html><head><title>Kestrel — Europe</title></head>{body}</html>"
    # UTF-8 bytes, declared only in the HTTP header (no <meta charset>), as EDGAR serves many filings.
    web.routes["/news/utf8-no-meta"] = Route(page.encode("utf-8"), "text/html; charset=utf-8")
    # A legacy page declaring windows-1252 in the document only.
    legacy = page.replace("<head>", '<head><meta charset="windows-1252">').replace("Europe</title>", "legacy</title>")
    web.routes["/news/cp1252"] = Route(legacy.encode("cp1252"), "text/html")
    # UTF-8 bytes under a stale template's windows-1252 declaration: the HTTP header wins.
    stale = legacy.replace("legacy</title>", "stale</title>")
    web.routes["/news/stale-meta"] = Route(stale.encode("utf-8"), "text/html; charset=utf-8")
    local = _engine(tmp_path, embedder, web)
    for path in ("utf8-no-meta", "cp1252", "stale-meta"):
        local.indexing.librarian.add_source(SourceSpec("url", f"{web.base}/news/{path}", tickers=("KSTR",)))

    report = local.indexing.librarian.refresh()

    assert not report.errors, report.errors
    texts = [chunk.text for chunk in local.answering.chunks()]
    assert len(texts) >= 3 and all("Exhibit 99.1 — Press release: Kestrel Robotics’ Düsseldorf" in t for t in texts)
    assert not any("â" in text or "Ã" in text for text in texts)
    local.close()


def test_a_line_item_question_is_answered_from_its_statement_page(tmp_path: Path, embedder: Embedder) -> None:
    # Notes discuss goodwill at length; the balance sheet lists it once among many numbers. The
    # question implies the balance sheet, so its row answers, not a note's sentence.
    notes = [
        f"Note {n}. Goodwill. Nike tests goodwill for impairment each year; goodwill of the {unit} reporting "
        f"unit was reviewed in {year} and no goodwill impairment was recorded. Goodwill arose from acquisitions."
        for n, (unit, year) in enumerate(
            [("Arms", 2024), ("Vision", 2024), ("Drives", 2023), ("Grippers", 2024), ("Sensors", 2022)], 3
        )
    ]
    sheet = (
        "NIKE, Inc.\nConsolidated Balance Sheets\n(In millions) 2024 2023\nCash and cash equivalents 812 640\n"
        "Accounts receivable 455 402\nInventories 390 371\nTotal current assets 1,657 1,413\nGoodwill 2,310 2,190\n"
        "Total assets 6,020 5,640\nTotal current liabilities 980 911\nTotal liabilities 3,100 2,950"
    )
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for text in ["NIKE, Inc. annual report 2024", *notes, sheet]:
        pdf.add_page()
        pdf.multi_cell(0, 6, text)
    folder = tmp_path / "reports"
    folder.mkdir()
    pdf.output(str(folder / "NIKE_2024_10K.pdf"))
    local = Local(make_settings(tmp_path, top_k=2), embedder)
    local.indexing.librarian.add_source(SourceSpec("path", str(folder)))

    local.indexing.librarian.refresh()
    answer = local.answering.ask("What was Nike's goodwill at the end of 2024?")

    assert answer.text.startswith("Goodwill FY2024: 2,310 millions [1]")
    local.close()
