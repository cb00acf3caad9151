"""Managing sources: add, list, remove, import `sources.toml`, and the reader for each kind."""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from knowledge.catalog import Catalog, Source
from knowledge.settings import Settings
from knowledge.sources.address import scrub, shown
from knowledge.sources.articles import ArticleReader
from knowledge.sources.edgar import DEFAULT_FORMS, EdgarReader
from knowledge.sources.feeds import FeedReader
from knowledge.sources.fetcher import DEFAULT_AGENT, Fetcher
from knowledge.sources.limits import Limits, RunDeadline
from knowledge.sources.netguard import AddressPolicy, BlockedAddressError
from knowledge.sources.reader import Reader

KINDS = ("path", "rss", "url", "edgar")
EDGAR_REQUEST_INTERVAL = 0.11  # EDGAR's fair-access limit is 10 requests a second
_TICKER_OR_CIK = re.compile(r"^(?:\d{1,10}|[A-Za-z][A-Za-z0-9.\-]{0,9})$")


class SourceSpecError(ValueError):
    """A source was described wrongly; the message says how to describe it."""


@dataclass(frozen=True)
class SourceSpec:
    kind: str
    location: str
    tickers: tuple[str, ...] = ()
    forms: tuple[str, ...] = ()
    since: str = ""


def add(catalog: Catalog, spec: SourceSpec, policy: AddressPolicy | None = None) -> Source:
    """Validate and store a source; adding the same kind and location twice returns the first."""
    spec = validate(spec, policy)
    params: dict[str, Any] = {}
    if spec.kind == "edgar":
        params = {"forms": list(spec.forms or DEFAULT_FORMS), "since": spec.since}
    source = catalog.source_for(spec.kind, spec.location, ",".join(spec.tickers), params)
    return source


def validate(spec: SourceSpec, policy: AddressPolicy | None = None) -> SourceSpec:
    """The spec tidied up, or SourceSpecError saying in one sentence what is wrong with it."""
    kind = spec.kind.lower().strip()
    location = spec.location.strip()
    if kind not in KINDS:
        raise SourceSpecError(f"unknown source kind {spec.kind!r}; use one of {', '.join(KINDS)}")
    if kind in ("rss", "url"):
        parts = urlsplit(location)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise SourceSpecError(f"{location!r} is not an http(s) URL")
        try:
            (policy or AddressPolicy()).check_url(location)
        except BlockedAddressError as error:
            raise SourceSpecError(str(error)) from None
    elif kind == "path":
        path = Path(location).expanduser()
        if not path.exists():
            raise SourceSpecError(f"no such file or folder: {location}")
        location = str(path.resolve())
    elif kind == "edgar":
        if not _TICKER_OR_CIK.match(location):
            raise SourceSpecError(f"{location!r} is neither a ticker nor a CIK")
        location = location.upper()
    if spec.since:
        try:
            date.fromisoformat(spec.since)
        except ValueError:
            raise SourceSpecError(f"--since wants a date as YYYY-MM-DD, not {spec.since!r}") from None
    tickers = tuple(t.strip().upper() for t in spec.tickers if t.strip())
    forms = tuple(f.strip().upper() for f in spec.forms if f.strip())
    return SourceSpec(kind, location, tickers, forms, spec.since)


def import_file(catalog: Catalog, path: Path, policy: AddressPolicy | None = None) -> list[Source]:
    """Add every `[[source]]` of a sources.toml file (already known ones are left as they are)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise SourceSpecError(f"cannot read {path}: {error}") from error
    added = []
    for number, entry in enumerate(data.get("source", []), 1):
        try:
            spec = SourceSpec(
                kind=str(entry["kind"]),
                location=str(entry.get("location") or entry.get("url") or entry.get("ticker") or entry["path"]),
                tickers=tuple(entry.get("tickers", [])),
                forms=tuple(entry.get("forms", [])),
                since=str(entry.get("since", "")),
            )
        except KeyError as missing:
            raise SourceSpecError(f"{path}: source {number} lacks {missing}") from None
        added.append(add(catalog, spec, policy))
    return added


def readers(settings: Settings, fetcher: Fetcher, edgar_fetcher: Fetcher) -> dict[str, Reader]:
    return {
        "rss": FeedReader(fetcher, settings.max_text_chars),
        "url": ArticleReader(fetcher, settings.max_text_chars),
        "edgar": EdgarReader(
            edgar_fetcher,
            settings.sec_data_url,
            settings.sec_archives_url,
            settings.sec_user_agent,
            settings.max_text_chars,
        ),
    }


def policy(settings: Settings, trusted_urls: tuple[str, ...] = ()) -> AddressPolicy:
    """Which addresses source URLs may reach; `trusted_urls` are endpoints the operator configured."""
    return AddressPolicy.of(settings.allow_private_urls, settings.private_url_allowlist, trusted_urls)


def limits(settings: Settings, run: RunDeadline | None = None) -> Limits:
    """What one download may cost (MAX_DOWNLOAD_MB, FETCH_DEADLINE_SECONDS), within the run's deadline."""
    return Limits.of(settings.max_download_mb, settings.fetch_deadline_seconds, run)


def fetchers(settings: Settings, run: RunDeadline | None = None) -> tuple[Fetcher, Fetcher]:
    """A general fetcher and one for EDGAR (its own user agent, paced under 10 requests a second);
    every download of either ends by the run's deadline, if it has one."""
    sec = (settings.sec_data_url, settings.sec_archives_url)
    pace = {urlsplit(url).netloc: EDGAR_REQUEST_INTERVAL for url in sec}
    general = Fetcher(
        settings.http_timeout_seconds, user_agent=DEFAULT_AGENT, policy=policy(settings), limits=limits(settings, run)
    )
    edgar = Fetcher(
        settings.http_timeout_seconds,
        user_agent=settings.sec_user_agent or DEFAULT_AGENT,
        min_interval=pace,
        policy=policy(settings, sec),  # EDGAR's own hosts are configured; links elsewhere are checked
        limits=limits(settings, run),
    )
    return general, edgar


def describe(source: Source) -> str:
    """One line for listings: id, kind, location, tickers, last fetch, last error."""
    fetched = source.last_fetched_at.strftime("%Y-%m-%d %H:%M") if source.last_fetched_at else ""
    params = json.loads(source.params or "{}")
    extra = f" forms={','.join(params['forms'])}" if params.get("forms") else ""
    extra += f" since={params['since']}" if params.get("since") else ""
    status = f"error: {scrub(source.last_error)}" if source.last_error else "ok"
    tickers = f" [{source.tickers}]" if source.tickers else ""
    state = f"fetched {fetched}, {status}" if fetched else "not fetched yet"
    return f"#{source.id} {source.kind} {shown(source.location)}{tickers}{extra} — {state}"
