"""Company names and their aliases, so that "Alibaba", "BABA" and "9988.HK" find the same documents."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_ALIASES_FILE = Path(__file__).with_name("companies.json")


@dataclass(frozen=True)
class Companies:
    """Finds companies named in a text and maps them to one canonical ticker."""

    aliases: dict[str, tuple[str, ...]]

    @classmethod
    def default(cls) -> Companies:
        return _default()

    @property
    def _pattern(self) -> re.Pattern[str]:
        return _compile(tuple(sorted(self.aliases.items())))

    def find(self, text: str) -> tuple[str, ...]:
        """Canonical tickers named in `text`, in order of first mention."""
        found: dict[str, None] = {}
        # PDF text breaks names over lines ("SQUARE,\nINC."): compare with whitespace collapsed.
        for match in self._pattern.finditer(" ".join(text.split())):
            found.setdefault(self._ticker_for(match.group(0)), None)
        return tuple(found)

    def extended(self, extra: dict[str, list[str]]) -> Companies:
        """These companies plus more names (EDGAR's company names, for example)."""
        merged = dict(self.aliases)
        for ticker, names in extra.items():
            canonical = self.find(ticker)
            key = canonical[0] if canonical else ticker
            merged[key] = tuple(dict.fromkeys((*merged.get(key, ()), *names)))
        return Companies(merged)

    def names(self, ticker: str) -> tuple[str, ...]:
        """All names and symbols of a ticker, the canonical ticker included."""
        return (ticker, *(name.lstrip("=") for name in self.aliases.get(ticker, ())))

    def _ticker_for(self, alias: str) -> str:
        lowered = alias.lower()
        for ticker, names in self.aliases.items():
            if any(name.lstrip("=").lower() == lowered for name in names) or ticker.lower() == lowered:
                return ticker
        return alias.upper()


@cache
def _default() -> Companies:
    raw = json.loads(_ALIASES_FILE.read_text(encoding="utf-8"))
    return Companies({ticker: tuple(names) for ticker, names in raw.items()})


@cache
def _compile(items: tuple[tuple[str, tuple[str, ...]], ...]) -> re.Pattern[str]:
    # Short all-caps symbols ("JD", "KO") and names marked "=" (common words: "=Block", "=Square")
    # count only as written; other names match in any case. One- and two-letter tickers
    # ("T", "MA") are too ambiguous to stand alone.
    parts: list[str] = []
    for ticker, names in items:
        for name in {*names, *([ticker] if len(ticker) >= 3 else [])}:
            exact = name.startswith("=") or (len(name) <= 4 and name.isupper())
            escaped = re.escape(name.lstrip("="))
            parts.append(rf"(?-i:{escaped})" if exact else escaped)
    parts.sort(key=len, reverse=True)
    return re.compile(r"(?<![A-Za-z0-9_.])(?:" + "|".join(parts) + r")(?![A-Za-z0-9_])", re.IGNORECASE)
