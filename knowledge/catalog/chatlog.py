"""What the chat side keeps in the catalog, so that every bot replica sees the same: questions and
the messages that carry their answers, votes, per-user question counts, notices already given,
and what each chat last asked about."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel, col, delete, func, select

from knowledge.catalog.database import Catalog
from knowledge.catalog.tables import (
    AnswerMessage,
    ChatNotice,
    Conversation,
    Feedback,
    QuestionEvent,
    QuestionRow,
    now,
)

WINDOW = timedelta(seconds=60)


@dataclass(frozen=True)
class Asker:
    """Whose follow-up context: a user in a chat, in a forum topic (0 outside topics)."""

    chat_id: int
    thread_id: int
    user_id: int


@dataclass(frozen=True)
class Votes:
    up: int
    down: int


class ChatLog:
    """Questions, answers, votes and chat state, by chat and user id (64-bit, as Telegram's are)."""

    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog

    def record_question(self, row: QuestionRow, messages: list[tuple[int, int]]) -> int:
        """Store a question and the (chat id, message id) of every message its answer filled."""
        with self._catalog.session() as session:
            session.add(row)
            session.flush()
            for chat_id, message_id in messages:
                session.merge(AnswerMessage(chat_id=chat_id, message_id=message_id, question_id=row.id or 0))
            session.commit()
            return int(row.id or 0)

    def question_for_message(self, chat_id: int, message_id: int) -> QuestionRow | None:
        """The question whose answer is (or includes) this message."""
        with self._catalog.session() as session:
            found = session.get(AnswerMessage, (chat_id, message_id))
            return session.get(QuestionRow, found.question_id) if found is not None else None

    def question(self, question_id: int) -> QuestionRow | None:
        with self._catalog.session() as session:
            return session.get(QuestionRow, question_id)

    def vote(self, question_id: int, user_id: int, vote: int) -> Votes:
        """Record a user's 👍 (1) or 👎 (-1); a second vote by the same user replaces the first."""
        if vote not in (1, -1):
            raise ValueError(f"a vote is 1 or -1, not {vote}")
        with self._catalog.session() as session:
            existing = session.exec(
                select(Feedback).where(Feedback.question_id == question_id, Feedback.user_id == user_id)
            ).first()
            if existing is None:
                session.add(Feedback(question_id=question_id, user_id=user_id, vote=vote))
            else:
                existing.vote, existing.voted_at = vote, now()
                session.add(existing)
            try:
                session.commit()
            except IntegrityError:  # the same user's other tap won the race on another replica
                session.rollback()
            return self.votes(question_id)

    def votes(self, question_id: int) -> Votes:
        with self._catalog.session() as session:
            rows = session.exec(
                select(Feedback.vote, func.count())
                .where(Feedback.question_id == question_id)
                .group_by(col(Feedback.vote))
            )
            counts = dict(rows.all())
        return Votes(int(counts.get(1, 0)), int(counts.get(-1, 0)))

    def feedback(self, question_id: int) -> list[Feedback]:
        with self._catalog.session() as session:
            return list(session.exec(select(Feedback).where(Feedback.question_id == question_id)))

    def take_question_slot(self, user_id: int, per_minute: int) -> float:
        """0 if the user may ask now (and the question is counted), else the seconds until they may."""
        moment = now()
        with self._catalog.session() as session:
            session.exec(delete(QuestionEvent).where(col(QuestionEvent.at) < moment - WINDOW))
            asked = list(
                session.exec(
                    select(QuestionEvent.at).where(QuestionEvent.user_id == user_id).order_by(col(QuestionEvent.at))
                )
            )
            if len(asked) >= per_minute:
                session.commit()
                return max(1.0, (asked[0] + WINDOW - moment).total_seconds())
            session.add(QuestionEvent(user_id=user_id, at=moment))
            session.commit()
            return 0.0

    def notice_due(self, chat_id: int, kind: str, every: timedelta) -> bool:
        """True at most once per `every` for a chat and kind of notice (and records that it is given).

        One conditional upsert, so that of several handlers or replicas asking at once exactly one
        gets True: the row is written only if it is missing or older than `every`.
        """
        moment = now()
        insert = postgresql.insert if self._catalog.engine.dialect.name == "postgresql" else sqlite.insert
        statement = (
            insert(ChatNotice)
            .values(chat_id=chat_id, kind=kind, at=moment)
            .on_conflict_do_update(
                index_elements=["chat_id", "kind"], set_={"at": moment}, where=col(ChatNotice.at) <= moment - every
            )
            .returning(col(ChatNotice.chat_id))
        )
        with self._catalog.session() as session:
            given = session.execute(statement).first() is not None
            session.commit()
        return given

    def remember(self, where: Asker, tickers: tuple[str, ...], topic: str, language: str) -> None:
        """What this user just asked about in this chat (or forum topic)."""
        values = {"tickers": ",".join(tickers), "topic": topic, "language": language, "updated_at": now()}
        keys = {"chat_id": where.chat_id, "thread_id": where.thread_id, "user_id": where.user_id}
        with self._catalog.session() as session:
            # One statement, so that two answers for the same user at once cannot both insert.
            session.execute(self._upsert(Conversation, keys, values))
            session.commit()

    def _upsert(self, table: type[SQLModel], keys: dict[str, Any], values: dict[str, Any]) -> Any:
        insert = postgresql.insert if self._catalog.engine.dialect.name == "postgresql" else sqlite.insert
        statement = insert(table).values(**keys, **values)
        return statement.on_conflict_do_update(index_elements=list(keys), set_=values)

    def recall(self, where: Asker, within: timedelta) -> Conversation | None:
        """What this user last asked about in this chat (or topic), if it was within `within`."""
        with self._catalog.session() as session:
            found = session.get(Conversation, (where.chat_id, where.thread_id, where.user_id))
        return found if found is not None and now() - found.updated_at <= within else None
