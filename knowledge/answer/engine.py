"""The answer engine: retrieve from the served index, then compose or generate, verify and guard.

This is all a bot replica needs; it never writes the index.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import replace

from knowledge.answer.citations import reconcile
from knowledge.answer.composer import OVERVIEW_TERMS, compose
from knowledge.answer.generator import Generator, ModelUnavailableError
from knowledge.answer.guard import guard, guard_partial, is_advice_request, strip_violations
from knowledge.answer.packer import pack
from knowledge.answer.query import strip_instructions
from knowledge.answer.retriever import Retrieval, Retriever, expand
from knowledge.catalog import Catalog
from knowledge.index.embedder import Embedder
from knowledge.index.serving import ServingIndex
from knowledge.prompts import render
from knowledge.records import Answer
from knowledge.settings import Settings
from knowledge.sources.reader import params_of
from knowledge.text.companies import Companies
from knowledge.text.language import detect
from knowledge.text.normalizer import normalize_question

log = logging.getLogger(__name__)

LANGUAGE_NAMES = {"en": "English", "de": "German"}


class AnswerEngine:
    """Answers questions from the published index, guarded and disclaimed."""

    def __init__(
        self,
        settings: Settings,
        catalog: Catalog,
        serving: ServingIndex,
        embedder: Callable[[], Embedder],
        generator: Generator | None,
    ) -> None:
        self.settings, self.catalog, self.serving = settings, catalog, serving
        self._embedder, self.generator = embedder, generator
        self._companies: tuple[int, Companies] | None = None

    @property
    def companies(self) -> Companies:
        """The packaged aliases plus the names EDGAR gave, as of the generation being served."""
        generation = self.serving.view().generation
        if self._companies is None or self._companies[0] != generation:
            self._companies = (generation, _companies(self.catalog))
        return self._companies[1]

    def ask(self, question: str) -> Answer:
        """Answer (blocking): offline at once, or through the model within its timeout."""
        if self.generator is None:
            question = normalize_question(question)
            return self._extractive(question, self.retrieve(question))
        return asyncio.run(self._answer_once(question))

    async def _answer_once(self, question: str) -> Answer:
        try:
            return await self.answer(question)
        finally:
            await self.aclose()

    async def aclose(self) -> None:
        """Close the model client's connections (they belong to the running event loop)."""
        if self.generator is not None:
            await self.generator.aclose()

    async def answer(self, question: str, on_text: Callable[[str], None] | None = None) -> Answer:
        """Answer, with the model when one is configured; `on_text` sees the guarded text as it grows.

        Never takes longer than LLM_TIMEOUT_SECONDS: past that, or when the model fails, the
        extractive answer is returned with a short note.
        """
        deadline = time.monotonic() + self.settings.llm_timeout_seconds
        question = normalize_question(question)
        found = await asyncio.to_thread(self.retrieve, question)
        offline = self._extractive(question, found)
        if self.generator is None or not found.covered:
            return offline
        packed = pack(found.passages, self.settings.llm_context_tokens)
        advice = offline.advice_request
        messages = [
            {"role": "system", "content": render("system")},
            {
                "role": "user",
                "content": render(
                    "answer", sources=packed.text, question=question, language_name=LANGUAGE_NAMES[found.language]
                ),
            },
        ]
        text, shown = "", ""
        try:
            async with asyncio.timeout(max(0.0, deadline - time.monotonic())):
                async for delta in self.generator.stream(messages, deadline):
                    text += delta
                    preview = guard_partial(text, packed.citations, advice, found.language)
                    if on_text is not None and preview and preview != shown:
                        shown = preview
                        on_text(preview)
        except (TimeoutError, ModelUnavailableError) as error:
            log.warning("model unavailable, answering extractively: %s", error or "timeout")
            return _with_note(offline, "model_unavailable")
        _, cited = reconcile(strip_violations(text), packed.citations)
        if not cited:
            log.warning("model answer cited no valid source; answering extractively")
            return _with_note(offline, "model_ungrounded")
        drafted = Answer(
            question, text.strip(), packed.citations, "", found.language, advice, True, "model", self.generator.model
        )
        return guard(drafted)

    def retrieve(self, question: str, top_k: int | None = None) -> Retrieval:
        """The ranked passages for a question, as the answer would use them."""
        view = self.serving.view()
        retriever = Retriever(view, self._embedder(), self.companies, top_k or self.settings.top_k)
        return retriever.retrieve(normalize_question(question))

    def _extractive(self, question: str, found: Retrieval) -> Answer:
        names = tuple(name for ticker in found.companies for name in self.companies.names(ticker))
        advice = is_advice_request(question)
        core = strip_instructions(question)
        draft = compose(core, expand(core, self.companies), found.passages, found.language, names)
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


def _companies(catalog: Catalog) -> Companies:
    """The packaged aliases plus the company names EDGAR reported for the filings sources."""
    extra: dict[str, list[str]] = {}
    for source in catalog.sources():
        state = params_of(source).get("state", {})
        if source.kind == "edgar" and state.get("company") and state.get("tickers"):
            extra.setdefault(str(state["tickers"][0]).upper(), []).append(str(state["company"]))
    return Companies.default().extended(extra) if extra else Companies.default()


def _with_note(answer: Answer, note: str) -> Answer:
    text = render(note, answer.language or detect(answer.question))
    return replace(answer, text=f"{answer.text}\n\n{text}", notes=(*answer.notes, text))
