"""Matching a question's terms in a line: does a line say one of an asked group's stems?

In: an asked group of stems and a line's stems. Out: whether they match, a stem that begins
another of five letters or more counting too.
"""

from __future__ import annotations

from bisect import bisect_left
from functools import lru_cache


def matches(group: frozenset[str], stems: frozenset[str]) -> bool:
    """Does the unit have a stem of the group, or one that a stem of five letters or more begins
    ("compet" and "competit": the stemmer leaves word families apart)?"""
    if group & stems:
        return True
    known, ordered = _long_stems(stems)
    for asked in group:
        if len(asked) < 5 or asked.endswith("concept"):
            continue  # a concept is named or not: "currentliabilitiesconcept" does not begin with "current"
        if any(asked[:end] in known for end in range(5, len(asked))):  # a stem that begins the asked one
            return True
        at = bisect_left(ordered, asked)  # a stem the asked one begins sorts right after it
        if at < len(ordered) and ordered[at].startswith(asked):
            return True
    return False


@lru_cache(maxsize=8192)
def _long_stems(stems: frozenset[str]) -> tuple[frozenset[str], tuple[str, ...]]:
    long = frozenset(stem for stem in stems if len(stem) >= 5)
    return long, tuple(sorted(long))
