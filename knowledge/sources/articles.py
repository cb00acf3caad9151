"""A single web article: downloaded (conditionally), its main text extracted."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from knowledge.catalog import Source
from knowledge.sources.fetcher import Fetcher
from knowledge.sources.loader import MAX_TEXT_CHARS, LoadError, build_document, content_hash, read_article
from knowledge.sources.reader import Item, Known, SourceError, tickers_of


class ArticleReader:
    """Reads one URL; with an ETag or Last-Modified from last time, an unchanged page is not downloaded."""

    def __init__(self, fetcher: Fetcher, max_chars: int = MAX_TEXT_CHARS) -> None:
        self._fetcher, self._max_chars = fetcher, max_chars

    def read(self, source: Source, state: dict[str, Any], known: Known) -> Iterator[Item]:
        url = source.location
        response = self._fetcher.get(url, known(url) or "")
        if response.not_modified:
            yield Item(uri=url, fingerprint=known(url) or "")
            return
        try:
            pages, meta = read_article(response.content, response.charset, self._max_chars)
        except LoadError as error:
            raise SourceError(f"{error} at {url}") from error
        meta.update(url=meta.get("url") or url, tickers=tickers_of(source))
        text = "\n".join(page.text for page in pages)
        digest = content_hash(text.encode())
        document = build_document(
            url, url, pages, meta, digest, kind="news", detect_tickers=True, max_chars=self._max_chars
        )
        yield Item(uri=url, document=document, fingerprint=response.validator)
