"""Telegram handlers: short, typed, each doing one thing; the answering happens in `knowledge/`."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import asdict

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatAction, ChatType, ParseMode

from bot.addressing import question_in
from bot.context import BotContext
from bot.render import escape, render_html, split_html
from bot.streaming import LiveReply
from knowledge.catalog import QuestionRow
from knowledge.prompts import render
from knowledge.sources.registry import describe
from knowledge.text.language import detect

log = logging.getLogger(__name__)


def user_language(update: Update, text: str = "") -> str:
    """The question's language, else the user's Telegram language."""
    if text.strip():
        return detect(text)
    user = update.effective_user
    return "de" if user and (user.language_code or "").startswith("de") else "en"


async def reply(message: Message, text: str, **kwargs: object) -> Message:
    """Reply in HTML; in groups as a reply to the asking message (topics are kept by PTB)."""
    quote = message.chat.type != ChatType.PRIVATE
    return await message.reply_text(
        text,
        parse_mode=ParseMode.HTML,
        do_quote=quote,
        disable_web_page_preview=True,
        **kwargs,  # type: ignore[arg-type]
    )


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
    """Check the limits, answer from the engine, send the rendered answer with vote buttons."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    services, language = context.services, user_language(update, question)
    if len(question) > services.settings.max_question_length:
        text = render("bot_too_long", language, length=len(question), limit=services.settings.max_question_length)
        await reply(message, escape(text))
        return
    wait = services.limiter.wait_time(user.id)
    if wait:
        await reply(message, escape(render("bot_rate_limited", language, seconds=max(1, round(wait)))))
        return
    await message.chat.send_action(ChatAction.TYPING, message_thread_id=message.message_thread_id)
    started = time.perf_counter()
    live = LiveReply(message)
    result = await services.engine.answer(question, live.update)
    latency_ms = round((time.perf_counter() - started) * 1000)
    question_id = await asyncio.to_thread(
        services.engine.catalog.record_question,
        QuestionRow(
            chat_id=message.chat_id,
            user_id=user.id,
            question=question,
            answer=result.text,
            citations=json.dumps([asdict(c) for c in result.citations], ensure_ascii=False),
            mode=result.mode,
            grounded=result.grounded,
            latency_ms=latency_ms,
        ),
    )
    await live.finish(render_html(result), vote_buttons(question_id))


def vote_buttons(question_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("👍", callback_data=f"vote:{question_id}:1"),
                InlineKeyboardButton("👎", callback_data=f"vote:{question_id}:-1"),
            ]
        ]
    )


async def vote(update: Update, context: BotContext) -> None:
    """Store a 👍/👎 and acknowledge it with a toast, not a new message."""
    query = update.callback_query
    if query is None or not query.data:
        return
    try:
        _, question_id, value = query.data.split(":")
        await asyncio.to_thread(
            context.services.engine.catalog.record_feedback, int(question_id), query.from_user.id, int(value)
        )
    except ValueError:
        log.warning("ignoring malformed vote %r from user %s", query.data, query.from_user.id)
        await query.answer()
        return
    await query.answer(render("bot_vote_thanks", user_language(update)))


async def sources(update: Update, context: BotContext) -> None:
    """What is indexed, how much of it, and when it was last refreshed."""
    message = update.effective_message
    if message is not None:
        text = await asyncio.to_thread(sources_text, context, user_language(update))
        for part in split_html(text):
            await reply(message, part)


def sources_text(context: BotContext, language: str) -> str:
    engine = context.services.engine
    documents = engine.catalog.documents()
    run = engine.catalog.last_run()
    refreshed = run.finished_at.strftime("%Y-%m-%d %H:%M UTC") if run and run.finished_at else "–"
    lines = "\n".join(f"• {escape(describe(source))}" for source in engine.catalog.sources())
    lines += "\n\n" + "\n".join(
        f"• {escape(row.published or '–')} · {escape(row.tickers or '–')} · {escape(row.title)}"
        for row in documents[:30]
    )
    if len(documents) > 30:
        lines += f"\n… +{len(documents) - 30}"
    return render(
        "bot_sources",
        language,
        documents=len(documents),
        chunks=engine.store.count(),
        last_refresh=refreshed,
        lines=lines,
    )


async def on_error(update: object, context: BotContext) -> None:
    """One short apology for the user, the traceback for the log."""
    log.error("error while handling an update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_message is not None:
        try:
            await reply(update.effective_message, escape(render("bot_error", user_language(update))))
        except Exception:  # the apology itself failed (network, blocked bot): the log has it all
            log.exception("could not send the apology")
