"""The words tables are headed with, per language (words.<language>.json), loaded once.

English is always read as well: German reports print English headers often enough.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Words:
    """Patterns built from one language's header words (and English's)."""

    spans: tuple[tuple[str, re.Pattern[str]], ...]  # (span, phrase pattern)
    any_span: re.Pattern[str]  # all span phrases, one named group per span: one pass over a line
    span_keys: tuple[str, ...]  # the span phrases: a line holding none of them names no span
    change: tuple[tuple[str, re.Pattern[str]], ...]  # (column kind, phrase pattern), most specific first
    scale: re.Pattern[str]
    scales: dict[str, int]
    currencies: tuple[tuple[str, re.Pattern[str]], ...]
    per_share: re.Pattern[str]
    percent: re.Pattern[str]
    count: re.Pattern[str]
    # A label that begins with what it counts ("Active Buyers", "Monthly active users"): people and
    # places are no money, whatever currency the table's other rows print.
    counted: re.Pattern[str]
    qualifiers: frozenset[str]
    # What follows a share or a multiple, not a count: "8 %", "25 Prozent", "1.1×".
    percent_signs: re.Pattern[str]


@cache
def words(language: str) -> Words:
    """The header words of a language; unknown languages read English."""
    merged = _load("en")
    if language != "en" and Path(__file__).with_name(f"words.{language}.json").is_file():
        merged = _merge(_load(language), merged)
    scales = {word.lower(): int(value) for word, value in merged["scale"].items()}
    return Words(
        spans=tuple((span, _any(phrases)) for span, phrases in merged["spans"].items()),
        any_span=re.compile(
            "|".join(f"(?P<{span}>{_any(phrases).pattern})" for span, phrases in merged["spans"].items()), re.I
        ),
        span_keys=tuple(sorted({phrase.lower() for phrases in merged["spans"].values() for phrase in phrases})),
        change=tuple((kind, _any(phrases)) for kind, phrases in merged["change"].items()),
        scale=re.compile(rf"(?<![\w])({'|'.join(map(re.escape, sorted(scales, key=len, reverse=True)))})\b\.?", re.I),
        scales=scales,
        currencies=tuple((code, _any(names, edges=False)) for code, names in merged["currency"].items()),
        per_share=_any(merged["per_share"]),
        percent=_any(merged["percent"], edges=False),
        count=_any(merged["count"]),
        counted=re.compile(
            rf"^(?:(?:{_any(merged['count_modifiers']).pattern})\s+)*(?:{_any(merged['counted']).pattern})", re.I
        ),
        qualifiers=frozenset(word.lower() for word in merged["qualifiers"]),
        percent_signs=_any(merged["percent_signs"], edges=False),
    )


def _load(language: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(Path(__file__).with_name(f"words.{language}.json").read_text("utf-8"))
    return data


def _merge(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for key in {*first, *second}:
        a, b = first.get(key, {}), second.get(key, {})
        if isinstance(a, dict) or isinstance(b, dict):
            merged[key] = {name: _joined(a.get(name), b.get(name)) for name in {*a, *b}}
        else:
            merged[key] = list(dict.fromkeys([*a, *b]))
    return merged


def _joined(a: Any, b: Any) -> Any:
    if isinstance(a, list) or isinstance(b, list):
        return list(dict.fromkeys([*(a or []), *(b or [])]))
    return a if a is not None else b


def _any(phrases: list[str], edges: bool = True) -> re.Pattern[str]:
    ordered = sorted(phrases, key=len, reverse=True)  # "% change" before "change"
    body = "|".join(r"\s+".join(map(re.escape, phrase.split())) for phrase in ordered)
    return re.compile(rf"(?<![\w])(?:{body})(?![\w])" if edges else f"(?:{body})", re.IGNORECASE)
