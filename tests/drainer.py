"""One drain of the outbox in a process of its own, as the CLI, a worker or the bot drains it
(`Outbox` through the real PTB client and its rate limiter), for tests that kill it:
`python -m tests.drainer DATABASE_URL BOT_API_URL DATA_DIR`. Prints what the drain did as JSON.
A lease another process holds (a killed sender's, until it runs out: 1 s here) is waited for."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

from pydantic import SecretStr

from bot.sender import Sender, push_bot
from knowledge.catalog import Catalog
from knowledge.push.outbox import Drained, Outbox
from knowledge.settings import Settings
from tests.fakes.telegram import TOKEN

LEASE_SECONDS = 1.0


def settings(database_url: str, api_url: str, data_dir: Path) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=data_dir,
        database_url=database_url,
        telegram_bot_token=SecretStr(TOKEN),
        telegram_api_url=api_url,
    )


async def drain(outbox: Outbox, configured: Settings, limit: float = 60) -> Drained:
    """Drain once the lease is free (or give up after `limit` seconds and say it was busy)."""
    deadline = time.monotonic() + limit
    async with push_bot(configured) as bot:
        while True:
            drained = await outbox.drain(Sender(bot))
            if not drained.busy or time.monotonic() > deadline:
                return drained
            await asyncio.sleep(0.2)


def main(database_url: str, api_url: str, data_dir: str) -> None:
    catalog = Catalog(database_url)
    try:
        outbox = Outbox(catalog, per_hour=100, lease_seconds=LEASE_SECONDS)
        drained = asyncio.run(drain(outbox, settings(database_url, api_url, Path(data_dir))))
    finally:
        catalog.close()
    print(json.dumps(drained.as_json()), flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:4])
