"""Show an answer while it is being written: one message edited as text arrives, at a flood-safe pace."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram import InlineKeyboardMarkup, Message
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, TelegramError

from bot.render import escape, split_html

log = logging.getLogger(__name__)

CURSOR = " ▍"
# Telegram allows about one message a second per chat and twenty a minute per group.
PRIVATE_INTERVAL = 1.0
GROUP_INTERVAL = 4.0


class LiveReply:
    """The bot's reply to one question: grows while the model writes, then becomes the final answer."""

    def __init__(self, question: Message, interval: float | None = None) -> None:
        self._question = question
        private = question.chat.type == ChatType.PRIVATE
        self._interval = interval if interval is not None else (PRIVATE_INTERVAL if private else GROUP_INTERVAL)
        self._latest = ""
        self._messages: list[Message] = []
        self._shown: list[str] = []
        self._task: asyncio.Task[None] | None = None

    def update(self, text: str) -> None:
        """Called (synchronously) with the guarded text so far; shown on the next tick."""
        self._latest = text
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._tick())

    async def finish(self, html: str, buttons: InlineKeyboardMarkup | None) -> None:
        """Replace whatever was shown by the final rendered answer, continuing in new messages if long."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._show(split_html(html), buttons)

    async def _tick(self) -> None:
        while True:
            text = self._latest
            if text:
                try:
                    await self._show(split_html(escape(text) + CURSOR), None)
                except TelegramError as error:  # a preview may fail; the final answer will be retried
                    log.info("live preview not updated: %s", error)
            await asyncio.sleep(self._interval)

    async def _show(self, parts: list[str], buttons: InlineKeyboardMarkup | None) -> None:
        for index, part in enumerate(parts):
            markup = buttons if index == len(parts) - 1 else None
            if index < len(self._messages):
                if self._shown[index] != part or markup is not None:
                    await self._edit(index, part, markup)
            else:
                self._messages.append(await self._send(part, markup))
                self._shown.append(part)
        while len(self._messages) > len(parts):  # the final text is shorter than the preview was
            stale = self._messages.pop()
            self._shown.pop()
            with contextlib.suppress(TelegramError):
                await stale.delete()

    async def _send(self, text: str, markup: InlineKeyboardMarkup | None) -> Message:
        quote = self._question.chat.type != ChatType.PRIVATE
        return await self._question.reply_text(
            text, parse_mode=ParseMode.HTML, do_quote=quote, disable_web_page_preview=True, reply_markup=markup
        )

    async def _edit(self, index: int, text: str, markup: InlineKeyboardMarkup | None) -> None:
        try:
            await self._messages[index].edit_text(
                text, parse_mode=ParseMode.HTML, disable_web_page_preview=True, reply_markup=markup
            )
        except BadRequest as error:
            if "not modified" not in str(error).lower():
                raise
        self._shown[index] = text
