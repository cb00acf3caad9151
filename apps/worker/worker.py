"""`investorbot worker`: the indexing side, the queue's tasks with this process's runner, the
schedule, and a Bot API client to tell admins how their jobs went."""

from __future__ import annotations

import asyncio
import functools
import logging

from telegram import Bot

from apps.scheduler import schedule
from knowledge import metrics
from knowledge.jobs import queue, tasks
from knowledge.settings import Settings
from knowledge.wiring.worker_role import worker_role

log = logging.getLogger(__name__)


async def work(settings: Settings) -> None:
    """Run jobs until SIGINT or SIGTERM."""
    token = settings.telegram_bot_token.get_secret_value()
    api = settings.telegram_api_url.rstrip("/")
    bot = Bot(token, base_url=f"{api}/bot", base_file_url=f"{api}/file/bot") if token else None

    async def tell(chat_id: int, text: str) -> None:
        if bot is not None:
            await bot.send_message(chat_id, text)

    role = await asyncio.to_thread(worker_role, settings, tell)
    stalled = settings.job_stalled_seconds
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
                additional_context={tasks.RUNNER: role.runner, tasks.STALLED_SECONDS: stalled},
                delete_jobs="successful",
            )
    finally:
        if bot is not None:
            await bot.shutdown()
        role.close()
