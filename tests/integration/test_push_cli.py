"""`investorbot watch|alerts|digest` as operators run them, against the fake Bot API: a sender
killed mid-drain sends nothing twice (PostgreSQL, a real SIGKILL); a digest is sent once per local
day, also on the day the clocks change. One subprocess only (the killed one): the other commands
run `main()` in a thread, with the same settings from the environment."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import signal
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from apps.cli.main import main
from bot.sender import Sender, push_bot
from knowledge.index.embedder import Embedder
from knowledge.push.watchlist import Resolved
from knowledge.settings import Settings
from knowledge.wiring.local import Local
from knowledge.wiring.pushing import Pushing, Tick
from tests.commandline import COMMAND, environment
from tests.conftest import make_settings
from tests.fakes.telegram import TOKEN, FakeBotAPI

CHATS = [5001, 5002, 5003, 5004, 5005]


def _environment(tmp_path: Path, url: str, api: FakeBotAPI) -> dict[str, str]:
    return {
        "DATABASE_URL": url,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": api.url,
        "PUSH_LEASE_SECONDS": "1",
        "ALERTS_PER_HOUR": "5",
    }


def _settings(tmp_path: Path, url: str, api: FakeBotAPI) -> Settings:
    return make_settings(
        tmp_path, database_url=url, telegram_bot_token=TOKEN, telegram_api_url=api.url, push_lease_seconds=1
    )


async def _command(monkeypatch: pytest.MonkeyPatch, data: Path, extra: dict[str, str], *args: str) -> tuple[int, str]:
    """`investorbot ARGS` in this process (in a thread: commands run their own event loop)."""
    monkeypatch.chdir(data.parent)
    for key, value in environment(data, **extra).items():
        monkeypatch.setenv(key, value)
    out = io.StringIO()

    def run() -> int:
        with contextlib.redirect_stdout(out):
            return main(list(args))

    code = await asyncio.to_thread(run)
    return code, out.getvalue()


def _news(folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / "alibaba-buyback.md"
    path.write_text(
        f'---\ntitle: "Alibaba extends its share buyback"\npublisher: "Test desk"\nurl: "https://example.com/buyback"\n'
        f"published: {date.today().isoformat()}\ntickers: [BABA]\nlanguage: en\nkind: news\n---\n"
        "Alibaba extended its share buyback programme by 25 billion dollars on Monday, the company said. "
        "The buyback now runs until March 2027.\n",
        encoding="utf-8",
    )
    return path


async def _recorded(pushing: Pushing, status: str, count: int, limit: float = 60) -> None:
    """Wait (generously, on a loaded machine) until `count` rows have `status`."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if pushing.outbox.counts().get(status, 0) >= count:
            return
        await asyncio.sleep(0.05)


async def _drained(pushing: Pushing, settings: Settings) -> Tick:
    """A drain here once the killed sender's lease has run out (PUSH_LEASE_SECONDS=1)."""
    deadline = time.monotonic() + 30
    async with push_bot(settings) as bot:
        while True:
            tick = await pushing.tick(Sender(bot))
            if not tick.drained.busy or time.monotonic() > deadline:
                return tick
            await asyncio.sleep(0.2)


@pytest.mark.postgres
async def test_a_sender_killed_mid_drain_sends_nothing_twice(
    tmp_path: Path, embedder: Embedder, api: FakeBotAPI, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, extra = _settings(tmp_path, postgres_url, api), _environment(tmp_path, postgres_url, api)
    local = Local(settings, embedder)
    await asyncio.to_thread(local.indexing.ensure_seeded)
    data = settings.data_dir
    watched = await _command(monkeypatch, data, extra, "watch", "add", "alibabba", "--chat", str(CHATS[0]))
    pushing = Pushing(local.answering)
    for chat in CHATS[1:]:
        pushing.watchlists.ensure_chat(chat)
        pushing.watchlists.add(chat, Resolved(("BABA",)))
    await asyncio.to_thread(local.indexing.librarian.ingest, [_news(tmp_path / "news")])
    release = api.hold("sendMessage", after=2)

    process = await asyncio.create_subprocess_exec(
        *COMMAND,
        "alerts",
        "run",
        cwd=data.parent,
        env=environment(data, **extra),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    await api.wait_for("sendMessage", 5, limit=180)  # two answered, three in flight
    await _recorded(pushing, "sent", 2)  # the answered two are recorded right after their requests
    process.send_signal(signal.SIGKILL)
    await process.wait()
    release.set()
    recovered = await _drained(pushing, settings)
    code, listed = await _command(monkeypatch, data, extra, "alerts", "list", "--chat", str(CHATS[0]), "--json")
    statuses = pushing.outbox.counts()
    local.close()

    assert watched == (0, "Watching: BABA\n")
    assert [len(api.sent(chat_id=chat)) for chat in CHATS] == [1, 1, 1, 1, 1]  # once: in flight when killed, or after
    # Only the requests in flight at the kill are uncertain (never sent again); the answered two are sent.
    assert statuses == {"sent": 2, "uncertain": 3}
    assert recovered.drained.uncertain == statuses.get("uncertain", 0)
    assert code == 0 and json.loads(listed)[0]["key"].startswith("document:")


async def test_digest_run_sends_each_local_day_once_across_the_clock_change(
    tmp_path: Path, embedder: Embedder, api: FakeBotAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, extra = _settings(tmp_path, "", api), _environment(tmp_path, "", api)
    local = Local(settings, embedder)
    await asyncio.to_thread(local.indexing.ensure_seeded)
    lists = Pushing(local.answering).watchlists
    lists.ensure_chat(5101)
    lists.update_chat(5101, timezone="Europe/Berlin", digest_at="08:00", digest_set_at=datetime(2026, 1, 1, tzinfo=UTC))
    local.close()
    data = settings.data_dir
    await _command(monkeypatch, data, extra, "watch", "add", "BABA", "JD", "--chat", "5101")

    runs = [
        await _command(monkeypatch, data, extra, "digest", "run", "--at", at, "--json")
        for at in ("2026-03-29T05:59:00Z", "2026-03-29T06:00:00Z", "2026-03-29T06:00:00Z")  # 07:59, 08:00 CEST
    ]
    _, listed = await _command(monkeypatch, data, extra, "alerts", "list", "--chat", "5101", "--json")
    code, preview = await _command(monkeypatch, data, extra, "digest", "preview", "--tickers", "alibaba,JD")

    assert [json.loads(out)["digests"] for _, out in runs] == [1, 1, 0]
    assert [row["key"] for row in json.loads(listed)] == ["digest:5101:2026-03-29", "digest:5101:2026-03-28"]
    assert str(api.sent(chat_id=5101)[0].params["text"]).startswith("📰 Your digest, 28 Mar 2026")
    assert code == 0 and "Alibaba (BABA): no session since" in preview
    assert "Alibaba extends" not in preview and "Sample prices" not in preview
