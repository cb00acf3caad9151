"""`investorbot worker`: runs the jobs bot replicas enqueue, and the scheduled refresh, reporting to
admins through the Bot API. Start one or more; PostgreSQL coordinates them."""

from __future__ import annotations

import asyncio
import functools
import logging

from telegram import Bot

from knowledge import metrics
from knowledge.engine import Engine
from knowledge.jobs import queue, tasks
from knowledge.settings import Settings

log = logging.getLogger(__name__)


async def run_worker(settings: Settings) -> None:
    engine = Engine(settings)
    await asyncio.to_thread(engine.import_sources_file)
    seeded = await asyncio.to_thread(engine.ensure_seeded, None)
    if seeded is not None:
        log.info("indexed the seeds: %d documents", seeded.documents_added)
    await asyncio.to_thread(queue.ensure_schema, settings)
    app = queue.bind(settings, schedule=True)
    metrics.serve(settings, functools.partial(queue.counts, settings))
    token = settings.telegram_bot_token.get_secret_value()
    api = settings.telegram_api_url.rstrip("/")
    bot = Bot(token, base_url=f"{api}/bot", base_file_url=f"{api}/file/bot") if token else None

    async def tell(chat_id: int, text: str) -> None:
        if bot is not None:
            await bot.send_message(chat_id, text)

    tasks.install(tasks.Runtime(engine, tell, settings.index_lock_wait_seconds))
    stalled = settings.job_stalled_seconds
    try:
        if bot is not None:
            await bot.initialize()
        async with app.open_async():
            recovered = await tasks.retry_stalled(app, stalled)
            log.info("worker ready (%d stalled jobs queued again); schedule: %s", recovered, settings.refresh_schedule)
            await app.run_worker_async(
                concurrency=2,  # an index job and a price refresh or a stall check side by side
                update_heartbeat_interval=max(1.0, stalled / 4),
                stalled_worker_timeout=stalled,
                fetch_job_polling_interval=1.0,
                additional_context={"stalled_seconds": stalled},
                delete_jobs="successful",
            )
    finally:
        if bot is not None:
            await bot.shutdown()
        engine.close()
