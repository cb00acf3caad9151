"""Language data: the words the question reader and its neighbours go by, one TOML file per
language (`knowledge/text/language/<code>.toml`, one top-level table per module that reads it),
each file read once.

A language is supported by adding its file; modules ask for their table in one language, or for
one list from every language (a question may be asked in any of them, and a German sentence can
sit in an English page). The checks that read text (policy, advice, cleaner) keep regular-expression
fragments, joined across languages by `pattern`.
"""

from __future__ import annotations

import contextlib
import re
import tomllib
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

FOLDER = Path(__file__).with_name("language")
_UNSPACED = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL")  # scripts written without spaces between words


class WordingError(KeyError):
    """A language file or a table or list a module needs is missing."""


@cache
def languages() -> tuple[str, ...]:
    """The language codes with a data file, English first."""
    codes = sorted(path.stem for path in FOLDER.glob("*.toml"))
    return tuple(sorted(codes, key=lambda code: code != "en"))


@cache
def _file(language: str) -> dict[str, Any]:
    path = FOLDER / f"{language}.toml"
    if not path.is_file():
        raise WordingError(f"no language file {path.name} in {FOLDER}")
    with path.open("rb") as handle:
        return tomllib.load(handle)


def table(module: str, language: str) -> dict[str, Any]:
    """One module's table in one language (empty when that language has none)."""
    found = _file(language).get(module, {})
    if not isinstance(found, dict):
        raise WordingError(f"{language}.toml: [{module}] is not a table")
    return found


def words(module: str, key: str, language: str) -> tuple[str, ...]:
    """One list of one module's table in one language (empty when the language lacks it)."""
    found = table(module, language).get(key, [])
    if not isinstance(found, list) or not all(isinstance(item, str) for item in found):
        raise WordingError(f"{language}.toml: [{module}] {key} is not a list of strings")
    return tuple(found)


@cache
def everywhere(module: str, key: str) -> tuple[str, ...]:
    """One list from every language, in file order, each entry once."""
    return tuple(dict.fromkeys(word for language in languages() for word in words(module, key, language)))


def cues(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for a list of phrases, in any case; a word ending in "*" stands for every word it
    begins. Phrases in a script without spaces between words (Chinese) match anywhere."""
    parts = []
    for phrase in sorted(phrases, key=len, reverse=True):
        body = r"\s+".join(
            re.escape(word.removesuffix("*")) + (r"\w*" if word.endswith("*") else "") for word in phrase.split()
        )
        spaced = not any(unicodedata.name(char, "").startswith(_UNSPACED) for char in phrase)
        parts.append(rf"(?<!\w){body}(?!\w)" if spaced else body)
    return re.compile("|".join(parts) or r"(?!)", re.IGNORECASE)


def entries(section: str, key: str, language: str) -> list[str]:
    """One language's entries under `[section] key` (a dotted section for a sub-table); missing is an error."""
    found: Any = _file(language)
    for part in section.split("."):
        found = found.get(part, {}) if isinstance(found, dict) else {}
    if key not in found:
        raise WordingError(f"{language}.toml has no entry {key!r} under [{section}]")
    return list(found[key])


def every(section: str, key: str) -> list[str]:
    """The entries of `[section] key` in every language that has them, in order (a language may
    hold only the question reader's words); none anywhere is an error."""
    found: list[str] = []
    for language in languages():
        with contextlib.suppress(WordingError):
            found.extend(entries(section, key, language))
    if not found:
        raise WordingError(f"no language file has an entry {key!r} under [{section}]")
    return found


def alternation(section: str, key: str) -> str:
    """The entries of every language as one regular-expression group."""
    return "(?:" + "|".join(every(section, key)) + ")"


@cache
def pattern(section: str, key: str, template: str = "{}") -> re.Pattern[str]:
    """Every language's entries joined, put into `template` and compiled, case-insensitive."""
    return re.compile(template.replace("{}", alternation(section, key)), re.IGNORECASE)
