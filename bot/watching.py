"""/watch, /unwatch, /watchlist, /alerts, /quiet, /timezone, /digest and /channel: a chat's
watchlist and how it wants alerts and digests. In private chats the user decides; in groups only
the chat's administrators (asked of Telegram with getChatMember) change them, anyone may look."""

from __future__ import annotations

import asyncio
import logging
import shlex
from datetime import datetime

from telegram import ChatMember, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import Application, ChatMemberHandler, CommandHandler, filters

from bot import admin
from bot.channels import ChannelError, attach, membership
from bot.context import BotContext
from bot.messages import reply, user_language
from bot.render import escape
from knowledge.catalog import now
from knowledge.catalog.tables import PushChat
from knowledge.prompts import render
from knowledge.push.clock import ClockError, quiet_span, wall_time, zone
from knowledge.push.watchlist import Change, resolve, split_names
from knowledge.text.companies import Companies

log = logging.getLogger(__name__)

ADMINS = frozenset({ChatMember.ADMINISTRATOR, ChatMember.OWNER})


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add the push commands and the membership handler to the application."""
    for name, callback in (
        ("watch", watch),
        ("unwatch", unwatch),
        ("watchlist", watchlist),
        ("alerts", alerts),
        ("quiet", quiet),
        ("timezone", timezone),
        ("digest", digest),
        ("channel", channel),
    ):
        # New messages only: an edited /watch is not a second command.
        application.add_handler(CommandHandler(name, callback, filters.UpdateType.MESSAGE))
    application.add_handler(ChatMemberHandler(membership, ChatMemberHandler.MY_CHAT_MEMBER))


async def may_change(update: Update, context: BotContext, command: str) -> bool:
    """Private chats: yes. Groups: only the chat's administrators; anyone else hears one line."""
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    if chat is None or user is None or message is None:
        return False
    if chat.type == ChatType.PRIVATE:
        return True
    try:
        member = await context.bot.get_chat_member(chat.id, user.id)
        allowed = member.status in ADMINS
    except TelegramError as error:
        log.warning("could not check user %s in chat %s: %s", user.id, chat.id, error)
        allowed = False
    if not allowed:
        await reply(message, escape(render("bot_group_admins_only", user_language(update), command=command)))
    return allowed


async def _chat(update: Update, context: BotContext) -> PushChat:
    chat = update.effective_chat
    assert chat is not None
    lists = context.services.pushing.watchlists
    return await asyncio.to_thread(lists.ensure_chat, chat.id, chat.type, chat.title or "", user_language(update))


async def watch(update: Update, context: BotContext) -> None:
    """/watch BABA JD.com: add companies (tickers or names, typos forgiven)."""
    await _change(update, context, "watch", add=True)


async def unwatch(update: Update, context: BotContext) -> None:
    """/unwatch BABA: remove companies."""
    await _change(update, context, "unwatch", add=False)


async def _change(update: Update, context: BotContext, command: str, *, add: bool) -> None:
    message, language = update.effective_message, user_language(update)
    if message is None or not await may_change(update, context, command):
        return
    names = split_names(" ".join(context.args or []))
    if not names:
        await reply(message, escape(render("bot_watch_usage", language, command=command)))
        return
    pushing = context.services.pushing
    companies = pushing.answering.companies
    known = await asyncio.to_thread(pushing.watchlists.known_tickers)
    resolved = resolve(names, companies, known)
    chat = await _chat(update, context)
    lists = pushing.watchlists
    change = await asyncio.to_thread(lists.add if add else lists.remove, chat.chat_id, resolved)
    await reply(message, escape("\n".join(change_lines(change, companies, language, add=add, limit=lists.limit))))


def change_lines(change: Change, companies: Companies, language: str, *, add: bool, limit: int) -> list[str]:
    """The reply to a watchlist change: canonical names confirmed, one sentence per unknown name."""

    def named(tickers: tuple[str, ...]) -> str:
        return ", ".join(f"{companies.display(ticker)} ({ticker})" for ticker in tickers)

    lines = []
    if change.changed:
        lines.append(render("bot_watch_added" if add else "bot_watch_removed", language, names=named(change.changed)))
    if change.unchanged:
        lines.append(
            render("bot_watch_already" if add else "bot_watch_absent", language, names=named(change.unchanged))
        )
    if change.over_limit:
        lines.append(render("bot_watch_over_limit", language, limit=limit, names=named(change.over_limit)))
    for name, offers in change.unknown.items():
        key = "bot_watch_suggest" if offers else "bot_watch_unknown"
        lines.append(render(key, language, wanted=name, offers=", ".join(offers)))
    return lines


async def watchlist(update: Update, context: BotContext) -> None:
    """/watchlist: the chat's companies and push settings (anyone may look)."""
    message, language = update.effective_message, user_language(update)
    if message is None:
        return
    pushing = context.services.pushing
    chat = await _chat(update, context)
    tickers = await asyncio.to_thread(pushing.watchlists.tickers, chat.chat_id)
    if not tickers:
        await reply(message, escape(render("bot_watchlist_empty", language)))
        return
    companies = pushing.answering.companies
    on, off = render("push_on", language), render("push_off", language)
    text = render(
        "bot_watchlist",
        language,
        names=", ".join(f"{companies.display(ticker)} ({ticker})" for ticker in tickers),
        alerts=on if chat.alerts and chat.paused_at is None else off,
        quiet=f"{chat.quiet_from}–{chat.quiet_until}" if chat.quiet_from else off,
        timezone=chat.timezone,
        digest=chat.digest_at or off,
    )
    await reply(message, escape(text))


async def alerts(update: Update, context: BotContext) -> None:
    """/alerts on|off (on also resumes a chat paused after Telegram refused it)."""
    message, language = update.effective_message, user_language(update)
    if message is None or not await may_change(update, context, "alerts"):
        return
    wanted = " ".join(context.args or []).strip().lower()
    if wanted not in ("on", "off"):
        await reply(message, escape(render("bot_alerts_usage", language)))
        return
    chat = await _chat(update, context)
    values: dict[str, object] = {"alerts": wanted == "on"}
    if wanted == "on":
        values |= {"paused_at": None, "paused_reason": ""}
    await asyncio.to_thread(context.services.pushing.watchlists.update_chat, chat.chat_id, **values)
    await reply(message, escape(render(f"bot_alerts_{wanted}", language)))


async def quiet(update: Update, context: BotContext) -> None:
    """/quiet 22:00-07:00, or /quiet off."""
    message, language = update.effective_message, user_language(update)
    if message is None or not await may_change(update, context, "quiet"):
        return
    wanted = "".join(context.args or []).strip()
    chat = await _chat(update, context)
    lists = context.services.pushing.watchlists
    if wanted.lower() in ("off", "aus", ""):
        await asyncio.to_thread(lists.update_chat, chat.chat_id, quiet_from="", quiet_until="")
        await reply(message, escape(render("bot_quiet_off", language)))
        return
    try:
        start, end = quiet_span(wanted)
    except ClockError as error:
        await reply(message, escape(render("bot_push_invalid", language, error=str(error))))
        return
    await asyncio.to_thread(lists.update_chat, chat.chat_id, quiet_from=start, quiet_until=end)
    await reply(message, escape(render("bot_quiet_set", language, start=start, end=end, timezone=chat.timezone)))


async def timezone(update: Update, context: BotContext) -> None:
    """/timezone Europe/Berlin: quiet hours and the digest time are read in it."""
    message, language = update.effective_message, user_language(update)
    if message is None or not await may_change(update, context, "timezone"):
        return
    try:
        tz = zone(" ".join(context.args or []))
    except ClockError as error:
        await reply(message, escape(render("bot_push_invalid", language, error=str(error))))
        return
    chat = await _chat(update, context)
    await asyncio.to_thread(context.services.pushing.watchlists.update_chat, chat.chat_id, timezone=tz.key)
    local = datetime.now(tz).strftime("%H:%M")
    await reply(message, escape(render("bot_timezone_set", language, timezone=tz.key, local=local)))


async def digest(update: Update, context: BotContext) -> None:
    """/digest 08:00 (in the chat's time zone), or /digest off."""
    message, language = update.effective_message, user_language(update)
    if message is None or not await may_change(update, context, "digest"):
        return
    wanted = " ".join(context.args or []).strip()
    chat = await _chat(update, context)
    lists = context.services.pushing.watchlists
    if wanted.lower() in ("off", "aus", ""):
        await asyncio.to_thread(lists.update_chat, chat.chat_id, digest_at="")
        await reply(message, escape(render("bot_digest_off", language)))
        return
    try:
        wall = wall_time(wanted).strftime("%H:%M")
    except ClockError as error:
        await reply(message, escape(render("bot_push_invalid", language, error=str(error))))
        return
    await asyncio.to_thread(lists.update_chat, chat.chat_id, digest_at=wall, digest_set_at=now())
    await reply(message, escape(render("bot_digest_set", language, time=wall, timezone=chat.timezone)))


async def channel(update: Update, context: BotContext) -> None:
    """Admin: /channel add @name --tickers BABA,JD [--digest 08:00] [--timezone Europe/Berlin] [--alerts]."""
    message, language = update.effective_message, user_language(update)
    if message is None or not await admin.is_admin(update, context, "channel"):
        return
    try:
        words = shlex.split(" ".join(context.args or []))
        options = _options(words[2:]) if len(words) >= 2 and words[0] == "add" else None
    except ValueError:
        options = None
    if options is None or "tickers" not in options:
        await reply(message, escape(render("bot_channel_usage", language)))
        return
    try:
        wall = wall_time(options["digest"]).strftime("%H:%M") if options.get("digest") else ""
        lines = await attach(
            context.bot,
            context.services.pushing,
            words[1],
            tickers=options["tickers"],
            wall=wall,
            timezone=options.get("timezone", "UTC"),
            alerts="alerts" in options,
        )
    except (ChannelError, ClockError) as error:
        lines = [str(error)]
    await reply(message, escape("\n".join(lines)))


def _options(words: list[str]) -> dict[str, str] | None:
    """`--tickers BABA,JD --digest 08:00 --alerts` as a mapping; None for an unknown option."""
    options: dict[str, str] = {}
    rest = iter(words)
    for word in rest:
        key = word.removeprefix("--")
        if key == "alerts":
            options[key] = "yes"
        elif key in ("tickers", "digest", "timezone"):
            options[key] = next(rest, "")
        else:
            return None
    return options
