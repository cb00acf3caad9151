"""Jobs in the bot's own process (JOBS=inline): one that finds the index taken by another process
says so in the chat that asked and leaves the slot free; the scheduled refresh then only logs."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from knowledge.jobs.inline import InlineJobs
from knowledge.jobs.interface import Accepted
from knowledge.jobs.runner import Runner
from knowledge.wiring.local import Local
from tests.conftest import make_settings

ADMIN_CHAT = 42


async def test_a_job_finding_the_index_taken_says_so_and_the_next_one_runs(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = make_settings(tmp_path)
    other, local = Local(settings), Local(settings)  # the other one stands for the CLI writing
    told: list[tuple[int, str]] = []

    async def tell(chat_id: int, text: str) -> None:
        told.append((chat_id, text))

    jobs = InlineJobs(Runner(local.indexing, tell, lock_wait_seconds=0.0))
    caplog.set_level(logging.INFO)
    with other.indexing.writer.session("ingest"):
        refused = await jobs.refresh(None, ADMIN_CHAT, "en")
        await jobs.close()
        scheduled = await jobs.scheduled_refresh()
    removed = await jobs.remove_source(999, ADMIN_CHAT, "de")
    await jobs.close()

    assert refused is scheduled is removed is Accepted.STARTED
    assert [chat for chat, _ in told] == [ADMIN_CHAT, ADMIN_CHAT]
    assert told[0][1].startswith("I can't reindex right now: another indexing run is in progress (ingest by pid")
    assert told[1][1].startswith("Quelle #999 entfernt")
    assert "job not run: another indexing run is in progress" in caplog.text
    other.close()
    local.close()
