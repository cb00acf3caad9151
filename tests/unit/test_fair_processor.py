"""Group chatter holds none of a group's answer slots, and only waiting questions get the notice."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from telegram import Chat, Message, Update

from bot.telegram_api import ChatFairProcessor

GROUP = Chat(-1001234567890123, "supergroup")


def _update(n: int, text: str) -> Update:
    return Update(n, message=Message(n, datetime.now(UTC), GROUP, text=text))


def _text(update: Update) -> str:
    return update.effective_message.text or "" if update.effective_message else ""


async def test_chatter_passes_while_the_groups_slots_are_busy() -> None:
    queued: list[str] = []

    async def notice(update: Update) -> None:
        queued.append(_text(update))

    processor = ChatFairProcessor(slots_per_group=1, on_group_queue=notice, for_the_bot=lambda u: "@bot" in _text(u))
    release = asyncio.Event()
    busy = asyncio.create_task(processor.do_process_update(_update(1, "@bot first question"), release.wait()))
    await asyncio.sleep(0)

    chatter_done = asyncio.Event()

    async def chatter() -> None:
        chatter_done.set()

    await asyncio.wait_for(processor.do_process_update(_update(2, "good morning"), chatter()), timeout=5)
    assert chatter_done.is_set() and not queued

    waiting = asyncio.create_task(processor.do_process_update(_update(3, "@bot second question"), asyncio.sleep(0)))
    await asyncio.sleep(0.05)
    assert queued == ["@bot second question"] and not waiting.done()

    release.set()
    await asyncio.wait_for(asyncio.gather(busy, waiting), timeout=5)
