"""Bring a catalog's schema to the newest revision, in place, on SQLite or PostgreSQL."""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
BASELINE = "0001"
# Any constant will do: it only has to be the same for every process that migrates this catalog.
_MIGRATION_LOCK = 720_431_001


def upgrade(engine: Engine) -> None:
    """Apply every migration the catalog lacks; a catalog from before migrations is stamped first."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Several replicas may start at once: one migrates, the others wait and find nothing to do.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        current = MigrationContext.configure(connection).get_current_revision()
        if current == head:
            return
        config.attributes["connection"] = connection
        if current is None and inspect(connection).has_table("source"):
            _complete_baseline(connection)
            command.stamp(config, BASELINE)
        command.upgrade(config, "head")
    log.info("catalog schema upgraded from %s to %s", current or "empty", head)


def _complete_baseline(connection: Connection) -> None:
    """Catalogs from before the fingerprint column got it added at start; do the same here."""
    columns = {column["name"] for column in inspect(connection).get_columns("document")}
    if "fingerprint" not in columns:
        connection.execute(text("ALTER TABLE document ADD COLUMN fingerprint TEXT NOT NULL DEFAULT ''"))
