"""The catalog database: the one place that opens sessions on SQLite or PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine, and_, delete, event, or_, text
from sqlmodel import Session, col, create_engine, func, select

from knowledge.catalog.migrator import upgrade
from knowledge.catalog.tables import DocumentRow, IndexRun, PageTable, QuestionRow, Source, now


class Catalog:
    """Reads and writes the catalog tables; the only place that opens database sessions."""

    def __init__(self, url: str) -> None:
        self.engine: Engine = create_engine(url, pool_pre_ping=True)
        upgrade(self.engine)

    @property
    def shared(self) -> bool:
        """Processes on other hosts may use this catalog (PostgreSQL), so shared state must live in it."""
        return self.engine.dialect.name == "postgresql"

    def close(self) -> None:
        self.engine.dispose()

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def source_for(
        self, kind: str, location: str, tickers: str = "", params: dict[str, object] | None = None
    ) -> Source:
        """The source with this kind and location, created if new (once, however many processes
        add it at the same moment: on PostgreSQL they take turns by a lock on the pair)."""
        with self.session() as session:
            if self.shared:
                key = f"source:{kind}:{location}"
                session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": key})
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
                _delete_page_tables(session, row.id)
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
                source.last_fetched_at, source.last_error = now(), error
                session.add(source)
                session.commit()

    def documents(self, source_id: int | None = None) -> list[DocumentRow]:
        with self.session() as session:
            query = select(DocumentRow)
            if source_id is not None:
                query = query.where(DocumentRow.source_id == source_id)
            return list(session.exec(query.order_by(col(DocumentRow.published).desc(), col(DocumentRow.title))))

    def document_versions(self) -> dict[str, str]:
        """Each document's indexed content version, as its chunk ids carry it."""
        with self.session() as session:
            rows = session.exec(select(DocumentRow.id, DocumentRow.content_hash))
            return {document_id: content_hash[:8] for document_id, content_hash in rows}

    def document(self, document_id: str) -> DocumentRow | None:
        with self.session() as session:
            return session.get(DocumentRow, document_id)

    def save_document(self, row: DocumentRow) -> None:
        with self.session() as session:
            session.merge(row)
            session.commit()

    def remove_document(self, document_id: str) -> None:
        with self.session() as session:
            _delete_page_tables(session, document_id)
            row = session.get(DocumentRow, document_id)
            if row is not None:
                session.delete(row)
            session.commit()

    def save_page_tables(self, document_id: str, pages: list[PageTable]) -> None:
        """Replace a document's page tables with these (an updated document may have lost pages)."""
        with self.session() as session:
            _delete_page_tables(session, document_id)
            session.add_all(pages)
            session.commit()

    def page_tables(
        self, document_ids: set[str], pages: set[tuple[str, int]], sections: bool = True
    ) -> list[PageTable]:
        """The page tables of these (document, page) pairs and, with `sections`, every statement
        page of these documents (a ratio may need the balance sheet beside the income statement)."""
        wanted = [
            and_(
                col(PageTable.document_id) == document,
                col(PageTable.page).in_(sorted({p for d, p in pages if d == document})),
            )
            for document in sorted({d for d, _ in pages})
        ]
        if sections and document_ids:
            wanted.append(and_(col(PageTable.document_id).in_(sorted(document_ids)), col(PageTable.section) != ""))
        if not wanted:
            return []
        with self.session() as session:
            query = select(PageTable).where(or_(*wanted))
            return list(session.exec(query.order_by(col(PageTable.document_id), col(PageTable.page))))

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

    def question_count(self) -> int:
        with self.session() as session:
            return int(session.exec(select(func.count()).select_from(QuestionRow)).one())

    def questions(self, limit: int = 100) -> list[QuestionRow]:
        with self.session() as session:
            return list(session.exec(select(QuestionRow).order_by(col(QuestionRow.id).desc()).limit(limit)))


def _delete_page_tables(session: Session, document_id: str) -> None:
    session.execute(delete(PageTable).where(col(PageTable.document_id) == document_id))


@event.listens_for(Session, "before_flush")
def _strip_nul(session: Session, _context: Any, _instances: Any) -> None:
    """PostgreSQL text cannot hold NUL bytes; one in any value would abort the whole write."""
    for row in (*session.new, *session.dirty):
        for name, value in vars(row).items():
            if isinstance(value, str) and "\x00" in value:
                setattr(row, name, value.replace("\x00", ""))
