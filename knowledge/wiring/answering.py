"""The answering side: the served index (followed as writers publish) and the answer engine, with
the stored prices it reads moves from. All a bot replica builds; it never writes the index."""

from __future__ import annotations

from collections.abc import Callable

from threadpoolctl import threadpool_limits

from knowledge.answer.engine import AnswerEngine
from knowledge.answer.generate.generator import Generator, ModelGenerator
from knowledge.answer.record import Answer
from knowledge.answer.retrieve.retriever import Retrieval
from knowledge.answer.understand.followup import Context
from knowledge.index.keyword import KeywordIndex
from knowledge.index.serving import ServingIndex
from knowledge.index.store import VectorStore
from knowledge.market.prices import Prices
from knowledge.records import Chunk
from knowledge.settings import Settings
from knowledge.text.companies import Companies
from knowledge.wiring.core import Core


class Answering:
    """Answers questions from the published index and the stored prices."""

    def __init__(self, core: Core, generator: Generator | None = None) -> None:
        # An answer's matrix products are small (a few hundred examples by 384); OpenBLAS splits
        # them anyway, and its idle threads spin on the cores the embedding model runs on.
        threadpool_limits(1, user_api="blas")
        self.core, self.settings, self.catalog = core, core.settings, core.catalog
        self.serving = ServingIndex(core.catalog, core.opener, core.shelf, core.settings.index_poll_seconds)
        model = generator or model_generator(core.settings)
        self.answers = AnswerEngine(core.settings, core.catalog, self.serving, lambda: core.embedder, model)

    @property
    def store(self) -> VectorStore:
        """The store as the served generation sees it."""
        return self.serving.view().store

    @property
    def keyword(self) -> KeywordIndex:
        return self.serving.view().keyword

    @property
    def companies(self) -> Companies:
        return self.answers.companies

    @property
    def prices(self) -> Prices:
        return self.answers.prices

    def chunks(self) -> list[Chunk]:
        """Every chunk of the served generation."""
        view = self.serving.view()
        return view.store.get(view.keyword.ids)

    def chunk_count(self) -> int:
        """Chunks in the served generation."""
        return self.serving.view().count()

    def ask(self, question: str, context: Context | None = None) -> Answer:
        return self.answers.ask(question, context)

    def brief(self, question: str, *, move: bool = False, language: str | None = None) -> Answer:
        """The offline answer alone, never the model's (bounded work: inline queries)."""
        return self.answers.brief(question, move=move, language=language)

    async def answer(
        self, question: str, on_text: Callable[[str], None] | None = None, context: Context | None = None
    ) -> Answer:
        return await self.answers.answer(question, on_text, context)

    def retrieve(self, question: str, top_k: int | None = None) -> Retrieval:
        return self.answers.retrieve(question, top_k)

    async def aclose(self) -> None:
        """Close the model client's connections (they belong to the running event loop)."""
        await self.answers.aclose()


def model_generator(settings: Settings) -> Generator | None:
    """The OpenAI-compatible model the settings name, or None for offline answers."""
    if not settings.llm_configured:
        return None
    return ModelGenerator(
        settings.llm_base_url,
        settings.llm_api_key.get_secret_value(),
        settings.llm_model,
        settings.llm_temperature,
        settings.llm_max_tokens,
    )
