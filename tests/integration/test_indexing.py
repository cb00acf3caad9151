"""Incremental indexing with the real model, Chroma and catalog."""

from __future__ import annotations

from pathlib import Path

import pytest
from fpdf import FPDF

from knowledge.catalog import Catalog
from knowledge.index.embedder import Embedder
from knowledge.wiring.local import Local
from tests.conftest import make_settings


def _pdf(path: Path, pages: list[str]) -> Path:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 6, text)
    pdf.output(str(path))
    return path


def test_second_run_embeds_nothing_and_changes_touch_only_their_file(
    tmp_path: Path, seeds_copy: Path, embedder: Embedder
) -> None:
    local = Local(make_settings(tmp_path), embedder)
    first = local.indexing.librarian.ingest([seeds_copy])
    total = local.answering.chunk_count()

    again = local.indexing.librarian.refresh()
    article = seeds_copy / "2025-12-10-amap-qwen-app.md"
    article.write_text(article.read_text() + "\nThe app also added a travel planner in December.\n")
    changed = local.indexing.librarian.refresh()
    (seeds_copy / "2025-12-09-pdd-temu-tariffs.md").unlink()
    removed = local.indexing.librarian.refresh()

    assert first.documents_added == 12 and first.chunks_embedded == total and not first.errors
    assert (again.chunks_embedded, again.documents_updated, again.documents_added) == (0, 0, 0)
    assert changed.documents_updated == 1 and 0 < changed.chunks_embedded < 4
    assert removed.documents_removed == 1 and removed.chunks_embedded == 0
    assert not any("Temu" in chunk.text for chunk in local.answering.store.get(local.answering.keyword.ids))
    assert local.core.catalog.document_count() == 11


def test_corrupt_and_misencoded_files_are_named_and_the_rest_indexed(tmp_path: Path, embedder: Embedder) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    _pdf(folder / "report.pdf", ["Acme Corp annual report.", "Acme revenue rose 12% to 4.2 billion."])
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj <<< this is not a pdf")
    (folder / "latin1.txt").write_bytes("Umsatz f\xfcr Acme stieg".encode("latin-1"))
    (folder / "note.md").write_text("---\ntitle: Acme note\npublished: 2025-01-02\n---\nAcme opened a plant.\n")
    local = Local(make_settings(tmp_path), embedder)

    report = local.indexing.librarian.ingest([folder])

    failed = {Path(error["source"]).name: error["error"] for error in report.errors}
    assert set(failed) == {"broken.pdf", "latin1.txt"}
    assert "PDF" in failed["broken.pdf"] and "encoding" in failed["latin1.txt"]
    assert report.documents_added == 2
    pages = {chunk.page for chunk in local.answering.chunks() if chunk.title != "Acme note"}
    assert pages == {1, 2}


def test_a_file_that_breaks_keeps_its_previous_chunks(tmp_path: Path, embedder: Embedder) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    report = _pdf(folder / "report.pdf", ["Acme revenue rose 12% to 4.2 billion."])
    local = Local(make_settings(tmp_path), embedder)
    local.indexing.librarian.ingest([folder])
    before = local.answering.chunk_count()

    report.write_bytes(b"%PDF-1.4 truncated")
    outcome = local.indexing.librarian.refresh()

    assert [Path(error["source"]).name for error in outcome.errors] == ["report.pdf"]
    assert local.answering.chunk_count() == before
    assert local.answering.ask("How much did Acme revenue rise?").grounded


def test_html_articles_lose_their_navigation(tmp_path: Path, embedder: Embedder) -> None:
    page = tmp_path / "article.html"
    page.write_text(
        "<html><head><title>Baidu robotaxi expands</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/markets'>Markets</a></nav>"
        "<article><h1>Baidu robotaxi expands</h1>"
        "<p>Baidu said on Monday that its Apollo Go robotaxi service now operates in twenty cities, "
        "after adding several new locations in the Middle East during the autumn.</p>"
        "<p>The company expects the unit to keep growing next year as costs per vehicle fall further.</p>"
        "</article><footer>Cookie settings · Imprint</footer></body></html>"
    )
    local = Local(make_settings(tmp_path), embedder)

    local.indexing.librarian.ingest([page])

    texts = " ".join(chunk.text for chunk in local.answering.chunks())
    assert "twenty cities" in texts
    assert "Cookie settings" not in texts and "Markets" not in texts


@pytest.mark.postgres
def test_catalog_on_postgresql(tmp_path: Path, seeds_copy: Path, embedder: Embedder, postgres_url: str) -> None:
    local = Local(make_settings(tmp_path, database_url=postgres_url), embedder)

    try:
        first = local.indexing.librarian.ingest([seeds_copy])
        second = local.indexing.librarian.refresh()
    finally:
        local.close()

    assert first.documents_added == 12
    assert second.chunks_embedded == 0
    check = Catalog(postgres_url)
    try:
        assert check.document_count() == 12
        last = check.last_run()
        assert last is not None and last.status == "done"
    finally:
        check.close()


def test_each_generation_has_its_own_keyword_snapshot_and_a_new_engine_loads_it(
    tmp_path: Path, seeds_copy: Path, embedder: Embedder
) -> None:
    settings = make_settings(tmp_path)
    first = Local(settings, embedder)
    first.indexing.librarian.ingest([seeds_copy])
    generation = first.answering.serving.view().generation
    (seeds_copy / "2025-12-09-pdd-temu-tariffs.md").unlink()
    first.indexing.librarian.refresh()
    second = Local(settings, embedder)

    snapshots = sorted(p.name for p in (tmp_path / "data" / "keyword").iterdir())
    assert snapshots == [f"g{generation}", f"g{generation + 1}"]
    assert second.answering.serving.view().generation == generation + 1
    assert len(second.answering.keyword) == first.answering.chunk_count() < len(first.answering.keyword.ids) + 3
    assert not any("Temu" in chunk.text for chunk in second.answering.store.get(second.answering.keyword.ids))


def test_identical_text_is_embedded_once_ever(tmp_path: Path, embedder: Embedder) -> None:
    local = Local(make_settings(tmp_path), embedder)
    folder = tmp_path / "filings"
    folder.mkdir()
    boilerplate = "Forward-looking statements involve risks and uncertainties that could cause results to differ."
    for name in ("a", "b"):
        (folder / f"{name}.md").write_text(f"---\ntitle: Annual report\n---\n{boilerplate}\n")
    cache = local.indexing.librarian.indexer.cache

    local.indexing.librarian.ingest([folder])
    first = (cache.hits, cache.misses)
    (folder / "c.md").write_text(f"---\ntitle: Annual report\n---\n{boilerplate}\n")
    local.indexing.librarian.ingest([folder])

    assert first == (1, 1)  # two files, one text: embedded once, reused once
    assert (cache.hits, cache.misses) == (2, 1)  # a third copy later: reused from the catalog
    assert local.answering.store.count() == 3
    local.close()
