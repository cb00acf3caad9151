"""Moves, charts and follow-ups through the real PTB client and the fake Bot API."""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

import pytest

from bot.app import BotApplication
from knowledge.answer.record import Answer
from knowledge.answer.understand.followup import Context
from knowledge.index.embedder import Embedder
from knowledge.wiring.answering import Answering
from tests.conftest import SEEDS, make_settings
from tests.fakes.telegram import BOT_ID, BOT_USERNAME, TOKEN, Call, FakeBotAPI, bot_application, running

PNG = b"\x89PNG\r\n\x1a\n"


class ChartlessAnswering(Answering):
    """The real answering side; one scripted question gets a move of a ticker without bars, whose chart fails."""

    async def answer(
        self, question: str, on_text: Callable[[str], None] | None = None, context: Context | None = None
    ) -> Answer:
        found = await super().answer(
            "Why is Alibaba down?" if question == "no chart please" else question, on_text, context
        )
        if question == "no chart please" and found.move is not None:
            return replace(found, move=replace(found.move, ticker="NOBARS"))
        return found


@asynccontextmanager
async def _bot(root: Path, embedder: Embedder, api: FakeBotAPI) -> AsyncIterator[BotApplication]:
    settings = make_settings(root, seeds_dir=root / "seeds", telegram_bot_token=TOKEN, telegram_api_url=api.url)
    async with running(bot_application(settings, embedder, ChartlessAnswering)) as application:
        yield application


async def _recorded(application: BotApplication, chat_id: int, message_id: int) -> None:
    """Wait until the answer the message belongs to is recorded (it is sent first, recorded next)."""
    chatlog = application.bot_data.services.chat
    for _ in range(200):
        if await asyncio.to_thread(chatlog.question_for_message, chat_id, message_id) is not None:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"message {message_id} was never recorded as an answer")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    shutil.copytree(SEEDS, tmp_path / "seeds")
    return tmp_path


async def test_a_move_answer_closes_with_its_chart_captioned_by_the_move_line(
    api: FakeBotAPI, root: Path, embedder: Embedder
) -> None:
    async with _bot(root, embedder, api) as application:
        chat = api.chat(3001)
        api.send(chat, 31, "Why is Alibaba down?")
        (answer,) = await api.wait_for("sendMessage", 1, 3001)
        (photo,) = await api.wait_for("sendPhoto", 1, 3001)
        await _recorded(application, 3001, photo.result["message_id"])
        api.press(chat, 31, photo.result, "vote:1")
        (voted,) = await api.wait_for("editMessageReplyMarkup", 1, 3001)

    text = str(answer.params["text"])
    assert text.startswith("Alibaba (BABA) −0.9 % on 18 Dec 2025 to 147.91")
    assert "1.3%" in text and "Sample prices written for the seed stories" in text
    assert "reply_markup" not in answer.params  # the buttons close the answer: under the chart
    assert bytes(photo.params["photo"]).startswith(PNG) and len(photo.params["photo"]) > 5000
    caption = str(photo.params["caption"])
    assert caption.startswith("Alibaba (BABA) −0.9 % on 18 Dec 2025 to 147.91") and "\n" not in caption
    assert photo.params["parse_mode"] == "HTML" and "vote:1" in str(photo.params["reply_markup"])
    chosen = json.loads(str(voted.params["reply_markup"]))["inline_keyboard"][0][0]["text"]
    assert chosen == "✓ 👍"  # a vote under the chart counts for the answer


async def test_the_answer_keeps_its_buttons_when_the_chart_cannot_be_drawn(
    api: FakeBotAPI, root: Path, embedder: Embedder
) -> None:
    async with _bot(root, embedder, api):
        chat = api.chat(3002)
        api.send(chat, 32, "no chart please")
        (answer,) = await api.wait_for("sendMessage", 1, 3002)
        (buttons,) = await api.wait_for("editMessageReplyMarkup", 1, 3002)
        api.send(chat, 32, "/help")
        await api.wait_for("sendMessage", 2, 3002)

    assert "147.91" in str(answer.params["text"])
    assert int(buttons.params["message_id"]) == answer.result["message_id"] and "vote:" in str(buttons.params)
    assert api.sent("sendPhoto", 3002) == []


async def test_move_command_sends_the_chart_with_the_move_as_caption(
    api: FakeBotAPI, root: Path, embedder: Embedder
) -> None:
    async with _bot(root, embedder, api):
        chat = api.chat(3003)
        api.send(chat, 33, "/move jd")
        (photo,) = await api.wait_for("sendPhoto", 1, 3003)
        api.send(chat, 33, "/move TSLA")
        (reply,) = await api.wait_for("sendMessage", 1, 3003)

    caption = str(photo.params["caption"])
    assert caption.startswith("JD.com (JD) +0.3 % on 18 Dec 2025 to 31.67") and "Sample prices" in caption
    assert "no price data" in str(reply.params["text"])


async def test_follow_ups_inherit_company_and_topic_and_survive_a_restart(
    api: FakeBotAPI, root: Path, embedder: Embedder
) -> None:
    group = api.chat(-1009000000001, "supergroup")
    async with _bot(root, embedder, api):
        api.send(group, 41, f"/ask@{BOT_USERNAME} Why is Alibaba down?", thread_id=5)
        first = (await api.wait_for("sendMessage", 1, group["id"]))[0]
        asked_jd = api.send(group, 41, f"/ask@{BOT_USERNAME} and JD?", thread_id=5)
        await api.wait_for("sendMessage", 2, group["id"])
    async with _bot(root, embedder, api):  # a new process on the same catalog
        bot_answer = {**first.result, "from": {"id": BOT_ID, "is_bot": True, "first_name": "Investor"}}
        # A reply to the bot's answer follows that answer, whoever replies.
        asked_reply = api.send(group, 43, "what about its margins?", reply_to=bot_answer, thread_id=5)
        asked_thread = api.send(group, 41, f"/ask@{BOT_USERNAME} Und die Marge?", thread_id=5)
        replies = await api.wait_for("sendMessage", 4, group["id"])

    answers = {
        json.loads(str(call.params["reply_parameters"]))["message_id"]: str(call.params["text"]) for call in replies
    }
    jd, reply_margins = answers[asked_jd["message_id"]], answers[asked_reply["message_id"]]
    thread_margins = answers[asked_thread["message_id"]]
    assert jd.startswith("JD.com (JD)") and "food-delivery" in jd
    assert "Alibaba" in reply_margins and "margins" in reply_margins and "JD.com" not in reply_margins.split("\n")[0]
    assert "operating margin" in thread_margins and "englischen Quelle" in thread_margins


async def test_in_a_group_one_members_follow_up_never_leans_on_anothers_question(
    api: FakeBotAPI, root: Path, embedder: Embedder
) -> None:
    group = api.chat(-1009000000002, "supergroup")
    vague = f"/ask@{BOT_USERNAME} Why is the stock falling today?"
    async with _bot(root, embedder, api):
        await _answer_to(api, api.send(group, 51, f"/ask@{BOT_USERNAME} Why is Alibaba down?"))
        other = await _answer_to(api, api.send(group, 52, vague))  # another member: no context of theirs
        same = await _answer_to(api, api.send(group, 51, vague))  # the first member: their own context

    assert "Alibaba (BABA)" not in other  # no move of a company the second member never named
    assert "Alibaba (BABA)" in same


async def _answer_to(api: FakeBotAPI, asked: dict[str, object]) -> str:
    """The text of the bot's reply to a message (notices beside it are not replies)."""
    chat = dict(asked["chat"])  # type: ignore[call-overload]

    def replies(call: Call) -> bool:
        parameters = json.loads(str(call.params.get("reply_parameters") or "{}"))
        return bool(parameters.get("message_id") == asked["message_id"])

    (call,) = await api.wait_for("sendMessage", 1, int(chat["id"]), where=replies)
    return str(call.params["text"])
