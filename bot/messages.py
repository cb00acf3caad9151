"""How the bot replies: in the asker's language, in HTML, as a reply where that keeps a group readable."""

from __future__ import annotations

from telegram import Bot, Message, Update
from telegram.constants import ChatType, ParseMode

from bot.render import escape
from knowledge.text.language import detect


def user_language(update: Update, text: str = "") -> str:
    """The question's language, else the user's Telegram language."""
    if text.strip():
        return detect(text)
    user = update.effective_user
    return "de" if user and (user.language_code or "").startswith("de") else "en"


async def reply(message: Message, text: str, **kwargs: object) -> Message:
    """Reply in HTML; in groups as a reply to the asking message (topics are kept by PTB)."""
    quote = message.chat.type != ChatType.PRIVATE
    return await message.reply_text(
        text,
        parse_mode=ParseMode.HTML,
        do_quote=quote,
        disable_web_page_preview=True,
        **kwargs,  # type: ignore[arg-type]
    )


async def tell(bot: Bot, chat_id: int, text: str) -> None:
    """A finished job's plain-text report, sent as the admin's command was answered (in their
    private chat: HTML, no link previews)."""
    await bot.send_message(chat_id, escape(text), parse_mode=ParseMode.HTML, disable_web_page_preview=True)
