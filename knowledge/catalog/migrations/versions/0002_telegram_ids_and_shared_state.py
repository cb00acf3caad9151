"""64-bit Telegram ids; one vote per user and answer; the state several processes share.

Revision ID: 0002
Revises: 0001

Telegram chat and user ids exceed 32 bits (supergroups are -100…, new users are above 2³¹), so
every such column becomes BIGINT. The new tables hold what bot replicas and workers must agree
on: the published index generation and its keyword snapshot, per-user question counts, chat
notices, conversation context, answer messages, price bars and the embedding cache.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# Times are stored with their zone on PostgreSQL (SQLite keeps them as UTC text either way).
TIMESTAMP = sa.DateTime(timezone=True)
# Columns the first release created without a zone; their values were written in UTC.
NAIVE_TIMES = {
    "source": ("created_at", "last_fetched_at"),
    "indexrun": ("started_at", "finished_at"),
    "question": ("asked_at",),
    "document": ("indexed_at",),
    "feedback": ("voted_at",),
}

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table, columns in NAIVE_TIMES.items():
            for column in columns:
                op.execute(
                    f"ALTER TABLE {table} ALTER COLUMN {column} TYPE timestamptz USING {column} AT TIME ZONE 'UTC'"
                )
    with op.batch_alter_table("question") as batch:
        batch.alter_column("chat_id", type_=sa.BigInteger, existing_type=sa.Integer)
        batch.alter_column("user_id", type_=sa.BigInteger, existing_type=sa.Integer)
    # Keep each user's latest vote on an answer before one vote per user becomes the rule.
    op.execute(
        "DELETE FROM feedback WHERE id NOT IN "
        "(SELECT MAX(id) FROM feedback GROUP BY question_id, COALESCE(user_id, -1))"
    )
    with op.batch_alter_table("feedback") as batch:
        batch.alter_column("user_id", type_=sa.BigInteger, existing_type=sa.Integer)
        batch.create_unique_constraint("uq_feedback_question_user", ["question_id", "user_id"])
    op.create_table(
        "answer_message",
        sa.Column("chat_id", sa.BigInteger, primary_key=True),
        sa.Column("message_id", sa.BigInteger, primary_key=True),
        sa.Column("question_id", sa.Integer, sa.ForeignKey("question.id"), nullable=False, index=True),
    )
    op.create_table(
        "index_state",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("generation", sa.Integer, nullable=False),
        sa.Column("collection", sa.String, nullable=False),
        sa.Column("embedding_model", sa.String, nullable=False),
        sa.Column("chunk_count", sa.Integer, nullable=False),
        sa.Column("published_at", TIMESTAMP, nullable=False),
        sa.Column("retired_collection", sa.String, nullable=False),
        sa.Column("writer", sa.Text, nullable=False),
    )
    op.create_table(
        "keyword_snapshot",
        sa.Column("generation", sa.Integer, primary_key=True),
        sa.Column("part", sa.Integer, primary_key=True),
        sa.Column("name", sa.String, primary_key=True),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "question_event",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.BigInteger, nullable=False, index=True),
        sa.Column("at", TIMESTAMP, nullable=False, index=True),
    )
    op.create_table(
        "chat_notice",
        sa.Column("chat_id", sa.BigInteger, primary_key=True),
        sa.Column("kind", sa.String, primary_key=True),
        sa.Column("at", TIMESTAMP, nullable=False),
    )
    op.create_table(
        "conversation",
        sa.Column("chat_id", sa.BigInteger, primary_key=True),
        sa.Column("thread_id", sa.BigInteger, primary_key=True),
        sa.Column("tickers", sa.String, nullable=False),
        sa.Column("topic", sa.Text, nullable=False),
        sa.Column("language", sa.String, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
    )
    op.create_table(
        "price_bar",
        sa.Column("ticker", sa.String, primary_key=True),
        sa.Column("session", sa.Date, primary_key=True),
        *(sa.Column(name, sa.Float, nullable=False) for name in ("open", "high", "low", "close", "adj_close")),
        sa.Column("volume", sa.BigInteger, nullable=False),
        sa.Column("source", sa.String, nullable=False),
        sa.Column("fetched_at", TIMESTAMP, nullable=False),
    )
    op.create_table(
        "embedding_cache",
        sa.Column("key", sa.String, primary_key=True),
        sa.Column("vector", sa.LargeBinary, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "embedding_cache",
        "price_bar",
        "conversation",
        "chat_notice",
        "question_event",
        "keyword_snapshot",
        "index_state",
        "answer_message",
    ):
        op.drop_table(table)
    with op.batch_alter_table("feedback") as batch:
        batch.drop_constraint("uq_feedback_question_user", type_="unique")
