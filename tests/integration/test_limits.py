"""What a source may cost: hostile downloads served on loopback (a gzip bomb, an endless trickle, a
PDF bomb) are each one error line, stop at their limit, and leave the index free for the next run."""

from __future__ import annotations

import time
import tracemalloc
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from fpdf import FPDF

from knowledge.index.embedder import Embedder
from knowledge.sources.fetcher import Fetcher, FetchLimitError
from knowledge.sources.limits import Limits
from knowledge.sources.loader import LoadError, read_pdf
from knowledge.sources.netguard import AddressPolicy
from knowledge.sources.registry import SourceSpec
from knowledge.wiring.local import Local
from tests.conftest import make_settings
from tests.fakes.bombs import gzip_bomb, minimal_pdf, pdf_bomb
from tests.fakes.web import FakeWeb, Route

LOOPBACK = AddressPolicy(allow_private=True)  # the hostile servers run on loopback
TRICKLE_SECONDS = 25.0  # longer than any limit below; the old code waited it out and indexed the page
BOMB = 16 << 20  # unpacked bytes of the gzip bomb: 16 times the 1 MB cap used here


@pytest.fixture
def web() -> Iterator[FakeWeb]:
    server = FakeWeb()
    server.routes["/bomb"] = Route(gzip_bomb(BOMB), "text/html", headers={"Content-Encoding": "gzip"})
    server.routes["/trickle"] = Route(b"<p>" + b"slow " * 400 + b"</p>", trickle_seconds=TRICKLE_SECONDS)
    with server.running():
        yield server


def test_a_gzip_bomb_stops_at_the_cap_on_unpacked_bytes(web: FakeWeb) -> None:
    fetcher = Fetcher(2.0, policy=LOOPBACK, limits=Limits.of(1, 30))
    tracemalloc.start()
    try:
        with pytest.raises(FetchLimitError) as refused:
            fetcher.get(f"{web.base}/bomb")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        fetcher.close()

    assert str(refused.value) == f"download exceeds MAX_DOWNLOAD_MB (1 MB unpacked) at {web.base}/bomb"
    assert peak < 4 << 20  # the cap and one unpacking step, not the 16 MB the body unpacks to
    assert web.downloads("/bomb") == 1  # a limit is not retried


def test_an_endless_trickle_ends_at_the_fetch_deadline(web: FakeWeb) -> None:
    fetcher = Fetcher(5.0, policy=LOOPBACK, limits=Limits.of(25, 1.5))
    started = time.monotonic()
    with pytest.raises(FetchLimitError) as refused:
        fetcher.get(f"{web.base}/trickle")
    fetcher.close()

    assert str(refused.value) == f"download took longer than FETCH_DEADLINE_SECONDS (1.5 s) at {web.base}/trickle"
    assert time.monotonic() - started < TRICKLE_SECONDS / 2


def test_a_pdf_bomb_is_refused_before_its_page_is_unpacked() -> None:
    bomb = pdf_bomb(64 << 20)  # about 64 KB that unpack to 64 MB

    with pytest.raises(LoadError, match=r"^page 1 unpacks to more than 8 MB of content"):
        read_pdf(bomb)
    assert len(bomb) < 100_000


def test_pdf_text_is_read_page_by_page_up_to_the_cap() -> None:
    page = "BT /F1 9 Tf 20 760 Td ({}) Tj ET".format("revenue grew " * 60).encode()
    document = minimal_pdf([zlib.compress(page)] * 6)  # 780 characters a page

    pages, _ = read_pdf(document, max_chars=6 * 800)
    with pytest.raises(LoadError) as refused:
        read_pdf(document, max_chars=2000)

    assert len(pages) == 6
    assert str(refused.value) == (
        f"text exceeds MAX_DOCUMENT_TEXT_MB ({2000 / 1048576:g} MB extracted); stopped at page 3 of 6"
    )


def _engine(tmp_path: Path, embedder: Embedder, **overrides: object) -> Local:
    values: dict[str, object] = {
        "sources_file": tmp_path / "none.toml",
        "allow_private_urls": True,  # the servers run on loopback
        "http_timeout_seconds": 5.0,
        "max_download_mb": 1,
        "fetch_deadline_seconds": 2,
        **overrides,
    }
    return Local(make_settings(tmp_path, **values), embedder)


def test_bombs_and_trickles_are_one_error_each_and_the_next_refresh_runs(
    tmp_path: Path, embedder: Embedder, web: FakeWeb
) -> None:
    web.feed(
        "/wire.rss",
        """<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>
        <item><title>Bomb</title><link>{base}/bomb</link><guid>1</guid><description>short</description></item>
        <item><title>Trickle</title><link>{base}/trickle</link><guid>2</guid></item>
        <item><title>Kestrel rents robots</title><link>{base}/news/kestrel-robots</link><guid>3</guid></item>
        </channel></rss>""",
    )
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "bomb.pdf").write_bytes(pdf_bomb(64 << 20))
    report = FPDF()
    report.add_page()
    report.set_font("Helvetica", size=11)
    report.multi_cell(0, 6, "Kestrel annual report. Revenue was 251.0 million dollars in 2024.")
    report.output(str(folder / "kestrel.pdf"))
    engine = _engine(tmp_path, embedder)
    engine.indexing.librarian.add_source(SourceSpec("rss", f"{web.base}/wire.rss"))
    engine.indexing.librarian.add_source(SourceSpec("path", str(folder)))

    started = time.monotonic()
    first = engine.indexing.librarian.refresh()
    took = time.monotonic() - started
    second = engine.indexing.librarian.refresh()  # the writer lock was released: the next run is not "busy"

    errors = {error["source"].rsplit("/", 1)[-1]: error["error"] for error in first.errors}
    assert set(errors) == {"bomb", "trickle", "bomb.pdf"}
    assert errors["bomb"].startswith("download exceeds MAX_DOWNLOAD_MB (1 MB unpacked)")
    assert errors["trickle"].startswith("download took longer than FETCH_DEADLINE_SECONDS (2 s)")
    assert errors["bomb.pdf"].startswith("page 1 unpacks to more than 8 MB of content")
    assert first.documents_added == 2  # the good article and the good PDF
    assert took < TRICKLE_SECONDS
    titles = {row.title for row in engine.core.catalog.documents()}
    assert "Kestrel rents robots" in titles and "kestrel" in titles
    assert second.documents_added == 0
    engine.close()


def test_a_refresh_past_its_deadline_ends_with_one_line_and_leaves_the_rest(
    tmp_path: Path, embedder: Embedder, web: FakeWeb
) -> None:
    engine = _engine(tmp_path, embedder, fetch_deadline_seconds=60, refresh_deadline_seconds=2)
    engine.indexing.librarian.add_source(SourceSpec("url", f"{web.base}/trickle"))
    engine.indexing.librarian.add_source(SourceSpec("url", f"{web.base}/news/kestrel-robots"))

    started = time.monotonic()
    report = engine.indexing.librarian.refresh()
    took = time.monotonic() - started

    assert [error["source"] for error in report.errors] == [f"{web.base}/trickle", "refresh"]
    assert report.errors[0]["error"] == (
        f"the run went past REFRESH_DEADLINE_SECONDS (2 s) while fetching {web.base}/trickle"
    )
    assert report.errors[1]["error"] == (
        "the run went past REFRESH_DEADLINE_SECONDS (2 s); 1 source(s) left for the next refresh"
    )
    assert took < TRICKLE_SECONDS
    # The next run starts, with its own deadline.
    assert engine.indexing.librarian.refresh(None, [2]).documents_added == 1
    engine.close()


def test_a_feed_past_the_refresh_deadline_stops_with_one_line(tmp_path: Path, embedder: Embedder, web: FakeWeb) -> None:
    web.feed(
        "/wire.rss",
        """<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>
        <item><title>Trickle</title><link>{base}/trickle</link><guid>1</guid></item>
        <item><title>Kestrel rents robots</title><link>{base}/news/kestrel-robots</link><guid>2</guid></item>
        <item><title>Cloud deals</title><link>{base}/news/alibaba-cloud-deals</link><guid>3</guid></item>
        </channel></rss>""",
    )
    engine = _engine(tmp_path, embedder, fetch_deadline_seconds=60, refresh_deadline_seconds=2)
    engine.indexing.librarian.add_source(SourceSpec("rss", f"{web.base}/wire.rss"))

    report = engine.indexing.librarian.refresh()

    assert report.errors == [
        {
            "source": f"{web.base}/wire.rss",
            "error": f"the run went past REFRESH_DEADLINE_SECONDS (2 s) while fetching {web.base}/trickle",
        }
    ]  # one line for the feed, not one for each entry left
    assert web.downloads("/news/kestrel-robots") == 0
    engine.close()
