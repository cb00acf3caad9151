"""Show an answer while it is being written: one message edited as text arrives, at a flood-safe pace."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram import InlineKeyboardMarkup, Message
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError, TimedOut

from bot.render import escape, split_html

log = logging.getLogger(__name__)

T = TypeVar("T")
CURSOR = " ▍"
FINAL_ATTEMPTS = 4  # the final answer: up to about 7 s of retries on a Bot API failure
# Telegram allows about one message a second per chat and twenty a minute per group.
PRIVATE_INTERVAL = 1.0
GROUP_INTERVAL = 4.0


class LiveReply:
    """The bot's reply to one question: grows while the model writes, then becomes the final answer."""

    def __init__(
        self, question: Message, interval: float | None = None, room: Callable[[], bool] = lambda: True
    ) -> None:
        self._question, self._room = question, room
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

    async def finish(self, html: str, buttons: InlineKeyboardMarkup | None) -> list[Message]:
        """Replace whatever was shown by the final rendered answer, continuing in new messages if long.

        Returns the messages that now carry the answer. A transient Bot API failure (5xx, network)
        is retried with backoff, so a brief outage does not lose the answer.
        """
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._show(split_html(html), buttons, final=True)
        return list(self._messages)

    async def _tick(self) -> None:
        while True:
            text = self._latest
            # A preview in a group whose budget is spent would only delay the final answer.
            if text and self._room():
                try:
                    await self._show(split_html(escape(text) + CURSOR), None)
                except TelegramError as error:  # a preview may fail; the final answer will be retried
                    log.info("live preview not updated: %s", error)
            await asyncio.sleep(self._interval)

    async def _show(self, parts: list[str], buttons: InlineKeyboardMarkup | None, final: bool = False) -> None:
        attempts = FINAL_ATTEMPTS if final else 1
        for index, part in enumerate(parts):
            markup = buttons if index == len(parts) - 1 else None
            if index < len(self._messages):
                if self._shown[index] != part or markup is not None:
                    await _retrying(functools.partial(self._edit, index, part, markup), attempts)
            else:
                self._messages.append(await _retrying(functools.partial(self._send, part, markup), attempts))
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

    async def _edit(self, index: int, text: str, markup: InlineKeyboardMarkup | None) -> Message | None:
        try:
            await self._messages[index].edit_text(
                text, parse_mode=ParseMode.HTML, disable_web_page_preview=True, reply_markup=markup
            )
        except BadRequest as error:
            if "not modified" not in str(error).lower():
                raise
        self._shown[index] = text
        return None


async def _retrying(send: Callable[[], Awaitable[T]], attempts: int) -> T:
    """Send, retrying a server error or a network failure with backoff (1, 2, 4 s)."""
    for attempt in range(attempts):
        try:
            return await send()
        except (BadRequest, Forbidden):
            raise  # the request itself is wrong or the chat is gone: repeating it cannot help
        except (NetworkError, TimedOut) as error:
            if attempt == attempts - 1:
                raise
            log.warning("the Bot API failed (%s); sending again in %d s", error, 2**attempt)
            await asyncio.sleep(2**attempt)
    raise AssertionError("unreachable")
