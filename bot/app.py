"""Build the Telegram Application: handlers, flood control, commands, and the services they use."""

from __future__ import annotations

import asyncio
import functools
import logging
import os
from typing import Any

from telegram import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats, BotCommandScopeChat
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot import admin, handlers, moves
from bot.context import BotContext, Services
from bot.telegram_api import ChatFairProcessor, ChatRateLimiter, InvestorBot
from knowledge.catalog.chatlog import ChatLog
from knowledge.engine import Engine
from knowledge.jobs.queue import Jobs
from knowledge.settings import Settings

log = logging.getLogger(__name__)

COMMANDS = [
    ("ask", "Ask a question about a company or market"),
    ("sources", "What is indexed and when it was refreshed"),
    ("move", "A share's latest move and its chart"),
    ("help", "What the bot does and its commands"),
    ("start", "Start"),
]
ADMIN_COMMANDS = [
    ("reindex", "Admin: re-read all sources"),
    ("status", "Admin: index status and errors"),
    ("addsource", "Admin: add an rss, url or edgar source"),
    ("removesource", "Admin: remove a source by its number"),
]

BotApplication = Application[Any, BotContext, Any, Any, Any, Any]


def build_application(settings: Settings, engine: Engine) -> BotApplication:
    """The Application, wired but not started; `prepare` runs as its post_init."""
    # Opt in to PTB 23's timedelta durations now; otherwise every 429 logs a deprecation warning.
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    api = settings.telegram_api_url.rstrip("/")
    bot = InvestorBot(
        token=settings.telegram_bot_token.get_secret_value(),
        base_url=f"{api}/bot",
        base_file_url=f"{api}/file/bot",
        # Telegram answers floods with 429 retry_after: wait it out (in that chat only) and send again.
        rate_limiter=ChatRateLimiter(group_max_rate=settings.group_messages_per_minute, max_retries=3),
        request=HTTPXRequest(connection_pool_size=256),
        get_updates_request=HTTPXRequest(connection_pool_size=1),
    )
    processor = ChatFairProcessor()
    application: BotApplication = (
        ApplicationBuilder()
        .bot(bot)
        .context_types(ContextTypes(context=BotContext))
        .concurrent_updates(processor)
        .post_init(prepare)
        .post_shutdown(close_jobs)
        .build()
    )
    processor.on_group_queue = functools.partial(handlers.group_is_queued, application)
    processor.for_the_bot = functools.partial(handlers.for_the_bot, application)
    jobs = Jobs(settings) if settings.jobs == "queue" else None
    application.bot_data["services"] = Services(settings, engine, ChatLog(engine.catalog), jobs=jobs)
    application.add_handler(CommandHandler("start", handlers.start))
    application.add_handler(CommandHandler("help", handlers.help_command))
    application.add_handler(CommandHandler("ask", handlers.ask_command))
    application.add_handler(CommandHandler("sources", handlers.sources))
    application.add_handler(CommandHandler("move", moves.move_command))
    application.add_handler(CommandHandler("reindex", admin.reindex))
    application.add_handler(CommandHandler("status", admin.status))
    application.add_handler(CommandHandler("addsource", admin.add_source))
    application.add_handler(CommandHandler("removesource", admin.remove_source))
    application.add_handler(CallbackQueryHandler(handlers.vote, pattern=r"^vote:"))
    application.add_handler(CallbackQueryHandler(handlers.unknown_button))
    application.add_handler(
        MessageHandler(
            (filters.TEXT | filters.CAPTION) & ~filters.COMMAND & ~filters.UpdateType.EDITED, handlers.text_message
        )
    )
    application.add_error_handler(handlers.on_error)
    minutes = settings.refresh_interval_minutes
    # Scaled out, the worker runs the schedule (once per interval however many replicas serve).
    if minutes and application.job_queue is not None and jobs is None:
        application.job_queue.run_repeating(admin.scheduled_refresh, interval=minutes * 60, first=minutes * 60)
    return application


async def prepare(application: BotApplication) -> None:
    """Index the seeds if the index is empty, then register the command menus."""
    services: Services = application.bot_data["services"]
    if services.jobs is not None:  # a replica: the worker seeds and imports the sources file
        await services.jobs.open()
    else:
        await asyncio.to_thread(services.engine.import_sources_file)
        report = await asyncio.to_thread(services.engine.ensure_seeded)
        if report is not None:
            log.info("indexed the seeds: %d documents, %d chunks", report.documents_added, report.chunks_embedded)
    await asyncio.to_thread(lambda: services.engine.keyword)  # build the keyword index before the first question
    commands = [BotCommand(name, description) for name, description in COMMANDS]
    await application.bot.set_my_commands(commands, scope=BotCommandScopeAllPrivateChats())
    await application.bot.set_my_commands(commands, scope=BotCommandScopeAllGroupChats())
    admin_commands = commands + [BotCommand(name, description) for name, description in ADMIN_COMMANDS]
    for admin_id in services.settings.admin_user_ids:
        try:  # an admin's private chat shows the admin commands too, once they have started the bot
            await application.bot.set_my_commands(admin_commands, scope=BotCommandScopeChat(admin_id))
        except TelegramError as error:
            log.info("admin commands not shown to %s yet: %s", admin_id, error)
    log.info("bot @%s is ready", application.bot.username)


async def close_jobs(application: BotApplication) -> None:
    services: Services = application.bot_data["services"]
    if services.jobs is not None:
        await services.jobs.close()
