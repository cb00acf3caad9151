"""Hosting the schedule.

JOBS=queue: the workers host it as a procrastinate periodic task on REFRESH_CRON (or one derived
from REFRESH_INTERVAL_MINUTES). procrastinate records each tick's defer under a unique key, so a
tick is run once however many workers there are.

JOBS=inline: the single-process bot hosts it on PTB's JobQueue, every REFRESH_INTERVAL_MINUTES,
and runs it in its own process; a tick that comes while another index change runs is skipped.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import procrastinate

from knowledge.settings import Settings

if TYPE_CHECKING:  # the worker hosts the schedule too, and needs nothing of the Telegram app
    from telegram.ext import Job

    from bot.app import BotApplication
    from bot.context import BotContext

TASK = "scheduled_refresh"
PUSH = "push"

log = logging.getLogger(__name__)


def host_on_queue(app: procrastinate.App, settings: Settings) -> bool:
    """Have this worker's App defer the push round every PUSH_INTERVAL_SECONDS (whole seconds of a
    minute, at least every minute) and the scheduled refresh on every tick; False when that is off."""
    seconds = max(1, min(59, round(settings.push_interval_seconds)))
    push_cron = "* * * * *" if settings.push_interval_seconds >= 60 else f"* * * * * */{seconds}"
    app.periodic(cron=push_cron, periodic_id="push")(app.tasks[PUSH])
    cron = settings.refresh_schedule
    if not cron:
        return False
    app.periodic(cron=cron, periodic_id="refresh")(app.tasks[TASK])
    return True


def host_in_bot(application: BotApplication, settings: Settings) -> Job[Any] | None:
    """Tick on the bot's JobQueue; None when the schedule is off."""
    minutes = settings.refresh_interval_minutes
    if not minutes or application.job_queue is None:
        return None
    return application.job_queue.run_repeating(tick, interval=minutes * 60, first=minutes * 60, name=TASK)


async def tick(context: BotContext) -> None:
    """One tick: the refresh runs in this process (and is done when this returns)."""
    await context.services.jobs.scheduled_refresh()


def host_push_in_bot(application: BotApplication, settings: Settings) -> Job[Any] | None:
    """Evaluate the alert triggers, queue due digests and drain the outbox on the bot's JobQueue
    (JOBS=inline: this process is the only one sending)."""
    if application.job_queue is None:
        return None
    seconds = settings.push_interval_seconds
    return application.job_queue.run_repeating(push_tick, interval=seconds, first=1.0, name=PUSH)


async def push_tick(context: BotContext) -> None:
    """One round of pushing, through this bot's client and its rate limiter."""
    from bot.sender import Sender

    tick = await context.services.pushing.tick(Sender(context.bot))
    if tick.alerts or tick.digests or tick.drained.sent:
        log.info("push: %s", tick.as_json())
