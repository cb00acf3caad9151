"""The currency a ticker's prices are quoted in, by its exchange suffix (`SAP.DE` → EUR, `BABA` → USD)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path


def currency(ticker: str) -> str | None:
    """The quote currency, or None for a suffix nobody listed (a chart then names none)."""
    suffix = ticker.rpartition(".")[2].upper() if "." in ticker else ""
    return _currencies().get(suffix)


@cache
def _currencies() -> dict[str, str]:
    raw: dict[str, str] = json.loads(Path(__file__).with_name("currencies.json").read_text(encoding="utf-8"))
    return {key: value for key, value in raw.items() if not key.startswith("_")}
