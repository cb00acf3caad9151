"""Decide whether a message is a question for the bot, and what the question is."""

from __future__ import annotations

import re

from telegram import Message, MessageEntity


def question_in(message: Message, bot_username: str, bot_id: int) -> str | None:
    """The question a message asks the bot, or None when it is chatter not meant for the bot.

    Private chats: every text. Groups: a mention of the bot or a reply to one of its messages.
    (`/ask` is handled by its own command handler.)
    """
    text = message.text or message.caption or ""
    if message.chat.type == "private":
        return text.strip()
    mention = f"@{bot_username}".lower()
    mentioned = (
        any(
            entity.type == MessageEntity.MENTION and message.parse_entity(entity).lower() == mention
            for entity in message.entities
        )
        or mention in text.lower()
    )
    replied = message.reply_to_message is not None and (
        message.reply_to_message.from_user is not None and message.reply_to_message.from_user.id == bot_id
    )
    if not (mentioned or replied):
        return None
    without = re.sub(rf"@{re.escape(bot_username)}\b[,:]?", " ", text, flags=re.IGNORECASE)
    return " ".join(without.split()).strip(" ,:")


def unknown_command(message: Message, bot_username: str) -> str | None:
    """The name of a command this bot does not have, when it is meant for this bot: any command in
    a private chat; in a group only `/name@ThisBot` (a bare `/name` may be for another bot)."""
    command = next((entity for entity in message.entities if entity.type == MessageEntity.BOT_COMMAND), None)
    if command is None or command.offset != 0:
        return None
    name, _, addressee = message.parse_entity(command).lstrip("/").partition("@")
    if addressee:
        return name if addressee.lower() == bot_username.lower() else None
    return name if message.chat.type == "private" else None
