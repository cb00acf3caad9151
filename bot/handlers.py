"""Telegram handlers: short, typed, each doing one thing; the answering happens in `knowledge/`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, MaybeInaccessibleMessage, Update
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import BadRequest
from telegram.ext import Application

from bot.addressing import question_in
from bot.addressing import unknown_command as unknown_command_in
from bot.context import BotContext, Services
from bot.conversation import context_for, record, remember
from bot.messages import reply, user_language
from bot.moves import finish_with_chart
from bot.ratelimiter import ChatRateLimiter
from bot.render import escape, render_html, split_html
from bot.streaming import LiveReply
from knowledge.catalog import DocumentRow, QuestionRow, Source
from knowledge.catalog.chatlog import ChatLog, Votes
from knowledge.prompts import render
from knowledge.sources.registry import describe
from knowledge.text.normalizer import normalize_question

log = logging.getLogger(__name__)

QUEUE_NOTICE_EVERY = timedelta(minutes=10)


async def start(update: Update, context: BotContext) -> None:
    """Greet the user and say what the bot does."""
    if update.effective_message:
        await reply(update.effective_message, escape(render("bot_start", user_language(update))))


async def help_command(update: Update, context: BotContext) -> None:
    """List the commands and show the disclaimer."""
    language = user_language(update)
    text = render(
        "bot_help",
        language,
        bot_username=escape(context.bot.username or "bot"),
        disclaimer=escape(render("disclaimer", language)),
    )
    if update.effective_message:
        await reply(update.effective_message, text)


async def ask_command(update: Update, context: BotContext) -> None:
    """/ask <question>, also /ask@BotName in groups."""
    question = " ".join(context.args or []).strip()
    message = update.effective_message
    if message is None:
        return
    if not question:
        await reply(message, escape(render("bot_ask_usage", user_language(update))))
        return
    await answer(update, context, question)


async def text_message(update: Update, context: BotContext) -> None:
    """Any text in a private chat; mentions of the bot and replies to it in groups."""
    message = update.effective_message
    if message is None:
        return
    question = question_in(message, context.bot.username or "", context.bot.id)
    if question is None:
        return
    if not question:
        await reply(message, escape(render("bot_ask_usage", user_language(update))))
        return
    await answer(update, context, question)


async def answer(update: Update, context: BotContext, question: str) -> None:
    """Check the limits, answer from the engine, send the answer with vote buttons, then record it."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    services = context.services
    question = normalize_question(question)
    language = user_language(update, question)
    if len(question) > services.settings.max_question_length:
        text = render("bot_too_long", language, length=len(question), limit=services.settings.max_question_length)
        await reply(message, escape(text))
        return
    wait = await asyncio.to_thread(services.chat.take_question_slot, user.id, services.settings.questions_per_minute)
    if wait:
        await reply(message, escape(render("bot_rate_limited", language, seconds=max(1, round(wait)))))
        return
    private = message.chat.type == ChatType.PRIVATE
    if private:  # in a group a chat action would spend the same small budget as an answer
        await message.chat.send_action(ChatAction.TYPING)
    started = time.perf_counter()
    follows = await context_for(services, message, context.bot.id)
    live = LiveReply(message, room=_room(context, message.chat_id))
    result = await services.answering.answer(question, live.update, follows)
    await remember(services, message, result)
    if result.move is not None and _room(context, message.chat_id)():
        sent = await finish_with_chart(services, message, live, result, vote_buttons())
    else:
        sent = await live.finish(render_html(result), vote_buttons())
    await record(services, message, result, sent, ms=round((time.perf_counter() - started) * 1000))


def _room(context: BotContext, chat_id: int) -> Callable[[], bool]:
    """Whether the chat's send budget has room now (always, outside groups)."""
    limiter = context.bot.rate_limiter
    if isinstance(limiter, ChatRateLimiter) and chat_id < 0:
        return lambda: limiter.group_has_room(chat_id)
    return lambda: True


def vote_buttons(chosen: int = 0, votes: Votes | None = None) -> InlineKeyboardMarkup:
    """👍/👎 under an answer: the tapping user's choice marked in private chats, counts in groups."""
    labels = {1: "👍", -1: "👎"}
    if votes is not None:
        labels = {1: f"👍 {votes.up}", -1: f"👎 {votes.down}"}
    elif chosen:
        labels[chosen] = f"✓ {labels[chosen]}"
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(labels[value], callback_data=f"vote:{value}") for value in (1, -1)]]
    )


async def vote(update: Update, context: BotContext) -> None:
    """Store a 👍/👎 (one per user and answer; a second tap changes it) and show it on the buttons."""
    query = update.callback_query
    if query is None or query.message is None:
        return
    chat = context.services.chat
    value, question = await asyncio.to_thread(_voted, chat, query.data or "", query.message)
    if value is None or question is None:
        # A forged, stale or foreign button: nothing to record, and nothing to say in the chat.
        log.info("ignored vote %r from user %s", query.data, query.from_user.id)
        await query.answer()
        return
    votes = await asyncio.to_thread(chat.vote, question.id or 0, query.from_user.id, value)
    await query.answer(render("bot_vote_thanks", user_language(update)))
    private = query.message.chat.type == ChatType.PRIVATE
    with contextlib.suppress(BadRequest):  # "message is not modified": the same choice again
        await query.edit_message_reply_markup(vote_buttons(value) if private else vote_buttons(votes=votes))


def _voted(chat: ChatLog, data: str, message: MaybeInaccessibleMessage) -> tuple[int | None, QuestionRow | None]:
    """The vote (1 or -1) and the answered question a button press refers to, if valid."""
    parts = data.split(":")
    try:
        value = int(parts[-1])
    except ValueError:
        return None, None
    if value not in (1, -1):
        return None, None
    if len(parts) == 3 and parts[1].isdigit():  # buttons sent before votes were keyed by message
        return value, chat.question(int(parts[1]))
    return value, chat.question_for_message(message.chat.id, message.message_id)


async def unknown_command(update: Update, context: BotContext) -> None:
    """A command the bot does not have (/watch, /foo): one line pointing to /help."""
    message = update.effective_message
    if message is None:
        return
    name = unknown_command_in(message, context.bot.username or "")
    if name is not None:
        await reply(message, escape(render("bot_unknown_command", user_language(update), command=name)))


async def unknown_button(update: Update, context: BotContext) -> None:
    """Answer any other button press, so the client stops its spinner."""
    if update.callback_query is not None:
        await update.callback_query.answer()


def for_the_bot(application: Application[Any, Any, Any, Any, Any, Any], update: Update) -> bool:
    """Is a group update something the bot acts on (a command, a mention, a reply to it)?"""
    message = update.effective_message
    if message is None:
        return update.callback_query is not None
    if (message.text or "").startswith("/"):
        return True
    return question_in(message, application.bot.username or "", application.bot.id) is not None


async def group_is_queued(application: Application[Any, Any, Any, Any, Any, Any], update: Update) -> None:
    """A group's answers wait behind Telegram's per-group limit: say so, at most every few minutes."""
    message = update.effective_message
    if message is None:
        return
    services: Services = application.bot_data.services
    due = await asyncio.to_thread(services.chat.notice_due, message.chat.id, "queued", QUEUE_NOTICE_EVERY)
    if due:
        text = escape(render("bot_group_queued", user_language(update, message.text or "")))
        # Sent beside the queue, not in it: the update waiting for its turn must not wait for this.
        application.create_task(
            message.chat.send_message(text, parse_mode=ParseMode.HTML, message_thread_id=message.message_thread_id)
        )


async def sources(update: Update, context: BotContext) -> None:
    """What is indexed, how much of it, and when it was last refreshed (the addresses and errors
    of each source only for an admin in a private chat)."""
    message, user = update.effective_message, update.effective_user
    if message is not None:
        admin = (
            user is not None
            and user.id in context.services.settings.admin_user_ids
            and message.chat.type == ChatType.PRIVATE
        )
        text = await asyncio.to_thread(sources_text, context, user_language(update), admin)
        for part in split_html(text):
            await reply(message, part)


def sources_text(context: BotContext, language: str, admin: bool = False) -> str:
    answering = context.services.answering
    documents = answering.catalog.documents()
    run = answering.catalog.last_run()
    refreshed = run.finished_at.strftime("%Y-%m-%d %H:%M UTC") if run and run.finished_at else "–"
    listed = answering.catalog.sources()
    if admin:
        shown = [describe(source) for source in listed]
    else:
        shown = [summary(source, documents, language) for source in listed]
    lines = "\n".join(f"• {escape(line)}" for line in shown)
    lines += "\n\n" + "\n".join(
        f"• {escape(row.published or '–')} · {escape(row.tickers or '–')} · {escape(row.title)}"
        + (f" · {escape(row.publisher)}" if row.publisher else "")
        for row in documents[:30]
    )
    if len(documents) > 30:
        lines += f"\n… +{len(documents) - 30}"
    return render(
        "bot_sources",
        language,
        documents=len(documents),
        chunks=answering.chunk_count(),  # the served generation, counted without the vector store
        last_refresh=refreshed,
        lines=lines,
    )


def summary(source: Source, documents: list[DocumentRow], language: str) -> str:
    """A source as anyone may see it: its kind, its publishers and how many documents it gave;
    never its address (a local path, an internal host, a key in a query string) or its errors."""
    own = [row for row in documents if row.source_id == source.id]
    publishers = Counter(row.publisher for row in own if row.publisher)
    named = ", ".join(name for name, _ in publishers.most_common(3)) or "–"
    return render("bot_source_line", language, kind=source.kind, publishers=named, documents=len(own))


async def on_error(update: object, context: BotContext) -> None:
    """One short apology for the user, the traceback for the log."""
    log.error("error while handling an update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_message is not None:
        try:
            await reply(update.effective_message, escape(render("bot_error", user_language(update))))
        except Exception:  # the apology itself failed (network, blocked bot): the log has it all
            log.exception("could not send the apology")
