"""The tables read from each indexed page, with their row-label vectors.

Revision ID: 0005_page_tables
Revises: 0004_watchlists

Computed figures and structured rows read a page's tables back per question; the row labels are
embedded once, at indexing. Rows go with their document.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_page_tables"
down_revision = "0004_watchlists"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "page_table",
        sa.Column("document_id", sa.String, primary_key=True),
        sa.Column("page", sa.Integer, primary_key=True),
        sa.Column("section", sa.String, nullable=False, server_default=""),
        sa.Column("tables", sa.Text, nullable=False),
        sa.Column("vectors", sa.LargeBinary, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("page_table")
