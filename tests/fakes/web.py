"""A web server on loopback serving recorded-format fixtures: RSS and Atom feeds, article pages,
EDGAR's JSON, filing indexes and documents, and PDFs. Tests can change, break or slow any route."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.fakes.threaded import serving

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "web"
FILING = "/Archives/edgar/data/999001/000099900125000031"


@dataclass
class Route:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    delay: float = 0.0
    etag: bool = True
    headers: dict[str, str] = field(default_factory=dict)  # e.g. Location for a redirect
    trickle_seconds: float = 0.0  # > 0: the body is sent a little at a time, over and over, this long


class FakeWeb:
    def __init__(self, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[tuple[str, int]] = []  # (path, status) of every request
        self._server = ThreadingHTTPServer((host, 0), _handler(self))
        self._server.daemon_threads = True
        self.base = f"http://{host}:{self._server.server_address[1]}"
        self._load_fixtures()

    def downloads(self, path: str) -> int:
        """How many times the path was served with a body (not 304)."""
        return sum(1 for hit, status in self.hits if hit == path and status == 200)

    def article(self, slug: str, title: str, date: str, paragraphs: list[str], lang: str = "en") -> None:
        template = (FIXTURES / "article-template.html").read_text(encoding="utf-8")
        body = "\n".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
        html = template.format(title=title, date=date, lang=lang, paragraphs=body)
        self.routes[f"/news/{slug}"] = Route(html.encode())

    def feed(self, path: str, text: str, content_type: str = "application/rss+xml") -> None:
        self.routes[path] = Route(text.replace("{base}", self.base).encode(), content_type)

    def _load_fixtures(self) -> None:
        self.feed("/feeds/china-tech.rss", (FIXTURES / "china-tech.rss").read_text(encoding="utf-8"))
        atom = (FIXTURES / "global-markets.atom").read_text(encoding="utf-8")
        self.feed("/feeds/global-markets.atom", atom, "application/atom+xml")
        for slug, page in json.loads((FIXTURES / "articles.json").read_text(encoding="utf-8")).items():
            self.article(slug, page["title"], page["date"], page["paragraphs"], page["lang"])
        edgar = FIXTURES / "edgar"
        self.routes["/files/company_tickers.json"] = Route(
            (edgar / "company_tickers.json").read_bytes(), "application/json"
        )
        self.routes["/submissions/CIK0000999001.json"] = Route(
            (edgar / "CIK0000999001.json").read_bytes(), "application/json"
        )
        for name in ("kstr-20251106.htm", "kstr-ex991_q3.htm", "kstr-20250930.htm", "0000999001-25-000031-index.htm"):
            self.routes[f"{FILING}/{name}"] = Route((edgar / name).read_bytes())
        self.routes["/Archives/edgar/data/999001/000099900125000012/kstr-20241231.htm"] = Route(
            (edgar / "kstr-20241231.htm").read_bytes()
        )
        self.routes["/Archives/edgar/data/999001/000099900125000027/kstr-20250930.htm"] = Route(
            (edgar / "kstr-20250930.htm").read_bytes()
        )
        self.routes["/feeds/broken.rss"] = Route(b"<rss><channel><title>Half a feed</titl", "application/rss+xml")

    @contextmanager
    def running(self) -> Iterator[FakeWeb]:
        with serving(self._server):
            yield self


def _handler(web: FakeWeb) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            route = web.routes.get(path)
            if route is None:
                self._answer(404, b"<html><body>Not Found</body></html>", "text/html")
                return
            if route.delay:
                time.sleep(route.delay)
            etag = '"' + hashlib.sha1(route.body).hexdigest()[:16] + '"' if route.etag else ""
            if etag and self.headers.get("If-None-Match") == etag:
                self._answer(304, b"", route.content_type, etag)
                return
            if route.trickle_seconds:
                self._trickle(route)
                return
            self._answer(route.status, route.body, route.content_type, etag, route.headers)

        def _answer(
            self, status: int, body: bytes, content_type: str, etag: str = "", extra: dict[str, str] | None = None
        ) -> None:
            web.hits.append((self.path.split("?")[0], status))
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                if etag:
                    self.send_header("ETag", etag)
                for name, value in (extra or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                if body:
                    self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test)

        def _trickle(self, route: Route) -> None:
            """A slow server: 1 KB of the body every 50 ms, without a length, until the time is up."""
            web.hits.append((self.path.split("?")[0], 200))
            ends = time.monotonic() + route.trickle_seconds
            try:
                self.send_response(200)
                self.send_header("Content-Type", route.content_type)
                self.end_headers()
                sent = 0
                while time.monotonic() < ends:
                    self.wfile.write(route.body[sent % len(route.body) :][:1024])
                    self.wfile.flush()
                    sent += 1024
                    time.sleep(0.05)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up, as it should

        def log_message(self, format: str, *args: object) -> None:
            return

    return Handler
