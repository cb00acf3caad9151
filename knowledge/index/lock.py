"""One writer at a time per index, across processes (and across hosts on PostgreSQL).

SQLite catalogs live on one machine: a lock file in DATA_DIR does. PostgreSQL catalogs may be
shared by workers on several hosts: a session-level advisory lock does, released by the server
when the holder's connection dies, so a killed writer never leaves the index locked.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import socket
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from sqlalchemy import Connection, text

from knowledge.catalog import Catalog
from knowledge.catalog.tables import IndexState

log = logging.getLogger(__name__)

_ADVISORY_KEY = 720_431_002


@contextlib.contextmanager
def alone(folder: Path) -> Iterator[None]:
    """One process at a time in this block for this folder (it waits for the others). Processes
    starting together on a fresh machine (a bot and its worker, test workers) would otherwise all
    export the model and fit the readings, and remove each other's files under a fixed name."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, also if the process dies
        yield


class IndexBusyError(Exception):
    """Another process is writing the index; the message says who and since when."""


class WriterLock:
    """Held for the whole of an ingest, refresh, removal or rebuild."""

    def __init__(self, catalog: Catalog, lock_file: Path) -> None:
        self._catalog, self._lock_file = catalog, lock_file
        self._handle: IO[str] | None = None
        self._connection: Connection | None = None

    @contextlib.contextmanager
    def holding(self, what: str, wait: float = 0.0, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
        """Hold the lock meanwhile; wait up to `wait` seconds for it, else raise IndexBusyError."""
        deadline = time.monotonic() + wait
        told = False
        while not self._try():
            holder = self.holder()
            if time.monotonic() >= deadline:
                raise IndexBusyError(f"another indexing run is in progress ({holder}); try again when it is done")
            if on_wait is not None and not told:
                on_wait(holder)
                told = True
            time.sleep(min(1.0, max(0.05, deadline - time.monotonic())))
        try:
            self._set_holder(f"{what} by pid {os.getpid()} on {socket.gethostname()} since {_clock()}")
            yield
        finally:
            with contextlib.suppress(Exception):  # a full disk must not keep the lock held
                self._set_holder("")
            self._release()

    def holder(self) -> str:
        with self._catalog.session() as session:
            state = session.get(IndexState, 1)
        return (state.writer if state is not None else "") or "holder unknown"

    def _try(self) -> bool:
        if self._catalog.engine.dialect.name == "postgresql":
            connection = self._catalog.engine.connect()
            got = bool(connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": _ADVISORY_KEY}).scalar())
            connection.commit()
            if got:
                self._connection = connection
            else:
                connection.close()
            return got
        self._lock_file.parent.mkdir(parents=True, exist_ok=True)
        handle = self._lock_file.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._handle = handle
        return True

    def _release(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):
                self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _ADVISORY_KEY})
                self._connection.commit()
            self._connection.close()
            self._connection = None
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None

    def _set_holder(self, holder: str) -> None:
        with self._catalog.session() as session:
            state = session.get(IndexState, 1) or IndexState()
            state.writer = holder
            session.add(state)
            session.commit()


def _clock() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
