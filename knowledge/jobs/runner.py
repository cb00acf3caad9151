"""What each job does, whichever process runs it: the indexing side does the work, the admin who
asked is told how it went. `knowledge/` never talks to Telegram itself: `tell` is handed in."""

from __future__ import annotations

import asyncio
import logging
import time

from knowledge import metrics
from knowledge.index.indexer import IndexReport
from knowledge.jobs.interface import Tell
from knowledge.prompts import render
from knowledge.wiring.indexing import Indexing

log = logging.getLogger(__name__)


class Runner:
    """Runs jobs on an indexing side; a job waits up to `lock_wait_seconds` for another writer."""

    def __init__(self, indexing: Indexing, tell: Tell, lock_wait_seconds: float) -> None:
        self.indexing, self._tell, self._wait = indexing, tell, lock_wait_seconds

    async def refresh(self, source_ids: list[int] | None, chat_id: int | None, language: str) -> None:
        """Re-read every source (or the given ones); tell the admin who asked what changed."""
        with metrics.job("refresh"):
            report = await self._refreshed(source_ids)
        await self.tell(chat_id, summary(report, language))

    async def remove_source(self, source_id: int, chat_id: int | None, language: str) -> None:
        with metrics.job("remove_source"):
            removed = await asyncio.to_thread(self.indexing.librarian.remove_source, source_id, self._wait)
        await self.tell(chat_id, render("bot_source_removed", language, id=source_id, documents=removed))

    async def rebuild(self, chat_id: int | None, language: str) -> None:
        """Build the whole index again into a new collection, verify it, then switch to it in one step."""
        with metrics.job("rebuild"):
            report = await asyncio.to_thread(self.indexing.librarian.rebuild, None, self._wait)
        await self.tell(chat_id, summary(report, language))

    async def refresh_prices(self, tickers: list[str] | None, chat_id: int | None, language: str) -> None:
        with metrics.job("refresh_prices"):
            report = await asyncio.to_thread(self.indexing.prices.refresh, tickers)
        for error in report.errors:
            log.warning("price refresh: %s: %s", error["source"], error["error"])
        sessions, errors = sum(report.bars_stored.values()), len(report.errors)
        await self.tell(chat_id, render("bot_prices_done", language, sessions=sessions, error_count=errors))

    async def scheduled_refresh(self, tick: int) -> None:
        """The periodic refresh of the prices and every source; `tick` is the schedule's timestamp."""
        with metrics.job("scheduled_refresh"):
            prices = await asyncio.to_thread(self.indexing.prices.refresh)
            for error in prices.errors:
                log.warning("scheduled price refresh: %s: %s", error["source"], error["error"])
            report = await self._refreshed(None)
        log.info(
            "scheduled refresh (tick %d): %d added, %d updated, %d chunks embedded, %d errors; %d new price sessions",
            tick,
            report.documents_added,
            report.documents_updated,
            report.chunks_embedded,
            len(report.errors),
            sum(prices.bars_stored.values()),
        )

    async def tell(self, chat_id: int | None, text: str) -> None:
        """Report to the chat, if one asked; the job is done either way (the admin can see /status)."""
        if chat_id is None:
            return
        try:
            await self._tell(chat_id, text)
        except Exception as error:
            log.warning("could not report to chat %s: %s", chat_id, type(error).__name__)

    async def _refreshed(self, source_ids: list[int] | None) -> IndexReport:
        started = time.monotonic()
        report = await asyncio.to_thread(self.indexing.librarian.refresh, None, source_ids, self._wait)
        metrics.REFRESH_SECONDS.observe(time.monotonic() - started)
        return report


def summary(report: IndexReport, language: str) -> str:
    """The admin's summary of a refresh: counts, then the first errors."""
    errors = "".join(f"\n• {e['source']}: {e['error']}" for e in report.errors[:10])
    return render(
        "bot_reindex_done",
        language,
        error_count=len(report.errors),
        errors=errors,
        **{key: value for key, value in report.as_json().items() if key != "errors"},
    )
