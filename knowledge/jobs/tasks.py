"""The queue's tasks, registered on each process's procrastinate App by `register`: refresh,
source removal, price refresh, full rebuild, the scheduled refresh, and stalled-job recovery.

Every task that changes the index carries procrastinate's `lock="index"`, so the queue starts one
at a time cluster-wide (the writer lock in the catalog guards against the CLI as well). A worker
that dies mid-job leaves the job `doing`; `recover_stalled` hands it back to the queue once the
dead worker's heartbeat is old, and the next run reconciles catalog and store before it starts.

Tasks are defined per App rather than on a module-level one, and reach the worker's `Runner`
through the job context (`run_worker_async(additional_context={RUNNER: runner})`): a process that
only enqueues (a bot replica) registers the same tasks, with their locks, and has no runner.
"""

from __future__ import annotations

import logging

import procrastinate
from procrastinate import JobContext

from knowledge.jobs.runner import Runner

log = logging.getLogger(__name__)

INDEX_LOCK = "index"  # one index-changing job at a time, cluster-wide
REFRESH_ALL = "refresh-all"  # at most one admin's full refresh waiting in the queue
SCHEDULED = "scheduled-refresh"  # at most one scheduled refresh waiting
RUNNER = "runner"  # the key of the worker's Runner in the job context
STALLED_SECONDS = "stalled_seconds"  # the key of the worker's stalled-job timeout in the job context
PUSHER = "pusher"  # the key of the worker's push round (triggers, digests, the outbox) in the job context


def register(app: procrastinate.App) -> None:
    """Define the tasks on this process's App (their names are what the queue's rows refer to)."""
    app.task(name="refresh", lock=INDEX_LOCK, retry=2, pass_context=True)(refresh)
    app.task(name="remove_source", lock=INDEX_LOCK, retry=2, pass_context=True)(remove_source)
    app.task(name="refresh_prices", retry=2, pass_context=True)(refresh_prices)
    app.task(name="rebuild", lock=INDEX_LOCK, queueing_lock="rebuild", retry=1, pass_context=True)(rebuild)
    app.task(name="scheduled_refresh", lock=INDEX_LOCK, queueing_lock=SCHEDULED, pass_context=True)(scheduled_refresh)
    app.task(name="push", queueing_lock="push", pass_context=True)(push)
    stalled = app.task(name="recover_stalled", pass_context=True, queueing_lock="recover")(recover_stalled)
    app.periodic(cron="* * * * * */10", periodic_id="recover")(stalled)  # sixth field: seconds


async def refresh(
    context: JobContext, source_ids: list[int] | None = None, chat_id: int | None = None, language: str = "en"
) -> None:
    await _runner(context).refresh(source_ids, chat_id, language)


async def remove_source(context: JobContext, source_id: int, chat_id: int | None = None, language: str = "en") -> None:
    await _runner(context).remove_source(source_id, chat_id, language)


async def refresh_prices(
    context: JobContext, tickers: list[str] | None = None, chat_id: int | None = None, language: str = "en"
) -> None:
    await _runner(context).refresh_prices(tickers, chat_id, language)


async def rebuild(context: JobContext, chat_id: int | None = None, language: str = "en") -> None:
    await _runner(context).rebuild(chat_id, language)


async def scheduled_refresh(context: JobContext, timestamp: int) -> None:
    """Deferred once per tick of the schedule, however many workers run (procrastinate records each
    periodic defer under a unique key); see `apps.scheduler`."""
    await _runner(context).scheduled_refresh(timestamp)


async def push(context: JobContext, timestamp: int) -> None:
    """Evaluate the alert triggers, queue the digests due and drain the outbox (one tick of the push
    schedule, run once cluster-wide; the outbox's lease keeps a second drain from overlapping)."""
    pusher = context.additional_context.get(PUSHER)
    if pusher is None:  # a worker without TELEGRAM_BOT_TOKEN sends nothing
        log.debug("push tick %d skipped: this worker has no Bot API client", timestamp)
        return
    await pusher()


async def recover_stalled(context: JobContext, timestamp: int) -> None:
    """Hand the jobs of workers that stopped sending heartbeats (killed, lost) back to the queue."""
    seconds = float(context.additional_context.get(STALLED_SECONDS, 30.0))
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


def _runner(context: JobContext) -> Runner:
    runner = context.additional_context.get(RUNNER)
    if not isinstance(runner, Runner):
        raise RuntimeError("no runner in the job context: jobs run only inside `investorbot worker`")
    return runner
