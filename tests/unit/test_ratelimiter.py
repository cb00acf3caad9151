"""Flood control: a 429 pauses only the request that got it, a group's budget is its own, and a
request is retried only so often."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from telegram.error import RetryAfter

from bot.ratelimiter import ChatRateLimiter

GROUP, OTHER_GROUP, PRIVATE = -1001234567890, -1009876543210, 4_100_000_001


class _Chats:
    """A Bot API stand-in: answers 429 to the first `refusals` requests of each listed chat."""

    def __init__(self, refusals: dict[int, int]) -> None:
        self.refusals = refusals
        self.calls: dict[int, int] = {}
        self.delivered: list[int] = []
        self.refused = asyncio.Event()

    async def send(self, chat_id: int) -> bool:
        self.calls[chat_id] = self.calls.get(chat_id, 0) + 1
        if self.calls[chat_id] <= self.refusals.get(chat_id, 0):
            self.refused.set()
            raise RetryAfter(timedelta(seconds=2))
        self.delivered.append(chat_id)
        return True


async def _request(limiter: ChatRateLimiter, chats: _Chats, chat_id: int) -> object:
    return await limiter.process_request(chats.send, (chat_id,), {}, "sendMessage", {"chat_id": chat_id}, None)


@pytest.fixture(autouse=True)
def _timedelta_durations(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")  # as the bot opts in (build_application)


async def test_a_429_in_one_chat_holds_up_only_that_request() -> None:
    limiter, chats = ChatRateLimiter(max_retries=1), _Chats({GROUP: 1})
    flooded = asyncio.create_task(_request(limiter, chats, GROUP))
    await chats.refused.wait()

    await _request(limiter, chats, PRIVATE)
    await _request(limiter, chats, OTHER_GROUP)

    assert chats.delivered == [PRIVATE, OTHER_GROUP] and not flooded.done()
    assert await flooded is True
    assert chats.delivered == [PRIVATE, OTHER_GROUP, GROUP] and chats.calls[GROUP] == 2


async def test_each_group_has_its_own_budget_a_minute() -> None:
    limiter, chats = ChatRateLimiter(group_per_minute=2), _Chats({})

    for _ in range(2):
        await _request(limiter, chats, GROUP)

    assert not limiter.group_has_room(GROUP)
    assert limiter.group_has_room(OTHER_GROUP) and limiter.group_has_room(PRIVATE)


async def test_a_request_refused_more_often_than_allowed_fails() -> None:
    limiter, chats = ChatRateLimiter(max_retries=1), _Chats({PRIVATE: 5})

    with pytest.raises(RetryAfter):
        await limiter.process_request(chats.send, (PRIVATE,), {}, "sendMessage", {"chat_id": PRIVATE}, 0)

    assert chats.calls[PRIVATE] == 1 and chats.delivered == []
