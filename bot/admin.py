"""Admin-only commands: /reindex, /addsource, /removesource and /status. Everyone else gets a
one-line refusal, and it is logged. Index changes go to the jobs (run here or by a worker)."""

from __future__ import annotations

import asyncio
import json
import logging

from telegram import Update
from telegram.constants import ChatType

from bot.context import BotContext
from bot.messages import reply, user_language
from bot.render import escape
from knowledge.jobs.interface import Accepted
from knowledge.prompts import render
from knowledge.sources import registry
from knowledge.sources.address import scrub, shown
from knowledge.sources.registry import SourceSpec, SourceSpecError
from knowledge.wiring.answering import Answering

log = logging.getLogger(__name__)

# What the admin hears at once about a job that did not start here.
NOTES = {Accepted.QUEUED: "bot_job_queued", Accepted.WAITING: "bot_job_waiting", Accepted.BUSY: "bot_reindex_busy"}


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
    language = user_language(update)
    accepted = await context.services.jobs.refresh(None, message.chat_id, language)
    await reply(message, escape(acknowledgement(accepted, language, render("bot_reindex_started", language))))


async def add_source(update: Update, context: BotContext) -> None:
    """Admin: /addsource rss|url|edgar TARGET [tickers=…] [forms=…] [since=YYYY-MM-DD], then fetch it."""
    message = update.effective_message
    if message is None or not await is_admin(update, context, "addsource"):
        return
    language, services = user_language(update), context.services
    try:
        spec = parse_source(context.args or [])
        policy = registry.policy(services.settings)
        source = await asyncio.to_thread(registry.add, services.answering.catalog, spec, policy)
    except SourceSpecError as error:
        await reply(message, escape(render("bot_addsource_usage", language, error=str(error))))
        return
    added = render("bot_source_added", language, id=source.id, kind=source.kind, location=shown(source.location))
    accepted = await services.jobs.refresh([source.id or 0], message.chat_id, language)
    await reply(message, escape(acknowledgement(accepted, language, added, lead=added)))


async def remove_source(update: Update, context: BotContext) -> None:
    """Admin: /removesource ID takes a source and its documents out of the index."""
    message = update.effective_message
    if message is None or not await is_admin(update, context, "removesource"):
        return
    language, catalog = user_language(update), context.services.answering.catalog
    args = context.args or []
    if len(args) != 1 or not args[0].lstrip("#").isdigit() or catalog.source(int(args[0].lstrip("#"))) is None:
        await reply(message, escape(render("bot_removesource_usage", language)))
        return
    accepted = await context.services.jobs.remove_source(int(args[0].lstrip("#")), message.chat_id, language)
    if accepted is not Accepted.STARTED:  # a removal started here reports itself when it is done
        await reply(message, escape(acknowledgement(accepted, language, "")))


def acknowledgement(accepted: Accepted, language: str, started: str, lead: str = "") -> str:
    """What the admin hears at once: `started` when the job runs here; else where it stands,
    after `lead` when the job was queued."""
    if accepted is Accepted.STARTED:
        return started
    note = render(NOTES[accepted], language)
    return f"{lead}\n{note}" if lead and accepted is not Accepted.BUSY else note


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
    return SourceSpec(  # validated (addresses included) when it is added
        kind=args[0],
        location=args[1],
        tickers=tuple(options.get("tickers", "").split(",")),
        forms=tuple(options.get("forms", "").split(",")),
        since=options.get("since", ""),
    )


async def status(update: Update, context: BotContext) -> None:
    """Admin: index size, the last run and its errors, questions answered."""
    message = update.effective_message
    if message is None or not await is_admin(update, context, "status"):
        return
    text = await asyncio.to_thread(status_text, context.services.answering, user_language(update))
    await reply(message, text)


def status_text(answering: Answering, language: str) -> str:
    catalog = answering.catalog
    run = catalog.last_run()
    if run is None:
        last_run, errors = "–", []
    else:
        finished = run.finished_at.strftime("%Y-%m-%d %H:%M UTC") if run.finished_at else "running"
        last_run = (
            f"{finished}, {run.status}: +{run.documents_added} ~{run.documents_updated} -{run.documents_removed}, "
            f"{run.chunks_embedded} chunks"
        )
        errors = json.loads(run.errors)
    error_lines = "\n".join(f"• {escape(scrub(e['source']))}: {escape(scrub(e['error']))}" for e in errors[:10]) or "–"
    return render(
        "bot_status",
        language,
        documents=catalog.document_count(),
        chunks=answering.chunk_count(),  # the served generation, counted without the vector store
        last_run=escape(last_run),
        questions=catalog.question_count(),
        errors=error_lines,
    )
