"""How the bot talks to the Bot API: which updates it asks for, how it survives one it cannot parse,
and how private chats keep moving while a busy group waits."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from telegram import Chat, Message, MessageEntity, Update, User
from telegram.constants import ChatType, UpdateType
from telegram.ext import (
    Application,
    BaseHandler,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    ChatJoinRequestHandler,
    ChatMemberHandler,
    ChosenInlineResultHandler,
    CommandHandler,
    ExtBot,
    InlineQueryHandler,
    MessageHandler,
    PollAnswerHandler,
    PollHandler,
    PreCheckoutQueryHandler,
    ShippingQueryHandler,
)
from telegram.ext.filters import BaseFilter
from telegram.request import HTTPXRequest
from typing_extensions import override

log = logging.getLogger(__name__)

# The kinds of update each handler class receives; a message handler's kinds are read from its
# filters instead (`_message_kinds`).
_KINDS: dict[type[BaseHandler[Any, Any, Any]], tuple[str, ...]] = {
    CallbackQueryHandler: (UpdateType.CALLBACK_QUERY,),
    InlineQueryHandler: (UpdateType.INLINE_QUERY,),
    ChosenInlineResultHandler: (UpdateType.CHOSEN_INLINE_RESULT,),
    PollHandler: (UpdateType.POLL,),
    PollAnswerHandler: (UpdateType.POLL_ANSWER,),
    ChatJoinRequestHandler: (UpdateType.CHAT_JOIN_REQUEST,),
    PreCheckoutQueryHandler: (UpdateType.PRE_CHECKOUT_QUERY,),
    ShippingQueryHandler: (UpdateType.SHIPPING_QUERY,),
}
_MESSAGE_KINDS = (
    UpdateType.MESSAGE,
    UpdateType.EDITED_MESSAGE,
    UpdateType.CHANNEL_POST,
    UpdateType.EDITED_CHANNEL_POST,
    UpdateType.BUSINESS_MESSAGE,
    UpdateType.EDITED_BUSINESS_MESSAGE,
)


def allowed_updates(application: Application[Any, Any, Any, Any, Any, Any]) -> list[str]:
    """Exactly the kinds of update the registered handlers act on, for getUpdates and setWebhook.

    Without this list Telegram sends every kind, including some (a poll lacking a field) that the
    library cannot parse; a hand-kept list drifts from the handlers. A handler whose kinds cannot
    be told raises, so a new one is never silently left without updates.
    """
    kinds: set[str] = set()
    for group in application.handlers.values():
        for handler in group:
            kinds.update(_kinds_of(handler))
    return [str(kind) for kind in Update.ALL_TYPES if kind in kinds]


def _kinds_of(handler: BaseHandler[Any, Any, Any]) -> tuple[str, ...]:
    if isinstance(handler, ChatMemberHandler):
        if handler.chat_member_types == ChatMemberHandler.MY_CHAT_MEMBER:
            return (UpdateType.MY_CHAT_MEMBER,)
        if handler.chat_member_types == ChatMemberHandler.CHAT_MEMBER:
            return (UpdateType.CHAT_MEMBER,)
        return (UpdateType.MY_CHAT_MEMBER, UpdateType.CHAT_MEMBER)
    if isinstance(handler, MessageHandler | CommandHandler):
        kinds = _message_kinds(handler.filters)
        if kinds:
            return kinds
    for cls, kinds in _KINDS.items():
        if isinstance(handler, cls):
            return kinds
    raise TypeError(f"cannot tell which updates {type(handler).__name__} handles: add it to bot/telegram_api.py")


def _message_kinds(accepts: BaseFilter) -> tuple[str, ...]:
    """The message kinds whose sample (a text, or a command) passes the handler's filters."""
    found = []
    for kind in _MESSAGE_KINDS:
        channel = kind in (UpdateType.CHANNEL_POST, UpdateType.EDITED_CHANNEL_POST)
        chat = Chat(-1 if channel else 1, ChatType.CHANNEL if channel else ChatType.PRIVATE)
        user = None if channel else User(1, "sample", is_bot=False)
        samples = [
            Message(1, datetime.now(UTC), chat, from_user=user, text="sample"),
            Message(1, datetime.now(UTC), chat, from_user=user, text="/sample", entities=[_COMMAND]),
        ]
        if any(accepts.check_update(_update(kind, sample)) for sample in samples):
            found.append(kind)
    return tuple(found)


def _update(kind: str, message: Message) -> Update:
    fields: dict[str, Any] = {kind: message}
    return Update(0, **fields)


_COMMAND = MessageEntity(MessageEntity.BOT_COMMAND, 0, len("/sample"))


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
    """Private chats share slots of their own, inline queries theirs, and each group has its own
    few: a burst in one throttled group waits in that group's slots and delays neither private
    chats nor other groups."""

    def __init__(
        self,
        private_slots: int = 8,
        slots_per_group: int = 2,
        inline_slots: int = 4,
        on_group_queue: Callable[[Update], Awaitable[None]] | None = None,
        for_the_bot: Callable[[Update], bool] | None = None,
    ) -> None:
        # The base semaphore only bounds waiting tasks; the ones below do the real limiting.
        super().__init__(max_concurrent_updates=4096)
        self._private = asyncio.BoundedSemaphore(private_slots)
        # Inline queries come with every keystroke: they take turns among their own few slots.
        self._inline = asyncio.BoundedSemaphore(inline_slots)
        self._per_group = slots_per_group
        self._groups: dict[int, tuple[asyncio.BoundedSemaphore, list[int]]] = {}
        self.on_group_queue = on_group_queue
        self.for_the_bot = for_the_bot

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        if isinstance(update, Update) and update.inline_query is not None:
            async with self._inline:
                await coroutine
            return
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
