"""A price bar's volume may be unknown.

Revision ID: 0003
Revises: 0002

Yahoo's exports write `null` for a session whose volume it does not know; such a bar used to be
rejected whole. Its prices are kept now, and its volume stored as NULL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("price_bar") as batch:
        batch.alter_column("volume", existing_type=sa.BigInteger(), nullable=True)


def downgrade() -> None:
    op.execute("UPDATE price_bar SET volume = 0 WHERE volume IS NULL")
    with op.batch_alter_table("price_bar") as batch:
        batch.alter_column("volume", existing_type=sa.BigInteger(), nullable=False)
