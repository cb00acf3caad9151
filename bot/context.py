"""The typed context every handler gets: the services, built in post_init for this process's role."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from knowledge.catalog.chatlog import ChatLog
from knowledge.jobs.interface import Jobs
from knowledge.settings import Settings
from knowledge.wiring.answering import Answering
from knowledge.wiring.bot_role import BotRole
from knowledge.wiring.pushing import Pushing


@dataclass
class Services:
    """Reached through `context.services`.

    Nothing here is shared state between replicas: per-user limits, votes, answer messages and
    conversation context live in the catalog (`chat`), the index generation in the catalog too.
    """

    settings: Settings
    role: BotRole
    chat: ChatLog
    pushing: Pushing  # watchlists and chat preferences; the outbox where this process drains it

    @property
    def answering(self) -> Answering:
        return self.role.answering

    @property
    def jobs(self) -> Jobs:
        """Index changes: run here (JOBS=inline) or queued for a worker (JOBS=queue)."""
        return self.role.jobs


class BotData:
    """The application's `bot_data`: the services, once post_init has built them."""

    def __init__(self) -> None:
        self._services: Services | None = None

    @property
    def ready(self) -> bool:
        """Have the services been built (post_init got that far)?"""
        return self._services is not None

    @property
    def services(self) -> Services:
        if self._services is None:
            raise RuntimeError("the services are built in post_init: the application has not been initialised")
        return self._services

    @services.setter
    def services(self, services: Services) -> None:
        self._services = services


class BotContext(CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], BotData]):
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
        return self.bot_data.services
