"""What a worker runs jobs with: the indexing side, the runner the queue's tasks call, and the
process's queue App. No answer engine is built, nor its modules imported."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import procrastinate

from knowledge.index.embedder import Embedder
from knowledge.jobs.interface import Tell
from knowledge.jobs.queue import ensure_schema, make_app
from knowledge.jobs.runner import Runner
from knowledge.settings import Settings
from knowledge.wiring.core import Core
from knowledge.wiring.indexing import Indexing


@dataclass
class WorkerRole:
    indexing: Indexing
    runner: Runner
    queue: procrastinate.App

    async def start(self) -> None:
        """Seed an empty index, and create the queue's tables on first use."""
        await asyncio.to_thread(self.indexing.prepare)
        await asyncio.to_thread(ensure_schema, self.indexing.settings)

    def close(self) -> None:
        self.indexing.core.close()


def worker_role(settings: Settings, tell: Tell, *, embedder: Embedder | None = None) -> WorkerRole:
    """`tell` reports a finished job to the chat of the admin who asked for it."""
    indexing = Indexing(Core(settings, embedder))
    runner = Runner(indexing, tell, settings.index_lock_wait_seconds)
    return WorkerRole(indexing, runner, make_app(settings))
