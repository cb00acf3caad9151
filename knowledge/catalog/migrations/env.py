"""Alembic environment: migrations run on the connection the catalog hands over (see migrator.py)."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

from knowledge.catalog import tables  # noqa: F401  (registers the tables on SQLModel.metadata)

connection = context.config.attributes["connection"]
# SQLite cannot alter columns in place; batch mode rebuilds the table instead.
context.configure(connection=connection, target_metadata=SQLModel.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
