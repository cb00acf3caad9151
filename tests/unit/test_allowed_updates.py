"""The update kinds asked of Telegram follow from the registered handlers."""

from __future__ import annotations

from typing import Any

import pytest
from telegram import Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.app import build_application
from bot.telegram_api import allowed_updates
from tests.conftest import make_settings


async def _noop(update: object, context: Any) -> None:
    """A callback that does nothing."""


def _bare() -> Application[Any, Any, Any, Any, Any, Any]:
    return ApplicationBuilder().token("1:test").updater(None).build()


def test_the_bot_asks_for_exactly_what_its_handlers_take(tmp_path: Any) -> None:
    application = build_application(make_settings(tmp_path, telegram_bot_token="1:test"))

    assert allowed_updates(application) == ["message", "inline_query", "callback_query", "my_chat_member"]


@pytest.mark.parametrize(
    ("handler", "kinds"),
    [
        (CommandHandler("watch", _noop), ["message", "edited_message"]),  # PTB's default: edits too
        (MessageHandler(filters.UpdateType.CHANNEL_POSTS, _noop), ["channel_post", "edited_channel_post"]),
        (MessageHandler(filters.TEXT & filters.UpdateType.MESSAGE, _noop), ["message"]),
        (ChatMemberHandler(_noop), ["my_chat_member"]),
        (ChatMemberHandler(_noop, ChatMemberHandler.ANY_CHAT_MEMBER), ["my_chat_member", "chat_member"]),
    ],
)
def test_each_handler_adds_the_kinds_it_takes(handler: Any, kinds: list[str]) -> None:
    application = _bare()
    application.add_handler(handler)

    assert allowed_updates(application) == kinds


def test_a_handler_whose_kinds_cannot_be_told_is_refused() -> None:
    application = _bare()
    application.add_handler(TypeHandler(Update, _noop))

    with pytest.raises(TypeError, match="TypeHandler"):
        allowed_updates(application)
