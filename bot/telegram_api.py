"""How the bot talks to the Bot API: which updates it asks for, how it survives one it cannot parse,
how it paces requests per chat, and how private chats keep moving while a busy group waits."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter, BaseUpdateProcessor, ExtBot
from typing_extensions import override

log = logging.getLogger(__name__)

# Only what the bot handles: without this list Telegram sends every kind of update, including
# some (a poll lacking a field) that the library cannot parse.
ALLOWED_UPDATES = ["message", "callback_query"]


class InvestorBot(ExtBot[int]):
    """ExtBot that replaces an update it cannot parse by an empty one, so polling moves past it.

    Without this, one malformed update makes every getUpdates call fail on the same batch,
    forever, and nobody gets an answer again.
    """

    async def _post(self, endpoint: str, data: Any = None, **kwargs: Any) -> Any:
        result = await super()._post(endpoint, data, **kwargs)
        if endpoint == "getUpdates" and isinstance(result, list):
            return [parseable(raw, self) for raw in result]
        return result


def parseable(raw: Any, bot: ExtBot[Any]) -> Any:
    """The update as it came, or just its id when the library cannot read it (logged once)."""
    try:
        Update.de_json(raw, bot)
    except Exception as error:
        update_id = raw.get("update_id") if isinstance(raw, dict) else None
        kinds = sorted(set(raw) - {"update_id"}) if isinstance(raw, dict) else []
        log.warning("skipped update %s (%s) that could not be parsed: %s", update_id, ",".join(kinds), error)
        return {"update_id": update_id}
    return raw


class ChatRateLimiter(AIORateLimiter):
    """PTB's limiter (30 messages a second, 20 a minute per group), with two changes.

    A 429 in one chat pauses that request only: PTB's pauses every request of the bot, so one
    flooded group would hold up every private chat. And callers may ask whether a group still has
    room this minute, to skip what nobody needs (chat actions, preview edits) when it has not.
    """

    @override
    async def process_request(  # the library's signature
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        retries = rate_limit_args or self._max_retries
        chat_id = data.get("chat_id")
        with contextlib.suppress(ValueError, TypeError):
            chat_id = int(chat_id)  # type: ignore[arg-type]
        group: int | str | bool = (
            chat_id if (isinstance(chat_id, int) and chat_id < 0) or isinstance(chat_id, str) else False
        )
        for attempt in range(retries + 1):
            try:
                return await self._run_request(
                    chat=chat_id is not None,
                    group=group,
                    allow_paid_broadcast=bool(data.get("allow_paid_broadcast", False)),
                    callback=callback,
                    args=args,
                    kwargs=kwargs,
                )
            except RetryAfter as error:
                if attempt == retries:
                    raise
                wait = error.retry_after.total_seconds() if hasattr(error.retry_after, "total_seconds") else 1.0
                log.info("Telegram asked to wait %.0f s before the next %s to chat %s", wait, endpoint, chat_id)
                await asyncio.sleep(float(wait) + 0.1)
        raise AssertionError("unreachable")

    def group_has_room(self, chat_id: int) -> bool:
        """False when the group's per-minute budget is used up (what is sent now has to wait)."""
        limiter = self._group_limiters.get(chat_id)
        return limiter is None or limiter.has_capacity()


class ChatFairProcessor(BaseUpdateProcessor):
    """Private chats share slots of their own, and each group has its own few: a burst in one
    throttled group waits in that group's slots and delays neither private chats nor other groups."""

    def __init__(
        self,
        private_slots: int = 8,
        slots_per_group: int = 2,
        on_group_queue: Callable[[Update], Awaitable[None]] | None = None,
        for_the_bot: Callable[[Update], bool] | None = None,
    ) -> None:
        # The base semaphore only bounds waiting tasks; the ones below do the real limiting.
        super().__init__(max_concurrent_updates=4096)
        self._private = asyncio.BoundedSemaphore(private_slots)
        self._per_group = slots_per_group
        self._groups: dict[int, tuple[asyncio.BoundedSemaphore, list[int]]] = {}
        self.on_group_queue = on_group_queue
        self.for_the_bot = for_the_bot

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None or chat.type == ChatType.PRIVATE:
            async with self._private:
                await coroutine
            return
        if self.for_the_bot is not None and isinstance(update, Update) and not self.for_the_bot(update):
            await coroutine  # group chatter: handled (ignored) at once, holding none of the group's slots
            return
        slots, users = self._groups.setdefault(chat.id, (asyncio.BoundedSemaphore(self._per_group), [0]))
        users[0] += 1
        try:
            if slots.locked() and self.on_group_queue is not None and isinstance(update, Update):
                await self.on_group_queue(update)
            async with slots:
                await coroutine
        finally:
            users[0] -= 1
            if not users[0]:
                del self._groups[chat.id]  # idle groups keep no state

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""
