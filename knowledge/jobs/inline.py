"""Jobs in the process that asks for them (JOBS=inline, the single-machine default): one at a time,
in a thread beside the event loop; a request while one runs is refused, not queued. Across
processes (the CLI writing at the same moment) the index's writer lock keeps them apart, and a job
that finds the index taken says so instead of waiting."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from knowledge.index.lock import IndexBusyError
from knowledge.jobs.interface import Accepted
from knowledge.jobs.runner import Runner
from knowledge.prompts import render

log = logging.getLogger(__name__)

Work = Callable[[], Awaitable[None]]


class InlineJobs:
    """`Jobs` run by this process's `Runner`; failures are told to the chat that asked."""

    def __init__(self, runner: Runner) -> None:
        self._runner = runner
        self._running: asyncio.Task[None] | None = None

    async def open(self) -> None:
        """Nothing to connect to."""

    async def close(self) -> None:
        """Let a running job finish: its thread cannot be stopped halfway, and its report is due."""
        if self._running is not None:
            await asyncio.wait([self._running])

    async def refresh(self, source_ids: list[int] | None, chat_id: int | None, language: str) -> Accepted:
        return self._start(lambda: self._runner.refresh(source_ids, chat_id, language), chat_id, language)

    async def remove_source(self, source_id: int, chat_id: int | None, language: str) -> Accepted:
        return self._start(lambda: self._runner.remove_source(source_id, chat_id, language), chat_id, language)

    async def rebuild(self, chat_id: int | None, language: str) -> Accepted:
        return self._start(lambda: self._runner.rebuild(chat_id, language), chat_id, language)

    async def refresh_prices(self, tickers: list[str] | None, chat_id: int | None, language: str) -> Accepted:
        return self._start(lambda: self._runner.refresh_prices(tickers, chat_id, language), chat_id, language)

    async def scheduled_refresh(self) -> Accepted:
        """Run the scheduled refresh now and return once it is done; skipped while another job runs."""
        tick = int(time.time())
        accepted = self._start(lambda: self._runner.scheduled_refresh(tick), None, "en")
        if accepted is Accepted.BUSY:
            log.info("scheduled refresh skipped: another index change is running")
        elif self._running is not None:
            await asyncio.wait([self._running])
        return accepted

    def _start(self, work: Work, chat_id: int | None, language: str) -> Accepted:
        if self._running is not None and not self._running.done():
            return Accepted.BUSY
        self._running = asyncio.get_running_loop().create_task(self._reported(work, chat_id, language))
        return Accepted.STARTED

    async def _reported(self, work: Work, chat_id: int | None, language: str) -> None:
        try:
            await work()
            return
        except IndexBusyError as error:  # the CLI or another process is writing the index right now
            log.info("job not run: %s", error)
            text = render("bot_reindex_elsewhere", language, error=str(error))
        except Exception as error:  # the admin must hear about any failure; the old index stays
            log.exception("job failed")
            text = render("bot_reindex_failed", language, error=f"{type(error).__name__}: {error}")
        await self._runner.tell(chat_id, text)
