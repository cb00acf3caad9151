"""What a user asked before in a chat, so that their follow-up ("and JD?") or anyone's reply to an
answer can lean on it; kept in the catalog, so it survives a restart and every replica sees it."""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import asdict
from datetime import timedelta

from sqlalchemy.exc import SQLAlchemyError
from telegram import Message

from bot.context import Services
from knowledge.answer.record import Answer
from knowledge.answer.understand.followup import Context
from knowledge.catalog import QuestionRow
from knowledge.catalog.chatlog import Asker
from knowledge.text.language import detect

log = logging.getLogger(__name__)

FOLLOW_UP_WINDOW = timedelta(minutes=10)


async def context_for(services: Services, message: Message, bot_id: int) -> Context | None:
    """The earlier question a message follows up: the answer it replies to (whoever replies), else
    the same user's last question in this chat or forum topic within the window."""
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot_id:
        row = await asyncio.to_thread(services.chat.question_for_message, message.chat_id, replied.message_id)
        if row is not None:
            understood = await asyncio.to_thread(services.answering.answers.understand, row.question)
            return Context(understood.tickers, understood.text, detect(row.question), explicit=True)
    last = await asyncio.to_thread(services.chat.recall, asker(message), FOLLOW_UP_WINDOW)
    if last is None or not last.tickers:
        return None
    return Context(tuple(last.tickers.split(",")), last.topic, last.language)


def asker(message: Message) -> Asker:
    """The key of the context a message's sender builds and follows (a channel post has no sender)."""
    user = message.from_user.id if message.from_user else 0
    return Asker(message.chat_id, message.message_thread_id or 0, user)


async def record(services: Services, message: Message, answer: Answer, sent: list[Message], *, ms: int) -> None:
    """Store the question and the messages of its answer; a failure here costs the record, never the
    answer (it has been sent)."""
    row = QuestionRow(
        chat_id=message.chat_id,
        user_id=message.from_user.id if message.from_user else None,
        question=answer.question,
        answer=answer.text,
        citations=json.dumps([asdict(c) for c in answer.citations], ensure_ascii=False),
        mode=answer.mode,
        grounded=answer.grounded,
        latency_ms=ms,
    )
    try:
        await asyncio.to_thread(services.chat.record_question, row, [(m.chat_id, m.message_id) for m in sent])
    except SQLAlchemyError as error:
        log.error("answered chat %s but could not record the question: %s", message.chat_id, error)


async def remember(services: Services, message: Message, answer: Answer) -> None:
    """The chat's context for follow-ups, stored before the answer is sent: a follow-up written the
    moment the answer arrives must find it. A failure costs the context, never the answer."""
    if not answer.tickers:
        return
    try:
        await asyncio.to_thread(services.chat.remember, asker(message), answer.tickers, answer.topic, answer.language)
    except SQLAlchemyError as error:
        log.error("could not keep the context of chat %s: %s", message.chat_id, error)
