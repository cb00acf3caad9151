"""How much a PDF page would unpack, measured before PDFium loads it.

PDFium unpacks and parses a page's whole content on load: a 300 KB file whose one page inflates to
300 MB costs more memory than that, before a single character is extracted. So each page's
content streams (and the form objects it draws) are unpacked here first, one at a time, with
pypdf's decoders under a limit just above the page limit, and counted, not kept.
"""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader, apply_configuration
from pypdf.errors import LimitReachedError, PyPdfError
from pypdf.filters import decode_stream_data
from pypdf.generic import ArrayObject, StreamObject

# The heaviest page among 26 real 10-K, 10-Q, 8-K and earnings PDFs unpacks to about 1 MB; PDFium
# needs about 13 times a page's content in memory when every operator draws text.
PAGE_CONTENT_LIMIT = 8 << 20


class PageTooLargeError(Exception):
    """A page would unpack past PAGE_CONTENT_LIMIT; the message names the page."""


class PdfUnreadableError(Exception):
    """pypdf cannot read the file's structure, so its pages cannot be measured."""


class PageGuard:
    """Measures pages of one PDF; `check(index)` raises for a page past the limit."""

    def __init__(self, raw: bytes, limit: int = PAGE_CONTENT_LIMIT) -> None:
        self._limit = limit
        try:
            self._reader = PdfReader(io.BytesIO(raw))
            if self._reader.is_encrypted:
                self._reader.decrypt("")
            self.count = len(self._reader.pages)
        except (PyPdfError, ValueError, KeyError, TypeError, OSError) as error:
            raise PdfUnreadableError(str(error) or type(error).__name__) from error

    def check(self, index: int) -> None:
        """Raise PageTooLargeError when page `index` (0-based) unpacks to more than the limit."""
        if index >= self.count:
            raise PageTooLargeError(f"page {index + 1} is not in the page tree, so its size cannot be checked")
        try:
            size = self._size(self._reader.pages[index])
        except LimitReachedError:
            size = self._limit + 1
        except (PyPdfError, ValueError, KeyError, TypeError, NotImplementedError):
            return  # a stream pypdf cannot decode: PDFium reports it, or reads nothing from it
        if size > self._limit:
            raise PageTooLargeError(
                f"page {index + 1} unpacks to more than {self._limit >> 20} MB of content, "
                "more than any real page holds; the PDF is not read"
            )

    def _size(self, page: Any) -> int:
        streams = _streams(page.get("/Contents"))
        resources = page.get("/Resources")
        forms = resources.get_object().get("/XObject") if resources is not None else None
        if forms is not None:
            for reference in forms.get_object().values():
                form = reference.get_object()
                if isinstance(form, StreamObject) and form.get("/Subtype") == "/Form":
                    streams.append(form)
        total = 0
        # Each decoder stops just past the limit, so no stream is unpacked further than that.
        cap = self._limit + 1
        with apply_configuration(
            zlib_maximum_output_length=cap,
            lzw_maximum_output_length=cap,
            run_length_maximum_output_length=cap,
            stream_decoding_work_maximum_length=4 * cap,
        ):
            for stream in streams:
                total += len(decode_stream_data(stream))
                if total > self._limit:
                    break
        return total


def _streams(contents: Any) -> list[StreamObject]:
    if contents is None:
        return []
    contents = contents.get_object()
    items = [item.get_object() for item in contents] if isinstance(contents, ArrayObject) else [contents]
    return [item for item in items if isinstance(item, StreamObject)]
