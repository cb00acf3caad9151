"""`investorbot run` (the Telegram app, bot/) and `investorbot worker` (apps/worker): the commands
that start a long-running role. Their libraries are imported only when one is started."""

from __future__ import annotations

import argparse
import asyncio
import functools
import logging

from apps.cli.logs import redact, secrets_of
from apps.cli.output import Commands, err
from knowledge import metrics
from knowledge.jobs.queue import counts as queue_counts
from knowledge.settings import Settings
from knowledge.sources.address import shown


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
    refusal = _refusal(args, settings)
    if refusal:
        err.print(f"investorbot: {refusal}", markup=False)
        return 2
    from telegram.error import InvalidToken, NetworkError

    from apps.scheduler import schedule
    from bot.app import build_application
    from bot.telegram_api import allowed_updates
    from bot.webhook import serve

    queued = settings.jobs == "queue"
    application = build_application(settings)
    # PTB logs a refused token with a traceback before raising it; the one line below says it all.
    logging.getLogger("telegram.ext").addFilter(_DropRefusedToken())
    if not queued:  # scaled out, the workers run the schedule (once per tick however many replicas serve)
        schedule.host_in_bot(application, settings)
        schedule.host_push_in_bot(application, settings)
    metrics.serve(settings, functools.partial(queue_counts, settings) if queued else None)
    try:
        if args.webhook:
            asyncio.run(serve(application, settings))
        else:
            application.run_polling(allowed_updates=allowed_updates(application))
    except InvalidToken:  # its message holds the token: never printed
        err.print("investorbot: the Bot API refused TELEGRAM_BOT_TOKEN; copy it again from @BotFather", markup=False)
        return 2
    except NetworkError as error:
        api, reason = shown(settings.telegram_api_url), _clean(error.message, settings)
        err.print(f"investorbot: cannot reach the Bot API at TELEGRAM_API_URL={api}: {reason}", markup=False)
        return 1
    return 0


def _refusal(args: argparse.Namespace, settings: Settings) -> str:
    """Why the bot cannot start with these settings, in one line; "" when it can."""
    if not settings.telegram_bot_token.get_secret_value():
        return "set TELEGRAM_BOT_TOKEN (from @BotFather) in .env or the environment."
    if args.webhook and not settings.webhook_url:
        return "--webhook needs WEBHOOK_URL, the public https address Telegram should call."
    if args.webhook:
        from bot.webhook import WebhookSecretError, check_secret

        try:
            check_secret(settings)
        except WebhookSecretError as error:
            return str(error)
    if settings.jobs == "queue" and not settings.database_url.startswith("postgresql"):
        return "JOBS=queue needs a PostgreSQL DATABASE_URL."
    return ""


def run_worker(args: argparse.Namespace, settings: Settings) -> int:
    if settings.jobs != "queue" or not settings.database_url.startswith("postgresql"):
        err.print("investorbot: the worker needs JOBS=queue and a PostgreSQL DATABASE_URL.", markup=False)
        return 2
    from apps.worker.worker import work

    asyncio.run(work(settings))
    return 0


def _clean(text: str, settings: Settings) -> str:
    """An error text without the settings' secrets (the token is part of every Bot API URL)."""
    return redact(text, secrets_of(settings))


class _DropRefusedToken(logging.Filter):
    """Drops PTB's own report of a refused token (`run_bot` reports it in one line)."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        while error is not None:
            if type(error).__name__ == "InvalidToken":
                return False
            error = error.__cause__
        return True
