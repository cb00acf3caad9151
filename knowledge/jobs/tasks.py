"""The jobs a worker runs: refresh, source removal, price refresh, full rebuild, the scheduled refresh.

Every job that changes the index carries procrastinate's `lock="index"`, so the queue starts one at
a time cluster-wide (the writer lock in the catalog guards against the CLI as well). A worker that
dies mid-job leaves the job `doing`; `recover_stalled` hands it back to the queue once the dead
worker's heartbeat is old, and the next run reconciles catalog and store before it starts.

The worker installs a `Runtime` (its engine and a way to tell an admin how a job went) before it
takes jobs; `knowledge/` never talks to Telegram itself.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import procrastinate
from procrastinate import JobContext

from knowledge import metrics
from knowledge.engine import Engine
from knowledge.index.indexer import IndexReport
from knowledge.prompts import render

log = logging.getLogger(__name__)

INDEX_LOCK = "index"  # one index-changing job at a time, cluster-wide
REFRESH_ALL = "refresh-all"  # at most one admin's full refresh waiting in the queue
SCHEDULED = "scheduled-refresh"  # at most one scheduled refresh waiting

# Bound to the operator's DATABASE_URL by `knowledge.jobs.queue.bind` before use.
app = procrastinate.App(connector=procrastinate.PsycopgConnector())

Tell = Callable[[int, str], Awaitable[None]]
"""Send one plain-text message to a chat (the worker's Bot API client)."""


@dataclass
class Runtime:
    engine: Engine
    tell: Tell
    lock_wait_seconds: float


_runtime: Runtime | None = None


def install(runtime: Runtime) -> None:
    global _runtime  # noqa: PLW0603 - one runtime per worker process, set before it takes jobs
    _runtime = runtime


def _current() -> Runtime:
    if _runtime is None:
        raise RuntimeError("no worker runtime installed: jobs run only inside `investorbot worker`")
    return _runtime


@app.task(name="refresh", lock=INDEX_LOCK, retry=2)
async def refresh(source_ids: list[int] | None = None, chat_id: int | None = None, language: str = "en") -> None:
    """Re-read every source (or the given ones); tell the admin who asked what changed."""
    runtime = _current()
    engine = runtime.engine
    with metrics.job("refresh"):
        started = time.monotonic()
        report = await asyncio.to_thread(engine.refresh, None, source_ids, runtime.lock_wait_seconds)
        metrics.REFRESH_SECONDS.observe(time.monotonic() - started)
    await _tell(chat_id, summary(report, language))


@app.task(name="remove_source", lock=INDEX_LOCK, retry=2)
async def remove_source(source_id: int, chat_id: int | None = None, language: str = "en") -> None:
    runtime = _current()
    with metrics.job("remove_source"):
        removed = await asyncio.to_thread(runtime.engine.remove_source, source_id, runtime.lock_wait_seconds)
    await _tell(chat_id, render("bot_source_removed", language, id=source_id, documents=removed))


@app.task(name="refresh_prices", retry=2)
async def refresh_prices(tickers: list[str] | None = None, chat_id: int | None = None, language: str = "en") -> None:
    with metrics.job("refresh_prices"):
        report = await asyncio.to_thread(_current().engine.refresh_prices, tickers)
    for error in report.errors:
        log.warning("price refresh: %s: %s", error["source"], error["error"])
    sessions, errors = sum(report.bars_stored.values()), len(report.errors)
    await _tell(chat_id, render("bot_prices_done", language, sessions=sessions, error_count=errors))


@app.task(name="rebuild", lock=INDEX_LOCK, queueing_lock="rebuild", retry=1)
async def rebuild(chat_id: int | None = None, language: str = "en") -> None:
    """Build the whole index again into a new collection, verify it, then switch to it in one step."""
    runtime = _current()
    with metrics.job("rebuild"):
        report = await asyncio.to_thread(runtime.engine.rebuild, None, runtime.lock_wait_seconds)
    await _tell(chat_id, summary(report, language))


@app.task(name="scheduled_refresh", lock=INDEX_LOCK, queueing_lock=SCHEDULED)
async def scheduled_refresh(timestamp: int) -> None:
    """The periodic refresh of every source and the prices: deferred once per tick, however many
    workers run (procrastinate records each periodic defer under a unique key)."""
    runtime = _current()
    with metrics.job("scheduled_refresh"):
        started = time.monotonic()
        prices = await asyncio.to_thread(runtime.engine.refresh_prices)
        report = await asyncio.to_thread(runtime.engine.refresh, None, None, runtime.lock_wait_seconds)
        metrics.REFRESH_SECONDS.observe(time.monotonic() - started)
    log.info(
        "scheduled refresh (tick %d): %d added, %d updated, %d errors; %d new price sessions",
        timestamp,
        report.documents_added,
        report.documents_updated,
        len(report.errors),
        sum(prices.bars_stored.values()),
    )


@app.periodic(cron="* * * * * */10", periodic_id="recover")  # sixth field: seconds
@app.task(name="recover_stalled", pass_context=True, queueing_lock="recover")
async def recover_stalled(context: JobContext, timestamp: int) -> None:
    """Hand the jobs of workers that stopped sending heartbeats (killed, lost) back to the queue."""
    seconds = float(context.additional_context.get("stalled_seconds", 30.0))
    await retry_stalled(context.app, seconds)


async def retry_stalled(queue: procrastinate.App, seconds: float) -> int:
    """Queue the stalled jobs again; the number this worker queued."""
    stalled = list(await queue.job_manager.get_stalled_jobs(seconds_since_heartbeat=seconds))
    queued = 0
    for job in stalled:
        try:
            await queue.job_manager.retry_job(job)
        except procrastinate.exceptions.ConnectorException as error:
            # Workers started together all find the stalled job; one queues it, the others are refused.
            reason = str(error.__cause__ or error).strip().splitlines()[0]
            log.info("job %s (%s) not queued again here: %s", job.id, job.task_name, reason)
            continue
        queued += 1
        log.warning("job %s (%s) was left running by a stopped worker: queued again", job.id, job.task_name)
    return queued


async def _tell(chat_id: int | None, text: str) -> None:
    if chat_id is None:
        return
    try:
        await _current().tell(chat_id, text)
    except Exception as error:  # the job is done either way; the admin can see /status
        log.warning("could not report to chat %s: %s", chat_id, type(error).__name__)


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
