"""What becomes of a chat's due messages now: sent, held until its quiet hours end, dropped (alerts
off), or folded into one "and N more" message once its hourly limit is reached. Pure: no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from knowledge.catalog.tables import OutboxRow, PushChat
from knowledge.push.clock import quiet_until

LIMITED = frozenset({"alert"})  # digests and "more" messages are neither limited nor held


@dataclass
class Plan:
    send: list[OutboxRow] = field(default_factory=list)
    hold: dict[int, datetime] = field(default_factory=dict)  # row id -> due again at
    drop: list[int] = field(default_factory=list)
    fold: dict[int, list[OutboxRow]] = field(default_factory=dict)  # chat id -> rows over its hourly limit


def plan(
    rows: list[OutboxRow], chats: dict[int, PushChat], sent_last_hour: dict[int, int], per_hour: int, at: datetime
) -> Plan:
    """Decide for every due row; rows keep their order (oldest first) within a chat."""
    result = Plan()
    room: dict[int, int] = {}
    for row in rows:
        if row.kind not in LIMITED:
            result.send.append(row)
            continue
        chat = chats.get(row.chat_id)
        if chat is not None and not chat.alerts:
            result.drop.append(row.id or 0)
            continue
        until = quiet_until(at, chat.timezone, chat.quiet_from, chat.quiet_until) if chat is not None else None
        if until is not None:
            result.hold[row.id or 0] = until
            continue
        left = room.setdefault(row.chat_id, per_hour - sent_last_hour.get(row.chat_id, 0))
        if left > 0:
            room[row.chat_id] = left - 1
            result.send.append(row)
        else:
            result.fold.setdefault(row.chat_id, []).append(row)
    return result
