"""Processes starting together on one PostgreSQL catalog: every start-up write is idempotent, the
first index is built once, and a question asked before it is published hears so."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import pytest

from knowledge.catalog import Catalog
from knowledge.index.embedder import Embedder
from knowledge.market.prices import Prices
from knowledge.wiring.answering import Answering
from knowledge.wiring.core import Core
from knowledge.wiring.indexing import Indexing
from tests.conftest import SEEDS, make_settings

T = TypeVar("T")
pytestmark = pytest.mark.postgres


def _together(*calls: Callable[[], T]) -> list[T]:
    """Run the calls in threads released at the same moment; their results in order."""
    start = threading.Barrier(len(calls))

    def run(call: Callable[[], T]) -> T:
        start.wait(timeout=30)
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def test_two_processes_import_the_sample_prices_at_once(tmp_path: Path, postgres_url: str) -> None:
    settings = make_settings(tmp_path, database_url=postgres_url)
    catalogs = [Catalog(postgres_url), Catalog(postgres_url)]
    files = sorted((SEEDS / "prices").glob("*.csv"))
    try:
        reports = _together(*(lambda c=catalog: Prices(settings, c).import_files(files) for catalog in catalogs))
        stored = Prices(settings, catalogs[0]).book.count()
    finally:
        for catalog in catalogs:
            catalog.close()

    assert reports[0].bars_stored == reports[1].bars_stored and not reports[0].errors
    assert stored == sum(reports[0].bars_stored.values())


def test_the_first_index_is_built_once_and_questions_before_it_hear_it_is_being_built(
    tmp_path: Path, postgres_url: str, embedder: Embedder
) -> None:
    settings = make_settings(tmp_path, database_url=postgres_url)
    cores = [Core(settings, embedder) for _ in range(3)]
    replica = Answering(cores[2])
    try:
        early = [asyncio.run(replica.answer(q)) for q in ("Why is Alibaba down?", "Warum fällt die Alibaba-Aktie?")]
        reports = _together(*(lambda c=core: Indexing(c).ensure_seeded() for core in cores[:2]))
        generation = Indexing(cores[0]).writer.state().generation
        sources = len(cores[0].catalog.sources())
        replica.serving.reload()
        later = asyncio.run(replica.answer("Why is Alibaba down?"))
    finally:
        for core in cores:
            core.close()

    assert early[0].text == "The index is being built, ask again in a minute."
    assert early[1].text.startswith("Der Index wird gerade aufgebaut")
    assert len([report for report in reports if report is not None]) == 1
    assert generation == 1 and sources == 1
    assert "1.3%" in later.text
