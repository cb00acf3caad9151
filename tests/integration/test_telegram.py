"""The real Application and PTB client against a fake Bot API on loopback, driven as users would."""

from __future__ import annotations

import asyncio
import html
import json
import logging
import re
import shutil
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from pathlib import Path

import pytest
from sqlmodel import col, delete

from apps.scheduler import schedule
from bot.app import BotApplication
from knowledge.answer.record import Answer
from knowledge.answer.understand.followup import Context
from knowledge.catalog.tables import PriceBar
from knowledge.index.embedder import Embedder
from knowledge.settings import Settings
from knowledge.wiring.answering import Answering
from tests.conftest import SEEDS, make_settings
from tests.fakes.telegram import BOT_ID, BOT_USERNAME, TOKEN, FakeBotAPI, bot_application, running
from tests.fakes.web import FakeWeb

Telegram = tuple[FakeBotAPI, BotApplication, Settings]
ADMIN = 42
PRIVATE = 1001
GROUP = -100200
KEY = "k3y-0f-the-feed-9f8e7d"


class ScriptedAnswering(Answering):
    """The real answering side, with two scripted questions: a very long answer, and a crash."""

    async def answer(
        self, question: str, on_text: Callable[[str], None] | None = None, context: Context | None = None
    ) -> Answer:
        if question == "long answer please":
            base = await super().answer("Why is Alibaba down?")
            return replace(base, text="\n".join([base.text] * 40))
        if question == "boom":
            raise RuntimeError("scripted failure")
        return await super().answer(question, on_text, context)


@pytest.fixture(scope="module")
async def telegram(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> AsyncIterator[Telegram]:
    api = FakeBotAPI()
    await api.start()
    root = tmp_path_factory.mktemp("bot")
    seeds = root / "seeds"
    shutil.copytree(SEEDS, seeds)
    settings = make_settings(
        root,
        seeds_dir=seeds,
        telegram_bot_token=TOKEN,
        telegram_api_url=api.url,
        admin_user_ids=str(ADMIN),
        questions_per_minute=4,
        allow_private_urls=True,  # the web fixtures are served on loopback
        # The fake Bot API shares the bot's event loop: on a loaded machine a response can wait
        # seconds for it, and a getUpdates given up too early delivers its batch twice.
        telegram_read_timeout_seconds=60,
    )
    application = bot_application(settings, embedder, ScriptedAnswering)
    schedule.host_in_bot(application, settings)  # as `investorbot run` does with JOBS=inline
    async with running(application):
        yield api, application, settings
    await api.stop()


def _text(params: dict[str, object]) -> str:
    """What the user sees of a sent HTML message."""
    return html.unescape(re.sub(r"<[^>]+>", "", str(params["text"])))


async def _reply_to(api: FakeBotAPI, chat_id: int, before: int, count: int = 1) -> list[dict[str, object]]:
    calls = await api.wait_for("sendMessage", before + count, chat_id)
    return [call.params for call in calls[before:]]


async def test_start_indexes_seeds_and_registers_commands(
    telegram: Telegram,
) -> None:
    api, application, _ = telegram

    scopes = [json.loads(call.params["scope"])["type"] for call in api.sent("setMyCommands")]

    assert {"all_private_chats", "all_group_chats"} <= set(scopes)
    assert application.bot_data.services.answering.chunk_count() > 0


async def test_private_question_gets_a_cited_answer_with_vote_buttons(
    telegram: Telegram,
) -> None:
    api, _, _ = telegram
    chat = api.chat(PRIVATE)
    before = len(api.sent(chat_id=PRIVATE))

    api.send(chat, 7, "How fast did Alibaba's cloud business grow?")
    (sent,) = await _reply_to(api, PRIVATE, before)

    text = str(sent["text"])
    assert "34%" in text and "[1]" in text and "not investment advice" in text
    assert sent["parse_mode"] == "HTML"
    assert 'href="https://example.com/' in text
    buttons = json.loads(str(sent["reply_markup"]))["inline_keyboard"][0]
    assert [b["text"] for b in buttons] == ["👍", "👎"]
    assert api.sent("sendChatAction", PRIVATE)


async def test_group_slash_command_is_answered_as_a_reply_in_its_topic(
    telegram: Telegram,
) -> None:
    api, _, _ = telegram
    group = api.chat(GROUP, "supergroup")
    before = len(api.sent(chat_id=GROUP))

    asked = api.send(group, 8, f"/ask@{BOT_USERNAME} Warum fällt die Alibaba-Aktie?", thread_id=11)
    (sent,) = await _reply_to(api, GROUP, before)

    assert json.loads(str(sent["reply_parameters"]))["message_id"] == asked["message_id"]
    assert int(str(sent["message_thread_id"])) == 11
    assert "keine Anlageberatung" in str(sent["text"])


async def test_group_chatter_is_ignored_but_mentions_and_replies_are_answered(
    telegram: Telegram,
) -> None:
    api, _, _ = telegram
    group = api.chat(GROUP - 1, "supergroup")
    bot_message = {
        "message_id": 1,
        "date": 0,
        "chat": group,
        "from": {"id": BOT_ID, "is_bot": True, "first_name": "Investor", "username": BOT_USERNAME},
        "text": "earlier answer",
    }
    other_message = {**bot_message, "from": {"id": 5, "is_bot": False, "first_name": "Bob"}}

    api.send(group, 9, "good morning everyone, anyone watching Alibaba today?")
    api.send(group, 9, "I agree", reply_to=other_message)
    api.send(group, 9, f"@{BOT_USERNAME} how many monthly users does the Qwen app have?")
    # A whole question: the two are answered side by side, so a bare follow-up ("and JD.com?") would
    # inherit the other one's topic or not depending on which is read first.
    api.send(group, 9, "why is JD.com under pressure?", reply_to=bot_message)
    sent = await api.wait_for("sendMessage", 2, GROUP - 1)
    await api.wait_for("getUpdates", len(api.sent("getUpdates")) + 2)

    assert len(api.sent(chat_id=GROUP - 1)) == 2
    texts = [str(call.params["text"]) for call in sent]
    assert any("18.34 million" in text for text in texts)
    assert any("JD.com" in text for text in texts)


async def test_admin_commands_refuse_others_and_log_it(telegram: Telegram, caplog: pytest.LogCaptureFixture) -> None:
    api, _, _ = telegram
    chat = api.chat(PRIVATE + 1)
    caplog.set_level(logging.WARNING)

    api.send(chat, 13, "/reindex")
    api.send(chat, 13, "/status now please")
    first, second = await _reply_to(api, PRIVATE + 1, 0, 2)

    assert "only the bot's admins" in _text(first) and "/reindex" in _text(first)
    assert "/status" in str(second["text"])
    assert "refused /reindex from user 13 in chat 1002" in caplog.text


async def test_admin_reindex_runs_in_background_and_reports_counts(
    telegram: Telegram,
) -> None:
    api, _, settings = telegram
    chat = api.chat(ADMIN)
    article = Path(settings.seeds_dir) / "2025-12-11-baidu-advertising.md"
    article.write_text(article.read_text() + "\nBaidu also opened a new data centre.\n")

    api.send(chat, ADMIN, "/reindex")
    api.send(chat, ADMIN, "/reindex")
    api.send(chat, ADMIN, "Why is Alibaba down?")
    sent = await _reply_to(api, ADMIN, 0, 4)
    texts = [str(params["text"]) for params in sent]

    assert texts[0].startswith("Reindexing started")
    assert any("already running" in text for text in texts)
    assert any("1.3%" in text for text in texts)
    summary = next(text for text in texts if text.startswith("Reindex finished"))
    assert "0 added, 1 updated, 0 removed documents (12 seen)" in summary

    api.send(chat, ADMIN, "/status")
    (status,) = await _reply_to(api, ADMIN, 4)
    assert "12 documents" in str(status["text"]) and "Last run" in str(status["text"])


async def test_long_answers_are_split_and_markup_is_escaped(
    telegram: Telegram,
) -> None:
    api, _, _ = telegram
    chat = api.chat(PRIVATE + 2)

    api.send(chat, 14, "long answer please")  # a move's answer: its chart, with the buttons, closes it
    await api.wait_for("sendPhoto", 1, PRIVATE + 2, where=lambda call: "reply_markup" in call.params)
    parts = api.sent("sendMessage", PRIVATE + 2)
    api.send(chat, 14, "<b>Why</b> is <script>Alibaba</script> down & <i>out?")
    escaped = await api.wait_for("sendMessage", len(parts) + 1, PRIVATE + 2)

    assert all(len(str(call.params["text"])) <= 4096 for call in parts)
    assert not [part for part in parts if "reply_markup" in part.params]
    assert "not investment advice" in str(parts[-1].params["text"])
    assert not [call for call in api.calls if call.method == "sendMessage" and "Bad Request" in str(call.params)]
    assert "1.3%" in str(escaped[-1].params["text"])


async def test_flood_429_is_waited_out_and_the_reply_arrives(
    telegram: Telegram,
) -> None:
    api, _, _ = telegram
    chat = api.chat(PRIVATE + 3)
    api.fail_next("sendMessage", 1)

    api.send(chat, 15, "How fast did Alibaba's cloud business grow?")
    calls = await api.wait_for("sendMessage", 2, PRIVATE + 3)

    assert calls[0].params["text"] == calls[1].params["text"]
    assert calls[1].at - calls[0].at >= 0.9
    assert "34%" in str(calls[1].params["text"])


async def test_votes_one_per_user_change_on_a_second_tap_and_show_on_the_buttons(
    telegram: Telegram,
) -> None:
    api, application, _ = telegram
    chat = api.chat(PRIVATE + 4)
    api.send(chat, 16, "How many monthly users does the Qwen app have?")
    (sent,) = await api.wait_for("sendMessage", 1, PRIVATE + 4)
    answer = sent.result
    up, down = (b["callback_data"] for b in json.loads(str(sent.params["reply_markup"]))["inline_keyboard"][0])
    acknowledged = len(api.sent("answerCallbackQuery"))

    for data in (up, up, down):
        api.press(chat, 16, answer, data)
        acknowledged += 1
        await api.wait_for("answerCallbackQuery", acknowledged)

    chat_log = application.bot_data.services.chat
    recorded = chat_log.question_for_message(PRIVATE + 4, answer["message_id"])
    assert recorded is not None and recorded.user_id == 16 and "18.34" in recorded.answer
    assert [(vote.user_id, vote.vote) for vote in chat_log.feedback(recorded.id or 0)] == [(16, -1)]
    edits = await api.wait_for("editMessageReplyMarkup", 3, PRIVATE + 4)  # each sent after its press's answer
    marked = json.loads(str(edits[-1].params["reply_markup"]))
    assert [b["text"] for b in marked["inline_keyboard"][0]] == ["👍", "✓ 👎"]
    assert len(api.sent(chat_id=PRIVATE + 4)) == 1


@pytest.mark.parametrize("data", ["vote:5", "vote:+2", "vote:999999:1", "vote:x", "something-else", "vote:1"])
async def test_forged_stale_and_unknown_buttons_are_answered_quietly(telegram: Telegram, data: str) -> None:
    api, application, _ = telegram
    chat = api.chat(PRIVATE + 5)
    not_an_answer = {"message_id": 424242, "date": 0, "chat": chat, "text": "hello"}
    acknowledged = len(api.sent("answerCallbackQuery"))

    api.press(chat, 17, not_an_answer, data)
    (answered, *_) = (await api.wait_for("answerCallbackQuery", acknowledged + 1))[acknowledged:]

    assert "text" not in answered.params  # no toast, no message in the chat
    assert api.sent(chat_id=PRIVATE + 5) == []
    assert application.bot_data.services.chat.question_for_message(PRIVATE + 5, 424242) is None


@pytest.mark.parametrize(
    ("junk", "expected"),
    [
        (" ", "Please add your question"),
        ("/ask", "Please add your question"),
        ("/ask    ", "Please add your question"),
        ("🚀" * 50, "do not cover"),
        ("x" * 5000, "too long"),
        ("/help extra args", "What I do"),
        ("/start@SomeOtherBot hi", None),
        ("/reindex@SomeOtherBot now", None),
    ],
)
async def test_odd_input_never_takes_the_bot_down(telegram: Telegram, junk: str, expected: str | None) -> None:
    api, _, _ = telegram
    chat_id = PRIVATE + 100 + len(api.calls)
    chat = api.chat(chat_id)

    api.send(chat, 17, junk)
    api.send(chat, 17, "/start")
    replies = await _reply_to(api, chat_id, 0, 1 if expected is None else 2)

    texts = [_text(params) for params in replies]
    assert any("I answer questions" in text for text in texts)
    if expected is not None:
        assert any(expected in text for text in texts)


async def test_errors_get_one_apology_and_the_bot_stays_up(
    telegram: Telegram,
) -> None:
    api, _, _ = telegram
    chat = api.chat(PRIVATE + 6)

    api.send(chat, 30, "boom")
    (apology,) = await _reply_to(api, PRIVATE + 6, 0)
    api.send(chat, 30, "Why is Alibaba down?")
    (answer,) = await _reply_to(api, PRIVATE + 6, 1)

    assert str(apology["text"]).startswith("Sorry, something went wrong")
    assert "1.3%" in str(answer["text"])


async def test_users_are_rate_limited_politely(telegram: Telegram) -> None:
    api, _, _ = telegram
    chat = api.chat(PRIVATE + 7)

    for _ in range(5):
        api.send(chat, 40, "Why is Alibaba down?")
    sent = await api.wait_for("sendMessage", 5, PRIVATE + 7)

    limited = [call for call in sent if "faster than I can keep up" in str(call.params["text"])]
    assert len(limited) == 1


async def test_admin_adds_and_removes_sources_and_sources_shows_errors(telegram: Telegram) -> None:
    api, application, _ = telegram
    chat, member, group = api.chat(ADMIN + 1000), api.chat(PRIVATE + 400), api.chat(GROUP - 8, "supergroup")
    web = FakeWeb()
    with web.running():
        api.send(chat, ADMIN, f"/addsource rss {web.base}/feeds/missing.rss?apikey={KEY}&user=ann tickers=BABA")
        api.send(chat, ADMIN, "/addsource gopher nothing")
        first = await _reply_to(api, ADMIN + 1000, 0, 3)
        api.send(chat, ADMIN, "/sources")
        (listing,) = await _reply_to(api, ADMIN + 1000, 3)
        api.send(member, 401, "/sources")
        (public,) = await _reply_to(api, PRIVATE + 400, 0)
        api.send(group, ADMIN, "/sources")  # an admin, but every member reads the group
        (in_group,) = await _reply_to(api, GROUP - 8, 0)
    texts = [_text(params) for params in first]
    source_id = next(s.id for s in application.bot_data.services.answering.catalog.sources() if s.kind == "rss")
    api.send(chat, ADMIN, f"/removesource {source_id}")
    api.send(chat, ADMIN, "/removesource 99999")
    last = sorted(_text(params) for params in await _reply_to(api, ADMIN + 1000, 4, 2))

    assert any(text.startswith(f"Source #{source_id} added (rss") for text in texts)
    assert any("can't be added: unknown source kind" in text for text in texts)
    summary = next(text for text in texts if text.startswith("Reindex finished"))
    assert "1 errors" in summary and "HTTP 404" in summary
    assert f"#{source_id} rss {web.base}/feeds/missing.rss [BABA]" in _text(listing)
    assert "error: HTTP 404" in _text(listing)
    for seen in (public, in_group):
        assert "rss · – · 0 documents" in _text(seen) and "seeds" not in _text(seen).lower()
        assert "127.0.0.1" not in _text(seen) and "error" not in _text(seen) and "/" not in _text(seen).split("\n\n")[0]
    assert all(KEY not in _text(params) and "apikey" not in _text(params) for params in [*first, listing])
    assert last[0].startswith(f"Source #{source_id} removed") and last[1].startswith("Usage: /removesource")


async def test_non_admins_cannot_manage_sources(telegram: Telegram) -> None:
    api, _, _ = telegram
    chat = api.chat(PRIVATE + 300)

    api.send(chat, 301, "/addsource rss https://example.com/feed.xml")
    api.send(chat, 301, "/removesource 1")
    replies = await _reply_to(api, PRIVATE + 300, 0, 2)

    assert all("only the bot's admins" in _text(params) for params in replies)


async def test_refresh_is_scheduled_with_the_job_queue_and_runs(telegram: Telegram) -> None:
    _, application, settings = telegram
    assert application.job_queue is not None
    (job,) = [job for job in application.job_queue.jobs() if job.callback is schedule.tick]
    catalog = application.bot_data.services.answering.catalog
    before = catalog.last_run()
    book = application.bot_data.services.answering.prices.book
    latest = book.last_session("BABA")
    with catalog.session() as session:  # a session the price provider has and the catalog lacks
        session.exec(delete(PriceBar).where(col(PriceBar.session) == latest))
        session.commit()

    await job.run(application)

    assert book.last_session("BABA") == latest
    after = catalog.last_run()
    assert job.trigger.interval.total_seconds() == settings.refresh_interval_minutes * 60  # type: ignore[attr-defined]
    assert before is not None and after is not None and after.id == (before.id or 0) + 1
    assert after.status == "done"


async def test_updates_the_library_cannot_parse_are_skipped_and_polling_goes_on(
    telegram: Telegram, caplog: pytest.LogCaptureFixture
) -> None:
    api, _, _ = telegram
    chat = api.chat(PRIVATE + 206)
    caplog.set_level(logging.WARNING)
    api.push_raw({"poll": {"id": "1", "question": "Which stock?"}})  # not asked for: never delivered
    api.push_raw({"message": {"message_id": 1, "chat": {"id": PRIVATE + 206, "type": "private"}}})  # no date
    api.send(chat, 18, "How fast did Alibaba's cloud business grow?")

    (sent,) = await api.wait_for("sendMessage", 1, PRIVATE + 206)

    assert "34%" in str(sent.params["text"])
    polls = api.sent("getUpdates")
    kinds = ["message", "inline_query", "callback_query", "my_chat_member"]
    assert json.loads(str(polls[-1].params["allowed_updates"])) == kinds
    skipped = [r for r in caplog.records if "could not be parsed" in r.getMessage()]
    assert len(skipped) == 1 and "message" in skipped[0].getMessage()


async def test_a_bot_api_server_error_on_the_answer_is_retried(telegram: Telegram) -> None:
    api, _, _ = telegram
    chat = api.chat(PRIVATE + 207)
    api.fail_next("sendMessage", 1, status=502)

    api.send(chat, 19, "How fast did Alibaba's cloud business grow?")
    calls = await api.wait_for("sendMessage", 2, PRIVATE + 207)

    assert calls[0].params["text"] == calls[1].params["text"] and "34%" in str(calls[1].params["text"])
    assert not api.sent("sendMessage", PRIVATE + 207, where=lambda call: "Sorry" in str(call.params["text"]))


async def test_invisible_characters_and_nul_in_a_question_change_nothing(telegram: Telegram) -> None:
    api, application, _ = telegram
    chat = api.chat(PRIVATE + 208)

    api.send(chat, 20, "Why is Ali\u200bbaba\x00 down?")
    (sent,) = await api.wait_for("sendMessage", 1, PRIVATE + 208)

    assert "1.3%" in str(sent.params["text"])
    chatlog = application.bot_data.services.chat
    # The answer is sent first and recorded right after: wait for the record, not for a fixed time.
    recorded = None
    for _ in range(200):
        recorded = chatlog.question_for_message(PRIVATE + 208, sent.result["message_id"])
        if recorded is not None:
            break
        await asyncio.sleep(0.05)
    assert recorded is not None and recorded.question == "Why is Alibaba down?"


async def test_admin_commands_in_a_group_point_to_the_private_chat(telegram: Telegram) -> None:
    api, _, _ = telegram
    group = api.chat(GROUP - 17, "supergroup")

    api.send(group, ADMIN, f"/status@{BOT_USERNAME}")
    (sent,) = await api.wait_for("sendMessage", 1, GROUP - 17)

    assert "private chat" in str(sent.params["text"]) and "Index" not in str(sent.params["text"])


async def test_unknown_commands_meant_for_the_bot_get_a_pointer_to_help(telegram: Telegram) -> None:
    api, _, _ = telegram
    private, group = api.chat(PRIVATE + 500), api.chat(GROUP - 9, "supergroup")

    api.send(private, 501, "/frobnicate BABA")
    api.send(group, 502, "/foo")  # bare, in a group: perhaps another bot's command
    api.send(group, 502, "/foo@SomeOtherBot")
    api.send(group, 502, f"/foo@{BOT_USERNAME}")
    api.send(group, 502, "/help")  # answered after the three before it: none of them is answered late
    (told,) = await _reply_to(api, PRIVATE + 500, 0)
    in_group = [_text(params) for params in await _reply_to(api, GROUP - 9, 0, 2)]

    assert _text(told) == "I have no /frobnicate command. Send /help to see what I can do."
    assert sum(text == "I have no /foo command. Send /help to see what I can do." for text in in_group) == 1
    assert len(api.sent(chat_id=GROUP - 9)) == 2
