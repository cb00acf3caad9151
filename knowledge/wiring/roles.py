"""The roles a process plays, each built with only what it uses.

- `bot`: what the Telegram app serves from. A replica (JOBS=queue) gets the answering side and
  the queue to put index changes in: no index writer, no librarian. The single process
  (JOBS=inline) gets both sides and runs index changes itself.
- `worker`: the indexing side, the runner of jobs and the queue's App: no answer engine.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

import procrastinate

from knowledge.answer.generator import Generator
from knowledge.index.embedder import Embedder
from knowledge.jobs.inline import InlineJobs
from knowledge.jobs.interface import Jobs, Tell
from knowledge.jobs.queue import QueueJobs, ensure_schema, make_app
from knowledge.jobs.runner import Runner
from knowledge.settings import Settings
from knowledge.wiring.answering import Answering
from knowledge.wiring.core import Core
from knowledge.wiring.indexing import Indexing
from knowledge.wiring.local import Local

log = logging.getLogger(__name__)


@dataclass
class BotRole:
    """The answering side and the jobs; the indexing side only when this process changes the index."""

    answering: Answering
    jobs: Jobs
    indexing: Indexing | None = None

    async def start(self) -> None:
        """Open the jobs, seed an empty index (a replica leaves that to the workers), and load the
        keyword index before the first question."""
        await self.jobs.open()
        if self.indexing is not None:
            await seed(self.indexing)
        await asyncio.to_thread(lambda: self.answering.keyword)

    async def close(self) -> None:
        await self.jobs.close()
        await self.answering.aclose()
        self.answering.core.close()


def bot(
    settings: Settings,
    tell: Tell,
    *,
    embedder: Embedder | None = None,
    generator: Generator | None = None,
    answering: type[Answering] = Answering,
) -> BotRole:
    """The bot's services; `tell` reports finished jobs to a chat (used when this process runs them)."""
    if settings.jobs == "queue":
        return BotRole(answering(Core(settings, embedder), generator), QueueJobs(settings))
    local = Local(settings, embedder, generator, answering)
    # In the bot's own process a job does not wait for another writer (the CLI): it says so at once.
    return BotRole(local.answering, InlineJobs(Runner(local.indexing, tell, lock_wait_seconds=0.0)), local.indexing)


@dataclass
class WorkerRole:
    """The indexing side, the runner the queue's tasks call, and this process's queue App."""

    indexing: Indexing
    runner: Runner
    queue: procrastinate.App

    async def start(self) -> None:
        """Seed an empty index, and create the queue's tables on first use."""
        await seed(self.indexing)
        await asyncio.to_thread(ensure_schema, self.indexing.settings)

    def close(self) -> None:
        self.indexing.core.close()


def worker(settings: Settings, tell: Tell, *, embedder: Embedder | None = None) -> WorkerRole:
    indexing = Indexing(Core(settings, embedder))
    runner = Runner(indexing, tell, settings.index_lock_wait_seconds)
    return WorkerRole(indexing, runner, make_app(settings))


async def seed(indexing: Indexing) -> None:
    """Add the sources of SOURCES_FILE, and index SEEDS_DIR if nothing is indexed yet."""
    await asyncio.to_thread(indexing.librarian.import_sources_file)
    report = await asyncio.to_thread(indexing.ensure_seeded)
    if report is not None:
        log.info("indexed the seeds: %d documents, %d chunks", report.documents_added, report.chunks_embedded)
