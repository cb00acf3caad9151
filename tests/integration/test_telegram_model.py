"""Model answers streamed into Telegram: the real PTB client and `openai` client against loopback fakes."""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import AsyncIterator

import pytest

from bot.streaming import GROUP_INTERVAL, PRIVATE_INTERVAL, LiveReply
from knowledge.index.embedder import Embedder
from tests.conftest import make_settings
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.telegram import TOKEN, FakeBotAPI, bot_application, running

TIMEOUT = 8.0  # seconds the bot waits for the model
FORBIDDEN = re.compile(r"should buy|strong buy|price target of|free analysis|tell the reader", re.I)


@pytest.fixture(scope="module")
async def fakes(
    tmp_path_factory: pytest.TempPathFactory, embedder: Embedder
) -> AsyncIterator[tuple[FakeBotAPI, FakeOpenAI]]:
    api, model = FakeBotAPI(), FakeOpenAI()
    await api.start()
    await model.start()
    root = tmp_path_factory.mktemp("streaming")
    settings = make_settings(
        root,
        telegram_bot_token=TOKEN,
        telegram_api_url=api.url,
        llm_base_url=model.url,
        llm_model="fake-model",
        # Long enough for the "detailed" stream (~30 words at 0.12 s) on a loaded machine; the
        # stalled-model test below waits for it.
        llm_timeout_seconds=TIMEOUT,
        questions_per_minute=30,
    )
    async with running(bot_application(settings, embedder)):
        yield api, model
    await model.stop()
    await api.stop()


async def test_answer_streams_into_one_edited_message_at_a_flood_safe_pace(
    fakes: tuple[FakeBotAPI, FakeOpenAI],
) -> None:
    api, model = fakes
    model.behaviour, model.word_delay = "detailed", 0.12
    chat = api.chat(2001)

    api.send(chat, 1, "Why is Alibaba down?")
    await api.wait_for("sendMessage", 1, 2001)
    edits = await _final_edit(api, 2001)

    assert len(api.sent("sendMessage", 2001)) == 1
    assert len(edits) >= 2
    times = [call.at for call in [*api.sent("sendMessage", 2001), *edits[:-1]]]
    assert all(later - earlier >= PRIVATE_INTERVAL * 0.9 for earlier, later in itertools.pairwise(times))
    final = str(edits[-1].params["text"])
    assert "1.3%" in final and "weighs on margins" in final and "not investment advice" in final
    assert "reply_markup" in api.sent("sendPhoto", 2001)[0].params  # the move's chart closes the answer
    assert "▍" in str(api.sent("sendMessage", 2001)[0].params["text"])


@pytest.mark.parametrize("behaviour", ["buy", "obey", "invent", "clickbait"])
async def test_misbehaving_model_output_never_reaches_the_chat(
    fakes: tuple[FakeBotAPI, FakeOpenAI], behaviour: str
) -> None:
    api, model = fakes
    model.behaviour, model.word_delay = behaviour, 0.03
    chat_id = 2100 + len(api.calls)
    chat = api.chat(chat_id)

    api.send(chat, 2, "Should I buy Alibaba now?")
    await api.wait_for("sendMessage", 1, chat_id)
    edits = await _final_edit(api, chat_id)

    shown = [str(call.params["text"]) for call in [*api.sent("sendMessage", chat_id), *edits]]
    assert shown and not any(FORBIDDEN.search(text) for text in shown)
    assert not any("[9]" in text for text in shown)
    assert "I can't tell you whether to buy" in shown[-1]


async def test_model_down_still_gives_a_cited_offline_answer_within_the_timeout(
    fakes: tuple[FakeBotAPI, FakeOpenAI],
) -> None:
    api, model = fakes
    model.behaviour = "stall"
    chat = api.chat(2200)
    started = time.monotonic()

    api.send(chat, 3, "Why is Alibaba down?")
    (sent,) = await api.wait_for("sendMessage", 1, 2200)

    assert time.monotonic() - started < TIMEOUT + 1.5
    text = str(sent.params["text"])
    assert "1.3%" in text and "[1]" in text and "did not answer within" in text


def test_groups_are_edited_more_slowly_than_private_chats() -> None:
    assert GROUP_INTERVAL >= 3 * PRIVATE_INTERVAL and (LiveReply.__init__.__defaults__ or ())[0] is None


async def _final_edit(api: FakeBotAPI, chat_id: int, limit: float = 15) -> list:  # type: ignore[type-arg]
    """Wait until the vote buttons are sent, under the last edit or under the chart after it: the
    last edit then is the final one."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        edits = api.sent("editMessageText", chat_id)
        charted = api.sent("sendPhoto", chat_id, where=lambda call: "reply_markup" in call.params)
        if edits and ("reply_markup" in edits[-1].params or charted):
            return edits
        await _sleep()
    raise AssertionError(f"no final edit in chat {chat_id}: {api.calls[-5:]}")


async def _sleep() -> None:
    import asyncio

    await asyncio.sleep(0.05)
