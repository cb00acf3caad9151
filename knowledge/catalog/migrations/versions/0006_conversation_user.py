"""Follow-up context is kept per user: conversation gains user_id in its primary key.

Revision ID: 0006_conversation_user
Revises: 0005_page_tables

In a group, one member's short follow-up used to inherit another member's last question (and its
advice notice). The table is made again with (chat_id, thread_id, user_id) as its key; the rows it
held are dropped, since they served a follow-up window of minutes and named no user.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_conversation_user"
down_revision = "0005_page_tables"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table("conversation")
    _create(with_user=True)


def downgrade() -> None:
    op.drop_table("conversation")
    _create(with_user=False)


def _create(*, with_user: bool) -> None:
    user = [sa.Column("user_id", sa.BigInteger, primary_key=True)] if with_user else []
    op.create_table(
        "conversation",
        sa.Column("chat_id", sa.BigInteger, primary_key=True),
        sa.Column("thread_id", sa.BigInteger, primary_key=True),
        *user,
        sa.Column("tickers", sa.String, nullable=False),
        sa.Column("topic", sa.Text, nullable=False),
        sa.Column("language", sa.String, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
