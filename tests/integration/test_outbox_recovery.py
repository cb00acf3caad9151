"""The outbox across a stopped sender (issue 20), on SQLite and PostgreSQL, through the real PTB
client and the fake Bot API on loopback: a sender killed with SIGKILL mid-stream (a real
subprocess), a drain cancelled as its stopping process cancels it, and a sender that stalled past
its lease. Whoever drains next sends every message exactly once, except the requests that were in
flight when the sender stopped: those are `uncertain` (one per chat at most) and never sent again.

Six chats are owed five messages each, queued oldest first across the chats; the fake Bot API
answers the first nine requests and holds every later one (in flight) until the test lets it go.
A sender then has one request held per chat: nine answered and six in flight."""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from bot.sender import Sender, push_bot
from knowledge.catalog import Catalog
from knowledge.catalog.tables import OutboxRow, PushState
from knowledge.push.outbox import LEASE, Outbox
from tests import drainer
from tests.conftest import ROOT
from tests.fakes.telegram import FakeBotAPI

CHATS = [6001, 6002, 6003, 6004, 6005, 6006]
PER_CHAT = 5
ANSWERED = 9  # then every request is held
IN_FLIGHT = len(CHATS)  # one held request per chat once the sender has gone as far as it can


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'catalog.db'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def catalog(database: str) -> Iterator[Catalog]:
    """The catalog with the thirty messages queued, ids running across the chats (as a fan-out
    queues them), so that any wave or batch holds several messages of every chat."""
    opened = Catalog(database)
    Outbox(opened, per_hour=100).enqueue(
        {"key": f"test:{chat}:{n}", "chat_id": chat, "kind": "digest", "payload": json.dumps({"text": _text(chat, n)})}
        for n in range(PER_CHAT)
        for chat in CHATS
    )
    yield opened
    opened.close()


def _text(chat: int, n: int) -> str:
    return f"message {n} to chat {chat}"


def _texts(api: FakeBotAPI) -> list[str]:
    return [str(call.params["text"]) for call in api.sent()]


def _rows(catalog: Catalog) -> dict[str, str]:
    """Each message's text -> its row's status."""
    with catalog.session() as session:
        return {json.loads(row.payload)["text"]: row.status for row in session.exec(select(OutboxRow))}


async def _until(condition: Callable[[], bool], limit: float = 60) -> bool:
    """Wait for `condition` (polled; generous on a loaded machine); False when it never held."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if condition():
            return True
        await asyncio.sleep(0.05)
    return condition()


async def _drainer(database: str, api: FakeBotAPI, data: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.drainer",
        database,
        api.url,
        str(data),
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )


def _exactly_once(api: FakeBotAPI, rows: dict[str, str], in_flight: list[str]) -> None:
    """No message reached the Bot API twice; every row is sent or uncertain, and the uncertain
    ones are exactly the requests that were in flight; each chat got its messages in order."""
    texts = _texts(api)
    assert [text for text, times in Counter(texts).items() if times > 1] == []
    assert {text for text, status in rows.items() if status not in ("sent", "uncertain")} == set()
    uncertain = {text for text, status in rows.items() if status == "uncertain"}
    assert uncertain == set(in_flight) and len(uncertain) <= len(CHATS)
    assert sorted(texts) == sorted(rows)  # every message was requested once: the uncertain ones before the stop
    for chat in CHATS:
        assert [text for text in texts if text.endswith(f"chat {chat}")] == [_text(chat, n) for n in range(PER_CHAT)]


async def test_a_sender_killed_mid_stream_sends_every_other_message_once_after(
    catalog: Catalog, database: str, api: FakeBotAPI, tmp_path: Path
) -> None:
    release = api.hold("sendMessage", after=ANSWERED)

    killed = await _drainer(database, api, tmp_path)
    # One request held per chat: the sender has gone as far as it can (and has recorded what was answered).
    settled = await _until(lambda: len(api.sent()) >= ANSWERED + IN_FLIGHT)
    killed.send_signal(signal.SIGKILL)
    await killed.wait()
    in_flight = _texts(api)[ANSWERED:]
    release.set()
    again = await _drainer(database, api, tmp_path)
    out, _ = await asyncio.wait_for(again.communicate(), timeout=120)
    report = json.loads(out)
    rows = _rows(catalog)

    assert settled, f"the sender stopped short: {len(api.sent())} requests"
    _exactly_once(api, rows, in_flight)
    assert Counter(rows.values()) == {"sent": len(rows) - IN_FLIGHT, "uncertain": IN_FLIGHT}
    assert report["uncertain"] == IN_FLIGHT and report["sent"] == len(rows) - ANSWERED - IN_FLIGHT


async def test_a_drain_cancelled_with_its_process_is_finished_by_the_restarted_one(
    catalog: Catalog, database: str, api: FakeBotAPI, tmp_path: Path
) -> None:
    """As when the bot or a worker is stopped mid-drain and started again (a new lease holder)."""
    configured = drainer.settings(database, api.url, tmp_path)
    release = api.hold("sendMessage", after=ANSWERED)

    async with push_bot(configured) as bot:
        first = Outbox(catalog, per_hour=100, lease_seconds=drainer.LEASE_SECONDS)
        draining = asyncio.create_task(first.drain(Sender(bot)))
        settled = await _until(lambda: len(api.sent()) >= ANSWERED + IN_FLIGHT)
        draining.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await draining
    in_flight = _texts(api)[ANSWERED:]
    release.set()
    restarted = Outbox(catalog, per_hour=100, lease_seconds=drainer.LEASE_SECONDS)
    drained = await drainer.drain(restarted, configured)
    rows = _rows(catalog)

    assert settled, f"the sender stopped short: {len(api.sent())} requests"
    _exactly_once(api, rows, in_flight)
    assert not drained.busy  # the stopped drain let its lease go
    assert drained.uncertain == IN_FLIGHT and drained.sent == len(rows) - ANSWERED - IN_FLIGHT


async def test_a_sender_that_stalled_past_its_lease_sends_nothing_more_once_another_took_over(
    catalog: Catalog, database: str, api: FakeBotAPI, tmp_path: Path
) -> None:
    configured = drainer.settings(database, api.url, tmp_path)
    stalled = api.hold("sendMessage", after=ANSWERED)
    first = Outbox(catalog, per_hour=100, holder="first", lease_seconds=0.5)
    second = Outbox(catalog, per_hour=100, holder="second", lease_seconds=drainer.LEASE_SECONDS)

    def holder() -> str:
        with catalog.session() as session:
            lease = session.get(PushState, LEASE)
            return lease.holder if lease is not None else ""

    async with push_bot(configured) as bot:
        draining = asyncio.create_task(first.drain(Sender(bot)))
        settled = await _until(lambda: len(api.sent()) >= ANSWERED + IN_FLIGHT)
        in_flight = _texts(api)[ANSWERED:]
        api.hold("sendMessage", after=10_000)  # new requests are answered; the first sender's stay held
        taking_over = asyncio.create_task(drainer.drain(second, configured))
        took_over = await _until(lambda: holder() == "second")
        stalled.set()  # the first sender's requests are answered at last: it must send nothing more
        first_drained = await asyncio.wait_for(draining, timeout=60)
        second_drained = await asyncio.wait_for(taking_over, timeout=120)
    rows = _rows(catalog)

    assert settled and took_over
    _exactly_once(api, rows, in_flight)
    assert first_drained.busy and first_drained.sent == ANSWERED
    assert second_drained.uncertain == IN_FLIGHT and second_drained.sent == len(rows) - ANSWERED - IN_FLIGHT
