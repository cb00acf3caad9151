"""Sources cannot make the bot fetch internal addresses: added URLs, feed item links, redirects,
and DNS answers that change between check and connect.

The "public" web is a server on 127.0.0.2 (allowlisted as if it were a public host); the
"internal" service, holding a planted secret, listens on 127.0.0.1.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from knowledge.index.embedder import Embedder
from knowledge.sources.fetcher import Fetcher, RefusedURLError
from knowledge.sources.netguard import AddressPolicy
from knowledge.sources.registry import SourceSpec, SourceSpecError
from knowledge.wiring.local import Local
from tests.conftest import make_settings
from tests.fakes.web import FakeWeb, Route

SECRET = "AccessKeyId AKIAEXAMPLESECRET123 for the internal metadata service"


@pytest.fixture
def internal() -> Iterator[FakeWeb]:
    server = FakeWeb("127.0.0.1")
    server.article("secret", "Internal credentials", "2025-12-18", [SECRET * 3])
    with server.running():
        yield server


@pytest.fixture
def public(internal: FakeWeb) -> Iterator[FakeWeb]:
    server = FakeWeb("127.0.0.2")
    server.feed(
        "/feed.rss",
        f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>
        <item><title>Alibaba cloud deals</title><link>{server.base}/news/alibaba-cloud-deals</link>
        <guid>a</guid><pubDate>Thu, 18 Dec 2025 08:00:00 GMT</pubDate></item>
        <item><title>Inside job</title><link>{internal.base}/news/secret</link><guid>b</guid>
        <description>{SECRET}</description><pubDate>Thu, 18 Dec 2025 09:00:00 GMT</pubDate></item>
        </channel></rss>""",
    )
    server.routes["/moved"] = Route(b"", status=302, headers={"Location": f"{internal.base}/news/secret"})
    with server.running():
        yield server


def _engine(tmp_path: Path, embedder: Embedder, **overrides: object) -> Local:
    settings = make_settings(
        tmp_path,
        sources_file=tmp_path / "none.toml",
        http_timeout_seconds=2.0,
        private_url_allowlist="127.0.0.2/32",
        **overrides,
    )
    return Local(settings, embedder)


def _indexed_text(local: Local) -> str:
    return " ".join(chunk.text for chunk in local.answering.chunks())


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]", "169.254.169.254", "[::ffff:127.0.0.1]"])
def test_adding_an_internal_url_is_refused_in_one_sentence(
    tmp_path: Path, embedder: Embedder, internal: FakeWeb, host: str
) -> None:
    local = _engine(tmp_path, embedder)
    port = internal.base.rsplit(":", 1)[1]

    with pytest.raises(SourceSpecError) as refused:
        local.indexing.librarian.add_source(SourceSpec("url", f"http://{host}:{port}/news/secret"))

    assert "internal addresses" in str(refused.value)
    assert local.core.catalog.sources() == []


def test_feed_items_linking_inside_are_refused_and_never_indexed(
    tmp_path: Path, embedder: Embedder, public: FakeWeb, internal: FakeWeb
) -> None:
    local = _engine(tmp_path, embedder)
    local.indexing.librarian.add_source(SourceSpec("rss", f"{public.base}/feed.rss"))

    report = local.indexing.librarian.refresh()

    assert report.documents_added == 1
    (error,) = report.errors
    assert error["source"] == f"{internal.base}/news/secret" and "loopback" in error["error"]
    assert internal.hits == []
    assert "AKIAEXAMPLE" not in _indexed_text(local)


def test_a_redirect_to_an_internal_address_is_not_followed(
    tmp_path: Path, embedder: Embedder, public: FakeWeb, internal: FakeWeb
) -> None:
    local = _engine(tmp_path, embedder)
    local.indexing.librarian.add_source(SourceSpec("url", f"{public.base}/moved"))

    report = local.indexing.librarian.refresh()

    assert report.documents_added == 0
    (error,) = report.errors
    assert "refused" in error["error"] and "loopback" in error["error"]
    assert internal.hits == [] and local.answering.chunk_count() == 0


def test_with_private_urls_allowed_the_same_internal_page_is_fetched(
    tmp_path: Path, embedder: Embedder, internal: FakeWeb
) -> None:
    local = _engine(tmp_path, embedder, allow_private_urls=True)
    local.indexing.librarian.add_source(SourceSpec("url", f"{internal.base}/news/secret"))

    report = local.indexing.librarian.refresh()

    assert report.documents_added == 1 and "AKIAEXAMPLE" in _indexed_text(local)


def test_dns_rebinding_is_caught_at_connect(internal: FakeWeb, public: FakeWeb) -> None:
    answers = iter([["127.0.0.2"], ["127.0.0.1"]])  # public when checked, internal when connecting
    policy = AddressPolicy.of(False, ["127.0.0.2/32"])
    policy = AddressPolicy(policy.allow_private, policy.allowed_networks, resolver=lambda host, port: next(answers))
    port = internal.base.rsplit(":", 1)[1]
    url = f"http://rebind.example:{port}/news/secret"
    fetcher = Fetcher(timeout=2.0, policy=policy)

    policy.check_url(url)  # what the admin's /addsource sees: a public address
    with pytest.raises(RefusedURLError) as refused:
        fetcher.get(url)

    assert "loopback" in str(refused.value) and internal.hits == []
    fetcher.close()
