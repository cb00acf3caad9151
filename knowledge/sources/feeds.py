"""RSS 0.9x/1.0/2.0 and Atom feeds: each entry's article page, or its summary when the page fails."""

from __future__ import annotations

import calendar
import hashlib
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import feedparser

from knowledge.catalog import Source
from knowledge.records import Page
from knowledge.sources.fetcher import Fetcher, FetchError, RefusedURLError, RunOverError
from knowledge.sources.htmltext import html_to_text
from knowledge.sources.limits import LimitError
from knowledge.sources.loader import MAX_TEXT_CHARS, LoadError, build_document, content_hash, read_article
from knowledge.sources.reader import Item, Known, SourceError, tickers_of
from knowledge.text.language import detect

log = logging.getLogger(__name__)


class FeedReader:
    """Reads a feed; entries already indexed in the same version are not downloaded again."""

    def __init__(self, fetcher: Fetcher, max_chars: int = MAX_TEXT_CHARS) -> None:
        self._fetcher, self._max_chars = fetcher, max_chars

    def read(self, source: Source, state: dict[str, Any], known: Known) -> Iterator[Item]:
        response = self._fetcher.get(source.location, state.get("validator", ""))
        if response.not_modified:
            log.info("feed %s unchanged since the last refresh", source.location)
            state["unchanged"] = True  # nothing was re-checked, so earlier entry errors still stand
            return
        state.pop("unchanged", None)
        feed = feedparser.parse(response.content)
        if feed.bozo and not feed.entries:
            reason = getattr(feed, "bozo_exception", None) or "not a feed"
            raise SourceError(f"malformed feed XML ({str(reason).splitlines()[0][:120]})")
        publisher = str(feed.feed.get("title", "")) or source.location
        language = str(feed.feed.get("language", ""))[:2].lower()
        for entry in feed.entries:
            yield self._entry(entry, source, publisher, language, known)
        state["validator"] = response.validator

    def _entry(self, entry: Any, source: Source, publisher: str, language: str, known: Known) -> Item:
        link = str(entry.get("link", "")).strip()
        title = str(entry.get("title", "")).strip()
        if not link:
            return Item(uri=f"{source.location}#{title or 'untitled'}", error="feed entry has no link")
        fingerprint = _fingerprint(entry)
        if known(link) == fingerprint:
            return Item(uri=link, fingerprint=fingerprint)
        summary = html_to_text(str(entry.get("summary", ""))) if entry.get("summary") else ""
        try:
            pages, meta = self._article(link, summary)
        except RunOverError:
            raise  # the run is out of time: the feed stops here, with one error
        except (RefusedURLError, LimitError) as error:
            return Item(uri=link, error=str(error))
        if not pages:
            return Item(uri=link, error="article page unavailable and the entry has no summary")
        meta.update(
            title=title or meta.get("title"),
            publisher=publisher,
            url=link,
            published=_published(entry) or meta.get("published"),
            language=language or detect(pages[0].text[:2000]),
            tickers=tickers_of(source),
        )
        text = "\n".join(page.text for page in pages)
        try:
            document = build_document(
                link,
                title or link,
                pages,
                meta,
                content_hash(text.encode()),
                kind="news",
                detect_tickers=True,
                max_chars=self._max_chars,
            )
        except LoadError as error:
            return Item(uri=link, error=str(error))
        return Item(uri=link, document=document, fingerprint=fingerprint)

    def _article(self, link: str, summary: str) -> tuple[list[Page], dict[str, Any]]:
        try:
            page = self._fetcher.get(link)
            pages, meta = read_article(page.content, page.charset, self._max_chars)
            if sum(len(p.text) for p in pages) >= max(200, len(summary)):
                return pages, meta
        except (RefusedURLError, LimitError):
            # An entry pointing inside the network, or at a page past a limit, is refused, summary and
            # all: the operator sees which limit it was.
            raise
        except (FetchError, LoadError) as error:
            log.info("using the feed summary for %s: %s", link, error)
        return ([Page(summary)], {}) if summary.strip() else ([], {})


def _fingerprint(entry: Any) -> str:
    # dict.get, not entry.get: feedparser's own get() maps a missing `updated` to `published`, with a warning.
    parts = [dict.get(entry, key, "") for key in ("id", "link", "title", "updated", "published", "summary")]
    return hashlib.sha1("\x1f".join(str(part) for part in parts).encode()).hexdigest()


def _published(entry: Any) -> str | None:
    parsed = dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed")
    if not parsed:
        return None
    return datetime.fromtimestamp(calendar.timegm(parsed), UTC).date().isoformat()
