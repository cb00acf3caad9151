"""Model-written answers through any OpenAI-compatible chat endpoint (OpenAI, Ollama, vLLM, llama.cpp)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Protocol, cast

if TYPE_CHECKING:
    from openai import AsyncOpenAI
    from openai.types.chat import ChatCompletionMessageParam

log = logging.getLogger(__name__)


class ModelUnavailableError(Exception):
    """The model gave no usable answer within the time allowed."""


class Generator(Protocol):
    """Streams the text of an answer for a list of chat messages."""

    @property
    def model(self) -> str: ...

    def stream(self, messages: list[dict[str, str]], deadline: float) -> AsyncIterator[str]: ...

    async def aclose(self) -> None: ...


class ModelGenerator:
    """An OpenAI-compatible endpoint; one retry for transient failures, never past the deadline."""

    def __init__(
        self, base_url: str, api_key: str, model: str, temperature: float = 0.1, max_tokens: int = 400
    ) -> None:
        self._base_url, self._api_key = base_url, api_key or "not-needed"
        self._model, self._temperature, self._max_tokens = model, temperature, max_tokens
        self._client: AsyncOpenAI | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def model(self) -> str:
        return self._model

    async def stream(self, messages: list[dict[str, str]], deadline: float) -> AsyncIterator[str]:
        """Yield text as it arrives; raise ModelUnavailableError when the model fails.

        The caller bounds the whole stream by the deadline; each request's own timeout is what is left.
        """
        # Imported here: the client library costs a second at start-up, and most runs use no model.
        import openai

        # Worth one more try: the server may be back or less busy in a moment.
        transient = (
            openai.APITimeoutError,
            openai.APIConnectionError,
            openai.RateLimitError,
            openai.InternalServerError,
        )
        for attempt in (1, 2):
            produced = False
            try:
                async for text in self._once(messages, deadline):
                    produced = True
                    yield text
                return
            except transient as error:
                log.warning("model request failed (attempt %d): %s", attempt, error)
                if produced or attempt == 2 or time.monotonic() > deadline - 0.5:
                    raise ModelUnavailableError(f"{type(error).__name__}: {error}") from error
                await asyncio.sleep(min(0.5, max(0.0, deadline - time.monotonic() - 0.5)))
            except openai.APIError as error:
                raise ModelUnavailableError(f"{type(error).__name__}: {error}") from error

    async def _once(self, messages: list[dict[str, str]], deadline: float) -> AsyncIterator[str]:
        stream = await self._client_for_this_loop().chat.completions.create(
            model=self._model,
            messages=cast("list[ChatCompletionMessageParam]", messages),
            temperature=self._temperature,
            # A small model may never stop on its own: the cap ends the answer, not the timeout.
            max_tokens=self._max_tokens,
            stream=True,
            timeout=max(0.1, deadline - time.monotonic()),
        )
        try:
            async for chunk in stream:
                if chunk.choices and chunk.choices[0].delta.content:
                    yield chunk.choices[0].delta.content
        finally:
            await stream.close()

    def _client_for_this_loop(self) -> AsyncOpenAI:
        # A client's connection pool belongs to one event loop; the CLI may run several in turn.
        loop = asyncio.get_running_loop()
        if self._client is None or self._loop is not loop:
            from openai import AsyncOpenAI

            # The client's own retries would not respect our deadline, so they are off.
            self._client = AsyncOpenAI(base_url=self._base_url, api_key=self._api_key, max_retries=0)
            self._loop = loop
        return self._client

    async def aclose(self) -> None:
        if self._client is not None and self._loop is asyncio.get_running_loop():
            await self._client.close()
        self._client = self._loop = None
