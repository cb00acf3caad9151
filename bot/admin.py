"""Admin-only commands: /reindex and /status. Everyone else gets a one-line refusal, and it is logged."""

from __future__ import annotations

import asyncio
import json
import logging

from telegram import Message, Update

from bot.context import BotContext
from bot.handlers import reply, user_language
from bot.render import escape
from knowledge.engine import Engine
from knowledge.indexer import IndexReport
from knowledge.prompts import render

log = logging.getLogger(__name__)


async def is_admin(update: Update, context: BotContext, command: str) -> bool:
    """Admins pass; anyone else gets a one-line refusal and the attempt is logged."""
    user, chat, message = update.effective_user, update.effective_chat, update.effective_message
    if user is not None and user.id in context.services.settings.admin_user_ids:
        return True
    log.warning("refused /%s from user %s in chat %s", command, user.id if user else None, chat.id if chat else None)
    if message is not None:
        await reply(message, escape(render("bot_not_admin", user_language(update), command=command)))
    return False


async def reindex(update: Update, context: BotContext) -> None:
    """Admin: re-read all sources in the background and report the counts when done."""
    message = update.effective_message
    if message is None or not await is_admin(update, context, "reindex"):
        return
    language, lock = user_language(update), context.services.reindexing
    if lock.locked():
        await reply(message, escape(render("bot_reindex_busy", language)))
        return
    await lock.acquire()
    await reply(message, escape(render("bot_reindex_started", language)))
    context.application.create_task(_reindex_in_background(context, message, language), update=update)


async def _reindex_in_background(context: BotContext, message: Message, language: str) -> None:
    engine, lock = context.services.engine, context.services.reindexing
    try:
        report = await asyncio.to_thread(engine.reindex)
        text = reindex_summary(report, language)
    except Exception as error:  # the admin must hear about any failure; the old index stays
        log.exception("reindex failed")
        text = render("bot_reindex_failed", language, error=f"{type(error).__name__}: {error}")
    finally:
        lock.release()
    await reply(message, escape(text))


def reindex_summary(report: IndexReport, language: str) -> str:
    errors = "".join(f"\n• {e['source']}: {e['error']}" for e in report.errors[:10])
    return render(
        "bot_reindex_done",
        language,
        error_count=len(report.errors),
        errors=errors,
        **{key: value for key, value in report.as_json().items() if key != "errors"},
    )


async def status(update: Update, context: BotContext) -> None:
    """Admin: index size, the last run and its errors, questions answered."""
    message = update.effective_message
    if message is None or not await is_admin(update, context, "status"):
        return
    text = await asyncio.to_thread(status_text, context.services.engine, user_language(update))
    await reply(message, text)


def status_text(engine: Engine, language: str) -> str:
    run = engine.catalog.last_run()
    if run is None:
        last_run, errors = "–", []
    else:
        finished = run.finished_at.strftime("%Y-%m-%d %H:%M UTC") if run.finished_at else "running"
        last_run = (
            f"{finished}, {run.status}: +{run.documents_added} ~{run.documents_updated} -{run.documents_removed}, "
            f"{run.chunks_embedded} chunks"
        )
        errors = json.loads(run.errors)
    error_lines = "\n".join(f"• {escape(e['source'])}: {escape(e['error'])}" for e in errors[:10]) or "–"
    return render(
        "bot_status",
        language,
        documents=engine.catalog.document_count(),
        chunks=engine.store.count(),
        last_run=escape(last_run),
        questions=engine.catalog.question_count(),
        errors=error_lines,
    )
