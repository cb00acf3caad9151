"""Channels: attached by an admin (the bot must be one of the channel's administrators), posted to
like any chat; when the bot is removed from a chat (`my_chat_member`), its alerts and digests stop."""

from __future__ import annotations

import asyncio
import logging

from telegram import Bot, ChatMember, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden

from bot.context import BotContext
from knowledge.catalog import now
from knowledge.push.clock import ClockError, zone
from knowledge.push.watchlist import resolve, split_names
from knowledge.wiring.pushing import Pushing

log = logging.getLogger(__name__)

GONE = frozenset({ChatMember.LEFT, ChatMember.BANNED})


class ChannelError(ValueError):
    """The channel cannot be attached; the message says why, in one line."""


async def attach(
    bot: Bot, pushing: Pushing, channel: str, *, tickers: str, wall: str, timezone: str, alerts: bool
) -> list[str]:
    """Attach a channel: check the bot (initialised) administers it, then set its watchlist, digest and alerts."""
    try:
        zone(timezone)
    except ClockError as error:
        raise ChannelError(str(error)) from None
    resolved = resolve(split_names(tickers), pushing.answering.companies, pushing.watchlists.known_tickers())
    if resolved.unknown:
        raise ChannelError(f"unknown company: {', '.join(resolved.unknown)}")
    if not resolved.tickers:
        raise ChannelError("name the tickers the channel is about with --tickers")
    target = int(channel) if channel.lstrip("-").isdigit() else channel
    try:
        chat = await bot.get_chat(target)
        member = await bot.get_chat_member(chat.id, bot.id)
    except (BadRequest, Forbidden) as error:
        raise ChannelError(f"Telegram cannot show the bot {channel}: {error.message}") from None
    if chat.type != ChatType.CHANNEL:
        raise ChannelError(f"{channel} is not a channel")
    if member.status != ChatMember.ADMINISTRATOR:
        raise ChannelError(f"the bot is not an administrator of {channel}: add it as one, allowed to post")
    lists = pushing.watchlists
    await asyncio.to_thread(lists.ensure_chat, chat.id, "channel", chat.title or channel)
    await asyncio.to_thread(
        lists.update_chat,
        chat.id,
        kind="channel",
        title=chat.title or channel,
        timezone=timezone,
        digest_at=wall,
        digest_set_at=now(),
        alerts=alerts,
        paused_at=None,
        paused_reason="",
    )
    change = await asyncio.to_thread(lists.add, chat.id, resolved)
    watched = ", ".join((*change.changed, *change.unchanged))
    digest = f"a daily digest at {wall} ({timezone})" if wall else "no digest"
    name = chat.title or channel
    return [f"Channel {name} ({chat.id}) attached: {watched}; {digest}; alerts {'on' if alerts else 'off'}."]


async def membership(update: Update, context: BotContext) -> None:
    """The bot was added to, removed from, blocked or unblocked in a chat: pause or resume its push."""
    change = update.my_chat_member
    if change is None:
        return
    chat, status = change.chat, change.new_chat_member.status
    lists = context.services.pushing.watchlists
    if status in GONE:
        await asyncio.to_thread(lists.update_chat, chat.id, paused_at=now(), paused_reason=f"bot {status}")
        log.info("the bot was removed from chat %s (%s): its alerts and digests stopped", chat.id, status)
    elif await asyncio.to_thread(lists.chat, chat.id) is not None:
        await asyncio.to_thread(lists.update_chat, chat.id, paused_at=None, paused_reason="")
        log.info("the bot is back in chat %s (%s): its alerts and digests resume", chat.id, status)
