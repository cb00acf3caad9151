"""The one interface both ways of running jobs share: callers ask, and hear whether the job started,
was queued, or has to wait; how it went is told to the admin's chat when it is done."""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from typing import Protocol

Tell = Callable[[int, str], Awaitable[None]]
"""Send one plain-text message to a chat (whichever Bot API client the process has)."""


class Accepted(enum.Enum):
    """What became of a request for a job."""

    STARTED = "started"  # runs now, in this process
    QUEUED = "queued"  # a worker will run it
    WAITING = "waiting"  # the same job already waits in the queue, and covers this request
    BUSY = "busy"  # another index change runs in this process; nothing was started


class Jobs(Protocol):
    """Index and price changes on request. Every call returns at once (the scheduled refresh in
    this process: once it has run); `chat_id`, when given, hears the outcome in `language`."""

    async def open(self) -> None: ...

    async def close(self) -> None: ...

    async def refresh(self, source_ids: list[int] | None, chat_id: int | None, language: str) -> Accepted: ...

    async def remove_source(self, source_id: int, chat_id: int | None, language: str) -> Accepted: ...

    async def rebuild(self, chat_id: int | None, language: str) -> Accepted: ...

    async def refresh_prices(self, tickers: list[str] | None, chat_id: int | None, language: str) -> Accepted: ...

    async def scheduled_refresh(self) -> Accepted: ...
