"""Group commit: many coroutines' small writes, each awaited until it is committed, written together.

In: items from any number of coroutines (`await commit(item)`). Out: each item's result once the
transaction that held it has committed. Whatever is queued while one transaction runs goes into the
next one, so a caller never waits for more than two, and the writes per second stay low however
many callers there are: SQLite takes one writer at a time, and a commit costs a disk flush on either
database.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


class GroupCommit(Generic[Item, Result]):
    """Calls `write` (in a thread, one call at a time) with every item queued since its last call;
    `write` returns one result per item, in order, or raises, and then every item of that call
    raises. The item of a caller cancelled before its write starts is replaced by `withdrawn(item)`
    (nothing when None): what is still to be written though nobody waits for it."""

    def __init__(
        self,
        write: Callable[[list[Item]], list[Result]],
        withdrawn: Callable[[Item], Item | None] = lambda item: item,
    ) -> None:
        self._write, self._withdrawn = write, withdrawn
        self._queued: list[tuple[Item, asyncio.Future[Result]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def __call__(self, item: Item) -> Result:
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._queued.append((item, future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._run())
        return await future

    async def close(self) -> None:
        """Wait for the write under way (a caller cancelled meanwhile does not stop it)."""
        if self._writer is not None:
            await self._writer

    async def _run(self) -> None:
        while self._queued:
            queued, self._queued = self._queued, []
            taken: list[tuple[Item, asyncio.Future[Result]]] = []
            for item, future in queued:
                kept = self._withdrawn(item) if future.cancelled() else item
                if kept is not None:
                    taken.append((kept, future))
            if not taken:
                continue
            futures = [future for _, future in taken]
            try:
                results = await asyncio.to_thread(self._write, [item for item, _ in taken])
            except asyncio.CancelledError:
                for future in futures:
                    future.cancel()
                raise
            except Exception as error:  # every caller of this transaction learns it failed
                for future in futures:
                    if not future.done():
                        future.set_exception(error)
                continue
            for future, result in zip(futures, results, strict=True):
                if not future.done():  # its caller may have been cancelled meanwhile
                    future.set_result(result)
