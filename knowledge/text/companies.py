"""Company names and their aliases, so that "Alibaba", "BABA", "baba", "Alibabas", "alibabba" and
"9988.HK" find the same documents."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

from rapidfuzz import fuzz, process

_ALIASES_FILE = Path(__file__).with_name("companies.json")
# Symbols that are also everyday words: they count only in capitals ("SIE" is Siemens, "sie" is German).
_WORDLIKE_SYMBOLS = frozenset("cat cost meta sap dis ups hon pep sie vow mmm gis awk aes xyz low key all now".split())
_FUZZY_MIN_LENGTH = 6
_FUZZY_SCORE = 85


@dataclass(frozen=True)
class Companies:
    """Finds companies named in a text and maps them to one canonical ticker."""

    aliases: dict[str, tuple[str, ...]]

    @classmethod
    def default(cls) -> Companies:
        return _default()

    @cached_property
    def _pattern(self) -> re.Pattern[str]:
        # Sorted for the compile cache: equal alias tables (each generation rebuilds one) share a pattern.
        return _compile(tuple(sorted(self.aliases.items())))

    @cached_property
    def _lookup(self) -> dict[str, str]:
        """Every name and symbol, lower-cased, to its canonical ticker."""
        table: dict[str, str] = {}
        for ticker, names in self.aliases.items():
            for name in (ticker, *names):
                table.setdefault(name.lstrip("=").lower(), ticker)
        return table

    @cached_property
    def _fuzzy_names(self) -> dict[str, str]:
        """Names long enough to be matched despite a typo ("alibabba"), lower-cased, to their ticker."""
        return {
            name: ticker
            for name, ticker in self._lookup.items()
            if len(name) >= _FUZZY_MIN_LENGTH and name.isalpha() and not name.startswith("=")
        }

    def find(self, text: str) -> tuple[str, ...]:
        """Canonical tickers named in `text`, in order of first mention."""
        found: dict[str, None] = {}
        # PDF text breaks names over lines ("SQUARE,\nINC."): compare with whitespace collapsed.
        for match in self._pattern.finditer(" ".join(text.split())):
            found.setdefault(self._ticker_for(match.group(1)), None)
        return tuple(found)

    def mentions(self, text: str) -> list[str]:
        """The names and symbols as the text writes them ("Alibaba's", "BABA")."""
        return [match.group(1) for match in self._pattern.finditer(" ".join(text.split()))]

    def find_loosely(self, text: str) -> tuple[str, ...]:
        """Like `find`, and names with a typo too; for questions, not for documents."""
        found = self.find(text)
        return found or tuple(dict.fromkeys(ticker for _, ticker in self._misspelled(text)))

    def mentions_loosely(self, text: str) -> list[str]:
        """Like `mentions`, and names with a typo as the text writes them ("Alibaab")."""
        return self.mentions(text) or [word for word, _ in self._misspelled(text)]

    def _misspelled(self, text: str) -> list[tuple[str, str]]:
        """Words close to a known name (as written, and the name's ticker)."""
        found = []
        for word in re.findall(r"[^\W\d_]{6,}", text):
            # A typo rarely hits the first letter; an everyday word one letter off a name often
            # differs there ("morning" is no "Corning").
            lowered = word.lower()
            names = [name for name in self._fuzzy_names if name[0] == lowered[0]]
            match = process.extractOne(lowered, names, scorer=fuzz.ratio, score_cutoff=_FUZZY_SCORE)
            if match is not None:
                found.append((word, self._fuzzy_names[match[0]]))
        return found

    def blank(self, text: str) -> str:
        """The text with every company name and symbol replaced by a space."""
        return self._pattern.sub(" ", text)

    def rename(self, text: str, tickers: tuple[str, ...], name: str) -> str:
        """The text with every mention of these companies replaced by `name`."""

        def swap(match: re.Match[str]) -> str:
            return name if self._ticker_for(match.group(1)) in tickers else match.group(0)

        return self._pattern.sub(swap, text)

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

    def display(self, ticker: str) -> str:
        """The company's usual name ("Alibaba" for BABA)."""
        names = self.aliases.get(ticker, ())
        return names[0].lstrip("=") if names else ticker

    def _ticker_for(self, alias: str) -> str:
        lowered = alias.lower()
        for candidate in (lowered, lowered.removesuffix("'s").removesuffix("’s"), lowered.removesuffix("s")):
            if candidate in self._lookup:
                return self._lookup[candidate]
        return alias.upper()


@cache
def _default() -> Companies:
    raw = json.loads(_ALIASES_FILE.read_text(encoding="utf-8"))
    return Companies({ticker: tuple(names) for ticker, names in raw.items()})


@cache
def _compile(items: tuple[tuple[str, tuple[str, ...]], ...]) -> re.Pattern[str]:
    # Names match in any case, also in the German genitive ("Alibabas") and in compounds
    # ("Alibaba-Aktie"). Names marked "=" (common words: "=Block", "=Square") count only as written.
    # Symbols ("BABA", "jd") match in any case unless they are everyday words ("cat", "sie"); one-
    # and two-letter ones ("T", "MA") are too ambiguous to stand alone, but for JD.
    # Grouped by first letter behind a look-ahead on it: a scan tries a few dozen letters at each
    # word, not every name (the composer looks for companies in thousands of sentences).
    parts: dict[str, list[str]] = {}
    for ticker, names in items:
        for name in {*names, *([ticker] if len(ticker) >= 3 else [])}:
            bare = name.lstrip("=")
            escaped = re.escape(bare)
            symbol = len(bare) <= 5 and bare.isupper()
            wordlike = symbol and (bare.lower() in _WORDLIKE_SYMBOLS or (len(bare) < 3 and bare != "JD"))
            part = rf"(?-i:{escaped})" if name.startswith("=") or wordlike else rf"{escaped}(?:s|'s|’s)?"
            parts.setdefault(bare[:1].lower(), []).append(part)
    dispatch = "|".join(
        f"(?={re.escape(first)})(?:{'|'.join(sorted(group, key=len, reverse=True))})"
        for first, group in sorted(parts.items())
    )
    return re.compile(r"(?<![A-Za-z0-9_.])(" + dispatch + r")(?![A-Za-z0-9_])", re.IGNORECASE)
