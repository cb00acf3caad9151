"""Watchlists, alerts, digests and the outbox they are delivered through.

Revision ID: 0004_watchlists
Revises: 0003

A chat's watchlist and preferences (time zone, quiet hours, digest time, paused when Telegram
refuses it); one row per trigger (`alert`) and one per message owed to a chat (`outbox`), whose
unique key makes every alert and digest go out once; and `push_state`, the cursors and the
lease of the process draining the outbox.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_watchlists"
down_revision = "0003"
branch_labels = None
depends_on = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "push_chat",
        sa.Column("chat_id", sa.BigInteger, primary_key=True),
        sa.Column("kind", sa.String, nullable=False),
        sa.Column("title", sa.Text, nullable=False, server_default=""),
        sa.Column("language", sa.String, nullable=False),
        sa.Column("timezone", sa.String, nullable=False),
        sa.Column("alerts", sa.Boolean, nullable=False),
        sa.Column("quiet_from", sa.String, nullable=False),
        sa.Column("quiet_until", sa.String, nullable=False),
        sa.Column("digest_at", sa.String, nullable=False),
        sa.Column("digest_set_at", TIMESTAMP, nullable=True),
        sa.Column("paused_at", TIMESTAMP, nullable=True),
        sa.Column("paused_reason", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", TIMESTAMP, nullable=False),
    )
    op.create_table(
        "watch",
        sa.Column("chat_id", sa.BigInteger, primary_key=True),
        sa.Column("ticker", sa.String, primary_key=True),
        sa.Column("added_at", TIMESTAMP, nullable=False),
    )
    op.create_index("ix_watch_ticker", "watch", ["ticker"])
    op.create_table(
        "alert",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.Text, nullable=False, unique=True),
        sa.Column("kind", sa.String, nullable=False),
        sa.Column("ticker", sa.String, nullable=False, index=True),
        sa.Column("title", sa.Text, nullable=False, server_default=""),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("chart", sa.LargeBinary, nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.Text, nullable=False, unique=True),
        sa.Column("chat_id", sa.BigInteger, nullable=False, index=True),
        sa.Column("kind", sa.String, nullable=False),
        sa.Column("alert_id", sa.Integer, sa.ForeignKey("alert.id"), nullable=True, index=True),
        sa.Column("payload", sa.Text, nullable=False, server_default=""),
        sa.Column("status", sa.String, nullable=False, index=True),
        sa.Column("due_at", TIMESTAMP, nullable=False, index=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("sent_at", TIMESTAMP, nullable=True, index=True),
        sa.Column("message_id", sa.BigInteger, nullable=True),
        sa.Column("error", sa.Text, nullable=False, server_default=""),
    )
    op.create_table(
        "push_state",
        sa.Column("name", sa.String, primary_key=True),
        sa.Column("value", sa.Text, nullable=False, server_default=""),
        sa.Column("holder", sa.String, nullable=False),
        sa.Column("until", TIMESTAMP, nullable=True),
    )


def downgrade() -> None:
    for table in ("push_state", "outbox", "alert", "watch", "push_chat"):
        op.drop_table(table)
