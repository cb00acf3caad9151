"""Run many regular expressions on a text cheaply: each only where the literal strings it cannot match
without are in the text.

The policy's rules are alternations of dozens of entries; Python's `re` tries every entry at every
position of a sentence, which made cleaning a 10-K take seconds. A `Sieve` reads each entry's
parse tree for strings a match must contain (in "\\bguaranteed\\s+returns", "guaranteed" and
"returns"), finds which of those strings a text holds in one pass, and runs only the entries whose
strings are all there. A necessary condition only: the verdicts are exactly those of the joined
alternation. An entry without such a string runs on every text.
"""

from __future__ import annotations

import re
import re._constants as sre  # the parse tree's opcodes (stable since 3.11, read-only use)
import re._parser as sre_parse
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

_Needs = frozenset[str]  # a text that matches holds at least one of these strings
_CHARSET = 4  # a class of up to this many plain characters ("[:,]") counts as a set of strings


_COMMON = frozenset(" ,.;:-'\"()")  # single characters in nearly every sentence: no use as a sign


def needs(pattern: str) -> list[_Needs]:
    """Sets of strings of which a match of `pattern` holds at least one member each (none known: []);
    sets with a single letter, digit or common punctuation mark are left out, as nearly every text
    passes them."""
    return [found for found in _sequence(list(sre_parse.parse(pattern))) if _telling(found)]


def _telling(strings: _Needs) -> bool:
    return all(len(string) > 1 or not (string.isalnum() or string in _COMMON) for string in strings)


def _sequence(items: list[tuple[Any, Any]]) -> list[_Needs]:
    found: list[_Needs] = []
    run = ""
    for op, argument in items:
        if op is sre.LITERAL:
            run += chr(argument)
            continue
        if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):  # zero-width: the characters around stay adjacent
            if op is sre.ASSERT:  # what a lookahead or lookbehind requires is in the text too
                found.extend(_sequence(list(argument[1])))
            continue
        if run:
            found.append(frozenset([run]))
            run = ""
        found.extend(_item(op, argument))
    if run:
        found.append(frozenset([run]))
    return found


def _item(op: Any, argument: Any) -> list[_Needs]:
    if op is sre.BRANCH:
        alternatives = [_best(_sequence(list(alternative))) for alternative in argument[1]]
        return [frozenset().union(*alternatives)] if all(alternatives) else []
    if op is sre.SUBPATTERN:
        _, added, _, body = argument
        return [] if added & re.IGNORECASE else _sequence(list(body))
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
        least, _, body = argument
        return _sequence(list(body)) if least >= 1 else []
    if op is sre.IN and len(argument) <= _CHARSET and all(kind is sre.LITERAL for kind, _ in argument):
        return [frozenset(chr(code) for _, code in argument)]
    return []


def _best(found: list[_Needs]) -> _Needs:
    """The most telling set: its shortest string the longest (rare in text), then the fewest strings."""
    return max(found, key=lambda strings: (min(map(len, strings)), -len(strings)), default=frozenset())


class Sieve:
    """Named groups of entries (regular expressions, no flags): does any entry of a group match a text?
    Each entry runs only where its strings are; one pass finds the strings for every group."""

    def __init__(self, groups: Mapping[str, Sequence[str]]) -> None:
        self._groups = {name: _Group(entries) for name, entries in groups.items()}
        self._strings = _Strings(string for group in self._groups.values() for string in group.strings)

    def strings(self, text: str) -> frozenset[str]:
        """The strings any entry needs that the text holds (pass them to `search` for each group)."""
        return self._strings.present(text)

    def search(self, group: str, text: str, present: frozenset[str] | None = None) -> bool:
        return self._groups[group].search(text, self.strings(text) if present is None else present)

    def entries(self) -> dict[str, list[str]]:
        """Each group's entries, as given."""
        return {name: list(group.entries) for name, group in self._groups.items()}


class _Group:
    def __init__(self, entries: Sequence[str]) -> None:
        self.entries = list(entries)
        # Compiled on first use: most entries never run on a given text, and compiling all of the
        # policy's added about half a second to every process start (a CLI call, a bot, each worker).
        self._compiled: dict[int, re.Pattern[str]] = {}
        self._needs = [needs(entry) for entry in entries]
        self._always = [i for i, found in enumerate(self._needs) if not found]
        by_string: dict[str, set[int]] = {}
        for i, found in enumerate(self._needs):
            if found:
                for string in _best(found):
                    by_string.setdefault(string, set()).add(i)
        self._by_string = {string: frozenset(entries) for string, entries in by_string.items()}
        self.strings = {string for found in self._needs for strings in found for string in strings}

    def search(self, text: str, present: frozenset[str]) -> bool:
        by_string = self._by_string
        candidates = frozenset(self._always).union(*(by_string[string] for string in present if string in by_string))
        return any(
            all(not present.isdisjoint(found) for found in self._needs[i]) and self._entry(i).search(text)
            for i in sorted(candidates)
        )

    def _entry(self, i: int) -> re.Pattern[str]:
        compiled = self._compiled.get(i)
        if compiled is None:
            compiled = self._compiled[i] = re.compile(self.entries[i])
        return compiled


class _Strings:
    """Which of a set of strings a text holds, in one pass: a trie-shaped expression finds the longest
    string starting at each position, and the shorter ones that start there are its prefixes."""

    def __init__(self, strings: Iterable[str]) -> None:
        known = set(strings)
        self._prefixes = {s: frozenset(p for p in (s[:n] for n in range(1, len(s) + 1)) if p in known) for s in known}
        body = _trie(sorted(known))
        self._scan = re.compile(f"(?=({body}))") if body else None

    def present(self, text: str) -> frozenset[str]:
        if self._scan is None:
            return frozenset()
        longest = set(self._scan.findall(text))
        return frozenset().union(*(self._prefixes[string] for string in longest))


def _trie(strings: list[str]) -> str:
    """One expression matching the longest of the (sorted) strings that begins where it is tried."""
    heads: dict[str, list[str]] = {}
    for string in strings:
        if string:
            heads.setdefault(string[0], []).append(string[1:])
    branches = []
    for head, tails in heads.items():
        rest = _trie(tails)
        ends_here = "" in tails
        branches.append(re.escape(head) + (f"(?:{rest})" + ("?" if ends_here else "") if rest else ""))
    return "|".join(branches)
