"""Inline mode through the real PTB client and the fake Bot API: `@bot BABA`, a question, advice."""

from __future__ import annotations

import html
import re
import shutil
import threading
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.app import BotApplication
from knowledge.answer.record import Answer
from knowledge.index.embedder import Embedder
from knowledge.wiring.answering import Answering
from tests.conftest import SEEDS, make_settings
from tests.fakes.telegram import TOKEN, FakeBotAPI, bot_application, inline_contents, inline_results, running

CACHE_SECONDS = 120


class StalledAnswering(Answering):
    """The real answering side; the query "stall" blocks until the test lets it go."""

    released = threading.Event()

    def brief(self, question: str, *, move: bool = False, language: str | None = None) -> Answer:
        if question == "stall":
            self.released.wait(timeout=30)
        return super().brief(question, move=move, language=language)


@pytest.fixture(scope="module")
async def inline_bot(
    tmp_path_factory: pytest.TempPathFactory, embedder: Embedder
) -> AsyncIterator[tuple[FakeBotAPI, BotApplication]]:
    api = FakeBotAPI()
    await api.start()
    root = tmp_path_factory.mktemp("inline")
    shutil.copytree(SEEDS, root / "seeds")
    settings = make_settings(
        root,
        seeds_dir=root / "seeds",
        telegram_bot_token=TOKEN,
        telegram_api_url=api.url,
        inline_cache_seconds=CACHE_SECONDS,
        inline_timeout_seconds=5,  # generous on a loaded machine; the stalled query waits it out
    )
    async with running(bot_application(settings, embedder, StalledAnswering)) as application:
        yield api, application
    StalledAnswering.released.set()
    await api.stop()


async def _answered(api: FakeBotAPI, user_id: int, query: str, language: str = "en") -> dict[str, Any]:
    query_id = api.inline(user_id, query, language)
    (call,) = await api.wait_for("answerInlineQuery", 1, where=lambda c: c.params.get("inline_query_id") == query_id)
    return call.params


def _seen(message_html: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", message_html))


async def test_a_ticker_gets_its_move_and_top_catalyst_with_the_link(
    inline_bot: tuple[FakeBotAPI, BotApplication],
) -> None:
    api, _ = inline_bot

    answered = await _answered(api, 61, "BABA")

    (result,) = inline_results(answered)
    (content,) = inline_contents(answered)
    lines = _seen(content["text"]).split("\n")
    assert result["type"] == "article" and result["title"].startswith("Alibaba (BABA) −0.9 % on 18 Dec 2025")
    assert lines[0].startswith("Alibaba (BABA) −0.9 % on 18 Dec 2025 to 147.91")
    assert lines[1].startswith("• 17 Dec — Alibaba's stock fell") and "1.3%" in lines[1]
    assert '<a href="https://example.com/en/2025/12/17/alibaba-shares-retail-data">[1]</a>' in content["text"]
    assert "The pullback comes after a strong run" not in content["text"]  # the top catalyst only
    assert int(answered["cache_time"]) == CACHE_SECONDS
    assert str(answered["is_personal"]).lower() == "true"  # a bare name is answered in the user's language


async def test_a_bare_name_is_answered_in_the_users_language(inline_bot: tuple[FakeBotAPI, BotApplication]) -> None:
    api, _ = inline_bot

    answered = await _answered(api, 62, "jd.com", language="de")

    (content,) = inline_contents(answered)
    assert _seen(content["text"]).startswith("JD.com (JD) +0,3 % am 18. Dez. 2025 auf 31,67")


async def test_a_question_gets_the_first_lines_with_linked_citations_and_the_disclaimer(
    inline_bot: tuple[FakeBotAPI, BotApplication],
) -> None:
    api, _ = inline_bot

    answered = await _answered(api, 63, "why is alibaba down")

    (result,) = inline_results(answered)
    (content,) = inline_contents(answered)
    seen = _seen(content["text"])
    assert result["title"] == "why is alibaba down"
    assert seen.startswith("Alibaba (BABA) −0.9 %") and "What the sources say about those days:" in seen
    assert "The pullback comes after a strong run" in seen
    assert re.search(r'<a href="https://example\.com/de/[^"]+">\[2\]</a>', content["text"])
    assert seen.endswith("General information from the cited sources, not investment advice.")
    assert str(answered.get("is_personal", "false")).lower() == "false"


async def test_an_advice_request_gets_the_refusal_line(inline_bot: tuple[FakeBotAPI, BotApplication]) -> None:
    api, _ = inline_bot

    answered = await _answered(api, 64, "should I buy BABA now?")

    (content,) = inline_contents(answered)
    assert content["text"] == (
        "I can't tell you whether to buy, sell or hold, or give price targets or personal investment advice."
    )


async def test_an_answer_that_takes_too_long_is_given_up_and_not_cached(
    inline_bot: tuple[FakeBotAPI, BotApplication],
) -> None:
    api, _ = inline_bot

    answered = await _answered(api, 65, "stall")
    StalledAnswering.released.set()

    (content,) = inline_contents(answered)
    assert "took too long" in content["text"] and int(answered["cache_time"]) == 0


async def test_an_empty_query_offers_the_private_chat(inline_bot: tuple[FakeBotAPI, BotApplication]) -> None:
    api, _ = inline_bot

    answered = await _answered(api, 66, "   ")

    assert inline_results(answered) == []
    assert "private chat" in str(answered["button"]) and "inline" in str(answered["button"])
    polls = api.sent("getUpdates")
    assert "inline_query" in str(polls[-1].params["allowed_updates"])
