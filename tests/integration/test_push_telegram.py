"""Watchlists, alerts, digests and channels through the real PTB client and the fake Bot API."""

from __future__ import annotations

import asyncio
import html
import re
import shutil
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.app import BotApplication
from bot.sender import Sender
from knowledge.catalog.tables import PushChat
from knowledge.index.embedder import Embedder
from knowledge.prompts import render
from knowledge.wiring.core import Core
from knowledge.wiring.indexing import Indexing
from knowledge.wiring.pushing import Pushing, Tick
from tests.conftest import SEEDS, make_settings
from tests.fakes.telegram import BOT_ID, TOKEN, FakeBotAPI, bot_application, running

ANN, BEN, ADMIN = 4001, 4003, 99  # private chats; ADMIN is in ADMIN_USER_IDS
GROUP, CHANNEL = -1004002, -1004005
GROUP_ADMIN, MEMBER = 41, 42


@pytest.fixture
async def bot(tmp_path: Path, embedder: Embedder) -> AsyncIterator[tuple[FakeBotAPI, BotApplication]]:
    api = FakeBotAPI()
    await api.start()
    shutil.copytree(SEEDS, tmp_path / "seeds")
    settings = make_settings(
        tmp_path,
        seeds_dir=tmp_path / "seeds",
        telegram_bot_token=TOKEN,
        telegram_api_url=api.url,
        admin_user_ids=str(ADMIN),
        alerts_per_hour=2,
    )
    async with running(bot_application(settings, embedder)) as application:
        yield api, application
    await api.stop()


def _text(params: dict[str, object]) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", str(params.get("text", ""))))


async def _said(api: FakeBotAPI, chat_id: int, text: str, user_id: int | None = None) -> str:
    """Send `text` as a user of the chat and return the bot's reply."""
    chat = api._chats.get(chat_id) or api.chat(chat_id)
    before = len(api.sent(chat_id=chat_id))
    api.send(chat, user_id or chat_id, text)
    calls = await api.wait_for("sendMessage", before + 1, chat_id)
    return _text(calls[before].params)


def _pushing(application: BotApplication) -> Pushing:
    return application.bot_data.services.pushing


async def _tick(application: BotApplication, at: datetime | None = None) -> Tick:
    return await _pushing(application).tick(Sender(application.bot), at)


def _news(folder: Path, ticker: str, title: str, body: str) -> Path:
    folder.mkdir(exist_ok=True)
    slug = re.sub(r"\W+", "-", title.lower())
    path = folder / f"{slug}.md"
    path.write_text(
        f'---\ntitle: "{title}"\npublisher: "Test desk"\nurl: "https://example.com/{path.stem}"\n'
        f"published: {date.today().isoformat()}\ntickers: [{ticker}]\nlanguage: en\nkind: news\n---\n{body}\n",
        encoding="utf-8",
    )
    return path


def _bars(folder: Path, ticker: str, last_change: float) -> Path:
    """70 weekday sessions up to the last weekday, quiet until a last session that moves `last_change` %."""
    day, sessions = date.today(), list[date]()
    while len(sessions) < 70:
        if day.weekday() < 5:
            sessions.append(day)
        day -= timedelta(days=1)
    rows, close = [], 100.0
    for number, session in enumerate(reversed(sessions)):
        close = close * (1 + last_change / 100) if number == 69 else close * (1.002 if number % 2 else 0.998)
        rows.append(
            f"{session.isoformat()},{close:.2f},{close * 1.01:.2f},{close * 0.99:.2f},{close:.2f},{close:.2f},1000000"
        )
    path = folder / f"{ticker}.csv"
    path.write_text("# source: test bars\nDate,Open,High,Low,Close,Adj Close,Volume\n" + "\n".join(rows) + "\n")
    return path


async def test_watchlists_resolve_names_and_only_group_admins_change_them(
    bot: tuple[FakeBotAPI, BotApplication],
) -> None:
    api, _ = bot
    api.chat(GROUP, "supergroup")
    api.members[(GROUP, GROUP_ADMIN)] = "administrator"

    added = await _said(api, ANN, "/watch BABA, alibabba, JD.com, Globex Widgets")
    refused = await _said(api, GROUP, "/watch BABA", MEMBER)
    allowed = await _said(api, GROUP, "/watch Baidu", GROUP_ADMIN)
    shown = await _said(api, GROUP, "/watchlist", MEMBER)
    unknown = await _said(api, ANN, "/watch Qwertyuiop")

    assert added.startswith("Watching: Alibaba (BABA), JD.com (JD).")
    assert "I do not know a company called “Globex Widgets”" in added
    assert refused == "Only this group’s administrators can change /watch."
    assert allowed == "Watching: Baidu (BIDU)."
    assert shown.startswith("Watchlist: Baidu (BIDU)\nAlerts: on")
    assert unknown.count("\n") == 0 and "Qwertyuiop" in unknown


async def test_a_new_document_alerts_each_watching_chat_once_and_an_unusual_session_brings_the_move(
    bot: tuple[FakeBotAPI, BotApplication], tmp_path: Path
) -> None:
    api, application = bot
    api.chat(GROUP, "supergroup")
    api.members[(GROUP, GROUP_ADMIN)] = "administrator"
    await _said(api, ANN, "/watch Alibaba Tencent")
    await _said(api, GROUP, "/watch BABA", GROUP_ADMIN)
    await _said(api, BEN, "/watch Apple")
    indexing = application.bot_data.services.role.indexing
    assert indexing is not None
    body = (
        "Alibaba said on Thursday that its cloud revenue grew 34% in the quarter, led by demand for AI services. "
        "The group also raised its investment plan for data centres. Analysts had expected slower growth."
    )
    await asyncio.to_thread(
        indexing.librarian.ingest, [_news(tmp_path / "news", "BABA", "Alibaba cloud grows 34%", body)]
    )
    before = {chat: len(api.sent(chat_id=chat)) for chat in (ANN, GROUP, BEN)}

    first = await _tick(application)
    again = await _tick(application)

    alerts = {chat: api.sent(chat_id=chat)[before[chat] :] for chat in (ANN, GROUP, BEN)}
    assert first.alerts == 1 and first.drained.sent == 2 and again.drained.sent == 0
    assert len(alerts[ANN]) == len(alerts[GROUP]) == 1 and not alerts[BEN]
    text = _text(alerts[ANN][0].params)
    assert text.startswith("🔔 Alibaba (BABA): Alibaba cloud grows 34%")
    assert "cloud revenue grew 34% in the quarter" in text and "[1]" in text
    assert '<a href="https://example.com/alibaba-cloud-grows-34' in str(alerts[ANN][0].params["text"])
    assert "not investment advice" in text

    await asyncio.to_thread(indexing.prices.import_files, [_bars(tmp_path, "TCEHY", 9.0)], "TCEHY")
    moved = await _tick(application)

    (message,) = api.sent(chat_id=ANN)[before[ANN] + 1 :]
    (photo,) = api.sent("sendPhoto", ANN)
    assert moved.alerts == 1 and moved.drained.sent == 1
    assert _text(message.params).startswith("Tencent (TCEHY) +9.0 %")
    assert bytes(photo.params["photo"]).startswith(b"\x89PNG")


async def test_a_document_another_process_published_alerts_once_this_one_serves_it(
    bot: tuple[FakeBotAPI, BotApplication], tmp_path: Path, embedder: Embedder
) -> None:
    """As on a worker, whose push reads the served index beside the writer: a document published by
    a writer this side has not heard from waits for the new generation to be served, not lost."""
    api, application = bot
    await _said(api, ANN, "/watch Alibaba")
    pushing = _pushing(application)
    serving = pushing.answering.serving
    await asyncio.to_thread(serving.reload)
    writer = Indexing(Core(pushing.answering.settings, embedder))  # publishes without telling this side
    body = "Alibaba opened its third data centre in Seoul on Monday, the company said, to serve cloud customers."
    try:
        news = _news(tmp_path / "news", "BABA", "Alibaba opens a Seoul data centre", body)
        await asyncio.to_thread(writer.librarian.ingest, [news])
    finally:
        writer.core.close()
    before = len(api.sent(chat_id=ANN))

    stale = await _tick(application)  # the served view is the generation before the new document
    await asyncio.to_thread(serving.reload)
    served = await _tick(application)

    assert stale.alerts == 0 and served.alerts == 1 and served.drained.sent == 1
    (alert,) = api.sent(chat_id=ANN)[before:]
    assert "third data centre in Seoul" in _text(alert.params)


async def test_limits_quiet_hours_alerts_off_and_a_blocked_chat_hold(
    bot: tuple[FakeBotAPI, BotApplication], tmp_path: Path
) -> None:
    api, application = bot
    for chat in (ANN, BEN, ADMIN, 4006):
        await _said(api, chat, "/watch BABA")
    await _said(api, BEN, "/alerts off")
    quiet = await _said(api, ADMIN, "/timezone Europe/Berlin")
    berlin_hour = datetime.now(ZoneInfo("Europe/Berlin")).hour
    span = f"{berlin_hour:02d}:00-{(berlin_hour + 2) % 24:02d}:00"
    await _said(api, ADMIN, f"/quiet {span}")
    api.refused.add(4006)
    indexing = application.bot_data.services.role.indexing
    assert indexing is not None
    paths = [
        _news(
            tmp_path / "news",
            "BABA",
            f"Alibaba item {n}",
            f"Alibaba reported item number {n} of the week today. It is a test.",
        )
        for n in range(4)
    ]
    await asyncio.to_thread(indexing.librarian.ingest, paths)
    before = {chat: len(api.sent(chat_id=chat)) for chat in (ANN, BEN, ADMIN)}

    tick = await _tick(application)

    new = {chat: [_text(call.params) for call in api.sent(chat_id=chat)[before[chat] :]] for chat in before}
    assert quiet.startswith("Time zone: Europe/Berlin")
    assert len(new[ANN]) == 3  # ALERTS_PER_HOUR=2, then one "and 2 more"
    assert new[ANN][2].startswith("… and 2 more alerts this hour:")
    assert new[ANN][2].rstrip().endswith(render("disclaimer_short", "en").strip())  # every push carries it
    assert not new[BEN] and not new[ADMIN]
    assert tick.drained.held == 4 and tick.drained.folded == 4 and tick.drained.blocked == 1
    refused = _pushing(application).watchlists.chat(4006)
    assert isinstance(refused, PushChat) and refused.paused_at is not None
    assert len(api.sent(chat_id=4006)) == 2  # the /watch reply, then one refused alert
    again = await _tick(application)
    assert again.drained.sent == 0 and again.drained.blocked == 0


async def test_channel_gets_digests_its_posts_are_never_answered_and_removal_stops_it(
    bot: tuple[FakeBotAPI, BotApplication],
) -> None:
    api, application = bot
    channel = api.chat(CHANNEL, "channel", "China Tech Digest", username="chinatech")
    api.members[(CHANNEL, BOT_ID)] = "administrator"
    api.chat(ADMIN)

    attached = await _said(api, ADMIN, "/channel add @chinatech --tickers BABA,JD --digest 08:00 --alerts")
    api.push_raw({"channel_post": {"message_id": 1, "date": 0, "chat": channel, "text": "Why is Alibaba down?"}})
    with _pushing(application).watchlists.catalog.session() as session:
        row = session.get(PushChat, CHANNEL)
        assert row is not None
        row.digest_set_at = datetime(2020, 1, 1, tzinfo=UTC)
        session.add(row)
        session.commit()
    sent = await _tick(application, datetime.now(UTC))
    repeated = await _tick(application, datetime.now(UTC))
    api.membership(channel, "left")
    await _said(api, ADMIN, "/watchlist")

    posts = [_text(call.params) for call in api.sent(chat_id=CHANNEL)]
    assert attached.startswith("Channel China Tech Digest (-1004005) attached: BABA, JD; a daily digest at 08:00")
    assert sent.digests == 1 and repeated.digests == 0
    assert posts[0].startswith("📰 Your digest") and "Alibaba (BABA): no session since" in posts[0]
    assert "JD.com's food-delivery push keeps profits under pressure" in "".join(posts)
    assert not any("147.91" in post for post in posts)  # the channel post was not answered
    chat = _pushing(application).watchlists.chat(CHANNEL)
    assert chat is not None and chat.paused_at is not None
    assert _pushing(application).digests.due(datetime.now(UTC) + timedelta(days=1)) == []
