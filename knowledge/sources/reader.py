"""The one small interface every network source kind implements (rss, url, edgar)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from knowledge.catalog import Source
from knowledge.records import Document


class SourceError(Exception):
    """A whole source failed (bad feed, unknown ticker, missing setting); one short sentence."""


@dataclass(frozen=True)
class Item:
    """One thing a source offers: a fresh document, an unchanged one (not downloaded), or an error."""

    uri: str
    document: Document | None = None
    fingerprint: str = ""
    error: str | None = None


Known = Callable[[str], str | None]
"""Given an item's uri, the fingerprint it was indexed with, or None when it is new."""


class Reader(Protocol):
    """Reads one kind of source; `state` persists between refreshes (ETags and the like)."""

    def read(self, source: Source, state: dict[str, Any], known: Known) -> Iterator[Item]: ...


def params_of(source: Source) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(source.params or "{}")
    return loaded


def tickers_of(source: Source) -> list[str]:
    return [ticker.strip().upper() for ticker in source.tickers.split(",") if ticker.strip()]
