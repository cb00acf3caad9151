"""The typed context every handler gets: the answer engine, the settings and the chat log."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from knowledge.catalog.chatlog import ChatLog
from knowledge.engine import Engine
from knowledge.jobs.queue import Jobs
from knowledge.settings import Settings


@dataclass
class Services:
    """Created once when the application is built; reached through `context.services`.

    Nothing here is shared state between replicas: per-user limits, votes, answer messages and
    conversation context live in the catalog (`chat`), the index generation in the catalog too.
    """

    settings: Settings
    engine: Engine
    chat: ChatLog
    reindexing: asyncio.Lock = field(default_factory=asyncio.Lock)
    jobs: Jobs | None = None  # JOBS=queue: index changes go to the worker through PostgreSQL


class BotContext(CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """CallbackContext with typed access to the services."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)

    @property
    def services(self) -> Services:
        services: Services = self.application.bot_data["services"]
        return services
