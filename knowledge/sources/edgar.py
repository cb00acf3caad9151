"""SEC EDGAR filings by ticker or CIK: the submissions list, each filing's primary document, and
for 8-K/6-K the press-release exhibits (EX-99.x)."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lxml import html as lxml_html

from knowledge.catalog import Source
from knowledge.records import Page
from knowledge.sources.fetcher import Fetcher, FetchError, RunOverError
from knowledge.sources.htmltext import html_to_text
from knowledge.sources.loader import MAX_TEXT_CHARS, LoadError, build_document, content_hash, read_pdf
from knowledge.sources.reader import Item, Known, SourceError, params_of, tickers_of

log = logging.getLogger(__name__)

DEFAULT_FORMS = ("10-K", "10-Q", "8-K", "20-F", "6-K")
DEFAULT_LIMIT = 8  # without --since, the latest filings only
_PRESS_RELEASE = re.compile(r"^EX-99", re.IGNORECASE)


@dataclass(frozen=True)
class Filing:
    cik: int
    company: str
    accession: str
    form: str
    filed: str
    period: str
    primary: str


class EdgarReader:
    """Reads a company's filings; a filing already indexed (same accession) is not downloaded again."""

    def __init__(
        self, fetcher: Fetcher, data_url: str, archives_url: str, user_agent: str, max_chars: int = MAX_TEXT_CHARS
    ) -> None:
        self._fetcher, self._agent, self._max_chars = fetcher, user_agent, max_chars
        self._data, self._archives = data_url.rstrip("/"), archives_url.rstrip("/")

    def read(self, source: Source, state: dict[str, Any], known: Known) -> Iterator[Item]:
        if not self._agent.strip():
            raise SourceError("EDGAR needs SEC_USER_AGENT set to your name and e-mail address (SEC fair-access rule)")
        cik = self.cik(source.location)
        submissions = self._json(f"{self._data}/submissions/CIK{cik:010d}.json")
        company = str(submissions.get("name") or source.location)
        tickers = [*tickers_of(source), *(str(t).upper() for t in submissions.get("tickers", []))]
        state["company"], state["tickers"] = company, tickers
        for filing in self._filings(cik, company, submissions, params_of(source)):
            yield from self._filing(filing, tickers, known)

    def cik(self, ticker_or_cik: str) -> int:
        """The CIK for a ticker (from EDGAR's company_tickers.json) or a CIK given as digits."""
        value = ticker_or_cik.strip().upper()
        if value.isdigit():
            return int(value)
        listing = self._json(f"{self._archives}/files/company_tickers.json")
        for row in listing.values() if isinstance(listing, dict) else listing:
            if str(row.get("ticker", "")).upper() == value:
                return int(row["cik_str"])
        raise SourceError(f"ticker {value} is not in EDGAR's company list")

    def _filings(self, cik: int, company: str, submissions: dict[str, Any], params: dict[str, Any]) -> list[Filing]:
        recent = submissions.get("filings", {}).get("recent", {})
        forms = {form.upper() for form in params.get("forms") or DEFAULT_FORMS}
        since = str(params.get("since") or "")
        columns = ("accessionNumber", "form", "filingDate", "reportDate", "primaryDocument")
        rows = zip(*(recent.get(column, []) for column in columns), strict=False)
        filings = [
            Filing(cik, company, accession, form, filed, period or "", primary)
            for accession, form, filed, period, primary in rows
            if form.upper() in forms and filed >= since and primary
        ]
        filings.sort(key=lambda filing: filing.filed, reverse=True)
        return filings if since else filings[:DEFAULT_LIMIT]

    def _filing(self, filing: Filing, tickers: list[str], known: Known) -> Iterator[Item]:
        folder = f"{self._archives}/Archives/edgar/data/{filing.cik}/{filing.accession.replace('-', '')}"
        documents = [(f"{folder}/{filing.primary}", "")]
        if filing.form.upper().startswith(("8-K", "6-K")):
            documents += [(url, kind) for url, kind in self._exhibits(folder, filing)]
        for url, exhibit in documents:
            if known(url) == filing.accession:
                yield Item(uri=url, fingerprint=filing.accession)
                continue
            try:
                yield Item(
                    uri=url, document=self._document(url, filing, exhibit, tickers), fingerprint=filing.accession
                )
            except RunOverError:
                raise  # the run is out of time: the source stops here, with one error
            except (FetchError, LoadError) as error:
                yield Item(uri=url, error=str(error))

    def _exhibits(self, folder: str, filing: Filing) -> list[tuple[str, str]]:
        """The EX-99.x documents listed in the filing's index page."""
        try:
            index = self._fetcher.get(f"{folder}/{filing.accession}-index.htm")
        except RunOverError:
            raise
        except FetchError as error:
            log.info("no index for %s: %s", filing.accession, error)
            return []
        found = []
        for row in lxml_html.document_fromstring(index.content).iter("tr"):
            cells = [cell.text_content().strip() for cell in row.iter("td")]
            links = [link.get("href", "") for link in row.iter("a")]
            kind = next((cell for cell in cells if _PRESS_RELEASE.match(cell)), "")
            if kind and links:
                name = links[0].split("/")[-1].removeprefix("ix?doc=")
                found.append((f"{folder}/{name}", kind.upper()))
        return found

    def _document(self, url: str, filing: Filing, exhibit: str, tickers: list[str]) -> Any:
        response = self._fetcher.get(url)
        if url.lower().endswith(".pdf"):
            pages, _ = read_pdf(response.content, self._max_chars)
        else:
            pages = [Page(html_to_text(response.content, response.charset))]
        what = f"{filing.form} {exhibit} press release" if exhibit else filing.form
        period = f" for the period ended {filing.period}" if filing.period else ""
        meta = {
            "title": f"{filing.company} {what} filed {filing.filed}{period}",
            "publisher": "SEC EDGAR",
            "url": url,
            "published": filing.filed,
            "language": "en",
            "tickers": tickers,
        }
        text = "\n".join(page.text for page in pages)
        digest = content_hash(text.encode())
        return build_document(url, url, pages, meta, digest, kind="filing", max_chars=self._max_chars)

    def _json(self, url: str) -> Any:
        response = self._fetcher.get(url, headers={"Accept": "application/json"})
        try:
            return json.loads(response.content)
        except ValueError as error:
            raise SourceError(f"EDGAR returned something other than JSON at {url}") from error
