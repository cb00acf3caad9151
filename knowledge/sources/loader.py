"""Load a file (txt, md with front matter, html, pdf) into a Document with its metadata."""

from __future__ import annotations

import hashlib
import io
import logging
import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import frontmatter
import pypdfium2 as pdfium
import trafilatura
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from knowledge.records import Document, Page
from knowledge.sources.htmltext import decode_html
from knowledge.sources.limits import LimitError
from knowledge.sources.pdfguard import PageGuard, PageTooLargeError, PdfUnreadableError
from knowledge.text.companies import Companies
from knowledge.text.language import detect
from knowledge.text.normalizer import strip_controls

_BARE_LF = re.compile(r"(?<!\r)\n")
MAX_TEXT_CHARS = 10 << 20  # the default of MAX_DOCUMENT_TEXT_MB; a 10-K holds about a million characters

log = logging.getLogger(__name__)


class LoadError(Exception):
    """A file could not be read; the message says why in a few words."""


class TextLimitError(LoadError, LimitError):
    """A document holds more text than MAX_DOCUMENT_TEXT_MB, or a PDF page would unpack past its limit."""


def text_limit(max_chars: int, where: str = "") -> TextLimitError:
    return TextLimitError(f"text exceeds MAX_DOCUMENT_TEXT_MB ({max_chars / 1048576:g} MB extracted){where}")


def document_id(uri: str) -> str:
    """A stable id for whatever a document was loaded from."""
    return hashlib.sha1(uri.encode("utf-8")).hexdigest()[:16]


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load(path: Path, data: bytes | None = None, *, uri: str | None = None, max_chars: int = MAX_TEXT_CHARS) -> Document:
    """Read one file into a Document; raise LoadError when it cannot be read or holds more than
    `max_chars` characters of text."""
    raw = path.read_bytes() if data is None else data
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        raise LoadError(f"unsupported file type {path.suffix or '(none)'}")
    pages, meta = reader(raw, max_chars)
    if path.suffix.lower() == ".pdf":
        meta["title"] = path.stem  # PDF title metadata is mostly empty or "Microsoft Word - …"
    kind = "filing" if path.suffix.lower() == ".pdf" else "news"
    return build_document(
        uri or str(path.resolve()), path.stem, pages, meta, content_hash(raw), kind=kind, max_chars=max_chars
    )


def build_document(
    uri: str,
    fallback_title: str,
    pages: list[Page],
    meta: dict[str, Any],
    digest: str,
    *,
    kind: str = "news",
    detect_tickers: bool = False,
    max_chars: int = MAX_TEXT_CHARS,
) -> Document:
    """A Document from extracted pages and metadata; more than `max_chars` of text is refused.

    Tickers come from `meta["tickers"]` (any alias is mapped to its canonical ticker); with none given,
    or with `detect_tickers`, the companies named in the title and opening text are added.
    """
    if sum(len(page.text) for page in pages) > max_chars:
        raise text_limit(max_chars)
    pages = [Page(strip_controls(page.text), page.number) for page in pages]
    if not any(page.text.strip() for page in pages):
        raise LoadError("no text could be extracted")
    text = "\n".join(page.text for page in pages[:3])
    companies = Companies.default()
    named = _tickers(meta.get("tickers"))
    tickers = tuple(dict.fromkeys(t for name in named for t in companies.find(name) or (name,)))
    if detect_tickers:
        lead = f"{meta.get('title', '')} {text[:600]}"
        tickers = tuple(dict.fromkeys((*tickers, *companies.find(lead))))
    tickers = tickers or companies.find(f"{meta.get('title', '')} {text[:4000]}")
    return Document(
        id=document_id(uri),
        uri=uri,
        title=strip_controls(str(meta.get("title") or _first_line(text) or fallback_title)),
        pages=tuple(pages),
        content_hash=digest,
        publisher=str(meta.get("publisher") or ""),
        url=str(meta.get("url") or ""),
        published=_date(meta.get("published") or meta.get("date")),
        language=str(meta.get("language") or detect(text[:2000])),
        tickers=tickers,
        kind=str(meta.get("kind") or kind),
    )


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "utf-16") if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig",):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise LoadError("not valid UTF-8 text (bad encoding)")


def _read_text(raw: bytes, max_chars: int = MAX_TEXT_CHARS) -> tuple[list[Page], dict[str, Any]]:
    if len(raw) > 4 * max_chars:  # more bytes than the most characters could take: not worth decoding
        raise text_limit(max_chars)
    try:
        post = frontmatter.loads(_decode(raw))
    except LoadError:
        raise
    except Exception as error:  # yaml raises many types for a broken header
        raise LoadError(f"unreadable front matter ({type(error).__name__})") from error
    return [Page(post.content)], dict(post.metadata)


def read_article(
    raw: bytes, charset: str | None = None, max_chars: int = MAX_TEXT_CHARS
) -> tuple[list[Page], dict[str, Any]]:
    """The main text of a web article (navigation, ads and footers dropped) and its metadata."""
    html = decode_html(raw, charset)
    text = trafilatura.extract(html, include_tables=True, include_comments=False, favor_precision=True)
    if not text:
        raise LoadError("no article text found in the HTML")
    if len(text) > max_chars:
        raise text_limit(max_chars)
    meta: dict[str, Any] = {}
    found = trafilatura.extract_metadata(html)
    if found is not None:
        meta = {"title": found.title, "publisher": found.sitename, "url": found.url, "published": found.date}
        # The headline comes first in the text, on a line of its own without a full stop; it is the
        # document's title already and would otherwise run into the first sentence.
        head, _, rest = text.partition("\n")
        if found.title and rest.strip() and " ".join(head.split()) == " ".join(found.title.split()):
            text = rest
    return [Page(text)], meta


def read_pdf(raw: bytes, max_chars: int = MAX_TEXT_CHARS) -> tuple[list[Page], dict[str, Any]]:
    """Page texts (1-based numbers) with PDFium, about 25 times faster than pypdf on 10-Ks;
    pypdf is the fallback for files PDFium refuses.

    Read page by page: each page's size is checked before it is loaded (see pdfguard), and reading
    stops as soon as the text passes `max_chars`."""
    try:
        guard = PageGuard(raw)
    except PdfUnreadableError as error:
        raise LoadError(f"corrupt or unreadable PDF ({error})") from error
    try:
        document = pdfium.PdfDocument(raw)
    except pdfium.PdfiumError:
        return _read_pdf_with_pypdf(raw, guard, max_chars)
    try:
        pages = _pages(len(document), lambda index: _pdfium_page_text(document, index), guard, max_chars)
    finally:
        document.close()
    return pages, {}


def _pages(count: int, text_of: Callable[[int], Page], guard: PageGuard, max_chars: int) -> list[Page]:
    pages: list[Page] = []
    total = 0
    for index in range(count):
        try:
            guard.check(index)
        except PageTooLargeError as error:
            raise TextLimitError(str(error)) from None
        page = text_of(index)
        total += len(page.text)
        if total > max_chars:
            raise text_limit(max_chars, f"; stopped at page {index + 1} of {count}")
        pages.append(page)
    return pages


def pdf_lines(text: str) -> str:
    """PDFium ends a line with CR LF; a bare LF parts the words of one line in some filings
    ("CONSOLIDATED\nSTATEMENTS\nOF\nOPERATIONS\r\n"): a space, so the heading reads as one line."""
    return _BARE_LF.sub(" ", text).replace("\r\n", "\n")


def _pdfium_page_text(document: pdfium.PdfDocument, index: int) -> Page:
    page = document[index]
    try:
        textpage = page.get_textpage()
        try:
            return Page(pdf_lines(textpage.get_text_range()), index + 1)
        finally:
            textpage.close()
    finally:
        page.close()


def _read_pdf_with_pypdf(raw: bytes, guard: PageGuard, max_chars: int) -> tuple[list[Page], dict[str, Any]]:
    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted:
            reader.decrypt("")
        pages = _pages(
            len(reader.pages), lambda index: Page(reader.pages[index].extract_text() or "", index + 1), guard, max_chars
        )
        title = reader.metadata.title if reader.metadata else None
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as error:
        raise LoadError(f"corrupt or unreadable PDF ({error})") from error
    return pages, {"title": title}


def _read_html(raw: bytes, max_chars: int) -> tuple[list[Page], dict[str, Any]]:
    return read_article(raw, max_chars=max_chars)


_READERS: dict[str, Callable[[bytes, int], tuple[list[Page], dict[str, Any]]]] = {
    ".txt": _read_text,
    ".md": _read_text,
    ".markdown": _read_text,
    ".html": _read_html,
    ".htm": _read_html,
    ".pdf": read_pdf,
}


def _tickers(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        value = value.split(",")
    if isinstance(value, list | tuple):
        return tuple(str(item).strip().upper() for item in value if str(item).strip())
    return ()


def _date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return datetime.fromisoformat(value.strip()[:10]).date()
        except ValueError:
            log.warning("ignoring unreadable date %r", value)
    return None


def _first_line(text: str) -> str:
    for line in text.splitlines():
        stripped = line.strip().lstrip("#").strip()
        if stripped:
            return stripped[:120]
    return ""
