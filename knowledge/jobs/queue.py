"""The job queue as the bot and the worker see it: bound to DATABASE_URL, schema in place, and
the few ways to enqueue a job. The single-machine default (JOBS=inline) never touches this."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import procrastinate
import psycopg
from procrastinate.exceptions import AlreadyEnqueued

from knowledge.jobs import tasks
from knowledge.settings import Settings

log = logging.getLogger(__name__)

_SCHEMA_LOCK = 7_310_411  # a PostgreSQL advisory lock: one process applies the schema at a time


def conninfo(database_url: str) -> str:
    """A libpq address from an SQLAlchemy URL (`postgresql+psycopg://…` → `postgresql://…`)."""
    scheme, _, rest = database_url.partition("://")
    if not scheme.startswith("postgresql"):
        raise ValueError("JOBS=queue needs a PostgreSQL DATABASE_URL")
    return f"postgresql://{rest}"


def bind(settings: Settings, *, schedule: bool = False) -> procrastinate.App:
    """The tasks' app, connected to DATABASE_URL; with the scheduled refresh when `schedule`."""
    app = tasks.app
    connector = procrastinate.PsycopgConnector(conninfo=conninfo(settings.database_url))
    # What `App.replace_connector` does, kept for the process's life (tasks refer to this app).
    app.connector = connector
    app.job_manager.connector = connector
    cron = settings.refresh_schedule
    registered = (tasks.scheduled_refresh.name, "refresh") in app.periodic_registry.periodic_tasks
    if schedule and cron and not registered:
        app.periodic(cron=cron, periodic_id="refresh")(tasks.scheduled_refresh)
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


class Jobs:
    """Enqueueing, for bot replicas: every call returns at once; the worker reports back."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self.app = bind(settings)

    async def open(self) -> None:
        await asyncio.to_thread(ensure_schema, self._settings)
        await self.app.open_async()

    async def close(self) -> None:
        await self.app.close_async()

    async def refresh(self, source_ids: list[int] | None, chat_id: int | None, language: str) -> bool:
        """Queue a refresh; False when a full refresh is already waiting (it will cover this one)."""
        task = tasks.refresh.configure(queueing_lock=tasks.REFRESH_ALL) if source_ids is None else tasks.refresh
        try:
            ids: Any = source_ids  # a JSON list or null in the job's arguments
            await task.defer_async(source_ids=ids, chat_id=chat_id, language=language)
        except AlreadyEnqueued:
            return False
        return True

    async def remove_source(self, source_id: int, chat_id: int | None, language: str) -> None:
        await tasks.remove_source.defer_async(source_id=source_id, chat_id=chat_id, language=language)

    async def rebuild(self, chat_id: int | None, language: str) -> bool:
        try:
            await tasks.rebuild.defer_async(chat_id=chat_id, language=language)
        except AlreadyEnqueued:
            return False
        return True
