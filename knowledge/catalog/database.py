"""The catalog: sources, documents with content hashes, index runs, questions and feedback (SQLModel)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import Engine, Text, inspect
from sqlmodel import Column, Field, Session, SQLModel, col, create_engine, func, select


def _now() -> datetime:
    return datetime.now(UTC)


class Source(SQLModel, table=True):
    """Where documents come from: a path, a feed, a web page or a company's filings."""

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(index=True)
    location: str = Field(sa_column=Column(Text, nullable=False))
    params: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    tickers: str = ""
    created_at: datetime = Field(default_factory=_now)
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
    indexed_at: datetime = Field(default_factory=_now)


class IndexRun(SQLModel, table=True):
    """One ingest, reindex or refresh, with its counts and errors."""

    id: int | None = Field(default=None, primary_key=True)
    started_at: datetime = Field(default_factory=_now)
    finished_at: datetime | None = None
    status: str = "running"
    documents_seen: int = 0
    documents_added: int = 0
    documents_updated: int = 0
    documents_removed: int = 0
    chunks_embedded: int = 0
    errors: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))


class QuestionRow(SQLModel, table=True):
    """A question asked and the answer given, for /status and for evaluation."""

    __tablename__ = "question"

    id: int | None = Field(default=None, primary_key=True)
    asked_at: datetime = Field(default_factory=_now)
    chat_id: int | None = None
    user_id: int | None = None
    question: str = Field(sa_column=Column(Text, nullable=False))
    answer: str = Field(sa_column=Column(Text, nullable=False))
    citations: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))
    mode: str = "extractive"
    grounded: bool = True
    latency_ms: int = 0


class Feedback(SQLModel, table=True):
    """A 👍 or 👎 on an answer."""

    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(foreign_key="question.id", index=True)
    user_id: int | None = None
    vote: int
    voted_at: datetime = Field(default_factory=_now)


class Catalog:
    """Reads and writes the catalog tables; the only place that opens database sessions."""

    def __init__(self, url: str) -> None:
        self.engine: Engine = create_engine(url, pool_pre_ping=True)
        SQLModel.metadata.create_all(self.engine)
        _add_missing_columns(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def source_for(
        self, kind: str, location: str, tickers: str = "", params: dict[str, object] | None = None
    ) -> Source:
        """The source with this kind and location, created if new."""
        with self.session() as session:
            found = session.exec(select(Source).where(Source.kind == kind, Source.location == location)).first()
            if found is None:
                found = Source(kind=kind, location=location, tickers=tickers, params=json.dumps(params or {}))
                session.add(found)
                session.commit()
                session.refresh(found)
            return found

    def source(self, source_id: int) -> Source | None:
        with self.session() as session:
            return session.get(Source, source_id)

    def add_source(self, source: Source) -> Source:
        with self.session() as session:
            session.add(source)
            session.commit()
            session.refresh(source)
            return source

    def save_source(self, source: Source) -> None:
        with self.session() as session:
            session.merge(source)
            session.commit()

    def remove_source(self, source_id: int) -> list[str]:
        """Delete a source and its document rows; returns the ids of the documents it had."""
        with self.session() as session:
            rows = list(session.exec(select(DocumentRow).where(DocumentRow.source_id == source_id)))
            for row in rows:
                session.delete(row)
            source = session.get(Source, source_id)
            if source is not None:
                session.delete(source)
            session.commit()
            return [row.id for row in rows]

    def sources(self) -> list[Source]:
        with self.session() as session:
            return list(session.exec(select(Source).order_by(col(Source.id))))

    def mark_source(self, source_id: int, error: str | None) -> None:
        with self.session() as session:
            source = session.get(Source, source_id)
            if source is not None:
                source.last_fetched_at, source.last_error = _now(), error
                session.add(source)
                session.commit()

    def documents(self, source_id: int | None = None) -> list[DocumentRow]:
        with self.session() as session:
            query = select(DocumentRow)
            if source_id is not None:
                query = query.where(DocumentRow.source_id == source_id)
            return list(session.exec(query.order_by(col(DocumentRow.published).desc(), col(DocumentRow.title))))

    def document(self, document_id: str) -> DocumentRow | None:
        with self.session() as session:
            return session.get(DocumentRow, document_id)

    def save_document(self, row: DocumentRow) -> None:
        with self.session() as session:
            session.merge(row)
            session.commit()

    def remove_document(self, document_id: str) -> None:
        with self.session() as session:
            row = session.get(DocumentRow, document_id)
            if row is not None:
                session.delete(row)
                session.commit()

    def document_count(self) -> int:
        with self.session() as session:
            return int(session.exec(select(func.count()).select_from(DocumentRow)).one())

    def save_run(self, run: IndexRun) -> IndexRun:
        with self.session() as session:
            run = session.merge(run)
            session.commit()
            session.refresh(run)
            return run

    def last_run(self) -> IndexRun | None:
        with self.session() as session:
            return session.exec(select(IndexRun).order_by(col(IndexRun.id).desc())).first()

    def record_question(self, row: QuestionRow) -> int:
        with self.session() as session:
            session.add(row)
            session.commit()
            session.refresh(row)
            return int(row.id or 0)

    def record_feedback(self, question_id: int, user_id: int | None, vote: int) -> None:
        with self.session() as session:
            session.add(Feedback(question_id=question_id, user_id=user_id, vote=vote))
            session.commit()

    def feedback(self, question_id: int) -> Sequence[Feedback]:
        with self.session() as session:
            return list(session.exec(select(Feedback).where(Feedback.question_id == question_id)))

    def question_count(self) -> int:
        with self.session() as session:
            return int(session.exec(select(func.count()).select_from(QuestionRow)).one())

    def questions(self, limit: int = 100) -> list[QuestionRow]:
        with self.session() as session:
            return list(session.exec(select(QuestionRow).order_by(col(QuestionRow.id).desc()).limit(limit)))


# Columns added after a table was first created: (table, column, SQL type and default).
_LATER_COLUMNS = [("document", "fingerprint", "TEXT NOT NULL DEFAULT ''")]


def _add_missing_columns(engine: Engine) -> None:
    """A minimal migration: add columns that older catalogs lack (create_all only creates tables)."""
    inspector = inspect(engine)
    with engine.begin() as connection:
        for table, column, definition in _LATER_COLUMNS:
            if column not in {c["name"] for c in inspector.get_columns(table)}:
                connection.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")
