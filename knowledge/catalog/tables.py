"""The catalog's tables (SQLModel). Their schema is created and changed by the migrations only.

Telegram ids do not fit 32 bits (supergroups are -100…, new users exceed 2³¹): every chat, user
and message id is a BIGINT.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import BigInteger, LargeBinary, Text, UniqueConstraint
from sqlmodel import Column, Field, SQLModel


def now() -> datetime:
    """The current time in UTC (SQLModel stores aware times and gives them back in UTC)."""
    return datetime.now(UTC)


class Source(SQLModel, table=True):
    """Where documents come from: a path, a feed, a web page or a company's filings."""

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(index=True)
    location: str = Field(sa_column=Column(Text, nullable=False))
    params: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    tickers: str = ""
    created_at: datetime = Field(default_factory=now)
    last_fetched_at: datetime | None = None
    last_error: str | None = Field(default=None, sa_column=Column(Text))


class DocumentRow(SQLModel, table=True):
    """One indexed document and the hash of the content its chunks came from."""

    __tablename__ = "document"

    id: str = Field(primary_key=True)
    source_id: int | None = Field(default=None, foreign_key="source.id", index=True)
    uri: str = Field(sa_column=Column(Text, nullable=False))
    title: str = Field(sa_column=Column(Text, nullable=False))
    publisher: str = ""
    url: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    published: str = ""
    language: str = "en"
    tickers: str = ""
    content_hash: str
    # A source's own version marker (feed entry fingerprint, EDGAR accession, HTTP ETag) that lets
    # a refresh skip the download of an unchanged item.
    fingerprint: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    chunk_count: int = 0
    indexed_at: datetime = Field(default_factory=now)


class IndexRun(SQLModel, table=True):
    """One ingest, reindex or refresh, with its counts and errors."""

    id: int | None = Field(default=None, primary_key=True)
    started_at: datetime = Field(default_factory=now)
    finished_at: datetime | None = None
    status: str = "running"  # running, done, failed, interrupted
    documents_seen: int = 0
    documents_added: int = 0
    documents_updated: int = 0
    documents_removed: int = 0
    chunks_embedded: int = 0
    errors: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))


class QuestionRow(SQLModel, table=True):
    """A question asked and the answer given, for /status, votes, follow-ups and evaluation."""

    __tablename__ = "question"

    id: int | None = Field(default=None, primary_key=True)
    asked_at: datetime = Field(default_factory=now)
    chat_id: int | None = Field(default=None, sa_column=Column(BigInteger))
    user_id: int | None = Field(default=None, sa_column=Column(BigInteger))
    question: str = Field(sa_column=Column(Text, nullable=False))
    answer: str = Field(sa_column=Column(Text, nullable=False))
    citations: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))
    mode: str = "extractive"
    grounded: bool = True
    latency_ms: int = 0


class AnswerMessage(SQLModel, table=True):
    """A Telegram message that carries (part of) an answer: votes and replies find their question by it."""

    __tablename__ = "answer_message"

    chat_id: int = Field(sa_column=Column(BigInteger, primary_key=True))
    message_id: int = Field(sa_column=Column(BigInteger, primary_key=True))
    question_id: int = Field(foreign_key="question.id", index=True)


class Feedback(SQLModel, table=True):
    """A 👍 or 👎 on an answer; one per user and answer (a second tap changes it)."""

    __table_args__ = (UniqueConstraint("question_id", "user_id", name="uq_feedback_question_user"),)

    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(foreign_key="question.id", index=True)
    user_id: int | None = Field(default=None, sa_column=Column(BigInteger))
    vote: int
    voted_at: datetime = Field(default_factory=now)


class IndexState(SQLModel, table=True):
    """The index every reader should serve: one row, bumped by every writer when it publishes.

    `generation` names a set of chunks (the keyword snapshot of that generation lists them, and
    readers use only those); `collection` is the Chroma collection that holds them.
    """

    __tablename__ = "index_state"

    id: int = Field(default=1, primary_key=True)
    generation: int = 0
    collection: str = "passages"
    embedding_model: str = ""
    chunk_count: int = 0
    published_at: datetime = Field(default_factory=now)
    # A collection replaced by a full rebuild, dropped once readers have had time to move on.
    retired_collection: str = ""
    # Who holds the writer lock ("refresh by pid 123 on host-a since 14:02 UTC"), for busy messages.
    writer: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class KeywordSnapshot(SQLModel, table=True):
    """A generation's keyword index, in parts, for readers on other hosts (PostgreSQL deployments)."""

    __tablename__ = "keyword_snapshot"

    generation: int = Field(primary_key=True)
    part: int = Field(primary_key=True)
    name: str = Field(primary_key=True)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class PriceBar(SQLModel, table=True):
    """One daily bar of a ticker."""

    __tablename__ = "price_bar"

    ticker: str = Field(primary_key=True)
    session: date = Field(primary_key=True)
    open: float
    high: float
    low: float
    close: float
    adj_close: float
    volume: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))  # None: unknown
    source: str = ""
    fetched_at: datetime = Field(default_factory=now)


class Conversation(SQLModel, table=True):
    """What a user last asked about in a chat (or forum topic), so their short follow-up can inherit
    it; per user, so that in a group one member's follow-up never leans on another's question."""

    chat_id: int = Field(sa_column=Column(BigInteger, primary_key=True))
    thread_id: int = Field(default=0, sa_column=Column(BigInteger, primary_key=True))
    user_id: int = Field(default=0, sa_column=Column(BigInteger, primary_key=True))
    tickers: str = ""
    topic: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    language: str = "en"
    updated_at: datetime = Field(default_factory=now)


class QuestionEvent(SQLModel, table=True):
    """One question counted against its asker's per-minute limit (shared by every bot replica)."""

    __tablename__ = "question_event"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    at: datetime = Field(default_factory=now, index=True)


class ChatNotice(SQLModel, table=True):
    """When a chat was last told something that should not be repeated often (e.g. "answers are queued")."""

    __tablename__ = "chat_notice"

    chat_id: int = Field(sa_column=Column(BigInteger, primary_key=True))
    kind: str = Field(primary_key=True)
    at: datetime = Field(default_factory=now)


class EmbeddingCacheRow(SQLModel, table=True):
    """A vector by the hash of the exact text and model it came from: identical text is embedded once."""

    __tablename__ = "embedding_cache"

    key: str = Field(primary_key=True)
    vector: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class PageTable(SQLModel, table=True):
    """The tables read from one page of a document, and a vector per row label (the same order).

    Written when the document is indexed (knowledge/index/tabulator.py) and removed with it, so
    that a question compares its line items with row labels without embedding any label again.
    """

    __tablename__ = "page_table"

    document_id: str = Field(primary_key=True)
    page: int = Field(primary_key=True)
    section: str = ""  # the financial statement on the page ("income", "balance_sheet", …) or ""
    tables: str = Field(sa_column=Column(Text, nullable=False))  # JSON: [Table.as_json(), …]
    vectors: bytes = Field(sa_column=Column(LargeBinary, nullable=False))  # float32, rows × dimensions


class PushChat(SQLModel, table=True):
    """A chat (private, group or channel) that gets alerts or digests, and how it wants them."""

    __tablename__ = "push_chat"

    chat_id: int = Field(sa_column=Column(BigInteger, primary_key=True))
    kind: str = "private"  # private, group, supergroup or channel
    title: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    language: str = "en"
    timezone: str = "UTC"
    alerts: bool = True
    quiet_from: str = ""  # "22:00" in the chat's time zone; "" for no quiet hours
    quiet_until: str = ""
    digest_at: str = ""  # "08:00" in the chat's time zone; "" when the chat takes no digest
    digest_set_at: datetime | None = None  # a digest is due from this moment on, never for earlier days
    paused_at: datetime | None = None  # Telegram refused (403: blocked, removed): nothing is sent until resumed
    paused_reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime = Field(default_factory=now)


class WatchRow(SQLModel, table=True):
    """One company on a chat's watchlist."""

    __tablename__ = "watch"

    chat_id: int = Field(sa_column=Column(BigInteger, primary_key=True))
    ticker: str = Field(primary_key=True)
    added_at: datetime = Field(default_factory=now)


class AlertRow(SQLModel, table=True):
    """What one trigger (a new document, an unusual session) says, once for every chat it goes to."""

    __tablename__ = "alert"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(sa_column=Column(Text, nullable=False, unique=True))  # "document:ID", "move:BABA:2025-12-18"
    kind: str  # document or move
    ticker: str = Field(index=True)
    title: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    payload: str = Field(sa_column=Column(Text, nullable=False))  # the guarded answer, as JSON
    chart: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    created_at: datetime = Field(default_factory=now)


class OutboxRow(SQLModel, table=True):
    """One message owed to one chat. The unique key makes every trigger and digest go out once."""

    __tablename__ = "outbox"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    kind: str  # alert, digest or more (the overflow of the hourly limit)
    alert_id: int | None = Field(default=None, foreign_key="alert.id", index=True)
    payload: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))  # a message of its own
    # pending -> sending (committed just before its request) -> sent; or folded (into a "more"
    # message), dropped (alerts off), failed, back to pending (429, 5xx, 403), or uncertain (a sender
    # stopped mid-request: never sent again, so never twice). A plain text column: no migration.
    status: str = Field(default="pending", index=True)
    due_at: datetime = Field(default_factory=now, index=True)
    attempts: int = 0
    created_at: datetime = Field(default_factory=now)
    sent_at: datetime | None = Field(default=None, index=True)
    message_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    error: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class PushState(SQLModel, table=True):
    """Named marks the push keeps: how far triggers have looked, and who drains the outbox (a lease)."""

    __tablename__ = "push_state"

    name: str = Field(primary_key=True)
    value: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    holder: str = ""
    until: datetime | None = None
