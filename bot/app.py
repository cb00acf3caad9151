"""Build the Telegram Application: handlers, flood control, commands, and the services they use."""

from __future__ import annotations

import asyncio
import functools
import logging
import os
from collections.abc import Callable
from typing import Any

from telegram import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats, BotCommandScopeChat
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot import admin, handlers, inline, moves, watching
from bot.context import BotContext, BotData, Services
from bot.messages import tell
from bot.ratelimiter import ChatRateLimiter
from bot.telegram_api import ChatFairProcessor, UpdatesRequest
from knowledge.catalog.chatlog import ChatLog
from knowledge.jobs.interface import Tell
from knowledge.settings import Settings
from knowledge.wiring.bot_role import BotRole, bot_role
from knowledge.wiring.pushing import Pushing

log = logging.getLogger(__name__)

COMMANDS = [
    ("ask", "Ask a question about a company or market"),
    ("sources", "What is indexed and when it was refreshed"),
    ("move", "A share's latest move and its chart"),
    ("watch", "Watch companies: alerts and digests"),
    ("unwatch", "Stop watching companies"),
    ("watchlist", "This chat's watchlist and alert settings"),
    ("alerts", "Alerts on or off"),
    ("quiet", "Quiet hours, e.g. 22:00-07:00"),
    ("timezone", "This chat's time zone"),
    ("digest", "A daily digest at a time, or off"),
    ("help", "What the bot does and its commands"),
    ("start", "Start"),
]
ADMIN_COMMANDS = [
    ("reindex", "Admin: re-read all sources"),
    ("status", "Admin: index status and errors"),
    ("addsource", "Admin: add an rss, url or edgar source"),
    ("removesource", "Admin: remove a source by its number"),
    ("channel", "Admin: post digests and alerts to a channel"),
]

# Commands and questions come in new messages only: an edited one is not asked again, and channel
# posts are never answered (the kinds asked of Telegram follow from this: `allowed_updates`).
NEW_MESSAGES = filters.UpdateType.MESSAGE

BotApplication = Application[Any, BotContext, Any, Any, BotData, Any]
RoleBuilder = Callable[[Tell], BotRole]
"""Builds this process's role, given how finished jobs are told to a chat (default: `bot_role`)."""


def build_application(settings: Settings, role: RoleBuilder | None = None) -> BotApplication:
    """The Application, wired but not started; its services are built by `prepare`, its post_init."""
    # Opt in to PTB 23's timedelta durations now; otherwise every 429 logs a deprecation warning.
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    api = settings.telegram_api_url.rstrip("/")
    processor = ChatFairProcessor()
    reading = settings.telegram_read_timeout_seconds
    application: BotApplication = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        # Telegram answers floods with 429 retry_after: wait it out (in that chat only) and send again.
        .rate_limiter(ChatRateLimiter(group_per_minute=settings.group_messages_per_minute, max_retries=3))
        .request(HTTPXRequest(connection_pool_size=256, read_timeout=reading))
        .get_updates_request(UpdatesRequest(connection_pool_size=1, read_timeout=reading))
        .context_types(ContextTypes(context=BotContext, bot_data=BotData))
        .concurrent_updates(processor)
        .post_init(functools.partial(prepare, settings, role or functools.partial(bot_role, settings)))
        .post_stop(stop)
        .post_shutdown(close)
        .build()
    )
    processor.on_group_queue = functools.partial(handlers.group_is_queued, application)
    processor.for_the_bot = functools.partial(handlers.for_the_bot, application)
    application.add_handler(CommandHandler("start", handlers.start, NEW_MESSAGES))
    application.add_handler(CommandHandler("help", handlers.help_command, NEW_MESSAGES))
    application.add_handler(CommandHandler("ask", handlers.ask_command, NEW_MESSAGES))
    application.add_handler(CommandHandler("sources", handlers.sources, NEW_MESSAGES))
    application.add_handler(CommandHandler("move", moves.move_command, NEW_MESSAGES))
    application.add_handler(CommandHandler("reindex", admin.reindex, NEW_MESSAGES))
    application.add_handler(CommandHandler("status", admin.status, NEW_MESSAGES))
    application.add_handler(CommandHandler("addsource", admin.add_source, NEW_MESSAGES))
    application.add_handler(CommandHandler("removesource", admin.remove_source, NEW_MESSAGES))
    watching.register(application)

    # After every command handler: only commands none of them took arrive here.
    application.add_handler(MessageHandler(filters.COMMAND & NEW_MESSAGES, handlers.unknown_command))
    application.add_handler(CallbackQueryHandler(handlers.vote, pattern=r"^vote:"))
    application.add_handler(CallbackQueryHandler(handlers.unknown_button))
    application.add_handler(InlineQueryHandler(inline.inline_query))
    application.add_handler(
        MessageHandler(NEW_MESSAGES & (filters.TEXT | filters.CAPTION) & ~filters.COMMAND, handlers.text_message)
    )
    application.add_error_handler(handlers.on_error)
    return application


async def prepare(settings: Settings, role: RoleBuilder, application: BotApplication) -> None:
    """Build the services for this process's role and start them (seeding an empty index when
    this process writes it), then register the command menus."""
    built = await asyncio.to_thread(role, functools.partial(tell, application.bot))
    chat_log = ChatLog(built.answering.catalog)
    application.bot_data.services = Services(settings, built, chat_log, Pushing(built.answering))
    await built.start()
    commands = [BotCommand(name, description) for name, description in COMMANDS]
    await application.bot.set_my_commands(commands, scope=BotCommandScopeAllPrivateChats())
    await application.bot.set_my_commands(commands, scope=BotCommandScopeAllGroupChats())
    admin_commands = commands + [BotCommand(name, description) for name, description in ADMIN_COMMANDS]
    for admin_id in settings.admin_user_ids:
        try:  # an admin's private chat shows the admin commands too, once they have started the bot
            await application.bot.set_my_commands(admin_commands, scope=BotCommandScopeChat(admin_id))
        except TelegramError as error:
            log.info("admin commands not shown to %s yet: %s", admin_id, error)
    log.info("bot @%s is ready", application.bot.username)


async def stop(application: BotApplication) -> None:
    """Once updates stop: let a job running here finish while the bot can still report it."""
    await application.bot_data.services.role.stop()


async def close(application: BotApplication) -> None:
    """After shutdown (also when post_init failed): release the model client and the catalog."""
    if application.bot_data.ready:
        await application.bot_data.services.role.close()
