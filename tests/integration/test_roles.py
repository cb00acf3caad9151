"""Each process builds only what its role uses: a bot replica (JOBS=queue) no index writer and no
librarian, a worker no answer engine; the single process (JOBS=inline) both."""

from __future__ import annotations

import functools
import types
from pathlib import Path

import pytest

from knowledge.answer.engine import AnswerEngine
from knowledge.index.indexer import Indexer
from knowledge.index.librarian import Librarian
from knowledge.index.serving import ServingIndex
from knowledge.index.writer import IndexWriter
from knowledge.jobs.inline import InlineJobs
from knowledge.jobs.queue import QueueJobs
from knowledge.jobs.runner import Runner
from knowledge.wiring.bot_role import bot_role
from knowledge.wiring.worker_role import worker_role
from tests.conftest import make_settings

WRITING = {IndexWriter, Librarian, Indexer, Runner}
ANSWERING = {AnswerEngine, ServingIndex}


async def _tell(chat_id: int, text: str) -> None:
    """Reports go nowhere: nothing runs here."""


def _built(root: object) -> set[type]:
    """The types of our objects reachable from `root`: attributes, containers, closures, partials."""
    seen: set[int] = set()
    found: set[type] = set()
    waiting = [root]
    while waiting:
        item = waiting.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, dict):
            waiting.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            waiting.extend(item)
        elif isinstance(item, functools.partial):
            waiting.extend([item.func, *item.args, *item.keywords.values()])
        elif isinstance(item, types.MethodType):
            waiting.append(item.__self__)
        elif isinstance(item, types.FunctionType):
            waiting.extend(cell.cell_contents for cell in item.__closure__ or ())
        elif type(item).__module__.startswith(("knowledge.", "bot.", "apps.")):
            found.add(type(item))
            waiting.extend(getattr(item, "__dict__", {}).values())
    return found


@pytest.mark.postgres
def test_a_replica_builds_no_writer_and_a_worker_no_answer_engine(tmp_path: Path, postgres_url: str) -> None:
    settings = make_settings(tmp_path, jobs="queue", database_url=postgres_url)

    replica = bot_role(settings, _tell)
    worker = worker_role(settings, _tell)

    try:
        assert _built(replica) >= ANSWERING | {QueueJobs}
        assert not WRITING & _built(replica)
        assert _built(worker) >= WRITING
        assert not ANSWERING & _built(worker)
    finally:
        replica.answering.core.close()
        worker.close()


def test_the_single_process_builds_both_sides(tmp_path: Path) -> None:
    alone = bot_role(make_settings(tmp_path), _tell)

    try:
        assert _built(alone) >= ANSWERING | WRITING | {InlineJobs}
    finally:
        alone.answering.core.close()
