"""What an operator runs into: a full disk, a killed run, unreadable folders, link loops, huge files,
secrets echoed by an endpoint. Each is one clear line, nothing already indexed is lost, and the
next run starts clean. The CLI runs as a real subprocess, as a user would run it."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from knowledge.catalog import Catalog, IndexRun
from knowledge.index.store import StoreOpener
from tests.commandline import COMMAND, environment, run_cli
from tests.conftest import SEEDS, make_settings
from tests.fakes.openai_server import FakeOpenAI
from tests.servers import free_port

ROOT_USER = os.geteuid() == 0
# Root reads everything; without these two capabilities, file permissions apply to it as well.
WITHOUT_OVERRIDE = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"] if ROOT_USER else []


def _long_text(path: Path, paragraphs: int) -> Path:
    body = "\n\n".join(
        f"Paragraph {n}: Kestrel Robotics expanded its warehouse automation business in region {n}, "
        f"adding {n * 3} customers and raising order intake by {n % 17 + 2} percent over the quarter, "
        "while freight costs and component prices stayed elevated across the supply chain."
        for n in range(paragraphs)
    )
    path.write_text(f"---\ntitle: Kestrel field report\npublished: 2025-12-01\n---\n{body}\n")
    return path


def _state(data: Path) -> tuple[int, int, int, list[str]]:
    """(chunks in the store, chunks the catalog records, orphan chunks, statuses of the runs)."""
    settings = make_settings(data.parent, data_dir=data)
    catalog = Catalog(settings.catalog_url)
    try:
        versions = catalog.document_versions()
        ids = StoreOpener(settings.chroma_dir).open().ids()
        orphans = [i for i in ids if versions.get(i.split("-")[0]) != i.split("-")[1]]
        recorded = sum(row.chunk_count for row in catalog.documents())
        with catalog.session() as session:
            runs = [run.status for run in session.exec(select(IndexRun))]
        return len(ids), recorded, len(orphans), runs
    finally:
        catalog.close()


@contextlib.contextmanager
def _small_disk(folder: Path, megabytes: int) -> Iterator[Path]:
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs", str(folder)], check=False)
    if mounted.returncode != 0:
        pytest.skip("needs to mount a small tmpfs (root) to fill a real disk")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def _fill(disk: Path, leave_kb: int) -> Path:
    free_kb = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize // 1024
    filler = disk / "filler"
    with filler.open("wb") as handle:
        handle.write(b"\0" * max(0, free_kb - leave_kb) * 1024)
    return filler


@pytest.mark.skipif(not ROOT_USER, reason="mounting a small disk needs root")
def test_a_full_disk_costs_one_document_and_nothing_else(tmp_path: Path) -> None:
    with _small_disk(tmp_path / "disk", 16) as disk:
        data = disk / "data"
        assert run_cli(data, "ingest", str(SEEDS)).returncode == 0
        extra = tmp_path / "extra"
        extra.mkdir()
        _long_text(extra / "report.md", 400)
        filler = _fill(disk, leave_kb=500)

        full = run_cli(data, "ingest", "--json", str(extra))
        asked_while_full = run_cli(data, "ask", "--json", "Why is Alibaba down?")
        filler.unlink()
        asked_after = run_cli(data, "ask", "--json", "Why is Alibaba down?")
        stored, recorded, orphans, runs = _state(data)

    summary = json.loads(full.stdout)
    assert full.returncode == 1
    (error,) = summary["errors"]
    assert error["source"].endswith("report.md") and "full" in error["error"]
    assert "Traceback" not in full.stderr
    assert asked_while_full.returncode == 0 and json.loads(asked_while_full.stdout)["grounded"]
    assert asked_after.returncode == 0 and json.loads(asked_after.stdout)["grounded"]
    assert (stored, orphans) == (recorded, 0)
    assert "running" not in runs


def test_a_killed_ingest_is_marked_interrupted_and_its_chunks_swept(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert run_cli(data, "ingest", str(SEEDS)).returncode == 0
    big = _long_text(tmp_path / "big.md", 3000)
    running = subprocess.Popen(
        [*COMMAND, "ingest", str(big)],
        cwd=tmp_path,
        env=environment(data),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 180  # generous: a loaded machine, or a first run that fits the readings
    while time.monotonic() < deadline and _state(data)[0] <= _state(data)[1]:
        time.sleep(0.2)  # until the run has stored chunks of the big file
    running.send_signal(signal.SIGKILL)
    running.wait()
    killed = _state(data)

    asked = run_cli(data, "ask", "--json", "Why is Alibaba down?")
    again = run_cli(data, "ingest", "--json", str(SEEDS))
    stored, recorded, orphans, runs = _state(data)

    assert killed[2] > 0 and "running" in killed[3], "the kill left loose chunks and an open run behind"
    assert json.loads(asked.stdout)["grounded"]
    assert again.returncode == 0
    assert (stored, orphans) == (recorded, 0)
    assert "interrupted" in runs and "running" not in runs


def test_unreadable_folders_are_reported_and_their_documents_kept(tmp_path: Path) -> None:
    data = tmp_path / "data"
    docs = tmp_path / "docs"
    (docs / "locked").mkdir(parents=True)
    (docs / "open.md").write_text("Kestrel Robotics opened a plant in Ohio.\n")
    (docs / "locked" / "inside.md").write_text("Kestrel Robotics hired 300 engineers in Texas.\n")
    assert run_cli(data, "ingest", str(docs)).returncode == 0

    (docs / "locked").chmod(0o000)
    try:
        sub = run_cli(data, "reindex", "--json", prefix=WITHOUT_OVERRIDE)
        docs.chmod(0o000)
        root = run_cli(data, "reindex", "--json", prefix=WITHOUT_OVERRIDE)
    finally:
        docs.chmod(0o777)
        (docs / "locked").chmod(0o777)

    for result in (sub, root):
        assert result.returncode == 1 and "Traceback" not in result.stderr
        summary = json.loads(result.stdout)
        assert summary["documents_removed"] == 0
        assert any("cannot read" in error["error"] for error in summary["errors"])
    titles = {row.title for row in Catalog(make_settings(tmp_path).catalog_url).documents()}
    assert len(titles) == 2


def test_link_loops_and_oversized_files_are_reported_and_the_rest_indexed(tmp_path: Path) -> None:
    data = tmp_path / "data"
    docs = tmp_path / "docs"
    (docs / "inner").mkdir(parents=True)
    (docs / "inner" / "loop").symlink_to(docs, target_is_directory=True)
    (docs / "note.md").write_text("Kestrel Robotics opened a plant in Ohio.\n")
    _long_text(docs / "huge.md", 100)

    result = run_cli(data, "ingest", "--json", str(docs), MAX_DOCUMENT_MB="0.005")

    summary = json.loads(result.stdout)
    assert result.returncode == 1
    problems = {Path(error["source"]).name: error["error"] for error in summary["errors"]}
    assert "loop" in problems["loop"] and "MAX_DOCUMENT_MB" in problems["huge.md"]
    assert summary["documents_added"] == 1


def test_usage_errors_exit_2_and_bad_settings_are_one_line(tmp_path: Path) -> None:
    unknown = run_cli(tmp_path / "data", "ingest", "--frobnicate", str(SEEDS))
    bad = run_cli(tmp_path / "data", "sources", QUESTIONS_PER_MINUTE="many")

    assert unknown.returncode == 2
    assert bad.returncode == 2 and "QUESTIONS_PER_MINUTE" in bad.stderr and "Traceback" not in bad.stderr


async def test_an_endpoint_echoing_the_api_key_never_gets_it_into_the_output(tmp_path: Path) -> None:
    model = FakeOpenAI()
    await model.start()
    model.behaviour = "bad-key"
    key = "sk-live-abcdef0123456789SECRET"
    data = tmp_path / "data"
    command = [*COMMAND, "-v", "ask", "Why is Alibaba down?"]
    env = environment(data, LLM_BASE_URL=model.url, LLM_MODEL="fake", LLM_API_KEY=key)
    try:
        process = await asyncio_subprocess(command, env, tmp_path)
    finally:
        await model.stop()

    output = process[1] + process[2]
    assert model.requests and model.requests[0]["authorization"] == f"Bearer {key}"
    assert "Incorrect API key" in output and key not in output and "***" in output
    assert "1.3%" in process[1]


async def asyncio_subprocess(command: list[str], env: dict[str, str], cwd: Path) -> tuple[int, str, str]:
    import asyncio

    process = await asyncio.create_subprocess_exec(
        *command, env=env, cwd=cwd, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await asyncio.wait_for(process.communicate(), 240)
    return process.returncode or 0, out.decode(), err.decode()


def test_a_chroma_server_that_is_not_there_is_one_line_naming_chroma_url(tmp_path: Path) -> None:
    asked = run_cli(tmp_path / "data", "ask", "Why is Alibaba down?", CHROMA_URL=f"http://127.0.0.1:{free_port()}")

    assert asked.returncode == 1
    *progress, line = asked.stderr.strip().splitlines()  # ("The index is empty: indexing … first.")
    assert "CHROMA_URL=http://127.0.0.1:" in line and len(progress) <= 1 and "Traceback" not in asked.stderr


@pytest.mark.postgres
def test_database_urls_as_providers_write_them_work_and_bad_ones_are_one_line(
    tmp_path: Path, postgres_url: str
) -> None:
    heroku_style = postgres_url.replace("postgresql+psycopg://", "postgres://")
    listed = run_cli(tmp_path / "data", "source", "list", DATABASE_URL=heroku_style)
    wrong = run_cli(tmp_path / "data", "sources", DATABASE_URL="mysql://ann:pa55word@db.internal/bot")

    assert listed.returncode == 0, listed.stderr
    assert wrong.returncode == 2
    (line,) = wrong.stderr.strip().splitlines()
    assert "DATABASE_URL" in line and "pa55word" not in line
