"""Shared fixtures: one embedding model per session, settings in a scratch folder, a seeded index."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from knowledge.index.embedder import Embedder, make_embedder
from knowledge.settings import Settings
from knowledge.wiring.answering import Answering
from knowledge.wiring.local import Local
from tests.fakes.telegram import FakeBotAPI

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def embedder(tmp_path_factory: pytest.TempPathFactory) -> Embedder:
    """The real packaged model through the default backend (ONNX int8), exported once per session."""
    return make_embedder(make_settings(tmp_path_factory.mktemp("model")))


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the app keeps the model and its fitted readings (MODEL_CACHE_DIR): a reading a test fits
    there is fitted once per machine and examples, by one process, as in the app."""
    return make_settings(tmp_path_factory.mktemp("cache")).models_dir


def make_settings(tmp: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {"data_dir": tmp / "data", "seeds_dir": SEEDS, **overrides}
    return Settings(_env_file=None, **values)  # type: ignore[arg-type, call-arg]


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    """A private copy of the seeds that a test may change."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A PostgreSQL database of the test's own, dropped afterwards."""
    name = f"investorbot_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Iterator[Answering]:
    """The answering side over the seeds, indexed once for the read-only tests."""
    local = Local(make_settings(tmp_path_factory.mktemp("seeded")), embedder)
    local.indexing.ensure_seeded()
    yield local.answering
    local.close()


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    """A fake Bot API on loopback, for tests that drive a real PTB client against it."""
    server = FakeBotAPI()
    await server.start()
    yield server
    await server.stop()
