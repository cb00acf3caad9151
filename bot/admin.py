"""Admin-only commands: /reindex and /status. Everyone else gets a one-line refusal, and it is logged."""

from __future__ import annotations

import asyncio
import json
import logging

from telegram import Message, Update
from telegram.constants import ChatType

from bot.context import BotContext
from bot.messages import reply, user_language
from bot.render import escape
from knowledge.engine import Engine
from knowledge.index.indexer import IndexReport
from knowledge.index.lock import IndexBusyError
from knowledge.jobs.tasks import summary
from knowledge.prompts import render
from knowledge.sources.registry import SourceSpec, SourceSpecError

log = logging.getLogger(__name__)


async def is_admin(update: Update, context: BotContext, command: str) -> bool:
    """Admins pass; anyone else gets a one-line refusal and the attempt is logged."""
    user, chat, message = update.effective_user, update.effective_chat, update.effective_message
    if user is not None and user.id in context.services.settings.admin_user_ids:
        if chat is None or chat.type == ChatType.PRIVATE:
            return True
        # Admin answers show source errors, internal URLs and paths: not for every group member.
        if message is not None:
            await reply(message, escape(render("bot_admin_private", user_language(update), command=command)))
        return False
    log.warning("refused /%s from user %s in chat %s", command, user.id if user else None, chat.id if chat else None)
    if message is not None:
        await reply(message, escape(render("bot_not_admin", user_language(update), command=command)))
    return False


async def reindex(update: Update, context: BotContext) -> None:
    """Admin: re-read all sources in the background and report the counts when done."""
    message = update.effective_message
    if message is None or not await is_admin(update, context, "reindex"):
        return
    await _start_refresh(update, context, message, None, render("bot_reindex_started", user_language(update)))


async def add_source(update: Update, context: BotContext) -> None:
    """Admin: /addsource rss|url|edgar TARGET [tickers=…] [forms=…] [since=YYYY-MM-DD], then fetch it."""
    message = update.effective_message
    if message is None or not await is_admin(update, context, "addsource"):
        return
    language = user_language(update)
    try:
        spec = parse_source(context.args or [])
        source = await asyncio.to_thread(context.services.engine.add_source, spec)
    except SourceSpecError as error:
        await reply(message, escape(render("bot_addsource_usage", language, error=str(error))))
        return
    started = render("bot_source_added", language, id=source.id, kind=source.kind, location=source.location)
    await _start_refresh(update, context, message, [source.id or 0], started)


async def remove_source(update: Update, context: BotContext) -> None:
    """Admin: /removesource ID takes a source and its documents out of the index."""
    message = update.effective_message
    if message is None or not await is_admin(update, context, "removesource"):
        return
    language, engine = user_language(update), context.services.engine
    args = context.args or []
    if len(args) != 1 or not args[0].lstrip("#").isdigit() or engine.catalog.source(int(args[0].lstrip("#"))) is None:
        await reply(message, escape(render("bot_removesource_usage", language)))
        return
    source_id = int(args[0].lstrip("#"))
    jobs = context.services.jobs
    if jobs is not None:
        await jobs.remove_source(source_id, message.chat_id, language)
        await reply(message, escape(render("bot_job_queued", language)))
        return
    removed = await asyncio.to_thread(engine.remove_source, source_id)
    await reply(message, escape(render("bot_source_removed", language, id=source_id, documents=removed)))


def parse_source(args: list[str]) -> SourceSpec:
    """`rss URL tickers=BABA,JD` or `edgar BABA --forms 10-K,8-K --since 2025-01-01` as a SourceSpec."""
    if len(args) < 2:
        raise SourceSpecError("name the kind (rss, url or edgar) and what to fetch")
    if args[0].lower() not in ("rss", "url", "edgar"):
        raise SourceSpecError(f"unknown source kind {args[0]!r}; use rss, url or edgar")
    options: dict[str, str] = {}
    rest = iter(args[2:])
    for word in rest:
        key, _, value = word.lstrip("-").partition("=")
        options[key.lower()] = value or next(rest, "")
    unknown = set(options) - {"tickers", "forms", "since"}
    if unknown:
        raise SourceSpecError(f"unknown option {sorted(unknown)[0]}")
    return SourceSpec(  # validated (addresses included) when the engine adds it
        kind=args[0],
        location=args[1],
        tickers=tuple(options.get("tickers", "").split(",")),
        forms=tuple(options.get("forms", "").split(",")),
        since=options.get("since", ""),
    )


async def _start_refresh(
    update: Update, context: BotContext, message: Message, source_ids: list[int] | None, started: str
) -> None:
    language, lock = user_language(update), context.services.reindexing
    jobs = context.services.jobs
    if jobs is not None:  # scaled out: the worker runs it and reports back to this chat
        queued = await jobs.refresh(source_ids, message.chat_id, language)
        note = render("bot_job_queued" if queued else "bot_job_waiting", language)
        await reply(message, escape(f"{started}\n{note}" if source_ids else note))
        return
    if lock.locked():
        await reply(message, escape(render("bot_reindex_busy", language)))
        return
    await lock.acquire()
    await reply(message, escape(started))
    context.application.create_task(_refresh_in_background(context, message, language, source_ids), update=update)


async def _refresh_in_background(
    context: BotContext, message: Message, language: str, source_ids: list[int] | None
) -> None:
    engine, lock = context.services.engine, context.services.reindexing
    try:
        report = await asyncio.to_thread(engine.refresh, None, source_ids)
        text = reindex_summary(report, language)
    except IndexBusyError as error:  # the CLI or another process is writing the index right now
        text = render("bot_reindex_elsewhere", language, error=str(error))
    except Exception as error:  # the admin must hear about any failure; the old index stays
        log.exception("reindex failed")
        text = render("bot_reindex_failed", language, error=f"{type(error).__name__}: {error}")
    finally:
        lock.release()
    await reply(message, escape(text))


def reindex_summary(report: IndexReport, language: str) -> str:
    return summary(report, language)


async def scheduled_refresh(context: BotContext) -> None:
    """JobQueue: refresh every source and the prices on REFRESH_INTERVAL_MINUTES, unless a reindex runs."""
    lock = context.services.reindexing
    engine = context.services.engine
    if lock.locked():
        log.info("scheduled refresh skipped: a reindex is running")
        return
    prices = await asyncio.to_thread(engine.refresh_prices)
    for error in prices.errors:
        log.warning("scheduled price refresh: %s: %s", error["source"], error["error"])
    log.info("scheduled price refresh: %d new sessions", sum(prices.bars_stored.values()))
    try:
        async with lock:
            report = await asyncio.to_thread(engine.refresh)
    except IndexBusyError as error:
        log.info("scheduled refresh skipped: %s", error)
        return
    log.info(
        "scheduled refresh: %d added, %d updated, %d chunks embedded, %d errors",
        report.documents_added,
        report.documents_updated,
        report.chunks_embedded,
        len(report.errors),
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
