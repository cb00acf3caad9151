"""The `investorbot` command as a user runs it (a real subprocess, real model and stores)."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from knowledge.catalog import DocumentRow
from knowledge.index.embedder import Embedder
from knowledge.wiring.local import Local
from tests.commandline import run_cli
from tests.conftest import ROOT, SEEDS, make_settings


def _run(tmp_path: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return run_cli(tmp_path / "data", *args, stdin=stdin)


def test_ask_json_from_stdin_indexes_seeds_first_and_obeys_the_schema(tmp_path: Path) -> None:
    lines = "Why is Alibaba down?\n\nWhy is Tesla down?\nWhy is Alibaba down?\nWhat about its margins?\n"
    result = _run(tmp_path, "ask", "--json", "-", stdin=lines)
    conversation = _run(tmp_path, "ask", "--json", "--conversation", "-", stdin=lines)

    assert result.returncode == 0, result.stderr
    assert "indexing" in result.stderr.lower()
    first, second, _, alone = (json.loads(line) for line in result.stdout.splitlines())
    *_, follow_up = (json.loads(line) for line in conversation.stdout.splitlines())
    assert set(first) >= {"answer", "citations", "disclaimer", "language", "advice_request", "grounded"}
    assert set(first["citations"][0]) == {
        "n",
        "title",
        "publisher",
        "url",
        "published",
        "page",
        "document_id",
        "quote",
    }
    assert first["grounded"] and not second["grounded"]
    # Each line of a batch stands alone: "its margins" leans on Alibaba only in a conversation.
    assert follow_up["citations"] and all("Alibaba" in citation["title"] for citation in follow_up["citations"])
    assert not all("Alibaba" in citation["title"] for citation in alone["citations"])


def test_reindex_json_twice_embeds_nothing_the_second_time(tmp_path: Path) -> None:
    ingest = _run(tmp_path, "ingest", "--json", str(SEEDS))
    again = _run(tmp_path, "reindex", "--json")
    listed = _run(tmp_path, "sources", "--json")

    assert ingest.returncode == 0, ingest.stderr
    assert json.loads(ingest.stdout)["documents_added"] == 12
    summary = json.loads(again.stdout)
    assert summary == {
        "documents_seen": 12,
        "documents_added": 0,
        "documents_updated": 0,
        "documents_removed": 0,
        "chunks_embedded": 0,
        "errors": [],
    }
    # Every run prints a document's fields in the same order: its table's.
    assert [list(row) for row in json.loads(listed.stdout)] == [list(DocumentRow.model_fields)] * 12


def test_help_and_bad_paths_get_clear_messages(tmp_path: Path) -> None:
    helped = _run(tmp_path, "--help")
    missing = _run(tmp_path, "ingest", "no/such/folder")

    assert helped.returncode == 0 and "ask" in helped.stdout and "reindex" in helped.stdout
    assert missing.returncode == 2 and "no such file or folder" in missing.stderr


def test_ask_with_no_seeds_to_index_says_so_instead_of_promising_an_index(tmp_path: Path) -> None:
    asked = run_cli(tmp_path / "data", "ask", "Why is Alibaba down?", SEEDS_DIR=str(tmp_path / "nowhere"))

    assert asked.returncode == 1 and asked.stdout == ""
    assert "Nothing indexed from SEEDS_DIR" in asked.stderr and "being built" not in asked.stderr


def test_console_script_is_installed() -> None:
    script = Path(sys.executable).parent / "investorbot"

    assert script.exists(), "pip install -e . creates the investorbot command"
    assert ROOT.joinpath("apps", "__main__.py").exists()


def test_ingest_reports_each_error_once_and_source_list_tells_the_truth(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "note.md").write_text("---\ntitle: A note\n---\nKestrel Robotics opened a plant in Ohio.\n")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer garbage\n")

    ingested = _run(tmp_path, "ingest", str(folder))
    _run(tmp_path, "source", "add", "rss", "https://news.example.com/feed.xml?apikey=k3y")
    listed = _run(tmp_path, "source", "list")

    errors = [line for line in ingested.stderr.splitlines() if "broken.pdf" in line]
    assert ingested.returncode == 1 and len(errors) == 1, ingested.stderr
    assert "pypdf" not in ingested.stderr and "Traceback" not in ingested.stderr
    folder_line, feed_line = (line for line in listed.stdout.splitlines() if line.startswith("#"))
    assert "1 file(s) failed, first:" in folder_line and "broken.pdf" in folder_line
    assert feed_line.endswith("https://news.example.com/feed.xml — not fetched yet") and "k3y" not in listed.stdout


def test_a_reader_that_stops_early_gets_no_broken_pipe_message(tmp_path: Path) -> None:
    piped = run_cli(tmp_path / "data", "source", "list", prefix=["sh", "-c", '"$@" | head -n 0', "sh"])

    assert piped.returncode == 0 and piped.stderr == "", piped.stderr


def test_a_process_with_no_seeds_to_index_logs_one_error_naming_the_setting(
    tmp_path: Path, embedder: Embedder, caplog: pytest.LogCaptureFixture
) -> None:
    local = Local(make_settings(tmp_path, seeds_dir=tmp_path / "nowhere"), embedder)

    with caplog.at_level(logging.INFO, logger="knowledge"):
        local.indexing.prepare()
    local.close()

    errors = [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR]
    assert len(errors) == 1 and "SEEDS_DIR" in errors[0] and "no such file or folder" in errors[0]
