"""What the Telegram app serves from, built for JOBS.

A replica (JOBS=queue) gets the answering side and the queue to put index changes in: no index
writer, no librarian. The single process (JOBS=inline) gets both sides on one catalog and runs
index changes itself.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from knowledge.answer.generate.generator import Generator
from knowledge.index.embedder import Embedder
from knowledge.jobs.inline import InlineJobs
from knowledge.jobs.interface import Jobs, Tell
from knowledge.jobs.queue import QueueJobs
from knowledge.jobs.runner import Runner
from knowledge.settings import Settings
from knowledge.wiring.answering import Answering
from knowledge.wiring.core import Core
from knowledge.wiring.indexing import Indexing
from knowledge.wiring.local import Local


@dataclass
class BotRole:
    """The answering side and the jobs; the indexing side only when this process changes the index."""

    answering: Answering
    jobs: Jobs
    indexing: Indexing | None = None

    async def start(self) -> None:
        """Open the jobs, seed an empty index (a replica leaves that to the workers), and load the
        keyword index, the embedding model and the advice examples before the first question."""
        await self.jobs.open()
        if self.indexing is not None:
            await asyncio.to_thread(self.indexing.prepare)
        await asyncio.to_thread(lambda: self.answering.keyword)
        await asyncio.to_thread(self.answering.answers.warm)

    async def stop(self) -> None:
        """Let a job running here finish (its report is still due), and leave the queue."""
        await self.jobs.close()

    async def close(self) -> None:
        """Release the model client's connections and the catalog."""
        await self.answering.aclose()
        self.answering.core.close()


def bot_role(
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
