"""HTTP for the network sources: timeouts, retries with backoff, conditional GET, polite pacing,
redirects followed hop by hop, no internal addresses (see netguard), and a cap on every body's
unpacked size and on every download's time (see limits)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urljoin, urlsplit

import httpx

from knowledge.sources.limits import LimitError, Limits, RunDeadlineError, deadline, read_body, transport
from knowledge.sources.netguard import AddressPolicy, BlockedAddressError, GuardedBackend

log = logging.getLogger(__name__)

RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUS = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5
DEFAULT_AGENT = "investorbot/0.1 (+https://github.com/investorbot/investorbot)"


class FetchError(Exception):
    """A download failed for good; the message is one short sentence."""


class RefusedURLError(FetchError):
    """The URL (or a redirect) leads to an address sources may not reach."""


class FetchLimitError(FetchError, LimitError):
    """A download went past MAX_DOWNLOAD_MB or FETCH_DEADLINE_SECONDS: not retried, not replaced by
    a feed entry's summary."""


class RunOverError(FetchLimitError):
    """The run's own deadline (REFRESH_DEADLINE_SECONDS) passed: the source stops here."""


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

    @property
    def charset(self) -> str | None:
        """The charset the server declared in Content-Type, if any."""
        header = Message()
        header["Content-Type"] = self.content_type or "application/octet-stream"
        charset = header.get_param("charset")
        return str(charset).strip().lower() if isinstance(charset, str) and charset.strip() else None


class Fetcher:
    """One HTTP client for a refresh; every request has a timeout, transient failures are retried."""

    def __init__(
        self,
        timeout: float = 20.0,
        *,
        user_agent: str = DEFAULT_AGENT,
        retries: int = 2,
        backoff: float = 0.5,
        min_interval: dict[str, float] | None = None,
        policy: AddressPolicy | None = None,
        limits: Limits | None = None,
    ) -> None:
        self._client = httpx.Client(
            timeout=timeout,
            follow_redirects=False,  # followed below, so that every hop is checked
            # The socket backend checks addresses after resolution, before connecting, on every hop,
            # and ends every socket operation by the fetch's deadline.
            transport=transport(GuardedBackend(policy or AddressPolicy())),
            trust_env=False,  # an environment proxy would hide the real destination from the check
            headers={"User-Agent": user_agent, "Accept-Encoding": "gzip"},
        )
        self._retries, self._backoff = retries, backoff
        self.limits = limits or Limits()
        self._min_interval = min_interval or {}
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        self._client.close()

    def get(self, url: str, validator: str = "", headers: dict[str, str] | None = None) -> Fetched:
        """GET the URL; with a validator from an earlier response, an unchanged resource comes back as 304.

        Retries, redirects and reading the body all count against one deadline; past it, or past the
        size cap, FetchLimitError says which limit it was."""
        until = self.limits.start()
        try:
            with deadline(until):
                return self._get(url, validator, headers, until.left)
        except LimitError as error:
            raise FetchLimitError(str(error)) from None
        except FetchError:
            if until.left() > 0:
                raise
            # The deadline cut the download short: say which, not "timed out"; when it is the run's,
            # the source stops (RunOverError), rather than failing each of its items in turn.
            passed = until.error(url)
            raise (RunOverError if isinstance(passed, RunDeadlineError) else FetchLimitError)(str(passed)) from None

    def _get(self, url: str, validator: str, headers: dict[str, str] | None, left: Callable[[], float]) -> Fetched:
        request_headers = dict(headers or {})
        etag, _, modified = validator.partition("|")
        if etag:
            request_headers["If-None-Match"] = etag
        if modified:
            request_headers["If-Modified-Since"] = modified
        failure, cause = "", Exception()  # replaced by every attempt
        for attempt in range(self._retries + 1):
            try:
                response = self._follow(url, request_headers)
                try:
                    if response.status_code == 304:
                        return Fetched(url, b"", "", not_modified=True)
                    if response.status_code < 400:
                        return self._fetched(url, response)
                finally:
                    response.close()
            except httpx.TimeoutException as error:
                failure, cause = f"timed out fetching {url}", error
            except httpx.TransportError as error:
                failure = f"could not connect to {urlsplit(url).netloc} ({type(error).__name__})"
                cause = error
            else:
                failure = f"HTTP {response.status_code} {response.reason_phrase} for {url}"
                cause = FetchError(failure)
                if response.status_code not in RETRY_STATUS:
                    raise FetchError(failure)
            if attempt < self._retries:
                delay = self._backoff * 2**attempt
                if delay >= left():
                    break  # no time left for another attempt
                log.info("%s; retrying in %.1f s", failure, delay)
                time.sleep(delay)
        raise FetchError(failure) from cause

    def _follow(self, url: str, headers: dict[str, str]) -> httpx.Response:
        """GET with redirects followed by hand: each hop must be http(s), and is checked on connect."""
        for _ in range(MAX_REDIRECTS + 1):
            if urlsplit(url).scheme not in ("http", "https"):
                raise RefusedURLError(f"refused {url!r}: only http and https are allowed")
            self._pace(url)
            request = self._client.build_request("GET", url, headers=headers)
            try:
                response = self._client.send(request, stream=True)  # the body is read under the limits
            except BlockedAddressError as error:
                raise RefusedURLError(f"refused {url}: {error}") from error
            if response.status_code not in REDIRECT_STATUS or "location" not in response.headers:
                return response
            response.close()
            url = urljoin(str(response.url), response.headers["location"])
        raise FetchError(f"more than {MAX_REDIRECTS} redirects fetching {url}")

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

    def _fetched(self, url: str, response: httpx.Response) -> Fetched:
        try:
            content = read_body(response, self.limits, str(response.url) or url)
        except httpx.DecodingError as error:
            raise FetchError(str(error)) from None
        return _fetched(url, response, content)


def _fetched(url: str, response: httpx.Response, content: bytes) -> Fetched:
    return Fetched(
        url=str(response.url) or url,
        content=content,
        content_type=response.headers.get("Content-Type", ""),
        etag=response.headers.get("ETag", ""),
        last_modified=response.headers.get("Last-Modified", ""),
    )
