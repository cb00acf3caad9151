"""The scaled-out deployment on loopback: PostgreSQL, a Chroma server (`chroma run`), two webhook
replicas and workers as separate processes, the fake Bot API, a web server for sources.

One scenario, in the order an operator meets it: both replicas answer; a source added through one
is answered from by the other; a reindex while both serve loses no question; a worker killed
mid-job is replaced and the job finishes with catalog and store in agreement; two workers run the
schedule once per tick; a new document about a watched company is pushed by a worker, once, to the
chat watching it and to no other; a user's question limit holds across replicas; /metrics carries
the figures.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from pathlib import Path
from typing import Any

import aiohttp
import httpx
import psycopg

from knowledge.jobs.queue import conninfo
from tests.conftest import SEEDS
from tests.fakes.telegram import TOKEN, Call, FakeBotAPI
from tests.fakes.web import FakeWeb, Route
from tests.servers import Role, chroma_server, free_port

ADMIN = 4_100_000_001  # a user id above 2**31, as new Telegram users have
SECRET = "replica-webhook-secret-0123456789abcdef"
KESTREL = "How many new customers did Kestrel Robotics sign up in November?"
WATCHER, OTHER = 900, 901  # private chats: one watches the company the new source is about, one another


class Cluster:
    def __init__(self, folder: Path, env: dict[str, str], api: FakeBotAPI) -> None:
        self.folder, self.env, self.api = folder, env, api
        self.roles: list[Role] = []
        self.ports: dict[str, int] = {}
        self.metrics: dict[str, int] = {}
        self.path = ""

    def start(self, name: str, *args: str) -> Role:
        port, metrics = free_port(), free_port()
        self.ports[name], self.metrics[name] = port, metrics
        extra = {"WEBHOOK_PORT": str(port), "METRICS_PORT": str(metrics)}
        role = Role(name, self.folder, list(args), {**self.env, **extra})
        self.roles.append(role)
        return role

    async def post(self, replica: str, update: dict[str, Any]) -> None:
        async with aiohttp.ClientSession() as http:
            response = await http.post(
                f"http://127.0.0.1:{self.ports[replica]}{self.path}",
                json=update,
                headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
            )
            assert response.status == 200, await response.text()

    async def ask(self, replica: str, chat_id: int, text: str, user: int | None = None) -> None:
        chat = self.api.chat(chat_id)
        await self.post(replica, self.api.update(chat, user or chat_id, text))

    async def answer(self, chat_id: int, count: int = 1, limit: float = 60) -> str:
        found = await self.api.wait_for("sendMessage", count, chat_id, limit=limit * SLOW)
        return str(found[count - 1].params["text"])

    def sql(self, url: str, query: str) -> list[tuple[Any, ...]]:
        with psycopg.connect(conninfo(url), autocommit=True) as connection:
            return connection.execute(query).fetchall()


# Limits are waits for a condition, not timings: a passing run never waits them out, and a machine
# loaded by other jobs (four processes here load the embedding model) may need all of it.
SLOW = 2.0


async def _until(check: Any, limit: float, what: str, every: float = 0.3) -> Any:
    limit *= SLOW
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        await asyncio.sleep(every)
    raise AssertionError(f"not within {limit:g} s: {what}")


async def test_replicas_and_workers_share_one_index_queue_and_limits(tmp_path: Path, postgres_url: str) -> None:
    api, web = FakeBotAPI(), FakeWeb()
    await api.start()
    web.routes["/news/slow-kestrel"] = Route(
        web.routes["/news/kestrel-robots"].body.replace(b"twelve new customers", b"fourteen new clients"), delay=6
    )
    with web.running(), chroma_server(tmp_path / "chroma") as chroma_url:
        env = {
            "SEEDS_DIR": str(SEEDS),
            "SOURCES_FILE": str(tmp_path / "none.toml"),
            "DATABASE_URL": postgres_url,
            "CHROMA_URL": chroma_url,
            "JOBS": "queue",
            "JOB_STALLED_SECONDS": "4",
            "REFRESH_CRON": "* * * * * */10",
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": api.url,
            "ADMIN_USER_IDS": str(ADMIN),
            "WEBHOOK_LISTEN": "127.0.0.1",
            "WEBHOOK_URL": "https://bot.example.com",
            "WEBHOOK_SECRET": SECRET,
            "QUESTIONS_PER_MINUTE": "4",
            "ALLOW_PRIVATE_URLS": "true",  # the sources are served on loopback
            "INDEX_POLL_SECONDS": "0.5",
            "STALE_CHUNK_GRACE_SECONDS": "5",
            "PUSH_INTERVAL_SECONDS": "2",  # the workers' push round: evaluate the triggers, drain the outbox
            "ALERT_DOCUMENT_DAYS": "3650",  # the fixtures' pages are dated 2025: still news here
            "LOG_LEVEL": "INFO",
            "LOG_FORMAT": "json",  # one object per line: the test reads the workers' logs
            "HF_HUB_OFFLINE": "1",
        }
        cluster = Cluster(tmp_path, env, api)
        try:
            await _scenario(cluster, postgres_url, chroma_url, web)
        finally:
            for role in cluster.roles:
                role.stop()
            await api.stop()


async def _scenario(cluster: Cluster, url: str, chroma_url: str, web: FakeWeb) -> None:
    api = cluster.api
    # A worker and two replicas started in the same second on an empty catalog: all come up, the
    # worker builds the one first index, and until it is published questions hear so.
    first = cluster.start("worker-1", "worker")
    cluster.start("replica-a", "run", "--webhook")
    cluster.start("replica-b", "run", "--webhook")
    hooks = await api.wait_for("setWebhook", 2, limit=180)
    cluster.path = str(hooks[0].params["url"]).removeprefix("https://bot.example.com")

    # Asked while the worker seeds: "being built" (or what is published so far), never "not covered".
    await cluster.ask("replica-b", 499, "Why is Alibaba down?")
    assert "do not cover" not in await cluster.answer(499, limit=120)

    # Both replicas answer from the index the worker built (asked again until they serve all of it).
    await _asked_once_built(cluster, "replica-a", 501, "Why is Alibaba down?", "1.3%")
    await _asked_once_built(cluster, "replica-b", 502, "How fast did Alibaba's cloud business grow?", "34%")
    assert cluster.sql(url, "SELECT count(*) FROM source")[0][0] == 1  # the seeds, registered once

    # Two chats watch a company each, through either replica (the seeds, indexed before, alert no one).
    await cluster.ask("replica-a", WATCHER, "/watch Amazon")
    assert "(AMZN)" in await cluster.answer(WATCHER)
    await cluster.ask("replica-b", OTHER, "/watch Apple")
    assert "(AAPL)" in await cluster.answer(OTHER)

    # A source added through replica A: the worker fetches it; replica B answers from it. (Kestrel has
    # no listing the bot knows: the admin files the page under a company a chat can watch.)
    admin = api.chat(ADMIN)
    page = f"{web.base}/news/kestrel-robots"
    await cluster.post("replica-a", api.update(admin, ADMIN, f"/addsource url {page} tickers=AMZN"))
    assert "Queued for the worker" in await cluster.answer(ADMIN, 1)
    # (A scheduled refresh may have fetched the new source first: then this one finds it unchanged.)
    assert (await cluster.answer(ADMIN, 2, limit=90)).startswith("Reindex finished")
    reported = time.monotonic()
    asked = 0

    async def answered_from_new_source() -> bool:
        nonlocal asked
        asked += 1
        await cluster.ask("replica-b", 503, KESTREL, user=503 + asked * 1000)  # fresh users: no limit
        return "twelve new customers" in await cluster.answer(503, asked)

    while not await answered_from_new_source():  # polled every 0.5 s, loaded beside the served one
        waited = time.monotonic() - reported
        assert waited < 90 * SLOW, f"replica B did not answer from the new source within {90 * SLOW:g} s"
        await asyncio.sleep(1)

    # A worker's push round sends the watching chat one alert about the new page, and no one else any.
    alert = await cluster.answer(WATCHER, 2, limit=30)
    assert "Kestrel Robotics widens" in alert, alert

    # A reindex while both replicas serve: every question is answered, none with an apology.
    await cluster.post("replica-a", api.update(admin, ADMIN, "/reindex"))
    for n in range(8):
        await cluster.ask("replica-a" if n % 2 else "replica-b", 600 + n, "Why is JD.com under pressure?")
    for n in range(8):
        text = await cluster.answer(600 + n)
        assert "Sorry" not in text and "[1]" in text
    assert (await cluster.answer(ADMIN, 4, limit=90)).startswith("Reindex finished")

    # The worker is killed in the middle of a job; a new worker takes the job over and finishes it.
    await cluster.post("replica-a", api.update(admin, ADMIN, f"/addsource url {web.base}/news/slow-kestrel"))
    await _until(lambda: _doing(cluster, url, "refresh"), 60, "the worker starts the slow refresh")
    first.kill()
    second = cluster.start("worker-2", "worker")
    third = cluster.start("worker-3", "worker")
    done = await cluster.answer(ADMIN, 6, limit=120)
    assert done.startswith("Reindex finished"), done
    await _until(lambda: not _doing(cluster, url, "refresh"), 30, "no refresh left running")
    assert "job" in second.log() + third.log() and "queued again" in second.log() + third.log()
    _assert_catalog_and_store_agree(cluster, url, chroma_url)

    # Two workers, one scheduled refresh per tick (the schedule here: every 10 s).
    await _until(lambda: len(_ticks(second, third)) >= 2, 90, "two scheduled ticks", every=1)
    ticks = _ticks(second, third)
    assert len(ticks) == len(set(ticks)), ticks

    # Across the reindex, the killed worker and the new workers' push rounds: still that one alert,
    # and nothing for the chat watching another company.
    assert len(api.sent(chat_id=WATCHER)) == 2 and len(api.sent(chat_id=OTHER)) == 1
    assert cluster.sql(url, "SELECT chat_id, status FROM outbox") == [(WATCHER, "sent")]

    # A user's question limit (4 a minute) holds across replicas: the fifth question is asked once
    # the four are counted, not once they are answered (four answers may take a minute under load).
    for _ in range(4):
        await cluster.ask("replica-a", 700, "Why is Baidu's advertising revenue falling?")
    await _until(lambda: _counted(cluster, url, 700) >= 4, 60, "four questions counted")
    await cluster.ask("replica-b", 700, "Why is Baidu's advertising revenue falling?")
    await api.wait_for("sendMessage", 1, 700, limit=60, where=_refusal)

    # /metrics on a replica and on the workers.
    workers = ("worker-2", "worker-3")
    async with aiohttp.ClientSession() as http:
        replica = await (await http.get(f"http://127.0.0.1:{cluster.metrics['replica-a']}/metrics")).text()
        worker = "".join(  # the two workers share the jobs: either may have run a refresh
            [await (await http.get(f"http://127.0.0.1:{cluster.metrics[name]}/metrics")).text() for name in workers]
        )
    for name in (
        'investorbot_questions_total{mode="extractive",outcome="answered"}',
        "investorbot_answer_seconds_bucket",
        "investorbot_guard_removals_total",
        "investorbot_model_fallbacks",
        "investorbot_index_generation",
        "investorbot_index_chunks",
        'investorbot_queue_jobs{state="todo"}',
    ):
        assert name in replica, name
    assert re.search(r'investorbot_jobs_total\{state="succeeded",task="(?:scheduled_)?refresh"\} [1-9]', worker)
    assert "investorbot_refresh_seconds_count" in worker and "investorbot_queue_jobs" in worker
    # A replica loads a new generation beside the one it serves, after the question that noticed it
    # (scheduled refreshes may publish more: each round asks again, so the replica notices).
    deadline, round_ = time.monotonic() + 90 * SLOW, 0
    while _served(cluster, "replica-a") != _generation(cluster, url):
        assert time.monotonic() < deadline, "replica A does not serve the newest generation"
        round_ += 1
        await cluster.ask("replica-a", 800, "Why is JD.com under pressure?", user=800 + round_ * 1000)
        await cluster.answer(800, round_, limit=120)


async def _asked_once_built(cluster: Cluster, replica: str, chat_id: int, question: str, expected: str) -> str:
    """The answer once the replica serves the seeded index (it may serve a checkpoint of it first)."""
    deadline, asked = time.monotonic() + 240 * SLOW, 0
    while True:
        asked += 1
        await cluster.ask(replica, chat_id, question, user=chat_id + asked * 1000)  # fresh users: no limit
        text = await cluster.answer(chat_id, asked, limit=120)
        if expected in text:
            return text
        assert time.monotonic() < deadline, f"the first index was not served within {240 * SLOW:g} s"
        await asyncio.sleep(1)


def _generation(cluster: Cluster, url: str) -> int:
    try:
        rows = cluster.sql(url, "SELECT generation FROM index_state")
    except psycopg.Error:  # the tables are not there yet
        return 0
    return int(rows[0][0]) if rows else 0


def _refusal(call: Call) -> bool:
    return "asking faster than I can keep up" in str(call.params["text"])


def _counted(cluster: Cluster, url: str, user: int) -> int:
    """Questions counted against a user's per-minute limit (as every replica sees them)."""
    return int(cluster.sql(url, f"SELECT count(*) FROM question_event WHERE user_id = {user}")[0][0])


def _served(cluster: Cluster, replica: str) -> int:
    """The index generation a replica says on /metrics that it serves."""
    text = httpx.get(f"http://127.0.0.1:{cluster.metrics[replica]}/metrics", timeout=10).text
    found = re.search(r"^investorbot_index_generation (\S+)$", text, re.M)
    return int(float(found.group(1))) if found else -1


def _doing(cluster: Cluster, url: str, task: str) -> bool:
    try:
        rows = cluster.sql(
            url, f"SELECT count(*) FROM procrastinate_jobs WHERE status = 'doing' AND task_name = '{task}'"
        )
    except psycopg.Error:
        return False
    return bool(rows[0][0])


def _ticks(*workers: Role) -> list[str]:
    """The schedule's ticks each worker ran, from its JSON log lines."""
    messages = [
        json.loads(line)["message"] for worker in workers for line in worker.log().splitlines() if line.startswith("{")
    ]
    return [tick for message in messages for tick in re.findall(r"scheduled refresh \(tick (\d+)\)", message)]


def _assert_catalog_and_store_agree(cluster: Cluster, url: str, chroma_url: str) -> None:
    ((collection, listed),) = cluster.sql(url, "SELECT collection, chunk_count FROM index_state")
    ((documents,),) = cluster.sql(url, "SELECT coalesce(sum(chunk_count), 0) FROM document")
    base = f"{chroma_url}/api/v2/tenants/default_tenant/databases/default_database/collections"
    with httpx.Client(timeout=10) as http:  # Chroma's REST API, as any client sees the server
        found = http.get(f"{base}/{collection}").json()
        stored = int(http.get(f"{base}/{found['id']}/count").json())
    assert stored == listed == documents, (stored, listed, documents)
