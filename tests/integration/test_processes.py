"""Several processes on one index: a reader follows what another process writes, without a restart,
and writers take turns."""

from __future__ import annotations

import subprocess
import threading
import time
from pathlib import Path

from knowledge.index.embedder import Embedder
from knowledge.wiring.local import Local
from tests.commandline import COMMAND, environment, run_cli
from tests.conftest import make_settings

KESTREL = "---\ntitle: Kestrel Robotics wins a port contract\npublished: 2025-12-19\n---\n{}\n"


def test_a_running_reader_answers_from_documents_another_process_ingested(tmp_path: Path, embedder: Embedder) -> None:
    reader = Local(make_settings(tmp_path, index_poll_seconds=0.5), embedder)
    reader.indexing.ensure_seeded()
    before = reader.answering.ask("How many cranes did Kestrel Robotics sell to the port of Hamburg?")
    news = tmp_path / "news"
    news.mkdir()
    (news / "kestrel.md").write_text(
        KESTREL.format("Kestrel Robotics sold 14 automated cranes to the port of Hamburg in December.")
    )

    written = run_cli(tmp_path / "data", "ingest", str(news))
    deadline, after = time.monotonic() + 90, before  # polled every 0.5 s; loading may be slow under load
    while time.monotonic() < deadline and not after.grounded:
        time.sleep(0.3)
        after = reader.answering.ask("How many cranes did Kestrel Robotics sell to the port of Hamburg?")

    assert written.returncode == 0, written.stderr
    assert not before.grounded
    assert after.grounded and "14 automated cranes" in after.text
    reader.close()


def test_a_second_writer_waits_or_says_who_holds_the_index(tmp_path: Path, embedder: Embedder) -> None:
    local = Local(make_settings(tmp_path), embedder)
    local.indexing.ensure_seeded()
    data = tmp_path / "data"
    held, released = threading.Event(), threading.Event()

    def hold() -> None:
        with local.indexing.writer.session("scheduled refresh"):
            held.set()
            released.wait(120)  # released as soon as the second writer waits; the limit is for a broken run

    holder = threading.Thread(target=hold)
    holder.start()
    assert held.wait(60), "the first writer did not take the index"
    refused = run_cli(data, "refresh", INDEX_LOCK_WAIT_SECONDS="0")
    waiting = subprocess.Popen(
        [*COMMAND, "refresh", "--json"],
        cwd=tmp_path,
        env=environment(data, INDEX_LOCK_WAIT_SECONDS="60"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # Release the index only once the second writer says it waits (its start-up is slow under load).
    assert waiting.stderr is not None
    said = ""
    while "Waiting for another indexing run" not in said and waiting.poll() is None:
        said += waiting.stderr.readline()
    still_waiting = waiting.poll() is None
    released.set()
    holder.join()
    out, err = waiting.communicate(timeout=120)
    err = said + err

    assert refused.returncode == 1
    assert "another indexing run is in progress (scheduled refresh by pid" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert still_waiting and waiting.returncode == 0
    assert "Waiting for another indexing run to finish" in err and '"documents_seen": 12' in out
    local.close()
