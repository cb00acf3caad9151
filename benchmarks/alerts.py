"""Alerts and digests at scale (issue 20, "Speed and scale"): 10,000 chats watching 1–20 of 100
tickers; one refresh adds 50 documents and one price session has 10 unusual moves.

Prints: how long filling the outbox takes (the fan-out of 60 alerts); what a fan-out stopped half
way and run again leaves (duplicates); the sending pace through PTB's rate limiter against the test
suite's fake Bot API on loopback (messages a second overall, the most any group got in a minute);
and how long queueing 10,000 digests due in the same minute takes. The alerts' texts are written
directly (a fixed guarded answer): this measures the catalog and the sending, not retrieval.

Run: `.venv/bin/python benchmarks/alerts.py [--chats 10000] [--send-seconds 20]
[--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test]`
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pydantic import SecretStr  # noqa: E402
from sqlalchemy import create_engine  # noqa: E402
from sqlmodel import col, func, select  # noqa: E402

from bot.sender import Sender, push_bot  # noqa: E402
from knowledge.answer.record import Answer, Citation  # noqa: E402
from knowledge.catalog import Catalog  # noqa: E402
from knowledge.catalog.tables import AlertRow, OutboxRow, PriceBar, PushChat, WatchRow  # noqa: E402
from knowledge.market.prices import Prices  # noqa: E402
from knowledge.push import payload  # noqa: E402
from knowledge.push.digest import Digests  # noqa: E402
from knowledge.push.outbox import Outbox  # noqa: E402
from knowledge.push.triggers import Sources, Triggers  # noqa: E402
from knowledge.settings import Settings  # noqa: E402
from knowledge.text.companies import Companies  # noqa: E402
from tests.fakes.telegram import TOKEN, FakeBotAPI  # noqa: E402

TICKERS = [f"T{n:03d}" for n in range(100)]  # synthetic symbols: the catalog does not care


def _populate(catalog: Catalog, chats: int, rng: random.Random) -> int:
    """Chats (one in ten a group) watching 1-20 tickers each; two sessions of bars per ticker."""
    past = datetime.now(UTC) - timedelta(days=2)
    ids = [(-1_000_000_000_000 - n) if n % 10 == 0 else 10_000 + n for n in range(chats)]
    chat_rows = [
        {
            "chat_id": chat,
            "kind": "private" if chat > 0 else "supergroup",
            "title": "",
            "language": "en",
            "timezone": "UTC",
            "alerts": True,
            "quiet_from": "",
            "quiet_until": "",
            "digest_at": "08:00",
            "digest_set_at": past,
            "paused_at": None,
            "paused_reason": "",
            "created_at": past,
        }
        for chat in ids
    ]
    watch_rows = [
        {"chat_id": chat, "ticker": ticker, "added_at": past}
        for chat in ids
        for ticker in rng.sample(TICKERS, rng.randint(1, 20))
    ]
    today = date.today()
    bars = [
        {
            "ticker": ticker,
            "session": today - timedelta(days=back),
            "open": 10.0,
            "high": 11.0,
            "low": 9.0,
            "close": 10.0 + back,
            "adj_close": 10.0 + back,
            "volume": 1000,
            "source": "benchmark",
            "fetched_at": past,
        }
        for ticker in TICKERS
        for back in (1, 2)
    ]
    with catalog.engine.begin() as connection:
        connection.execute(PushChat.__table__.insert(), chat_rows)  # type: ignore[attr-defined]
        connection.execute(WatchRow.__table__.insert(), watch_rows)  # type: ignore[attr-defined]
        connection.execute(PriceBar.__table__.insert(), bars)  # type: ignore[attr-defined]
    return len(watch_rows)


def _alerts(catalog: Catalog, rng: random.Random) -> list[AlertRow]:
    """50 document alerts and 10 move alerts, with a fixed cited text each."""
    citation = Citation(1, "Benchmark item", "Desk", "https://example.com/item", "2026-12-04", None, "doc", "A quote.")
    made = []
    with catalog.session() as session:
        for n in range(60):
            kind = "document" if n < 50 else "move"
            ticker = rng.choice(TICKERS)
            answer = Answer("q", f"{ticker}: benchmark item {n}. A quote. [1]", (citation,), "", "en", False, True)
            row = AlertRow(
                key=f"{kind}:bench-{n}",
                kind=kind,
                ticker=ticker,
                title=f"item {n}",
                payload='{"en": ' + _quoted(payload.dump(answer)) + "}",
            )
            session.add(row)
            made.append(row)
        session.commit()
        for row in made:
            session.refresh(row)
    return made


def _quoted(text: str) -> str:
    return json.dumps(text)


def _unused(*_: Any) -> Any:
    raise AssertionError("not used by the fan-out")


async def _send(outbox: Outbox, settings: Settings, seconds: float) -> tuple[int, float, int]:
    """Drain for `seconds` against the fake Bot API: (sent, per second, most to one group in a minute)."""
    api = FakeBotAPI()
    await api.start()
    settings = settings.model_copy(update={"telegram_api_url": api.url})
    started = time.monotonic()
    async with push_bot(settings) as bot:
        await outbox.drain(Sender(bot), seconds=seconds)  # the rest stays queued
    elapsed = time.monotonic() - started
    calls = api.sent()
    await api.stop()
    groups = Counter(int(call.params["chat_id"]) for call in calls if int(call.params["chat_id"]) < 0)
    return len(calls), len(calls) / elapsed, max(groups.values(), default=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chats", type=int, default=10_000)
    parser.add_argument("--send-seconds", type=float, default=20.0)
    parser.add_argument("--postgres", default="", help="an admin URL; a scratch database is made on it")
    args = parser.parse_args()
    rng = random.Random(20)
    folder = Path(tempfile.mkdtemp(prefix="alerts-bench-"))
    url, admin, name = f"sqlite:///{folder / 'catalog.db'}", None, ""
    if args.postgres:
        name = f"alerts_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        url = args.postgres.rsplit("/", 1)[0] + f"/{name}"
    settings = Settings(_env_file=None, data_dir=folder, database_url=url, telegram_bot_token=SecretStr(TOKEN))  # type: ignore[call-arg]
    catalog = Catalog(url)
    try:
        _run(catalog, settings, args, rng)
    finally:
        catalog.close()
        if admin is not None:
            with admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _run(catalog: Catalog, settings: Settings, args: argparse.Namespace, rng: random.Random) -> None:
    print(f"catalog: {catalog.engine.dialect.name}; {args.chats} chats", flush=True)
    watches = _populate(catalog, args.chats, rng)
    alerts = _alerts(catalog, rng)
    outbox = Outbox(catalog, per_hour=1000)
    sources = Sources(_unused, Companies.default, _unused, _unused, _unused)
    triggers = Triggers(settings, catalog, Prices(settings, catalog), outbox, sources)
    print(f"{watches} watchlist entries over {len(TICKERS)} tickers; 50 new documents, 10 unusual moves")

    happened = datetime.now(UTC)
    started, cpu = time.perf_counter(), time.process_time()
    for alert in alerts[:30]:  # a fan-out stopped half way ...
        triggers.fan_out(alert, [alert.ticker], happened)
    half = time.perf_counter() - started
    for alert in alerts:  # ... and run again from the start
        triggers.fan_out(alert, [alert.ticker], happened)
    whole, cpu = time.perf_counter() - started, time.process_time() - cpu
    with catalog.session() as session:
        rows = int(session.exec(select(func.count()).select_from(OutboxRow)).one())
        keys = int(session.exec(select(func.count(func.distinct(col(OutboxRow.key))))).one())
        chats = int(session.exec(select(func.count(func.distinct(col(OutboxRow.chat_id))))).one())
    print(
        f"fan-out: {rows} outbox rows for {chats} chats in {whole:.2f} s wall, {cpu:.2f} s CPU in this process "
        f"(stopped after 30 alerts at {half:.2f} s, then all 60 again: the first 30 skipped by their keys); "
        f"duplicates: {rows - keys}"
    )

    sent, pace, group_max = asyncio.run(_send(outbox, settings, args.send_seconds))
    print(
        f"sending for {args.send_seconds:.0f} s: {sent} messages, {pace:.1f}/s overall; "
        f"most to one group: {group_max} (limit {settings.group_messages_per_minute}/min); "
        f"all {rows} would take about {rows / max(pace, 0.1) / 60:.1f} min at this pace"
    )

    digests = Digests(
        catalog, Prices(settings, catalog), outbox, view=lambda: _EMPTY, companies=Companies.default, embedder=_unused
    )
    at = datetime.combine(date.today(), datetime.min.time(), UTC) + timedelta(hours=8, seconds=30)
    started, cpu = time.perf_counter(), time.process_time()
    queued = digests.run(at)
    took, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"digests due at 08:00: {queued} queued in {took:.2f} s wall, {cpu:.2f} s CPU; "
        f"sending them at {pace:.1f}/s takes about {queued / max(pace, 0.1) / 60:.1f} min; "
        f"a second run at the same time queued {digests.run(at)}"
    )


_EMPTY: Any = SimpleNamespace(store=SimpleNamespace(get=lambda ids: []), keyword=SimpleNamespace(ids_of=lambda ids: []))


if __name__ == "__main__":
    main()
