"""The outbox: one row per message owed to a chat, under a unique key, so that an alert or a digest
is queued once however often its trigger is evaluated (a restarted or second process included).

Draining takes a lease in the catalog, so one process sends at a time. Rows are marked `sending`
(committed) before their requests, a wave at a time, and `sent` after; a row a stopped sender left
`sending` may or may not have reached the chat, and is marked `uncertain`, never sent again:
nothing goes out twice.
429 puts the row back for retry_after, 5xx and network errors back with a growing pause, 403
pauses the chat (nothing more is sent to it until it is resumed) and is logged.
"""

from __future__ import annotations

import asyncio
import enum
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
        # Rows are claimed and recorded a wave at a time (one write each): SQLite takes one writer at
        # a time, and PostgreSQL need not commit twice per message either.
        wave = 32 if self.catalog.shared else 16
        stop = None if seconds is None else asyncio.get_running_loop().time() + seconds
        if not await asyncio.to_thread(self.take_lease):
            report.busy = True
            return report
        try:
            report.uncertain = await asyncio.to_thread(self._settle_abandoned)
            while stop is None or asyncio.get_running_loop().time() < stop:
                batch = await asyncio.to_thread(self._next_batch, clock(), report)
                if batch:
                    for start in range(0, len(batch), wave):
                        await self._wave(batch[start : start + wave], deliver, report)
                    await asyncio.to_thread(self.take_lease)
                    continue
                soon = await asyncio.to_thread(self._next_due, clock())
                if soon is None or soon - clock() > WAIT_FOR_RETRY:
                    break
                await asyncio.sleep(max(0.05, (soon - clock()).total_seconds()))
        finally:
            await asyncio.to_thread(self.release_lease)
        return report

    async def _wave(self, messages: list[Outgoing], deliver: Deliver, report: Drained) -> None:
        """Claim the rows (committed before any request), send them, each chat's in order and the
        chats side by side, then record every outcome. A sender stopped in between leaves the
        wave `sending`: those rows become `uncertain`, never sent again."""
        await asyncio.to_thread(self._claim, [message.row_id for message in messages])
        chats: dict[int, list[Outgoing]] = {}
        for message in messages:
            chats.setdefault(message.chat_id, []).append(message)
        results: list[tuple[Outgoing, Delivered | None]] = []

        async def one(queued: list[Outgoing]) -> None:
            refused = False
            for message in queued:
                delivered = None if refused else await self._deliver(message, deliver)
                results.append((message, delivered))  # None: not tried after a refusal
                refused = refused or (delivered is not None and delivered.outcome is Outcome.BLOCKED)

        await asyncio.gather(*(one(queued) for queued in chats.values()))
        await asyncio.to_thread(self._finish, results, report)

    def _settle_abandoned(self) -> int:
        """Rows a stopped sender left mid-request: they may have arrived, so they are never sent again."""
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

    def _claim(self, row_ids: list[int]) -> None:
        """pending -> sending, committed before the requests (the lease keeps other drains away)."""
        with self.catalog.engine.begin() as connection:
            table = OutboxRow.__table__  # type: ignore[attr-defined]
            connection.execute(
                update(table)
                .where(table.c.id.in_(row_ids), table.c.status == "pending")
                .values(status="sending", attempts=table.c.attempts + 1)
            )

    @staticmethod
    async def _deliver(message: Outgoing, deliver: Deliver) -> Delivered:
        try:
            return await deliver(message)
        except Exception as error:  # a sender's bug must not stop the drain; the row is tried again
            log.exception("sending outbox row %s failed", message.row_id)
            return Delivered(Outcome.RETRY, error=f"{type(error).__name__}: {error}"[:300])

    def _finish(self, results: list[tuple[Outgoing, Delivered | None]], report: Drained) -> None:
        at = now()
        with self.catalog.session() as session:
            for message, delivered in results:
                row = session.get(OutboxRow, message.row_id)
                assert row is not None
                if delivered is None:  # its chat refused an earlier message: kept for when it is resumed
                    row.status, row.attempts = "pending", row.attempts - 1
                else:
                    self._record(session, row, delivered, report, at)
                session.add(row)
            session.commit()

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
