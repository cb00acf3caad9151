"""Tiingo's end-of-day API on loopback, in its real JSON format: `/tiingo/daily/{ticker}/prices`
with `startDate`, the token in an `Authorization: Token …` header, and its error answers.

Tests choose which sessions it knows (`sessions`), break it (`status`, `delay`) and read back
what was asked (`requests`: ticker and startDate of each call)."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.fakes.threaded import serving

RECORDED = Path(__file__).resolve().parent.parent / "fixtures" / "tiingo" / "baba-daily.json"
TOKEN = "tiingo-test-token"
_PATH = re.compile(r"^/tiingo/daily/([a-z0-9.\-]+)/prices$")


class FakeTiingo:
    def __init__(self) -> None:
        self.rows: dict[str, list[dict[str, Any]]] = {"baba": json.loads(RECORDED.read_text(encoding="utf-8"))}
        self.until = "9999-12-31"  # sessions after this day are not published yet
        self.status: int | None = None  # answer every request with this status instead
        self.delay = 0.0
        self.requests: list[tuple[str, str]] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"

    def published(self, ticker: str, start: str) -> list[dict[str, Any]]:
        return [row for row in self.rows[ticker] if start <= row["date"][:10] <= self.until]

    @contextmanager
    def running(self) -> Iterator[FakeTiingo]:
        with serving(self._server):
            yield self


def _handler(fake: FakeTiingo) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urlsplit(self.path)
            match = _PATH.match(url.path)
            start = parse_qs(url.query).get("startDate", ["1900-01-01"])[0]
            if match:
                fake.requests.append((match.group(1), start))
            if fake.delay:
                time.sleep(fake.delay)
            if fake.status is not None:
                self._json(fake.status, {"detail": _DETAILS.get(fake.status, "Error")})
            elif self.headers.get("Authorization") != f"Token {TOKEN}":
                self._json(401, {"detail": "Invalid token."})
            elif not match or match.group(1) not in fake.rows:
                ticker = match.group(1) if match else "?"
                self._json(404, {"detail": f"Error: Ticker '{ticker.upper()}' not found"})
            else:
                self._json(200, fake.published(match.group(1), start))

        def _json(self, status: int, body: object) -> None:
            data = json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (the timeout test)

        def log_message(self, format: str, *args: object) -> None:
            return

    return Handler


_DETAILS = {
    429: "Error: You have run over your hourly request allocation. Please upgrade at https://api.tiingo.com/pricing",
    500: "Internal server error",
}
