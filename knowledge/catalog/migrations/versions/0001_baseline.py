"""The catalog as the first release created it: sources, documents, runs, questions, feedback.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "source",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String, nullable=False, index=True),
        sa.Column("location", sa.Text, nullable=False),
        sa.Column("params", sa.Text, nullable=False),
        sa.Column("tickers", sa.String, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("last_fetched_at", sa.DateTime),
        sa.Column("last_error", sa.Text),
    )
    op.create_table(
        "indexrun",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("finished_at", sa.DateTime),
        sa.Column("status", sa.String, nullable=False),
        *(
            sa.Column(name, sa.Integer, nullable=False)
            for name in (
                "documents_seen",
                "documents_added",
                "documents_updated",
                "documents_removed",
                "chunks_embedded",
            )
        ),
        sa.Column("errors", sa.Text, nullable=False),
    )
    op.create_table(
        "question",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("asked_at", sa.DateTime, nullable=False),
        sa.Column("chat_id", sa.Integer),
        sa.Column("user_id", sa.Integer),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("answer", sa.Text, nullable=False),
        sa.Column("citations", sa.Text, nullable=False),
        sa.Column("mode", sa.String, nullable=False),
        sa.Column("grounded", sa.Boolean, nullable=False),
        sa.Column("latency_ms", sa.Integer, nullable=False),
    )
    op.create_table(
        "document",
        sa.Column("id", sa.String, primary_key=True),
        sa.Column("source_id", sa.Integer, sa.ForeignKey("source.id"), index=True),
        sa.Column("uri", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("publisher", sa.String, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("published", sa.String, nullable=False),
        sa.Column("language", sa.String, nullable=False),
        sa.Column("tickers", sa.String, nullable=False),
        sa.Column("content_hash", sa.String, nullable=False),
        sa.Column("fingerprint", sa.Text, nullable=False),
        sa.Column("chunk_count", sa.Integer, nullable=False),
        sa.Column("indexed_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("question_id", sa.Integer, sa.ForeignKey("question.id"), nullable=False, index=True),
        sa.Column("user_id", sa.Integer),
        sa.Column("vote", sa.Integer, nullable=False),
        sa.Column("voted_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    for table in ("feedback", "document", "question", "indexrun", "source"):
        op.drop_table(table)
