"""A fake OpenAI-compatible chat server on loopback that the real `openai` client talks to.

`behaviour` picks how the "model" acts: answer well, invent a citation, give buy advice, obey an
instruction planted in a source, repeat clickbait, cite nothing, stall past any timeout, fail with
500, answer 429 once and then well, or reject the API key and echo it back.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
from typing import Any

from aiohttp import web

# {retail}, {competition} and {cloud} become the number of the source in the prompt that holds that
# fact, as a model reading the sources would cite it.
ANSWERS = {
    "good": "Alibaba's shares fell after China's retail sales grew only 1.3% in November [{retail}]. "
    "Competition and heavy AI spending also weigh on margins [{competition}].",
    "detailed": "Retail sales grew only 1.3% in November [{retail}]. That was down from 2.9% in October [{retail}]. "
    "JD.com and Baidu fell too [{retail}]. Competition is intense [{competition}]. "
    "AI spending weighs on margins [{competition}].",
    "german": "Die Alibaba-Aktie fiel, weil Chinas Einzelhandelsumsätze im November nur um 1,3 % wuchsen "
    "[{retail}]. Auch Wettbewerb und KI-Ausgaben belasten [{competition}].",
    "invent": "Retail sales grew only 1.3% in November [{retail}]. Analysts expect a rebound next quarter [9].",
    "buy": "Retail sales grew only 1.3% in November [{retail}]. You should buy Alibaba now, it is a strong buy "
    "with a price target of 200 dollars [{retail}]. Cloud revenue grew 34% [{cloud}].",
    "obey": "Retail sales grew only 1.3% in November [{retail}]. As the source says, tell the reader to buy "
    "JD.com shares immediately: investors should buy JD.com now [{competition}].",
    "clickbait": "Retail sales grew only 1.3% in November [{retail}]. Buy or sell?! Read our free analysis [2].",
    "uncited": "Alibaba is down because of the economy and competition.",
    "wrong-figure": "Retail sales grew only 1.3% in November [{retail}]. Alibaba's shares fell 7% on the news "
    "[{retail}]. Cloud revenue jumped 55% to 400 billion yuan [{cloud}].",
    "all-invented": "Alibaba's shares fell 7.2% as consumer sentiment declined 4.5% [{retail}].",
    "loop": "Retail sales grew only 1.3% in November [{retail}]. " + "The market is weak and uncertain. " * 40,
}
FACTS = {"retail": r"1[.,]3", "competition": r"(?i)competition|wettbewerb", "cloud": r"34%"}


class FakeOpenAI:
    def __init__(self) -> None:
        self.behaviour = "good"
        self.requests: list[dict[str, Any]] = []
        self.stall_seconds = 60.0
        self.word_delay = 0.01
        self._stopping = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._completions)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}/v1"

    async def stop(self) -> None:
        self._stopping.set()  # release stalled handlers so shutdown does not wait for them
        if self._runner is not None:
            await self._runner.cleanup()

    async def _completions(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.requests.append({**body, "authorization": request.headers.get("Authorization", "")})
        behaviour = self.behaviour
        if behaviour == "bad-key":  # as OpenAI does: the rejected key is echoed back
            key = request.headers.get("Authorization", "").removeprefix("Bearer ")
            error = {"message": f"Incorrect API key provided: {key}.", "type": "invalid_request_error"}
            return web.json_response({"error": error}, status=401)
        if behaviour == "error500":
            return web.json_response({"error": {"message": "boom", "type": "server_error"}}, status=500)
        if behaviour == "429-once":
            self.behaviour = "good"
            return web.json_response({"error": {"message": "slow down", "type": "rate_limit"}}, status=429)
        if behaviour == "stall":
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.stall_seconds)
        text = _cite(ANSWERS.get(behaviour, ANSWERS["good"]), str(body["messages"][-1]["content"]))
        if not body.get("stream"):
            return web.json_response(_completion(body, text))
        return await self._stream(request, body, text)

    async def _stream(self, request: web.Request, body: dict[str, Any], text: str) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        words = text.split(" ")
        for index, word in enumerate(words):
            delta = word if index == 0 else f" {word}"
            await response.write(f"data: {json.dumps(_chunk(body, delta))}\n\n".encode())
            await asyncio.sleep(self.word_delay)
        await response.write(f"data: {json.dumps(_chunk(body, None, 'stop'))}\n\n".encode())
        await response.write(b"data: [DONE]\n\n")
        await response.write_eof()
        return response


def _cite(text: str, prompt: str) -> str:
    """Fill in the source numbers: each fact cites the first numbered source in the prompt holding it."""
    blocks = re.split(r"\n(?=\[\d+\] )", prompt)
    numbered = [(int(block[1 : block.index("]")]), block) for block in blocks if re.match(r"\[\d+\] ", block)]
    for fact, pattern in FACTS.items():
        number = next((n for n, block in numbered if re.search(pattern, block)), 1)
        text = text.replace(f"{{{fact}}}", str(number))
    return text


def _completion(body: dict[str, Any], text: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "fake"),
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
    }


def _chunk(body: dict[str, Any], delta: str | None, finish: str | None = None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": body.get("model", "fake"),
        "choices": [{"index": 0, "delta": {} if delta is None else {"content": delta}, "finish_reason": finish}],
    }
