"""Limits on what one download may cost: bytes after decompression, and time.

A response body is read as a stream and unpacked here, a bounded step at a time, so that a small
gzip body that unpacks to gigabytes stops at the cap instead of filling memory. Time is bounded
on the socket: every read and write waits at most until the fetch's deadline (the earlier of its
own and its run's), so a server that trickles bytes forever cannot hold a refresh, and with it the
index writer's lock.
"""

from __future__ import annotations

import threading
import time
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpcore
import httpx

UNPACK_STEP = 1 << 20  # at most this much is unpacked from one compressed piece at a time


class LimitError(Exception):
    """A download or a document went past a configured limit; the message names the setting."""


class DownloadTooLargeError(LimitError):
    """The body, unpacked, is larger than MAX_DOWNLOAD_MB."""


class FetchDeadlineError(LimitError):
    """One download took longer than FETCH_DEADLINE_SECONDS."""


class RunDeadlineError(LimitError):
    """The whole run (a refresh) is past its deadline: nothing more is fetched in it."""


@dataclass(frozen=True)
class RunDeadline:
    """When a whole run must end, on the monotonic clock, and the setting that says so."""

    ends: float
    seconds: float
    setting: str = "REFRESH_DEADLINE_SECONDS"

    @classmethod
    def after(cls, seconds: float, setting: str = "REFRESH_DEADLINE_SECONDS") -> RunDeadline:
        return cls(time.monotonic() + seconds, seconds, setting)

    @property
    def passed(self) -> bool:
        return time.monotonic() >= self.ends

    def message(self, what: str) -> str:
        return f"the run went past {self.setting} ({self.seconds:g} s){what}"


@dataclass(frozen=True)
class Limits:
    """What one fetch may take: unpacked bytes, seconds, and the run it belongs to."""

    max_bytes: int = 25 << 20
    fetch_seconds: float = 120.0
    run: RunDeadline | None = None

    @classmethod
    def of(cls, max_mb: float, fetch_seconds: float, run: RunDeadline | None = None) -> Limits:
        return cls(int(max_mb * 1024 * 1024), fetch_seconds, run)

    def start(self) -> Deadline:
        """The deadline of a fetch starting now."""
        own = time.monotonic() + self.fetch_seconds
        if self.run is not None and self.run.ends <= own:
            return Deadline(self.run.ends, self.run.message(" while fetching"), run=True)
        return Deadline(own, f"took longer than FETCH_DEADLINE_SECONDS ({self.fetch_seconds:g} s)")

    def too_large(self, url: str) -> DownloadTooLargeError:
        size = f"{self.max_bytes / 1048576:g} MB unpacked"
        return DownloadTooLargeError(f"download exceeds MAX_DOWNLOAD_MB ({size}) at {url}")


@dataclass(frozen=True)
class Deadline:
    """One fetch's deadline and what to say when it passes."""

    ends: float
    reason: str
    run: bool = False

    def left(self) -> float:
        return self.ends - time.monotonic()

    def error(self, url: str) -> LimitError:
        if self.run:
            return RunDeadlineError(f"{self.reason} {url}")
        return FetchDeadlineError(f"download {self.reason} at {url}")


_current = threading.local()


@contextmanager
def deadline(until: Deadline) -> Iterator[None]:
    """Socket reads and writes on this thread (through `DeadlineBackend`) end by `until`."""
    previous = getattr(_current, "deadline", None)
    _current.deadline = until
    try:
        yield
    finally:
        _current.deadline = previous


def _clamped(timeout: float | None) -> float | None:
    """The socket timeout for one operation: the configured one, cut to what the deadline leaves."""
    until: Deadline | None = getattr(_current, "deadline", None)
    if until is None:
        return timeout
    left = until.left()
    if left <= 0:
        raise httpcore.ReadTimeout("deadline passed")
    return left if timeout is None else min(timeout, left)


class DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read and write ends by the current thread's deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _clamped(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _clamped(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        return DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, _clamped(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class DeadlineBackend(httpcore.SyncBackend):
    """httpcore's socket backend with deadlines on connect, read and write."""

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = super().connect_tcp(host, port, _clamped(timeout), local_address, socket_options)
        return DeadlineStream(stream)


def transport(backend: httpcore.SyncBackend) -> httpx.HTTPTransport:
    """An httpx transport whose connections are made by `backend`."""
    made = httpx.HTTPTransport()
    # httpx takes no backend argument; its connection pool's backend is where sockets are made.
    made._pool._network_backend = backend
    return made


def read_body(response: httpx.Response, limits: Limits, url: str) -> bytes:
    """The body of a streamed response, unpacked (gzip, deflate), at most `limits.max_bytes`."""
    declared = response.headers.get("Content-Length", "")
    encoding = response.headers.get("Content-Encoding", "").strip().lower()
    if declared.isdigit() and not encoding and int(declared) > limits.max_bytes:
        raise limits.too_large(url)  # said up front: nothing is downloaded
    unpack = _unpacker(encoding, url)
    parts: list[bytes] = []
    size = 0
    for piece in response.iter_raw():
        for part in unpack(piece):
            size += len(part)
            if size > limits.max_bytes:
                raise limits.too_large(url)
            parts.append(part)
    return b"".join(parts)


def _unpacker(encoding: str, url: str) -> Any:
    if encoding in ("", "identity"):
        return lambda piece: (piece,)
    if encoding in ("gzip", "x-gzip", "deflate"):
        return _Inflater(encoding)
    raise httpx.DecodingError(f"unsupported Content-Encoding {encoding!r} at {url}")


class _Inflater:
    """zlib in bounded steps: one compressed piece yields its output a megabyte at a time."""

    def __init__(self, encoding: str) -> None:
        # gzip has its own header; "deflate" is meant to be zlib-wrapped, but some servers send it raw.
        self._wbits = 31 if encoding.endswith("gzip") else 15
        self._zlib = zlib.decompressobj(self._wbits)
        self._started = False

    def __call__(self, piece: bytes) -> Iterator[bytes]:
        data = piece
        while data and not self._zlib.eof:
            try:
                out = self._zlib.decompress(data, UNPACK_STEP)
            except zlib.error as error:
                if self._started or self._wbits != 15:
                    raise httpx.DecodingError(f"corrupt compressed body ({error})") from None
                self._zlib, self._wbits = zlib.decompressobj(-15), -15  # raw deflate
                continue
            self._started = True
            yield out
            data = self._zlib.unconsumed_tail
