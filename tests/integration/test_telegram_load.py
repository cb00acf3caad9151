"""Busy chats through the real PTB client and a fake Bot API: a flooded group must not stall private
chats, and on PostgreSQL every group question (13-digit chat id, user ids past 2³¹) is answered
and recorded."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.app import BotApplication
from knowledge.index.embedder import Embedder
from tests.conftest import make_settings
from tests.fakes.telegram import BOT_USERNAME, TOKEN, Call, FakeBotAPI, bot_application, running

SUPERGROUP = -1001234567890
BIG_USER = 2**31 + 7


@asynccontextmanager
async def _bot(
    tmp_path: Path, embedder: Embedder, **overrides: object
) -> AsyncIterator[tuple[FakeBotAPI, BotApplication]]:
    api = FakeBotAPI()
    await api.start()
    settings = make_settings(
        tmp_path, telegram_bot_token=TOKEN, telegram_api_url=api.url, questions_per_minute=5, **overrides
    )
    try:
        async with running(bot_application(settings, embedder)) as application:
            yield api, application
    finally:
        await api.stop()


def _answered(chat_id: int) -> Callable[[object], bool]:
    return lambda call: "reply_markup" in call.params and int(call.params["chat_id"]) == chat_id  # type: ignore[attr-defined]


async def test_a_flooded_group_waits_its_turn_and_private_chats_do_not(tmp_path: Path, embedder: Embedder) -> None:
    async with _bot(tmp_path, embedder) as (api, _):
        group, private = api.chat(SUPERGROUP, "supergroup"), api.chat(BIG_USER)
        for user in range(24):
            api.send(group, 5000 + user, f"/ask@{BOT_USERNAME} How fast did Alibaba's cloud business grow?")
        asked = time.monotonic()
        api.send(private, BIG_USER, "Why is Alibaba down?")

        (answer,) = await api.wait_for("sendMessage", 1, BIG_USER)
        private_seconds = time.monotonic() - asked
        await api.wait_for("sendMessage", 24, SUPERGROUP, limit=90, where=_answered(SUPERGROUP))

    notices = api.sent("sendMessage", SUPERGROUP, where=lambda call: "queued" in str(call.params["text"]))
    assert private_seconds < 5 and "1.3%" in str(answer.params["text"])
    assert len(notices) == 1
    assert api.sent("sendChatAction", SUPERGROUP) == []


def _move_answer(call: Call) -> bool:
    """The text of a move's answer (its chart, with the buttons, follows it)."""
    return "1.3%" in str(call.params.get("text", ""))


@pytest.mark.postgres
async def test_on_postgresql_fifty_group_questions_are_all_answered_and_recorded(
    tmp_path: Path, embedder: Embedder, postgres_url: str
) -> None:
    async with _bot(tmp_path, embedder, database_url=postgres_url, group_messages_per_minute=600) as (api, app):
        group = api.chat(SUPERGROUP, "supergroup")
        for user in range(50):
            question = "Why is Alibaba down?" if user else "Why is\x00 Alibaba down?"
            api.send(group, BIG_USER + user, f"/ask@{BOT_USERNAME} {question}")
        answers = await api.wait_for("sendMessage", 50, SUPERGROUP, limit=120, where=_move_answer)
        chat_log = app.bot_data.services.chat
        deadline, recorded = time.monotonic() + 30, []
        while time.monotonic() < deadline:  # an answer is recorded right after it is sent
            recorded = [chat_log.question_for_message(SUPERGROUP, call.result["message_id"]) for call in answers]
            if all(recorded):
                break
            await asyncio.sleep(0.2)

    assert all("1.3%" in str(call.params["text"]) for call in answers)
    assert all(row is not None and row.chat_id == SUPERGROUP for row in recorded)
    assert {row.user_id for row in recorded if row is not None} == {BIG_USER + user for user in range(50)}
    assert not api.sent("sendMessage", SUPERGROUP, where=lambda call: "Sorry" in str(call.params["text"]))
