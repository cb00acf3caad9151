"""Flood control for every Bot API request (PTB's public `BaseRateLimiter` interface).

Telegram allows a bot about 30 messages a second overall and about 20 a minute in one group, and
answers a flood with 429 and a retry_after. Here a 429 pauses only the request that got it (after
the wait it is sent again, up to `max_retries` times), so one flooded group holds up neither the
private chats nor other groups; and a caller can ask whether a group has room left this minute, to
skip what nobody needs (chat actions, preview edits) when it has not.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter
from typing_extensions import override

log = logging.getLogger(__name__)

Result = bool | dict[str, Any] | list[dict[str, Any]]
IDLE_GROUPS_KEPT = 512  # past this many group limiters, the ones with their whole budget back are dropped


class ChatRateLimiter(BaseRateLimiter[int]):
    """`per_second` requests a second to chats overall; `group_per_minute` a minute to each group.

    Every request naming a group (a negative chat id, or an @username) counts against that
    group's budget, as Telegram counts them; `rate_limit_args` is the retries of one request.
    """

    def __init__(self, per_second: float = 30, group_per_minute: float = 20, max_retries: int = 0) -> None:
        self._overall = AsyncLimiter(per_second, 1)
        self._group_per_minute = group_per_minute
        self._groups: dict[int | str, AsyncLimiter] = {}
        self._max_retries = max_retries

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    @override
    async def process_request(  # the library's signature
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        retries = self._max_retries if rate_limit_args is None else rate_limit_args
        chat_id = _chat_of(data)
        for attempt in range(retries + 1):
            try:
                await self._take(chat_id)
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                if attempt == retries:
                    raise
                wait = seconds(error.retry_after)
                log.info("Telegram asked to wait %.0f s before the next %s to chat %s", wait, endpoint, chat_id)
                await asyncio.sleep(wait + 0.1)
        raise AssertionError("unreachable")

    def group_has_room(self, chat_id: int) -> bool:
        """False when the group's per-minute budget is used up (what is sent now has to wait)."""
        limiter = self._groups.get(chat_id)
        return limiter is None or limiter.has_capacity()

    async def _take(self, chat_id: int | str | None) -> None:
        """Wait for the request's share of its group's budget, then of the bot's overall one."""
        if (isinstance(chat_id, int) and chat_id < 0) or isinstance(chat_id, str):
            await self._group(chat_id).acquire()
        if chat_id is not None:
            await self._overall.acquire()

    def _group(self, chat_id: int | str) -> AsyncLimiter:
        limiter = self._groups.get(chat_id)
        if limiter is None:
            if len(self._groups) >= IDLE_GROUPS_KEPT:
                for idle in [key for key, known in self._groups.items() if known.has_capacity(known.max_rate)]:
                    del self._groups[idle]
            limiter = self._groups[chat_id] = AsyncLimiter(self._group_per_minute, 60)
        return limiter


def _chat_of(data: dict[str, Any]) -> int | str | None:
    """The request's chat: an integer id (also when sent as a string), an @username, or None."""
    chat_id = data.get("chat_id")
    if chat_id is None:
        return None
    with contextlib.suppress(ValueError, TypeError):
        return int(chat_id)
    return str(chat_id)


def seconds(retry_after: Any) -> float:
    """retry_after as seconds (a timedelta with PTB_TIMEDELTA set, else an int)."""
    return float(retry_after.total_seconds() if hasattr(retry_after, "total_seconds") else retry_after)
