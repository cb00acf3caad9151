"""Coverage decided by meaning: a filing in its own words answers; what it does not hold stays
"not covered". Real model, Chroma and SQLite over one small filing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from knowledge.index.embedder import Embedder
from knowledge.wiring.answering import Answering
from knowledge.wiring.local import Local
from tests.conftest import make_settings

# A cash-flow page and a liquidity note worded as no concept table spells them.
FILING = """---
title: "Annual report 2024 excerpt"
publisher: "test filings"
url: "https://example.com/filings/2024"
published: 2025-03-06
tickers: [JD]
language: en
kind: filing
---
# Consolidated statements of cash flows

(In millions of RMB)
                                              2024        2023
Net earnings                                  41,359      24,167
Depreciation and amortization                  6,425       5,993
Additions to property and equipment           (8,712)     (7,219)

# Liquidity

Capital spending went mainly to logistics infrastructure and warehouses in lower-tier cities. The company expects
to keep investing in its supply chain.
"""


def _answering(folder: Path, embedder: Embedder, **settings: object) -> Iterator[Answering]:
    sources = folder / "sources"
    sources.mkdir()
    (sources / "2025-03-06-annual-excerpt.md").write_text(FILING, encoding="utf-8")
    local = Local(make_settings(folder, **settings), embedder)
    local.indexing.librarian.ingest([sources])
    yield local.answering
    local.close()


@pytest.fixture(scope="module")
def filing(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Iterator[Answering]:
    yield from _answering(tmp_path_factory.mktemp("coverage"), embedder)


def test_a_line_in_the_companys_own_words_answers(filing: Answering) -> None:
    answer = filing.ask("What did JD.com spend its capital expenditures on?")

    assert answer.grounded
    assert "logistics infrastructure" in answer.text
    assert answer.citations


def test_without_the_evidence_by_meaning_the_same_question_is_refused(tmp_path: Path, embedder: Embedder) -> None:
    # The word lists alone find no "capital expenditures" in the filing: this is what the
    # evidence by meaning changes (a threshold nothing reaches turns it off).
    answering = _answering(tmp_path, embedder, coverage_threshold=2.0)
    refused = next(answering).ask("What did JD.com spend its capital expenditures on?")

    assert not refused.grounded
    next(answering, None)


@pytest.mark.parametrize(
    "question",
    ["How many employees did JD.com have in 2024?", "What were JD.com's net earnings in 2019?"],
)
def test_what_the_filing_does_not_hold_stays_not_covered(filing: Answering, question: str) -> None:
    assert not filing.ask(question).grounded
