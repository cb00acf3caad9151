"""The chat side's shared state in the catalog, on SQLite and PostgreSQL: 64-bit Telegram ids, NUL
bytes, per-user limits shared by replicas, one vote per user, notices given once, migrations."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from knowledge.catalog import Catalog, QuestionRow
from knowledge.catalog.chatlog import Asker, ChatLog

SUPERGROUP = -1001234567890
BIG_USER = 2**31 + 12345


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def catalog_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'catalog.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def replicas(catalog_url: str) -> Iterator[Callable[[], ChatLog]]:
    """ChatLogs on the same catalog, as separate processes would hold them; closed afterwards."""
    opened: list[Catalog] = []

    def open_one() -> ChatLog:
        opened.append(Catalog(catalog_url))
        return ChatLog(opened[-1])

    yield open_one
    for catalog in opened:
        catalog.close()


def test_big_ids_and_nul_bytes_are_stored_and_found_again(replicas: Callable[[], ChatLog]) -> None:
    chat = replicas()
    row = QuestionRow(chat_id=SUPERGROUP, user_id=BIG_USER, question="Why is\x00 Alibaba down?", answer="…\x00")

    question_id = chat.record_question(row, [(SUPERGROUP, 9_000_000_001), (SUPERGROUP, 9_000_000_002)])
    found = chat.question_for_message(SUPERGROUP, 9_000_000_002)

    assert found is not None and found.id == question_id
    assert found.chat_id == SUPERGROUP and found.user_id == BIG_USER
    assert found.question == "Why is Alibaba down?"


def test_follow_up_context_is_kept_per_user_in_a_chat_and_topic(replicas: Callable[[], ChatLog]) -> None:
    replica_a, replica_b = replicas(), replicas()
    first, second = Asker(SUPERGROUP, 7, BIG_USER), Asker(SUPERGROUP, 7, BIG_USER + 2**32)

    replica_a.remember(first, ("BABA",), "down", "en")
    replica_b.remember(second, ("JD",), "margins", "de")
    replica_a.remember(first, ("BABA", "JD"), "down", "en")  # the same user again: replaced

    mine, theirs = replica_b.recall(first, timedelta(minutes=10)), replica_a.recall(second, timedelta(minutes=10))
    assert mine is not None and (mine.tickers, mine.user_id) == ("BABA,JD", BIG_USER)
    assert theirs is not None and (theirs.tickers, theirs.language) == ("JD", "de")
    assert replica_a.recall(Asker(SUPERGROUP, 0, BIG_USER), timedelta(minutes=10)) is None  # another topic


def test_the_question_limit_is_per_user_and_shared_by_every_process(replicas: Callable[[], ChatLog]) -> None:
    replica_a, replica_b = replicas(), replicas()

    first = replica_a.take_question_slot(BIG_USER, 2)
    second = replica_b.take_question_slot(BIG_USER, 2)
    third = replica_a.take_question_slot(BIG_USER, 2)
    other = replica_b.take_question_slot(BIG_USER + 1, 2)

    assert (first, second, other) == (0, 0, 0)
    assert 55 < third <= 60


def test_one_vote_per_user_and_answer_a_second_tap_changes_it(replicas: Callable[[], ChatLog]) -> None:
    chat = replicas()
    question_id = chat.record_question(QuestionRow(chat_id=SUPERGROUP, question="q", answer="a"), [])

    chat.vote(question_id, BIG_USER, 1)
    chat.vote(question_id, BIG_USER, 1)
    changed = chat.vote(question_id, BIG_USER, -1)
    other = chat.vote(question_id, BIG_USER + 1, 1)

    assert (changed.up, changed.down) == (0, 1)
    assert (other.up, other.down) == (1, 1)
    with pytest.raises(ValueError):
        chat.vote(question_id, BIG_USER, 5)


def test_a_notice_is_given_once_per_period_across_replicas(replicas: Callable[[], ChatLog]) -> None:
    replica_a, replica_b = replicas(), replicas()

    first = replica_a.notice_due(SUPERGROUP, "queued", timedelta(minutes=10))
    again = replica_b.notice_due(SUPERGROUP, "queued", timedelta(minutes=10))
    elsewhere = replica_b.notice_due(SUPERGROUP - 1, "queued", timedelta(minutes=10))
    expired = replica_a.notice_due(SUPERGROUP, "queued", timedelta(0))

    assert (first, again, elsewhere, expired) == (True, False, True, True)


def test_a_catalog_from_the_first_release_is_upgraded_in_place(
    catalog_url: str, replicas: Callable[[], ChatLog]
) -> None:
    engine = create_engine(catalog_url)
    with engine.begin() as connection:  # the schema the first release created, with a vote twice
        # (its SQLModel tables: SERIAL keys on PostgreSQL, INTEGER ones on SQLite)
        serial = "SERIAL" if connection.dialect.name == "postgresql" else "INTEGER"
        for statement in FIRST_RELEASE_SCHEMA:
            connection.execute(text(statement.replace("{serial}", serial)))
        connection.execute(
            text(
                "INSERT INTO question (asked_at, chat_id, user_id, question, answer, citations, mode, grounded,"
                " latency_ms) VALUES ('2025-12-01', 5, 6, 'q', 'a', '[]', 'e', true, 1)"
            )
        )
        for vote in (1, -1):
            connection.execute(
                text(f"INSERT INTO feedback (question_id, user_id, vote, voted_at) VALUES (1, 6, {vote}, '2025-12-01')")
            )
    engine.dispose()

    chat = replicas()
    question_id = chat.record_question(QuestionRow(chat_id=SUPERGROUP, user_id=BIG_USER, question="q", answer="a"), [])

    assert [feedback.vote for feedback in chat.feedback(1)] == [-1]
    found = chat.question(question_id)
    assert found is not None and found.chat_id == SUPERGROUP


FIRST_RELEASE_SCHEMA = [
    """CREATE TABLE source (id {serial} NOT NULL, kind VARCHAR NOT NULL, location TEXT NOT NULL,
    params TEXT NOT NULL, tickers VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL, last_fetched_at TIMESTAMP,
    last_error TEXT, PRIMARY KEY (id))""",
    "CREATE INDEX ix_source_kind ON source (kind)",
    """CREATE TABLE indexrun (id {serial} NOT NULL, started_at TIMESTAMP NOT NULL, finished_at TIMESTAMP,
    status VARCHAR NOT NULL, documents_seen INTEGER NOT NULL, documents_added INTEGER NOT NULL,
    documents_updated INTEGER NOT NULL, documents_removed INTEGER NOT NULL, chunks_embedded INTEGER NOT NULL,
    errors TEXT NOT NULL, PRIMARY KEY (id))""",
    """CREATE TABLE question (id {serial} NOT NULL, asked_at TIMESTAMP NOT NULL, chat_id INTEGER, user_id INTEGER,
    question TEXT NOT NULL, answer TEXT NOT NULL, citations TEXT NOT NULL, mode VARCHAR NOT NULL,
    grounded BOOLEAN NOT NULL, latency_ms INTEGER NOT NULL, PRIMARY KEY (id))""",
    """CREATE TABLE document (id VARCHAR NOT NULL, source_id INTEGER, uri TEXT NOT NULL, title TEXT NOT NULL,
    publisher VARCHAR NOT NULL, url TEXT NOT NULL, published VARCHAR NOT NULL, language VARCHAR NOT NULL,
    tickers VARCHAR NOT NULL, content_hash VARCHAR NOT NULL, fingerprint TEXT NOT NULL, chunk_count INTEGER NOT NULL,
    indexed_at TIMESTAMP NOT NULL, PRIMARY KEY (id), FOREIGN KEY(source_id) REFERENCES source (id))""",
    "CREATE INDEX ix_document_source_id ON document (source_id)",
    """CREATE TABLE feedback (id {serial} NOT NULL, question_id INTEGER NOT NULL, user_id INTEGER,
    vote INTEGER NOT NULL, voted_at TIMESTAMP NOT NULL, PRIMARY KEY (id),
    FOREIGN KEY(question_id) REFERENCES question (id))""",
    "CREATE INDEX ix_feedback_question_id ON feedback (question_id)",
]
