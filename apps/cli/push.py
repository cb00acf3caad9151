"""`investorbot watch|alerts|digest|channel`: watchlists, alerts and digests from the terminal
(for operators and tests): change a chat's watchlist, evaluate the triggers and drain the outbox
now, list what a chat was sent, preview a digest, send the digests due at a given time, and attach
a channel."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from apps.cli.output import Commands, err, json_flag
from bot.render import render_text
from knowledge.catalog import now
from knowledge.push.clock import ClockError, wall_time
from knowledge.push.outbox import Deliver
from knowledge.push.watchlist import Change, resolve, split_names
from knowledge.settings import Settings
from knowledge.wiring.answering import Answering
from knowledge.wiring.core import Core
from knowledge.wiring.pushing import Pushing, Tick


def add_push(commands: Commands) -> None:
    watch = commands.add_parser("watch", help="add, remove or list a chat's watched companies")
    actions = watch.add_subparsers(title="actions", metavar="ACTION", required=True)
    for name, handler, text in (("add", watch_add, "watch companies"), ("remove", watch_remove, "stop watching")):
        action = actions.add_parser(name, help=text, description=f"{text} (tickers or names, typos forgiven)")
        action.add_argument("names", nargs="+", metavar="NAME", help="tickers or company names")
        action.add_argument("--chat", type=int, required=True, help="the Telegram chat id")
        action.set_defaults(handler=handler)
    listing = actions.add_parser("list", help="list a chat's watchlist")
    listing.add_argument("--chat", type=int, required=True, help="the Telegram chat id")
    json_flag(listing, "print the list as JSON")
    listing.set_defaults(handler=watch_list)

    alerts = commands.add_parser("alerts", help="evaluate the alert triggers and send, or list a chat's alerts")
    actions = alerts.add_subparsers(title="actions", metavar="ACTION", required=True)
    run = actions.add_parser("run", help="evaluate the triggers and drain the outbox now")
    json_flag(run)
    run.set_defaults(handler=alerts_run)
    listing = actions.add_parser("list", help="what was queued for a chat, newest first")
    listing.add_argument("--chat", type=int, required=True, help="the Telegram chat id")
    listing.add_argument("--limit", type=int, default=50, help="how many (default 50)")
    json_flag(listing, "print the rows as JSON")
    listing.set_defaults(handler=alerts_list)

    digest = commands.add_parser("digest", help="preview a digest, or send the digests due at a time")
    actions = digest.add_subparsers(title="actions", metavar="ACTION", required=True)
    preview = actions.add_parser("preview", help="the digest of some tickers, printed")
    preview.add_argument("--tickers", required=True, help="comma-separated tickers or names")
    preview.add_argument("--since", type=date.fromisoformat, help="news indexed since YYYY-MM-DD (default: a day)")
    preview.add_argument("--language", default="en", choices=("en", "de"))
    json_flag(preview, "print the digest as JSON")
    preview.set_defaults(handler=digest_preview)
    run = actions.add_parser("run", help="queue and send the digests due at a time (default: now)")
    run.add_argument("--at", type=_moment, help="ISO time, e.g. 2026-03-29T06:00:00Z (no zone: UTC)")
    json_flag(run)
    run.set_defaults(handler=digest_run)

    channel = commands.add_parser("channel", help="attach a channel where the bot is an administrator")
    actions = channel.add_subparsers(title="actions", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="post digests and alerts to a channel")
    add.add_argument("channel", help="@channelname or the channel's id")
    add.add_argument("--tickers", required=True, help="comma-separated tickers or names")
    add.add_argument("--digest", default="", help="daily digest time, e.g. 08:00 (in --timezone)")
    add.add_argument("--timezone", default="UTC", help="the digest's time zone (default UTC)")
    add.add_argument("--alerts", action="store_true", help="post alerts too")
    add.set_defaults(handler=channel_add)


def _moment(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@contextlib.contextmanager
def _pushing(settings: Settings) -> Iterator[Pushing]:
    """The push side on the catalog, closed (its connections released) when the command is done."""
    core = Core(settings)
    try:
        yield Pushing(Answering(core))
    finally:
        core.close()


def watch_add(args: argparse.Namespace, settings: Settings) -> int:
    return _change(args, settings, add=True)


def watch_remove(args: argparse.Namespace, settings: Settings) -> int:
    return _change(args, settings, add=False)


def _change(args: argparse.Namespace, settings: Settings, *, add: bool) -> int:
    with _pushing(settings) as pushing:
        lists = pushing.watchlists
        resolved = resolve(split_names(" ".join(args.names)), pushing.answering.companies, lists.known_tickers())
        lists.ensure_chat(args.chat, "private" if args.chat > 0 else "group")
        change = lists.add(args.chat, resolved) if add else lists.remove(args.chat, resolved)
    for line in describe(change, add=add, limit=lists.limit):
        print(line)
    return 2 if change.unknown or change.over_limit else 0


def describe(change: Change, *, add: bool, limit: int) -> list[str]:
    """What a watchlist change did, one line per outcome."""
    lines = []
    if change.changed:
        lines.append(f"{'Watching' if add else 'No longer watching'}: {', '.join(change.changed)}")
    if change.unchanged:
        lines.append(f"{'Already watched' if add else 'Not watched'}: {', '.join(change.unchanged)}")
    if change.over_limit:
        lines.append(f"Not added (the limit is {limit} per chat): {', '.join(change.over_limit)}")
    for name, offers in change.unknown.items():
        hint = f" Did you mean {', '.join(offers)}?" if offers else ""
        lines.append(f"Unknown company: {name}.{hint}")
    return lines


def watch_list(args: argparse.Namespace, settings: Settings) -> int:
    with _pushing(settings) as pushing:
        tickers = pushing.watchlists.tickers(args.chat)
    if args.json:
        print(json.dumps({"chat": args.chat, "tickers": tickers}))
    else:
        print("\n".join(tickers) if tickers else f"Chat {args.chat} watches nothing.")
    return 0


def alerts_run(args: argparse.Namespace, settings: Settings) -> int:
    return _send(settings, None, args.json)


def digest_run(args: argparse.Namespace, settings: Settings) -> int:
    return _send(settings, args.at, args.json)


def _send(settings: Settings, at: datetime | None, as_json: bool) -> int:
    if not settings.telegram_bot_token.get_secret_value():
        err.print("investorbot: set TELEGRAM_BOT_TOKEN: the alerts and digests are sent through the Bot API.")
        return 2
    with _pushing(settings) as pushing:
        tick = asyncio.run(_tick(pushing, settings, at))
    if as_json:
        print(json.dumps(tick.as_json()))
    else:
        drained = tick.drained
        print(
            f"{tick.alerts} alerts and {tick.digests} digests queued; {drained.sent} messages sent, "
            f"{drained.retried} to retry, {drained.failed} failed, {drained.blocked} chats refused, "
            f"{drained.held} held for quiet hours, {drained.folded} folded"
            + (" (another process is sending)" if drained.busy else "")
        )
    return 1 if tick.drained.failed else 0


async def _tick(pushing: Pushing, settings: Settings, at: datetime | None) -> Tick:
    from bot.sender import Sender, push_bot

    bot = push_bot(settings)
    await bot.initialize()
    try:
        deliver: Deliver = Sender(bot)
        return await pushing.tick(deliver, at)
    finally:
        await bot.shutdown()


def alerts_list(args: argparse.Namespace, settings: Settings) -> int:
    with _pushing(settings) as pushing:
        rows = pushing.outbox.rows(args.chat, args.limit)
    listed: list[dict[str, Any]] = [
        {
            "id": row.id,
            "kind": row.kind,
            "status": row.status,
            "key": row.key,
            "created_at": row.created_at.isoformat(),
            "sent_at": row.sent_at.isoformat() if row.sent_at else None,
            "error": row.error,
        }
        for row in rows
    ]
    if args.json:
        print(json.dumps(listed, ensure_ascii=False))
    elif not listed:
        print(f"Nothing was queued for chat {args.chat}.")
    for item in [] if args.json else listed:
        print(f"#{item['id']} {item['kind']:<6} {item['status']:<9} {item['created_at'][:16]} {item['key']}")
    return 0


def digest_preview(args: argparse.Namespace, settings: Settings) -> int:
    with _pushing(settings) as pushing:
        resolved = resolve(split_names(args.tickers), pushing.answering.companies, pushing.watchlists.known_tickers())
        if resolved.unknown:
            name, offers = next(iter(resolved.unknown.items()))
            hint = f"; did you mean {', '.join(offers)}?" if offers else ""
            err.print(f"investorbot: unknown company {name}{hint}")
            return 2
        since = datetime.combine(args.since, time(), UTC) if args.since else now() - timedelta(days=1)
        digest = pushing.digests.compose(list(resolved.tickers), since, args.language)
    if args.json:
        print(json.dumps(digest.as_json() if digest is not None else None, ensure_ascii=False))
    else:
        print(render_text(digest) if digest is not None else "Neither a session nor news since then: no digest.")
    return 0


def channel_add(args: argparse.Namespace, settings: Settings) -> int:
    if not settings.telegram_bot_token.get_secret_value():
        err.print("investorbot: set TELEGRAM_BOT_TOKEN: the channel is looked up through the Bot API.")
        return 2
    try:
        wall = wall_time(args.digest).strftime("%H:%M") if args.digest else ""
    except ClockError as error:
        err.print(f"investorbot: {error}")
        return 2
    from bot.channels import ChannelError, attach
    from bot.sender import push_bot

    async def attached(pushing: Pushing) -> list[str]:
        async with push_bot(settings) as bot:
            return await attach(
                bot, pushing, args.channel, tickers=args.tickers, wall=wall, timezone=args.timezone, alerts=args.alerts
            )

    try:
        with _pushing(settings) as pushing:
            lines = asyncio.run(attached(pushing))
    except ChannelError as error:
        err.print(f"investorbot: {error}")
        return 2
    print("\n".join(lines))
    return 0
