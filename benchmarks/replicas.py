"""200 private questions spread over two webhook replicas, as scaled out: PostgreSQL, a Chroma server
(`chroma run`), one worker that seeds the index, two `investorbot run --webhook` processes, and
the test suite's fake Bot API on loopback. Prints how many were answered, and the latency from
posting the update to the answer's sendMessage (p50, p95, max), plus each replica's peak RSS.

Run: `.venv/bin/python benchmarks/replicas.py [--questions 200] [--rate 20]
[--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test]`
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
import psycopg  # noqa: E402
from sqlalchemy import create_engine  # noqa: E402

from knowledge.jobs.queue import conninfo  # noqa: E402
from tests.conftest import SEEDS  # noqa: E402
from tests.fakes.telegram import TOKEN, FakeBotAPI  # noqa: E402
from tests.servers import Role, chroma_server, free_port  # noqa: E402

QUESTIONS = [
    "Why is Alibaba down?",
    "How fast did Alibaba's cloud business grow?",
    "Why is JD.com under pressure?",
    "Why is Baidu's advertising revenue falling?",
    "Warum fällt die Alibaba-Aktie?",
    "What weighs on Alibaba's margins?",
    "How is Temu dealing with US tariffs?",
    "Wie viel investiert Alibaba in KI?",
]


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def run(folder: Path, database_url: str, count: int, rate: float) -> None:
    api = FakeBotAPI()
    await api.start()
    with chroma_server(folder / "chroma") as chroma_url:
        env = {
            "SEEDS_DIR": str(SEEDS),
            "SOURCES_FILE": str(folder / "none.toml"),
            "DATABASE_URL": database_url,
            "CHROMA_URL": chroma_url,
            "JOBS": "queue",
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": api.url,
            "WEBHOOK_LISTEN": "127.0.0.1",
            "WEBHOOK_URL": "https://bot.example.com",
            "QUESTIONS_PER_MINUTE": "1000",
            "REFRESH_INTERVAL_MINUTES": "0",
            "LOG_LEVEL": "WARNING",
            "HF_HUB_OFFLINE": "1",
        }
        roles = [Role("worker", folder, ["worker"], env)]
        try:
            for _ in range(360):  # the worker seeds the index (up to 3 minutes)
                if _generation(database_url):
                    break
                await asyncio.sleep(0.5)
            ports = [free_port(), free_port()]
            replicas = [
                Role(f"replica-{n}", folder, ["run", "--webhook"], {**env, "WEBHOOK_PORT": str(port)})
                for n, port in enumerate(ports)
            ]
            roles += replicas
            hooks = await api.wait_for("setWebhook", 2, limit=180)
            path = str(hooks[0].params["url"]).removeprefix("https://bot.example.com")
            await _ask_all(api, ports, path, count, rate)
            for replica in replicas:
                print(f"{replica.name} peak RSS: {_peak_rss_mb(replica.process.pid):.0f} MB")
        finally:
            for role in roles:
                role.stop()
            await api.stop()


async def _ask_all(api: FakeBotAPI, ports: list[int], path: str, count: int, rate: float) -> None:
    posted: dict[int, float] = {}
    async with aiohttp.ClientSession() as http:
        for n in range(count):
            chat_id = 900_000 + n
            update = api.update(api.chat(chat_id), chat_id, QUESTIONS[n % len(QUESTIONS)])
            posted[chat_id] = time.monotonic()
            await http.post(f"http://127.0.0.1:{ports[n % 2]}{path}", json=update)
            await asyncio.sleep(1 / rate)  # spread evenly over the two replicas
    for _ in range(600):  # up to two minutes for the last answers
        if len(_answered(api, posted)) >= count:
            break
        await asyncio.sleep(0.2)
    answered = _answered(api, posted)
    latencies = sorted((answered[chat] - posted[chat]) * 1000 for chat in answered)
    print(f"{count} questions at {rate:g}/s over 2 replicas: {len(answered)} answered, {count - len(answered)} lost")
    if latencies:
        p95 = latencies[int(0.95 * (len(latencies) - 1))]
        print(
            f"post to answer: p50 {statistics.median(latencies):.0f} ms, p95 {p95:.0f} ms, max {latencies[-1]:.0f} ms"
        )


def _answered(api: FakeBotAPI, posted: dict[int, float]) -> dict[int, float]:
    first: dict[int, float] = {}
    for call in api.sent("sendMessage"):
        chat = int(call.params["chat_id"])
        if chat in posted and chat not in first:
            first[chat] = call.at
    return first


def _generation(database_url: str) -> int:
    try:
        with psycopg.connect(conninfo(database_url), autocommit=True) as connection:
            row = connection.execute("SELECT generation FROM index_state").fetchone()
    except psycopg.Error:
        return 0
    return int(row[0]) if row else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--rate", type=float, default=20.0, help="questions posted per second")
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    name = f"investorbot_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        with tempfile.TemporaryDirectory() as scratch:
            url = args.postgres.rsplit("/", 1)[0] + f"/{name}"
            asyncio.run(run(Path(scratch), url, args.questions, args.rate))
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


if __name__ == "__main__":
    main()
