"""`investorbot run` (the Telegram app, bot/) and `investorbot worker` (apps/worker): the commands
that start a long-running role. Their libraries are imported only when one is started."""

from __future__ import annotations

import argparse
import asyncio
import functools

from apps.cli.output import Commands, err
from knowledge import metrics
from knowledge.jobs.queue import counts as queue_counts
from knowledge.settings import Settings


def add_run(commands: Commands) -> None:
    run = commands.add_parser(
        "run",
        help="run the Telegram bot (long polling, or --webhook)",
        description="Run the Telegram bot. Needs TELEGRAM_BOT_TOKEN; admins come from ADMIN_USER_IDS.",
    )
    run.add_argument(
        "--webhook",
        action="store_true",
        help="serve PTB's webhook server on WEBHOOK_LISTEN:WEBHOOK_PORT for WEBHOOK_URL instead of polling",
    )
    run.set_defaults(handler=run_bot, service=True)


def add_worker(commands: Commands) -> None:
    worker = commands.add_parser(
        "worker",
        help="run the job worker (JOBS=queue): refreshes, source changes, rebuilds, the schedule",
        description="Take jobs from the PostgreSQL queue (DATABASE_URL) that bot replicas enqueue, run the "
        "scheduled refresh (REFRESH_INTERVAL_MINUTES or REFRESH_CRON) once per interval across all workers, and "
        "report to the admin's chat through the Bot API (TELEGRAM_BOT_TOKEN). Run one or more.",
    )
    worker.set_defaults(handler=run_worker, service=True)


def run_bot(args: argparse.Namespace, settings: Settings) -> int:
    token = settings.telegram_bot_token.get_secret_value()
    if not token:
        err.print("investorbot: set TELEGRAM_BOT_TOKEN (from @BotFather) in .env or the environment.")
        return 2
    if args.webhook and not settings.webhook_url:
        err.print("investorbot: --webhook needs WEBHOOK_URL, the public https address Telegram should call.")
        return 2
    from apps.scheduler import schedule
    from bot.app import build_application
    from bot.telegram_api import allowed_updates
    from bot.webhook import serve

    queued = settings.jobs == "queue"
    if queued and not settings.database_url.startswith("postgresql"):
        err.print("investorbot: JOBS=queue needs a PostgreSQL DATABASE_URL.", markup=False)
        return 2
    application = build_application(settings)
    if not queued:  # scaled out, the workers run the schedule (once per tick however many replicas serve)
        schedule.host_in_bot(application, settings)
    metrics.serve(settings, functools.partial(queue_counts, settings) if queued else None)
    if args.webhook:
        asyncio.run(serve(application, settings))
    else:
        application.run_polling(allowed_updates=allowed_updates(application))
    return 0


def run_worker(args: argparse.Namespace, settings: Settings) -> int:
    if settings.jobs != "queue" or not settings.database_url.startswith("postgresql"):
        err.print("investorbot: the worker needs JOBS=queue and a PostgreSQL DATABASE_URL.", markup=False)
        return 2
    from apps.worker.worker import work

    asyncio.run(work(settings))
    return 0
