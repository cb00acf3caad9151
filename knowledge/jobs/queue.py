"""The job queue on PostgreSQL (procrastinate), as bot replicas and workers see it: one App per
process, bound to DATABASE_URL, with the tasks registered; the schema in place; `QueueJobs`, the
way to enqueue. The single-machine default (JOBS=inline) never touches this."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import procrastinate
import psycopg
from procrastinate.exceptions import AlreadyEnqueued

from knowledge.jobs import tasks
from knowledge.jobs.interface import Accepted
from knowledge.settings import Settings

log = logging.getLogger(__name__)

_SCHEMA_LOCK = 7_310_411  # a PostgreSQL advisory lock: one process applies the schema at a time


def conninfo(database_url: str) -> str:
    """A libpq address from an SQLAlchemy URL (`postgresql+psycopg://…` → `postgresql://…`)."""
    scheme, _, rest = database_url.partition("://")
    if not scheme.startswith("postgresql"):
        raise ValueError("JOBS=queue needs a PostgreSQL DATABASE_URL")
    return f"postgresql://{rest}"


def make_app(settings: Settings) -> procrastinate.App:
    """This process's App: connected to DATABASE_URL (on `open_async`), with every task defined."""
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=conninfo(settings.database_url)))
    tasks.register(app)
    return app


def ensure_schema(settings: Settings) -> None:
    """Create procrastinate's tables on first use (one process at a time)."""
    with psycopg.connect(conninfo(settings.database_url), autocommit=True) as connection:
        connection.execute("SELECT pg_advisory_lock(%s)", (_SCHEMA_LOCK,))
        try:
            found = connection.execute("SELECT to_regclass('procrastinate_jobs')").fetchone()
            if found is None or found[0] is None:
                connection.execute(procrastinate.schema.SchemaManager.get_schema())
                log.info("created the job queue's tables")
        finally:
            connection.execute("SELECT pg_advisory_unlock(%s)", (_SCHEMA_LOCK,))


def counts(settings: Settings) -> dict[str, int]:
    """Jobs by state, for the metrics endpoint."""
    with psycopg.connect(conninfo(settings.database_url), autocommit=True, connect_timeout=3) as connection:
        rows = connection.execute("SELECT status::text, count(*) FROM procrastinate_jobs GROUP BY status").fetchall()
    return {str(state): int(number) for state, number in rows}


class QueueJobs:
    """`Jobs` put in the queue for a worker (JOBS=queue); the worker reports back to the chat."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self.app = make_app(settings)

    async def open(self) -> None:
        await asyncio.to_thread(ensure_schema, self._settings)
        await self.app.open_async()

    async def close(self) -> None:
        await self.app.close_async()

    async def refresh(self, source_ids: list[int] | None, chat_id: int | None, language: str) -> Accepted:
        """Queue a refresh; WAITING when a full refresh is already waiting (it will cover this one)."""
        ids: Any = source_ids  # a JSON list or null in the job's arguments
        waiting = tasks.REFRESH_ALL if source_ids is None else None
        return await self._defer("refresh", waiting, source_ids=ids, chat_id=chat_id, language=language)

    async def remove_source(self, source_id: int, chat_id: int | None, language: str) -> Accepted:
        return await self._defer("remove_source", None, source_id=source_id, chat_id=chat_id, language=language)

    async def rebuild(self, chat_id: int | None, language: str) -> Accepted:
        return await self._defer("rebuild", None, chat_id=chat_id, language=language)

    async def refresh_prices(self, tickers: list[str] | None, chat_id: int | None, language: str) -> Accepted:
        listed: Any = tickers
        return await self._defer("refresh_prices", None, tickers=listed, chat_id=chat_id, language=language)

    async def scheduled_refresh(self) -> Accepted:
        """A tick of the schedule now, out of turn (the workers run the regular ticks themselves)."""
        return await self._defer("scheduled_refresh", None, timestamp=int(time.time()))

    async def _defer(self, name: str, queueing_lock: str | None, **arguments: Any) -> Accepted:
        options = {"queueing_lock": queueing_lock} if queueing_lock else {}
        try:
            await self.app.configure_task(name, allow_unknown=False, **options).defer_async(**arguments)
        except AlreadyEnqueued:
            return Accepted.WAITING
        return Accepted.QUEUED
