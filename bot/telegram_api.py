"""How the bot talks to the Bot API: which updates it asks for, how it survives one it cannot parse,
and how private chats keep moving while a busy group waits."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import BaseUpdateProcessor, ExtBot
from telegram.request import HTTPXRequest
from typing_extensions import override

log = logging.getLogger(__name__)

# Only what the bot handles: without this list Telegram sends every kind of update, including
# some (a poll lacking a field) that the library cannot parse.
ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"]


class UpdatesRequest(HTTPXRequest):
    """The HTTP client for getUpdates (PTB's `get_updates_request`): an update in the response that
    the library cannot parse is replaced by its bare id, so polling moves past it.

    Without this, one malformed update makes every getUpdates call fail on the same batch,
    forever, and nobody gets an answer again.
    """

    @staticmethod
    @override
    def parse_json_payload(payload: bytes) -> dict[str, Any]:
        response = HTTPXRequest.parse_json_payload(payload)
        if isinstance(response.get("result"), list):
            response["result"] = [parseable(raw, None) for raw in response["result"]]
        return response


def parseable(raw: Any, bot: ExtBot[Any] | None) -> Any:
    """The update as it came, or just its id when the library cannot read it (logged once)."""
    try:
        Update.de_json(raw, bot)
    except Exception as error:
        update_id = raw.get("update_id") if isinstance(raw, dict) else None
        kinds = sorted(set(raw) - {"update_id"}) if isinstance(raw, dict) else []
        log.warning("skipped update %s (%s) that could not be parsed: %s", update_id, ",".join(kinds), error)
        return {"update_id": update_id}
    return raw


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
