"""The answer engine: wires the stages together once and answers questions."""

from __future__ import annotations

import logging
from functools import cached_property
from pathlib import Path

from knowledge.catalog import Catalog
from knowledge.chunker import Chunker
from knowledge.companies import Companies
from knowledge.composer import OVERVIEW_TERMS, compose
from knowledge.embedder import Embedder, SentenceEmbedder
from knowledge.guard import guard, is_advice_request
from knowledge.indexer import Indexer, IndexReport, Progress
from knowledge.keyword import KeywordIndex
from knowledge.records import Answer
from knowledge.retriever import Retriever, expand
from knowledge.settings import Settings
from knowledge.store import VectorStore

log = logging.getLogger(__name__)


class Engine:
    """Everything the CLI and the bot need: index sources, answer questions."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.catalog = Catalog(settings.catalog_url)
        self.store = VectorStore(settings.chroma_dir)
        self.companies = Companies.default()
        self._embedder = embedder
        self._keyword: KeywordIndex | None = None
        self.indexer = Indexer(
            self.catalog,
            self.store,
            lambda: self.embedder,
            Chunker(settings.chunk_size, settings.chunk_overlap),
        )

    @cached_property
    def embedder(self) -> Embedder:
        """Loaded on first use: listing sources should not pay for the model."""
        return self._embedder or SentenceEmbedder(self.settings.embedding_model, self.settings.embedding_batch_size)

    @property
    def keyword(self) -> KeywordIndex:
        if self._keyword is None:
            self._keyword = KeywordIndex(self.store.chunks())
        return self._keyword

    def refresh_keyword_index(self) -> None:
        """Build the keyword index anew; it replaces the old one in one step, so readers never see half."""
        self._keyword = KeywordIndex(self.store.chunks())

    def close(self) -> None:
        """Release database connections (Chroma keeps no open handles we own)."""
        self.catalog.close()

    def is_empty(self) -> bool:
        return self.store.count() == 0

    def ingest(self, paths: list[Path], progress: Progress | None = None) -> IndexReport:
        return self._after(self.indexer.ingest(paths, progress))

    def reindex(self, progress: Progress | None = None) -> IndexReport:
        return self._after(self.indexer.reindex(progress))

    def ensure_seeded(self, progress: Progress | None = None) -> IndexReport | None:
        """Index SEEDS_DIR when the index is empty; None when there was nothing to do."""
        if not self.is_empty():
            return None
        log.info("the index is empty: indexing %s first", self.settings.seeds_dir)
        return self.ingest([self.settings.seeds_dir], progress)

    def ask(self, question: str) -> Answer:
        """Answer from the indexed sources, guarded and disclaimed."""
        question = " ".join(question.split())
        retriever = Retriever(self.store, self.embedder, self.keyword, self.companies, self.settings.top_k)
        found = retriever.retrieve(question)
        names = tuple(name for ticker in found.companies for name in self.companies.names(ticker))
        advice = is_advice_request(question)
        expanded = expand(question, self.companies)
        draft = compose(question, expanded, found.passages, found.language, names)
        if found.companies and (advice or not draft.citations):
            # Advice requests and bare "what about X?" get the facts about the company instead.
            draft = compose(OVERVIEW_TERMS, OVERVIEW_TERMS, found.passages, found.language, names)
        return guard(
            Answer(
                question=question,
                text=draft.text,
                citations=draft.citations,
                disclaimer="",
                language=found.language,
                advice_request=advice,
                grounded=found.covered and bool(draft.citations),
            )
        )

    def _after(self, report: IndexReport) -> IndexReport:
        if report.changed or self._keyword is None:
            self.refresh_keyword_index()
        return report
