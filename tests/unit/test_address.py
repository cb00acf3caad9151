"""Source addresses as they may be shown: no credentials, query strings or fragments anywhere."""

from __future__ import annotations

import logging

import pytest

from apps.cli.logs import RedactSecrets
from knowledge.catalog import Source
from knowledge.sources.address import scrub, shown
from knowledge.sources.registry import describe


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("https://news.example.com/feed.xml?apikey=abc123&x=1", "https://news.example.com/feed.xml"),
        ("https://ann:pa55@intra.example.com:8080/a/b?k=1#item-3", "https://intra.example.com:8080/a/b#item-3"),
        ("http://[::1]:9000/rss?token=t", "http://[::1]:9000/rss"),
        ("/srv/reports/q3.pdf", "/srv/reports/q3.pdf"),
        ("BABA", "BABA"),
    ],
)
def test_shown_keeps_scheme_host_and_path(location: str, expected: str) -> None:
    assert shown(location) == expected


def test_scrub_reduces_every_url_in_an_error_text() -> None:
    text = "HTTP 404 for https://a.example/feed?key=s1 (redirected from 'http://u:p@b.example/x?sig=s2')"

    assert scrub(text) == "HTTP 404 for https://a.example/feed (redirected from 'http://b.example/x')"


def test_listings_and_logs_show_no_key() -> None:
    source = Source(
        id=3,
        kind="rss",
        location="https://n.example/f.xml?apikey=s3",
        last_error="HTTP 500 at https://n.example/f.xml?apikey=s3",
    )
    record = logging.LogRecord("x", logging.WARNING, "", 0, "source %s failed", (source.location,), None)

    RedactSecrets([]).filter(record)

    assert "s3" not in describe(source) and "https://n.example/f.xml" in describe(source)
    assert record.getMessage() == "source https://n.example/f.xml failed"
