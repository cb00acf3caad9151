"""The outbox: one row per message owed to a chat, under a unique key, so that an alert or a digest
is queued once however often its trigger is evaluated (a restarted or second process included).

Draining takes a lease in the catalog, so one process sends at a time. A row's status says whether
its request may have started: it stays `pending` until just before its request, becomes `sending`
(committed) then, and gets its outcome right after. A chat's messages go one after another, so one
write records a message's outcome and marks the chat's next one `sending`; the writes of all the
chats sent to side by side share one transaction (`GroupCommit`), and each renews the lease or,
when another process took it meanwhile, sends nothing more. A sender that stops (killed,
restarted) leaves at most one row `sending` per chat it was sending to: that row may or may not
have reached the chat, and is marked `uncertain` by the next drain, never sent again; the rest are
still `pending` and go out as usual. Nothing goes out twice, and nothing is given up on that was
not requested.
429 puts the row back for retry_after, 5xx and network errors back with a growing pause, 403
pauses the chat (nothing more is sent to it until it is resumed) and is logged.
"""

from __future__ import annotations

import asyncio
import enum
import functools
import json
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, func, select

from knowledge.answer.record import Answer
from knowledge.catalog import Catalog, now
from knowledge.catalog.tables import AlertRow, OutboxRow, PushChat, PushState
from knowledge.prompts import render
from knowledge.push import payload
from knowledge.push.clock import utc
from knowledge.push.groupcommit import GroupCommit
from knowledge.push.policy import plan
from knowledge.text.policy import breach

log = logging.getLogger(__name__)

LEASE = "outbox"
LEASE_SECONDS = 120.0
MAX_ATTEMPTS = 6
BATCH = 200
WAIT_FOR_RETRY = timedelta(seconds=30)  # a row due again this soon (429) is waited for in the same drain


class Outcome(enum.Enum):
    SENT = "sent"
    RETRY = "retry"  # 429 (after retry_after), 5xx, a network error
    BLOCKED = "blocked"  # 403: the bot was blocked or removed
    FAILED = "failed"  # 400 and the like: sending again would fail again


@dataclass(frozen=True)
class Delivered:
    outcome: Outcome
    message_id: int | None = None
    retry_after: float = 0.0
    error: str = ""


@dataclass(frozen=True)
class Outgoing:
    """One message as the sender gets it: an answer to render (with a chart), or plain text."""

    row_id: int
    chat_id: int
    kind: str
    answer: Answer | None = None
    text: str = ""
    chart: bytes | None = None
    alert_id: int | None = None


@dataclass(frozen=True)
class _Step:
    """One chat's next write: the outcome of its last request (row id, outcome), and the row it
    sends next, to be marked `sending`."""

    done: tuple[int, Delivered] | None
    start: int | None


def _withdrawn(step: _Step) -> _Step | None:
    """What is still written of a step whose chat stopped waiting (the drain was cancelled): the
    outcome it carries, not the next row's `sending`, whose request will not be made."""
    return _Step(step.done, None) if step.done is not None else None


class LeaseLostError(Exception):
    """Another process took the outbox's lease (this one stalled past it): this drain stops."""


class Deliver(Protocol):
    def __call__(self, message: Outgoing) -> Awaitable[Delivered]: ...


@dataclass
class Drained:
    """What one drain did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    blocked: int = 0
    held: int = 0
    dropped: int = 0
    folded: int = 0
    uncertain: int = 0
    busy: bool = False  # another process holds the lease
    chats_paused: list[int] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return dict(self.__dict__)


class Outbox:
    """Queues messages once and drains them through a `Deliver`."""

    def __init__(
        self, catalog: Catalog, per_hour: int, holder: str | None = None, lease_seconds: float = LEASE_SECONDS
    ) -> None:
        self.catalog, self.per_hour, self.lease_seconds = catalog, per_hour, lease_seconds
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self._alerts: dict[int, tuple[dict[str, Answer], bytes | None]] = {}

    # --- queueing ------------------------------------------------------------------------------
    def enqueue(self, rows: Iterable[dict[str, Any]]) -> int:
        """Insert rows (key, chat_id, kind, alert_id or payload, status); a key already queued is
        skipped. Returns how many rows were offered."""
        listed = list(rows)
        if not listed:
            return 0
        at = now()
        values = [
            {"payload": "", "alert_id": None, "status": "pending", "due_at": at, "attempts": 0, "created_at": at}
            | {"error": ""}
            | row
            for row in listed
        ]
        table = OutboxRow.__table__  # type: ignore[attr-defined]
        dialect = postgresql if self.catalog.engine.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(table).on_conflict_do_nothing(index_elements=["key"])
        with self.catalog.engine.begin() as connection:
            for start in range(0, len(values), 5000):
                connection.execute(statement, values[start : start + 5000])
        return len(values)

    def rows(self, chat_id: int | None = None, limit: int = 50) -> list[OutboxRow]:
        with self.catalog.session() as session:
            query = select(OutboxRow)
            if chat_id is not None:
                query = query.where(OutboxRow.chat_id == chat_id)
            return list(session.exec(query.order_by(col(OutboxRow.id).desc()).limit(limit)))

    def counts(self) -> dict[str, int]:
        with self.catalog.session() as session:
            found = session.exec(select(OutboxRow.status, func.count()).group_by(OutboxRow.status))
            return {str(status): int(number) for status, number in found}

    # --- the lease -----------------------------------------------------------------------------
    def take_lease(self) -> bool:
        """Hold the right to drain for `lease_seconds` (renewed by calling again); False when another holds it."""
        at, seconds = now(), self.lease_seconds
        table = PushState.__table__  # type: ignore[attr-defined]
        dialect = postgresql if self.catalog.engine.dialect.name == "postgresql" else sqlite
        with self.catalog.engine.begin() as connection:
            connection.execute(
                dialect.insert(table).on_conflict_do_nothing(index_elements=["name"]),
                {"name": LEASE, "value": "", "holder": "", "until": None},
            )
            taken = connection.execute(
                update(table)
                .where(
                    table.c.name == LEASE,
                    or_(table.c.holder == self.holder, table.c.until.is_(None), table.c.until < at),
                )
                .values(holder=self.holder, until=at + timedelta(seconds=seconds))
            )
        return bool(taken.rowcount == 1)

    def release_lease(self) -> None:
        table = PushState.__table__  # type: ignore[attr-defined]
        with self.catalog.engine.begin() as connection:
            connection.execute(
                update(table).where(table.c.name == LEASE, table.c.holder == self.holder).values(until=None)
            )

    # --- draining ------------------------------------------------------------------------------
    async def drain(
        self, deliver: Deliver, clock: Callable[[], datetime] = now, seconds: float | None = None
    ) -> Drained:
        """Send everything due (taking no new batch after `seconds`), paced by the deliverer's rate
        limiter; one process at a time."""
        report = Drained()
        stop = None if seconds is None else asyncio.get_running_loop().time() + seconds
        if not await asyncio.to_thread(self.take_lease):
            report.busy = True
            return report
        ledger: GroupCommit[_Step, bool] = GroupCommit(functools.partial(self._write, report=report), _withdrawn)
        try:
            report.uncertain = await asyncio.to_thread(self._settle_abandoned)
            while stop is None or asyncio.get_running_loop().time() < stop:
                if not await asyncio.to_thread(self.take_lease):  # renewed; lost after a long stall
                    raise LeaseLostError(self.holder)
                batch = await asyncio.to_thread(self._next_batch, clock(), report)
                if batch:
                    await self._send(batch, deliver, ledger)
                    continue
                soon = await asyncio.to_thread(self._next_due, clock())
                if soon is None or soon - clock() > WAIT_FOR_RETRY:
                    break
                await asyncio.sleep(max(0.05, (soon - clock()).total_seconds()))
        except LeaseLostError:
            log.warning("another process took over the outbox; this drain stops")
            report.busy = True
        finally:
            await ledger.close()  # the last outcomes are recorded before the lease is let go
            await asyncio.to_thread(self.release_lease)
        return report

    @property
    def in_flight(self) -> int:
        """How many chats are sent to side by side, one request in flight each: the most rows a
        killed sender can leave `sending`. PostgreSQL commits over the network: more chats side by
        side hide its round trips."""
        return 32 if self.catalog.shared else 16

    async def _send(self, batch: list[Outgoing], deliver: Deliver, ledger: GroupCommit[_Step, bool]) -> None:
        """Each chat's messages in order, `in_flight` chats side by side."""
        slots = asyncio.Semaphore(self.in_flight)
        chats: dict[int, list[Outgoing]] = {}
        for message in batch:
            chats.setdefault(message.chat_id, []).append(message)

        async def one(queued: list[Outgoing]) -> None:
            async with slots:
                await self._send_chat(queued, deliver, ledger)

        tasks = [asyncio.create_task(one(queued)) for queued in chats.values()]
        try:
            await asyncio.gather(*tasks)
        finally:  # one chat's failure (the lease lost) stops the others before their next request
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _send_chat(self, queued: list[Outgoing], deliver: Deliver, ledger: GroupCommit[_Step, bool]) -> None:
        """One chat's messages, oldest first. Before each request its row is `sending`, committed in
        the same write as the previous message's outcome; a refusal (403) keeps the rest queued
        for when the chat is resumed."""
        done: tuple[int, Delivered] | None = None
        for message in queued:
            started = await ledger(_Step(done, message.row_id))
            done = None
            if not started:  # no longer pending (changed by another hand): not this drain's to send
                continue
            delivered = await self._deliver(message, deliver)
            done = (message.row_id, delivered)
            if delivered.outcome is Outcome.BLOCKED:
                break
        if done is not None:
            await ledger(_Step(done, None))

    def _write(self, steps: list[_Step], report: Drained) -> list[bool]:
        """One transaction for every step queued meanwhile: outcomes recorded, rows marked `sending`
        (pending ones only), and the lease renewed, or nothing when another process holds it.
        Returns, per step, whether its row may now be sent."""
        at = now()
        with self.catalog.session() as session:
            connection = session.connection()
            lease = PushState.__table__  # type: ignore[attr-defined]
            renewed = connection.execute(
                update(lease)
                .where(lease.c.name == LEASE, lease.c.holder == self.holder)
                .values(until=at + timedelta(seconds=self.lease_seconds))
            )
            if renewed.rowcount != 1:
                raise LeaseLostError(self.holder)
            outcomes = dict(step.done for step in steps if step.done is not None)
            if outcomes:
                for row in session.exec(select(OutboxRow).where(col(OutboxRow.id).in_(list(outcomes)))):
                    if row.status == "sending":  # else settled meanwhile: left as it is
                        self._record(session, row, outcomes[row.id or 0], report, at)
                        session.add(row)
            starting = [step.start for step in steps if step.start is not None]
            started: set[int] = set()
            if starting:
                session.flush()
                table = OutboxRow.__table__  # type: ignore[attr-defined]
                marked = connection.execute(
                    update(table)
                    .where(table.c.id.in_(starting), table.c.status == "pending")
                    .values(status="sending", attempts=table.c.attempts + 1)
                    .returning(table.c.id)
                )
                started = {int(row_id) for (row_id,) in marked}
            session.commit()
        return [step.start is not None and step.start in started for step in steps]

    def _settle_abandoned(self) -> int:
        """Rows a stopped sender left `sending`: their request may have reached the chat, so they are
        never sent again (at most one per chat it was sending to; the rest of its rows are still
        `pending` and are sent as usual)."""
        with self.catalog.session() as session:
            stale = list(session.exec(select(OutboxRow).where(OutboxRow.status == "sending")))
            for row in stale:
                row.status, row.error = "uncertain", "the sender stopped during the request"
                session.add(row)
                log.warning(
                    "outbox row %s (chat %s) may or may not have been sent: not sent again", row.id, row.chat_id
                )
            session.commit()
        return len(stale)

    def _next_due(self, at: datetime) -> datetime | None:
        with self.catalog.session() as session:
            query = (
                select(func.min(OutboxRow.due_at))
                .select_from(OutboxRow)
                .outerjoin(PushChat, col(PushChat.chat_id) == col(OutboxRow.chat_id))
                .where(OutboxRow.status == "pending", col(PushChat.paused_at).is_(None))
            )
            found = session.exec(query).one()
        return utc(found) if found is not None else None

    def _next_batch(self, at: datetime, report: Drained) -> list[Outgoing]:
        """The next due rows decided on (held, dropped, folded or to send), oldest first."""
        with self.catalog.session() as session:
            query = (
                select(OutboxRow)
                .outerjoin(PushChat, col(PushChat.chat_id) == col(OutboxRow.chat_id))
                .where(OutboxRow.status == "pending", col(OutboxRow.due_at) <= at, col(PushChat.paused_at).is_(None))
                .order_by(col(OutboxRow.id))
                .limit(BATCH)
            )
            rows = list(session.exec(query))
            if not rows:
                return []
            ids = {row.chat_id for row in rows}
            chats = {
                chat.chat_id: chat for chat in session.exec(select(PushChat).where(col(PushChat.chat_id).in_(ids)))
            }
            recent = session.exec(
                select(OutboxRow.chat_id, func.count())
                .where(
                    col(OutboxRow.chat_id).in_(ids),
                    OutboxRow.kind == "alert",
                    OutboxRow.status == "sent",
                    col(OutboxRow.sent_at) > at - timedelta(hours=1),
                )
                .group_by(col(OutboxRow.chat_id))
            )
            decided = plan(rows, chats, {chat: int(n) for chat, n in recent}, self.per_hour, at)
            by_id = {row.id: row for row in rows}
            for row_id, until in decided.hold.items():
                by_id[row_id].due_at = until
                session.add(by_id[row_id])
            for row_id in decided.drop:
                by_id[row_id].status = "dropped"
                session.add(by_id[row_id])
            for chat_id, folded in decided.fold.items():
                self._fold(session, chat_id, folded, chats.get(chat_id))
            session.commit()
            report.held += len(decided.hold)
            report.dropped += len(decided.drop)
            report.folded += sum(len(rows) for rows in decided.fold.values())
            return [self._outgoing(row, chats.get(row.chat_id)) for row in decided.send]

    def _fold(self, session: Any, chat_id: int, rows: list[OutboxRow], chat: PushChat | None) -> None:
        """Rows over the hourly limit become one "and N more" message listing their headlines."""
        language = chat.language if chat is not None else "en"
        titles = []
        for row in rows:
            row.status = "folded"
            session.add(row)
            alert = session.get(AlertRow, row.alert_id) if row.alert_id else None
            # A headline is a source's words: one the sentence policy forbids is not repeated here.
            if alert is not None and not breach(alert.title):
                titles.append(f"• {alert.ticker}: {alert.title}")
        listed = render("push_more", language, count=len(rows), titles="\n".join(titles))
        text = f"{listed}\n\n{render('disclaimer_short', language)}"
        key = f"more:{chat_id}:{rows[0].id}"
        session.add(OutboxRow(key=key, chat_id=chat_id, kind="more", payload=json.dumps({"text": text})))

    def _outgoing(self, row: OutboxRow, chat: PushChat | None) -> Outgoing:
        if row.alert_id is None:
            data = json.loads(row.payload) if row.payload.startswith("{") else {}
            if "text" in data and "citations" not in data:
                return Outgoing(row.id or 0, row.chat_id, row.kind, text=str(data["text"]))
            return Outgoing(row.id or 0, row.chat_id, row.kind, answer=payload.load(row.payload))
        answers, chart = self._alert(row.alert_id)
        language = chat.language if chat is not None else "en"
        answer = answers.get(language) or next(iter(answers.values()))
        return Outgoing(row.id or 0, row.chat_id, row.kind, answer=answer, chart=chart, alert_id=row.alert_id)

    def _alert(self, alert_id: int) -> tuple[dict[str, Answer], bytes | None]:
        if alert_id not in self._alerts:
            with self.catalog.session() as session:
                alert = session.get(AlertRow, alert_id)
            assert alert is not None
            texts = json.loads(alert.payload)
            self._alerts[alert_id] = ({lang: payload.load(text) for lang, text in texts.items()}, alert.chart)
        return self._alerts[alert_id]

    @staticmethod
    async def _deliver(message: Outgoing, deliver: Deliver) -> Delivered:
        try:
            return await deliver(message)
        except Exception as error:  # a sender's bug must not stop the drain; the row is tried again
            log.exception("sending outbox row %s failed", message.row_id)
            return Delivered(Outcome.RETRY, error=f"{type(error).__name__}: {error}"[:300])

    def _record(self, session: Any, row: OutboxRow, delivered: Delivered, report: Drained, at: datetime) -> None:
        row.error = delivered.error[:500]
        if delivered.outcome is Outcome.SENT:
            row.status, row.sent_at, row.message_id = "sent", at, delivered.message_id
            report.sent += 1
        elif delivered.outcome is Outcome.RETRY and row.attempts < MAX_ATTEMPTS:
            pause = max(delivered.retry_after, float(2 ** (row.attempts - 1)))
            row.status, row.due_at = "pending", at + timedelta(seconds=pause)
            report.retried += 1
        elif delivered.outcome is Outcome.BLOCKED:
            row.status, row.attempts = "pending", row.attempts - 1  # kept for when the chat is resumed
            self._pause(session, row.chat_id, delivered.error, at)
            report.blocked += 1
            report.chats_paused.append(row.chat_id)
        else:
            row.status = "failed"
            report.failed += 1
            log.warning("outbox row %s to chat %s failed: %s", row.id, row.chat_id, delivered.error)

    @staticmethod
    def _pause(session: Any, chat_id: int, reason: str, at: datetime) -> None:
        chat = session.get(PushChat, chat_id) or PushChat(chat_id=chat_id)
        chat.paused_at, chat.paused_reason = at, reason[:300]
        session.add(chat)
        log.warning("chat %s refused a message (%s): its alerts and digests are paused", chat_id, reason)
