"""`investorbot worker`: the indexing side, the queue's tasks with this process's runner, the
schedule, and a Bot API client to tell admins how their jobs went."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable

from telegram import Bot

from apps.scheduler import schedule
from bot.sender import Sender, push_bot
from knowledge import metrics
from knowledge.jobs import queue, tasks
from knowledge.settings import Settings
from knowledge.wiring.answering import Answering
from knowledge.wiring.pushing import Pushing
from knowledge.wiring.worker_role import WorkerRole, worker_role

log = logging.getLogger(__name__)


async def work(settings: Settings) -> None:
    """Run jobs until SIGINT or SIGTERM."""
    token = settings.telegram_bot_token.get_secret_value()
    bot = push_bot(settings) if token else None

    async def tell(chat_id: int, text: str) -> None:
        if bot is not None:
            await bot.send_message(chat_id, text)

    role = await asyncio.to_thread(worker_role, settings, tell)
    stalled = settings.job_stalled_seconds
    context: dict[str, object] = {tasks.RUNNER: role.runner, tasks.STALLED_SECONDS: stalled}
    if bot is not None:  # alerts and digests are sent from here (JOBS=queue): the replicas only answer
        context[tasks.PUSHER] = pusher(role, bot)
    try:
        await role.start()
        schedule.host_on_queue(role.queue, settings)
        metrics.serve(settings, functools.partial(queue.counts, settings))
        if bot is not None:
            await bot.initialize()
        async with role.queue.open_async():
            recovered = await tasks.retry_stalled(role.queue, stalled)
            log.info("worker ready (%d stalled jobs queued again); schedule: %s", recovered, settings.refresh_schedule)
            await role.queue.run_worker_async(
                concurrency=2,  # an index job and a price refresh or a stall check side by side
                update_heartbeat_interval=max(1.0, stalled / 4),
                stalled_worker_timeout=stalled,
                fetch_job_polling_interval=1.0,
                additional_context=context,
                delete_jobs="successful",
            )
    finally:
        if bot is not None:
            await bot.shutdown()
        role.close()


def pusher(role: WorkerRole, bot: Bot) -> Callable[[], Awaitable[None]]:
    """One push round on this worker's catalog. The push reads the served index (the sentences an
    alert quotes, the move explanation), so the worker builds that reader here, for pushes only."""
    pushing = Pushing(Answering(role.indexing.core))
    sender = Sender(bot)

    async def tick() -> None:
        done = await pushing.tick(sender)
        if done.alerts or done.digests or done.drained.sent:
            log.info("push: %s", done.as_json())

    return tick
