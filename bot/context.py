"""The typed context every handler gets: the answer engine, the settings and the bot's own state."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from bot.ratelimit import RateLimiter
from knowledge.engine import Engine
from knowledge.settings import Settings


@dataclass
class Services:
    """Created once in post_init; reached through `context.services`."""

    settings: Settings
    engine: Engine
    limiter: RateLimiter
    reindexing: asyncio.Lock = field(default_factory=asyncio.Lock)


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
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
