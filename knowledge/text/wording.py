"""Per-language wording of the checks that read text, loaded once from `knowledge/text/language/<lang>.toml`.

Cue words and patterns are data, not code: each language keeps its own file, and a check asks for
a section's entries in every language at once (a German sentence can sit in an English page).
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGE_DIR = Path(__file__).resolve().parent / "language"
LANGUAGES = ("en", "de")


class WordingError(KeyError):
    """A language file or an entry a check needs is missing."""


@cache
def _file(language: str) -> dict[str, Any]:
    path = LANGUAGE_DIR / f"{language}.toml"
    if not path.is_file():
        raise WordingError(f"no language file {path.name} in {LANGUAGE_DIR}")
    with path.open("rb") as handle:
        return tomllib.load(handle)


def entries(section: str, key: str, language: str) -> list[str]:
    """One language's entries under `[section] key` (a dotted section for a sub-table)."""
    table: Any = _file(language)
    for part in section.split("."):
        table = table.get(part, {}) if isinstance(table, dict) else {}
    if key not in table:
        raise WordingError(f"{language}.toml has no entry {key!r} under [{section}]")
    return list(table[key])


def every(section: str, key: str) -> list[str]:
    """The entries of `[section] key` in every language, in order."""
    return [entry for language in LANGUAGES for entry in entries(section, key, language)]


def alternation(section: str, key: str) -> str:
    """The entries of every language as one regular-expression group."""
    return "(?:" + "|".join(every(section, key)) + ")"


@cache
def pattern(section: str, key: str, template: str = "{}") -> re.Pattern[str]:
    """Every language's entries joined, put into `template` and compiled, case-insensitive."""
    return re.compile(template.replace("{}", alternation(section, key)), re.IGNORECASE)
