"""The outbox's group commit: what callers queue while a write runs goes into the next write; a
failed write fails its callers only; a caller cancelled before its write leaves what it withdraws."""

from __future__ import annotations

import asyncio
import threading

import pytest

from knowledge.push.groupcommit import GroupCommit


class Writes:
    """A write that records each call's items and keeps the first call waiting until `go_on`."""

    def __init__(self, refuse: int | None = None) -> None:
        self.calls: list[list[int]] = []
        self.started, self.go_on = threading.Event(), threading.Event()
        self.refuse = refuse

    def __call__(self, items: list[int]) -> list[int]:
        self.calls.append(list(items))
        if len(self.calls) == 1:
            self.started.set()
            self.go_on.wait(30)
        if self.refuse in items:
            raise ValueError("refused")
        return [item * 10 for item in items]

    async def first_write_running(self, commit: GroupCommit[int, int]) -> asyncio.Task[int]:
        first = asyncio.create_task(commit(1))
        await asyncio.to_thread(self.started.wait, 30)
        return first


async def test_items_queued_while_a_write_runs_share_the_next_write() -> None:
    writes = Writes()
    commit = GroupCommit(writes)
    first = await writes.first_write_running(commit)

    later = [asyncio.create_task(commit(n)) for n in (2, 3, 4)]
    await asyncio.sleep(0)  # they queue behind the running write
    writes.go_on.set()
    results = await asyncio.gather(first, *later)
    await commit.close()

    assert writes.calls == [[1], [2, 3, 4]]
    assert results == [10, 20, 30, 40]


async def test_a_failed_write_fails_its_callers_and_not_the_next_ones() -> None:
    writes = Writes(refuse=2)
    commit = GroupCommit(writes)
    first = await writes.first_write_running(commit)

    refused = [asyncio.create_task(commit(n)) for n in (2, 3)]
    await asyncio.sleep(0)
    writes.go_on.set()
    assert await first == 10
    for task in refused:
        with pytest.raises(ValueError, match="refused"):
            await task
    after = await commit(5)

    assert writes.calls == [[1], [2, 3], [5]] and after == 50


async def test_a_caller_cancelled_before_its_write_leaves_only_what_it_withdraws() -> None:
    writes = Writes()
    commit = GroupCommit(writes, withdrawn=lambda item: item + 100 if item % 2 else None)
    first = await writes.first_write_running(commit)

    cancelled = [asyncio.create_task(commit(n)) for n in (2, 3)]
    kept = asyncio.create_task(commit(4))
    await asyncio.sleep(0)
    for task in cancelled:
        task.cancel()
    await asyncio.gather(*cancelled, return_exceptions=True)
    writes.go_on.set()
    await first
    await commit.close()

    assert writes.calls == [[1], [103, 4]]  # 2 withdrawn entirely, 3 replaced by what is still written
    assert await kept == 40
