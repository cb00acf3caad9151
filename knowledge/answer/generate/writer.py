"""Model-written answers: the model gets the numbered passages (and, for a move, the price facts as
[P]); what it writes is capped in length, stopped when it repeats itself, checked sentence by
sentence (figures against the cited passages, then the guard) before anything is shown, and
replaced by the offline answer, with a note saying why, when nothing of it stands.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable
from dataclasses import replace

from knowledge import metrics
from knowledge.answer.check.citations import reconcile
from knowledge.answer.check.guard import guard, guard_partial, strip_violations
from knowledge.answer.check.verifier import verify
from knowledge.answer.generate.generator import Generator, ModelUnavailableError
from knowledge.answer.generate.packer import pack
from knowledge.answer.record import Answer
from knowledge.answer.retrieve.retriever import Retrieval
from knowledge.answer.understand.question import Question
from knowledge.prompts import render
from knowledge.settings import Settings
from knowledge.text.policy import Policy

log = logging.getLogger(__name__)

LANGUAGE_NAMES = {"en": "English", "de": "German"}
_FINISHED = re.compile(r"[.!?](?:\s*\[(?:\d{1,3}|P)(?:\s*,\s*(?:\d{1,3}|P))*\])*(?=\s)|\n")
_REPEAT_WINDOW = 60  # characters: a passage this long written twice means the model is looping


class ModelWriter:
    """Writes answers with an OpenAI-compatible model, within LLM_TIMEOUT_SECONDS."""

    def __init__(self, settings: Settings, generator: Generator, policy: Policy | None = None) -> None:
        self._settings, self._generator = settings, generator
        self._policy = policy or Policy()

    async def write(
        self, question: Question, found: Retrieval, offline: Answer, on_text: Callable[[str], None] | None
    ) -> Answer:
        deadline = time.monotonic() + self._settings.llm_timeout_seconds
        packed = pack(found.passages, self._settings.llm_context_tokens)
        move_line = offline.text.split("\n", 1)[0] if offline.move is not None else ""
        messages = _messages(question, packed.text, move_line, offline.computed)
        known = "\n".join(filter(None, (move_line, offline.computed)))  # facts the figure check accepts
        text, shown = "", ""
        failure = ""
        try:
            async with asyncio.timeout(max(0.0, deadline - time.monotonic())):
                async for delta in self._generator.stream(messages, deadline):
                    text += delta
                    if _looping(text):
                        log.warning("the model repeats itself; its answer is cut there")
                        text = _cut_loop(text)
                        break
                    preview = self._preview(text, packed.citations, offline, move_line, known)
                    if on_text is not None and preview and preview != shown:
                        shown = preview
                        on_text(preview)
        except TimeoutError:
            failure = "timeout"
        except ModelUnavailableError as error:
            log.warning("model unreachable, answering from the sources: %s", error)
            metrics.MODEL_FALLBACKS.labels(reason="unreachable").inc()
            return _with_note(offline, render("model_unreachable", question.language))
        finished = _finished(text) if failure else text
        checked = verify(strip_violations(finished, self._policy), packed.citations, known)
        if checked.dropped:
            log.info("dropped %d model sentence(s) with figures their sources do not hold", checked.dropped)
        body, cited = reconcile(checked.text, packed.citations)
        if not cited:
            note = _failure_note(failure, checked.dropped, question.language, self._settings.llm_timeout_seconds)
            log.warning("model answer unusable (%s); answering from the sources", failure or "no supported citation")
            reason = "unsupported" if checked.dropped else failure or "ungrounded"
            metrics.MODEL_FALLBACKS.labels(reason=reason).inc()
            return replace(_with_note(offline, note), dropped_sentences=checked.dropped)
        text = f"{move_line}\n{body}" if move_line else body
        drafted = replace(
            offline,
            text=text,
            citations=cited,
            mode="model",
            model=self._generator.model,
            grounded=True,
            dropped_sentences=checked.dropped,
        )
        answer = guard(replace(drafted, disclaimer=""), self._policy)
        return _with_note(answer, render("model_partial", question.language)) if failure else answer

    def _preview(self, text: str, citations: tuple, offline: Answer, move_line: str, known: str) -> str:  # type: ignore[type-arg]
        """Finished sentences that already pass the guard and the figure check, nothing else."""
        partial = guard_partial(text, citations, offline.advice_request, offline.language, self._policy)
        checked = verify(partial, citations, known).text
        return f"{move_line}\n{checked}" if move_line and checked else checked


def _messages(question: Question, sources: str, move_line: str, computed: str = "") -> list[dict[str, str]]:
    facts = render("price_facts", move=move_line) if move_line else ""
    if computed:
        facts += render("computed_facts", figures=computed)
    prompt = render(
        "answer", sources=sources, facts=facts, question=question.text, language_name=LANGUAGE_NAMES[question.language]
    )
    return [{"role": "system", "content": render("system")}, {"role": "user", "content": prompt}]


def _finished(text: str) -> str:
    """Only the sentences the model completed before it was stopped."""
    ends = [match.end() for match in _FINISHED.finditer(text + " ")]
    return text[: ends[-1]] if ends else ""


def _looping(text: str) -> bool:
    tail = text[-_REPEAT_WINDOW:]
    return len(text) > 3 * _REPEAT_WINDOW and len(tail.strip()) == _REPEAT_WINDOW and text.count(tail) > 1


def _cut_loop(text: str) -> str:
    tail = text[-_REPEAT_WINDOW:]
    return text[: text.index(tail) + len(tail)] if tail in text[:-_REPEAT_WINDOW] else text


def _failure_note(failure: str, dropped: int, language: str, timeout: float) -> str:
    if dropped:
        return render("model_unsupported", language)
    if failure == "timeout":
        return render("model_timed_out", language, seconds=f"{timeout:g}")
    return render("model_ungrounded", language)


def _with_note(answer: Answer, note: str) -> Answer:
    return replace(answer, text=f"{answer.text}\n\n{note}", notes=(*answer.notes, note))
