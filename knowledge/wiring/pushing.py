"""The push side: watchlists, the triggers that write alerts, the digests and the outbox, over an
answering side (the served index gives the quoted sentences, the engine the move explanation).
Built by the process that drains the outbox: the single-process bot, the CLI, or a worker."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

from knowledge.catalog import now
from knowledge.push.digest import Digests
from knowledge.push.outbox import Deliver, Drained, Outbox
from knowledge.push.triggers import Sources, Triggers
from knowledge.push.watchlist import Watchlists
from knowledge.wiring.answering import Answering


@dataclass
class Tick:
    """One round of pushing: alerts written, digests queued, and what the drain did."""

    alerts: int
    digests: int
    drained: Drained

    def as_json(self) -> dict[str, object]:
        return {"alerts": self.alerts, "digests": self.digests, **self.drained.as_json()}


class Pushing:
    """Everything the push needs, on one catalog."""

    def __init__(self, answering: Answering, holder: str | None = None) -> None:
        settings, catalog = answering.settings, answering.catalog
        self.answering = answering
        self.watchlists = Watchlists(catalog, settings.watchlist_max)
        self.outbox = Outbox(catalog, settings.alerts_per_hour, holder, settings.push_lease_seconds)
        core = answering.core
        sources = Sources(
            view=answering.serving.view,
            companies=lambda: answering.companies,
            embedder=lambda: core.embedder,
            explain=answering.answers.explain_move,
            chart=answering.prices.chart,
        )
        self.triggers = Triggers(settings, catalog, answering.prices, self.outbox, sources)
        self.digests = Digests(
            catalog,
            answering.prices,
            self.outbox,
            view=answering.serving.view,
            companies=lambda: answering.companies,
            embedder=lambda: core.embedder,
        )

    def queue(self, at: datetime | None = None) -> tuple[int, int]:
        """Evaluate the triggers and queue the digests due at `at` (blocking): (alerts, digests)."""
        at = at or now()
        return len(self.triggers.evaluate(at)), self.digests.run(at)

    async def tick(self, deliver: Deliver, at: datetime | None = None) -> Tick:
        """Queue what is due, then send it."""
        alerts, digests = await asyncio.to_thread(self.queue, at)
        return Tick(alerts, digests, await self.outbox.drain(deliver))
