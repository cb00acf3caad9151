"""A full rebuild (here: new chunking) into a new collection while a reader keeps answering."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from knowledge.index.embedder import Embedder
from knowledge.index.serving import IndexView
from knowledge.wiring.local import Local
from tests.conftest import make_settings

QUESTIONS = (
    "How fast did Alibaba's cloud business grow?",
    "Why is JD.com under pressure?",
    "Wie viel investiert Alibaba in KI?",
)


def _texts(view: IndexView) -> dict[str, str]:
    return {chunk.id: chunk.text for chunk in view.store.get(list(view.keyword.ids))}


def test_a_rebuild_flips_atomically_while_questions_are_answered(tmp_path: Path, embedder: Embedder) -> None:
    reader = Local(make_settings(tmp_path, index_poll_seconds=0.2, stale_chunk_grace_seconds=0), embedder)
    reader.indexing.ensure_seeded()
    before = reader.indexing.writer.state()
    listed = {before.generation: _texts(reader.answering.serving.view())}
    # The same data folder, chunked differently: every chunk id and size changes with the rebuild.
    rebuilder = Local(make_settings(tmp_path, chunk_size=300, chunk_overlap=0, stale_chunk_grace_seconds=0), embedder)
    done = threading.Event()
    seen: list[tuple[int, bool, dict[str, str]]] = []

    def ask_continuously() -> None:
        n, deadline = 0, time.monotonic() + 120
        # Until the rebuild is done and the reader has moved to it (it follows within a poll or two).
        while time.monotonic() < deadline and not (done.is_set() and seen and seen[-1][0] > before.generation):
            question = QUESTIONS[n % len(QUESTIONS)]
            found = reader.answering.answers.retrieve(question, view=reader.answering.serving.view())
            answer = reader.answering.ask(question)
            seen.append((found.generation, answer.grounded, {p.chunk.id: p.chunk.text for p in found.passages}))
            n += 1

    asking = threading.Thread(target=ask_continuously)
    asking.start()
    report = rebuilder.indexing.librarian.rebuild()
    after = rebuilder.indexing.writer.state()
    listed[after.generation] = _texts(rebuilder.answering.serving.reload())
    done.set()
    asking.join(timeout=120)

    assert not report.errors and report.chunks_embedded > before.chunk_count
    assert after.generation == before.generation + 1 and after.collection != before.collection
    assert after.retired_collection == before.collection
    # New chunking: chunk ids (document, version, number) recur with other texts in the new collection.
    shared = set(listed[after.generation]) & set(listed[before.generation])
    assert shared and any(listed[after.generation][i] != listed[before.generation][i] for i in shared)
    assert {generation for generation, _, _ in seen} == {before.generation, after.generation}
    for generation, grounded, passages in seen:  # every answer from one generation, never empty
        assert grounded and passages
        assert all(listed[generation].get(chunk_id) == text for chunk_id, text in passages.items())

    # The next writer drops the replaced collection (grace 0 here); the reader is on the new one.
    rebuilder.indexing.librarian.refresh()
    assert before.collection not in rebuilder.answering.store.collections()
    assert rebuilder.indexing.writer.state().retired_collection == ""
    assert reader.answering.ask(QUESTIONS[0]).grounded
    reader.close()
    rebuilder.close()


def test_a_rebuild_that_fails_its_checks_leaves_the_serving_index_alone(tmp_path: Path, embedder: Embedder) -> None:
    local = Local(make_settings(tmp_path), embedder)
    local.indexing.ensure_seeded()
    before = local.indexing.writer.state()
    collections = set(local.answering.store.collections())
    local.indexing.writer.verify = lambda store, sample=20: (_ for _ in ()).throw(RuntimeError("check failed"))  # type: ignore[method-assign]

    try:
        local.indexing.librarian.rebuild()
    except RuntimeError as error:
        assert "check failed" in str(error)
    else:
        raise AssertionError("the rebuild should have failed")

    assert local.indexing.writer.state().generation == before.generation
    assert set(local.answering.store.collections()) == collections  # the half-built collection is gone
    assert local.answering.ask(QUESTIONS[0]).grounded
    local.close()
