"""A source address as it may be shown: scheme, host and path (and a fragment naming an item).
Feed and page URLs may carry API keys in their query string, or a user and password before the
host; neither belongs in a listing, an error, a log line or a chat message, and the host and path
are enough to tell sources apart."""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

# A URL inside running text: a scheme, "://", then anything up to whitespace, a quote or a bracket.
_URL = re.compile(r"\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s'\"<>()\[\]{}]+")


def shown(location: str) -> str:
    """`location` without credentials or query string; anything not a URL unchanged. The fragment
    stays: it never reaches a server, and names a feed's items ("feed.xml#untitled")."""
    if "://" not in location:
        return location
    try:
        parts = urlsplit(location)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:  # not parseable as a URL: keep only what precedes its first "?"
        return location.split("?", 1)[0]
    if ":" in host:
        host = f"[{host}]"  # an IPv6 literal
    netloc = f"{host}:{port}" if port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", parts.fragment))


def scrub(text: str) -> str:
    """Every URL inside `text` reduced to what `shown` keeps."""
    return _URL.sub(lambda found: shown(found.group(0)), text) if "://" in text else text
