"""Delivering the outbox through the Bot API: an alert or digest rendered as answers are (HTML,
linked citations, the short disclaimer), a move alert's chart after it. Telegram's refusals become
outcomes the outbox acts on: 429 (after PTB's rate limiter's own retries) waits retry_after, 5xx
and network errors are retried, 403 pauses the chat, any other 400 fails the row."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ExtBot
from telegram.request import HTTPXRequest

from bot.ratelimiter import ChatRateLimiter, seconds
from bot.render import escape, render_html, split_html
from knowledge.push.outbox import Delivered, Outcome, Outgoing
from knowledge.settings import Settings

log = logging.getLogger(__name__)


class Sender:
    """The outbox's `Deliver` for one Bot API client; an uploaded chart's file id is reused."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self._charts: dict[int, str] = {}  # alert id -> Telegram's file id of its uploaded chart

    async def __call__(self, message: Outgoing) -> Delivered:
        try:
            first = await self._send_text(message)
        except RetryAfter as error:
            return Delivered(Outcome.RETRY, retry_after=seconds(error.retry_after), error="429 Too Many Requests")
        except Forbidden as error:
            return Delivered(Outcome.BLOCKED, error=f"403 {error.message}")
        except BadRequest as error:
            return Delivered(Outcome.FAILED, error=f"400 {error.message}")
        except NetworkError as error:  # 5xx, timeouts, a dropped connection
            return Delivered(Outcome.RETRY, error=f"{type(error).__name__}: {error.message}")
        if message.chart:
            await self._send_chart(message)
        return Delivered(Outcome.SENT, message_id=first)

    async def _send_text(self, message: Outgoing) -> int:
        text = render_html(message.answer) if message.answer is not None else escape(message.text)
        first = 0
        for part in split_html(text):
            sent = await self.bot.send_message(
                message.chat_id, part, parse_mode=ParseMode.HTML, disable_web_page_preview=True
            )
            first = first or sent.message_id
        return first

    async def _send_chart(self, message: Outgoing) -> None:
        """The chart after the text; a chart that cannot be sent costs the alert nothing."""
        photo: Any = self._charts.get(message.alert_id or 0) or message.chart
        try:
            sent = await self.bot.send_photo(message.chat_id, photo)
        except TelegramError as error:
            log.warning("no chart sent to chat %s: %s", message.chat_id, error)
            return
        if sent.photo and message.alert_id is not None:
            self._charts[message.alert_id] = sent.photo[-1].file_id


def push_bot(settings: Settings) -> ExtBot[int]:
    """A Bot API client for a process without the Telegram app (the CLI, a worker), paced like the
    bot: about 30 messages a second overall and GROUP_MESSAGES_PER_MINUTE per group or channel."""
    api = settings.telegram_api_url.rstrip("/")
    return ExtBot(
        settings.telegram_bot_token.get_secret_value(),
        base_url=f"{api}/bot",
        base_file_url=f"{api}/file/bot",
        request=HTTPXRequest(connection_pool_size=64, read_timeout=settings.telegram_read_timeout_seconds),
        # A short 429 is waited out here; a longer one puts the row back in the outbox.
        rate_limiter=ChatRateLimiter(group_per_minute=settings.group_messages_per_minute, max_retries=1),
    )
