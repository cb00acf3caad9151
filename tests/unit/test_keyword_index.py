"""The keyword index keeps each chunk's labels (metadata without text) through a save and a load."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from knowledge.index.keyword import KeywordIndex
from knowledge.records import Chunk

CHUNKS = [
    Chunk(
        id="doc1-v1-0",
        document_id="doc1",
        text="Purchases of property, plant and equipment 1,577 1,373",
        title="3M 2018 10-K",
        uri="file:///3m.pdf",
        published=date(2019, 2, 7),
        page=59,
        tickers=("MMM",),
        kind="filing",
        section="cash_flow",
    ),
    Chunk(
        id="doc1-v1-1",
        document_id="doc1",
        text="Risk factors",
        title="3M 2018 10-K",
        uri="file:///3m.pdf",
        published=date(2019, 2, 7),
        page=12,
        tickers=("MMM",),
        kind="filing",
    ),
    Chunk(
        id="doc2-v1-0",
        document_id="doc2",
        text="Alibaba fällt",
        title="Alibaba",
        uri="https://n.example/a",
        url="https://n.example/a",
        publisher="Example",
        language="de",
        tickers=("BABA", "9988.HK"),
    ),
]


def test_labels_survive_a_save_and_a_load(tmp_path: Path) -> None:
    KeywordIndex(CHUNKS).save(tmp_path / "g1")
    loaded = KeywordIndex.load(tmp_path / "g1")

    assert loaded is not None
    for chunk in CHUNKS:
        assert loaded.label(chunk.id) == Chunk(**{**chunk.__dict__, "text": ""})
    assert loaded.search(["purchas"], 5) and loaded.search(["purchas"], 5)[0][0] == "doc1-v1-0"


def test_an_index_saved_without_labels_is_rebuilt(tmp_path: Path) -> None:
    KeywordIndex(CHUNKS).save(tmp_path / "g1")
    state_file = tmp_path / "g1" / "state.json"
    state = json.loads(state_file.read_text(encoding="utf-8"))
    del state["labels"]
    state_file.write_text(json.dumps(state), encoding="utf-8")

    assert KeywordIndex.load(tmp_path / "g1") is None
