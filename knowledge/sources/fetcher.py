"""HTTP for the network sources: timeouts, retries with backoff, conditional GET, polite pacing."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

log = logging.getLogger(__name__)

RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
DEFAULT_AGENT = "investorbot/0.1 (+https://github.com/investorbot/investorbot)"


class FetchError(Exception):
    """A download failed for good; the message is one short sentence."""


@dataclass(frozen=True)
class Fetched:
    """A response body, or `not_modified` when the server said 304."""

    url: str
    content: bytes
    content_type: str
    etag: str = ""
    last_modified: str = ""
    not_modified: bool = False

    @property
    def validator(self) -> str:
        """What to send back next time to ask "changed since?"."""
        return f"{self.etag}|{self.last_modified}" if self.etag or self.last_modified else ""


class Fetcher:
    """One HTTP client for a refresh; every request has a timeout, transient failures are retried."""

    def __init__(
        self,
        timeout: float = 20.0,
        user_agent: str = DEFAULT_AGENT,
        retries: int = 2,
        backoff: float = 0.5,
        min_interval: dict[str, float] | None = None,
    ) -> None:
        self._client = httpx.Client(
            timeout=timeout, follow_redirects=True, headers={"User-Agent": user_agent, "Accept-Encoding": "gzip"}
        )
        self._retries, self._backoff = retries, backoff
        self._min_interval = min_interval or {}
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        self._client.close()

    def get(self, url: str, validator: str = "", headers: dict[str, str] | None = None) -> Fetched:
        """GET the URL; with a validator from an earlier response, an unchanged resource comes back as 304."""
        request_headers = dict(headers or {})
        etag, _, modified = validator.partition("|")
        if etag:
            request_headers["If-None-Match"] = etag
        if modified:
            request_headers["If-Modified-Since"] = modified
        for attempt in range(self._retries + 1):
            self._pace(url)
            try:
                response = self._client.get(url, headers=request_headers)
            except httpx.TimeoutException as error:
                failure = f"timed out fetching {url}"
                cause: Exception = error
            except httpx.TransportError as error:
                failure = f"could not connect to {urlsplit(url).netloc} ({type(error).__name__})"
                cause = error
            else:
                if response.status_code == 304:
                    return Fetched(url, b"", "", not_modified=True)
                if response.status_code < 400:
                    return _fetched(url, response)
                failure = f"HTTP {response.status_code} {response.reason_phrase} for {url}"
                cause = FetchError(failure)
                if response.status_code not in RETRY_STATUS:
                    raise FetchError(failure)
            if attempt < self._retries:
                delay = self._backoff * 2**attempt
                log.info("%s; retrying in %.1f s", failure, delay)
                time.sleep(delay)
        raise FetchError(failure) from cause

    def _pace(self, url: str) -> None:
        host = urlsplit(url).netloc
        interval = self._min_interval.get(host, 0.0)
        if not interval:
            return
        with self._lock:
            wait = self._last.get(host, 0.0) + interval - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            self._last[host] = time.monotonic()


def _fetched(url: str, response: httpx.Response) -> Fetched:
    return Fetched(
        url=str(response.url) or url,
        content=response.content,
        content_type=response.headers.get("Content-Type", ""),
        etag=response.headers.get("ETag", ""),
        last_modified=response.headers.get("Last-Modified", ""),
    )
