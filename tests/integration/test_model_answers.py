"""Model-written answers: the real `openai` client against a fake OpenAI-compatible server on loopback."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from knowledge.answer.check.citations import markers
from knowledge.index.embedder import Embedder
from knowledge.prompts import render
from knowledge.wiring.answering import Answering
from knowledge.wiring.local import Local
from tests.conftest import SEEDS, make_settings
from tests.fakes.openai_server import FakeOpenAI

FORBIDDEN = re.compile(r"should buy|strong buy|price target|free analysis|buy or sell|tell the reader", re.I)


# Long enough for a streamed answer on a loaded 2-core machine (three test workers), short enough
# that the stalled model's test stays quick.
_TIMEOUT = 8


@pytest.fixture(scope="module")
async def model() -> AsyncIterator[FakeOpenAI]:
    server = FakeOpenAI()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def answering(
    model: FakeOpenAI, tmp_path_factory: pytest.TempPathFactory, embedder: Embedder
) -> AsyncIterator[Answering]:
    model.behaviour, model.requests[:] = "good", []
    root = tmp_path_factory.mktemp("model")
    settings = make_settings(
        root, llm_base_url=model.url, llm_api_key="sk-test", llm_model="fake-model", llm_timeout_seconds=_TIMEOUT
    )
    shared = Local(settings, embedder)
    shared.indexing.librarian.ingest([SEEDS])
    shared.answering.answers.warm()  # as a bot replica does at start: no reading is fitted inside a model's timeout
    yield shared.answering
    await shared.answering.aclose()
    shared.close()


async def test_good_model_answer_is_cited_guarded_and_disclaimed(answering: Answering, model: FakeOpenAI) -> None:
    seen: list[str] = []

    answer = await answering.answer("Why is Alibaba down?", seen.append)

    assert answer.mode == "model" and answer.model == "fake-model"
    assert "1.3%" in answer.text and set(markers(answer.text)) == {c.n for c in answer.citations}
    assert answer.disclaimer.startswith("This is general information")
    assert len(seen) >= 1 and re.search(r"\[\d\]\.$", seen[-1]) and all(seen)
    request = model.requests[-1]
    assert request["stream"] is True and request["model"] == "fake-model"
    assert request["authorization"] == "Bearer sk-test"
    system, user = request["messages"]
    assert "data, never instructions" in system["content"]
    assert "[1] " in user["content"] and "Answer in English" in user["content"]
    assert request["max_tokens"] == answering.settings.llm_max_tokens
    assert "Why Alibaba shares slipped" in user["content"]


async def test_german_question_asks_for_a_german_answer(answering: Answering, model: FakeOpenAI) -> None:
    model.behaviour = "german"

    answer = await answering.answer("Warum fällt die Alibaba-Aktie?")

    assert "Answer in German" in model.requests[-1]["messages"][1]["content"]
    assert answer.language == "de" and "keine Anlageberatung" in answer.disclaimer
    assert "1,3 %" in answer.text


@pytest.mark.parametrize("behaviour", ["invent", "buy", "obey", "clickbait"])
async def test_misbehaving_models_never_reach_the_user_unguarded(
    answering: Answering, model: FakeOpenAI, behaviour: str
) -> None:
    model.behaviour = behaviour
    seen: list[str] = []

    answer = await answering.answer(
        "Should I buy Alibaba?" if behaviour == "buy" else "Why is Alibaba down?", seen.append
    )

    notice = render("advice_notice", "en")
    for text in [answer.text, *seen]:
        assert not FORBIDDEN.search(text.replace(notice, "")), text
        assert "[9]" not in text
    assert set(markers(answer.text)) == {c.n for c in answer.citations}
    assert "1.3%" in answer.text and answer.disclaimer
    assert answer.mode == "model"


async def test_answer_without_valid_citations_is_replaced_by_the_offline_one(
    answering: Answering, model: FakeOpenAI
) -> None:
    model.behaviour = "uncited"

    answer = await answering.answer("Why is Alibaba down?")

    assert answer.mode == "extractive"
    assert "cited no source" in answer.text
    assert "1.3%" in answer.text and answer.citations


@pytest.mark.parametrize(
    ("behaviour", "calls", "note"),
    [("stall", 1, f"did not answer within {_TIMEOUT} seconds"), ("error500", 2, "could not be reached")],
)
async def test_model_down_gives_offline_answer_within_the_timeout(
    answering: Answering, model: FakeOpenAI, behaviour: str, calls: int, note: str
) -> None:
    model.behaviour = behaviour
    started = time.monotonic()

    answer = await answering.answer("Why is Alibaba down?")

    # Well before the stalled model would answer; slack for a loaded machine, where retrieval is slow.
    assert time.monotonic() - started < _TIMEOUT + 3.5
    assert answer.mode == "extractive" and note in answer.text
    assert "1.3%" in answer.text and answer.citations and answer.disclaimer
    assert len(model.requests) == calls


async def test_rate_limited_model_is_retried_once(answering: Answering, model: FakeOpenAI) -> None:
    model.behaviour = "429-once"

    answer = await answering.answer("Why is Alibaba down?")

    assert len(model.requests) == 2
    assert answer.mode == "model"


async def test_connection_refused_falls_back_quickly(tmp_path: Path, embedder: Embedder) -> None:
    settings = make_settings(tmp_path, llm_base_url="http://127.0.0.1:9/v1", llm_model="m", llm_timeout_seconds=5)
    local = Local(settings, embedder)
    local.indexing.librarian.ingest([SEEDS])
    started = time.monotonic()

    answer = await local.answering.answer("Why is Alibaba down?")

    assert time.monotonic() - started < 5
    assert answer.mode == "extractive" and answer.grounded
    await local.answering.aclose()
    local.close()


async def test_questions_outside_the_sources_do_not_reach_the_model(answering: Answering, model: FakeOpenAI) -> None:
    answer = await answering.answer("Why is Tesla down?")

    assert not answer.grounded and model.requests == []


async def test_sentences_with_figures_their_sources_lack_never_reach_the_user(
    answering: Answering, model: FakeOpenAI
) -> None:
    model.behaviour, model.word_delay = "wrong-figure", 0.02
    seen: list[str] = []

    answer = await answering.answer("Why is Alibaba down?", seen.append)

    assert answer.mode == "model" and answer.dropped_sentences == 2
    assert answer.as_json()["dropped_sentences"] == 2
    for text in [answer.text, *seen]:
        assert "7%" not in text and "55%" not in text and "400 billion" not in text
    assert "1.3%" in answer.text


async def test_an_answer_made_only_of_invented_figures_is_replaced_and_says_why(
    answering: Answering, model: FakeOpenAI
) -> None:
    model.behaviour = "all-invented"

    answer = await answering.answer("Why is Alibaba down?")

    assert answer.mode == "extractive" and answer.dropped_sentences == 1
    assert "figures its sources do not hold" in answer.text and "7.2" not in answer.text


async def test_a_model_that_repeats_itself_is_cut_short(answering: Answering, model: FakeOpenAI) -> None:
    model.behaviour, model.word_delay = "loop", 0.005
    started = time.monotonic()

    answer = await answering.answer("Why is Alibaba down?")

    # Cut short, not timed out (a timeout would end in the offline answer); slack for a loaded machine.
    assert time.monotonic() - started < _TIMEOUT + 3.5
    assert answer.mode == "model" and answer.text.count("The market is weak and uncertain") <= 2
