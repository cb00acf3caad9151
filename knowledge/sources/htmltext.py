"""Filing HTML to plain text: headings and paragraphs on their own lines, table rows as `a | b | c`.

Article extraction (trafilatura) is made for news pages and throws away most of a 10-K; filings
need every item heading and table kept.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes
from lxml import etree
from lxml import html as lxml_html

_BLOCKS = frozenset(
    "p div br tr li h1 h2 h3 h4 h5 h6 table section article header footer title ul ol dl dt dd pre blockquote".split()
)
_CELLS = frozenset({"td", "th"})
_DROP = frozenset({"script", "style", "head", "noscript", "template"})
_HIDDEN = re.compile(r"display\s*:\s*none", re.IGNORECASE)
_DECLARED = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)""", re.IGNORECASE
)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)


def decode_html(raw: bytes, charset: str | None = None) -> str:
    """Markup as text: the HTTP charset first, then a byte-order mark, then the document's own
    declaration, then UTF-8, then detection."""
    if raw.startswith(codecs.BOM_UTF8):
        return raw[3:].decode("utf-8", errors="replace")
    if raw[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return raw.decode("utf-16", errors="replace")
    found = _DECLARED.search(raw[:4096])
    declared = [group.decode("ascii") for group in found.groups() if group] if found else []
    for candidate in (charset, *declared, "utf-8"):
        if candidate:
            try:
                return raw.decode(candidate)
            except (LookupError, UnicodeDecodeError):
                continue
    best = from_bytes(raw[:200_000]).best()
    return raw.decode(best.encoding if best else "cp1252", errors="replace")


def html_to_text(markup: bytes | str, charset: str | None = None) -> str:
    """The readable text of an HTML document, block structure kept as lines."""
    text = decode_html(markup, charset) if isinstance(markup, bytes) else markup
    try:
        # lxml refuses text that still declares an encoding; it is decoded already.
        root = lxml_html.document_fromstring(_XML_DECLARATION.sub("", text, count=1))
    except (etree.ParserError, ValueError):
        return ""
    for element in list(root.iter()):
        tag = _tag(element)
        if (
            tag in _DROP
            or (tag.endswith("header") and ":" in str(element.tag))
            or _HIDDEN.search(element.get("style", ""))
        ):
            element.drop_tree()  # scripts, styles, and inline-XBRL's hidden facts
    parts: list[str] = []
    _walk(root, parts)
    lines = ("".join(parts)).split("\n")
    cleaned = [re.sub(r"[ \t\u00a0]+", " ", line).strip(" |") for line in lines]
    text = "\n".join(line for line in cleaned if line)
    return re.sub(r"\n{3,}", "\n\n", text)


def _tag(element: etree._Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].lower()


def _walk(element: etree._Element, parts: list[str]) -> None:
    tag = _tag(element)
    if tag in _BLOCKS:
        parts.append("\n")
    if element.text and isinstance(element.tag, str):
        parts.append(element.text)
    for child in element:
        _walk(child, parts)
        if child.tail:
            parts.append(child.tail)
    if tag in _CELLS:
        parts.append(" | ")
    if tag in _BLOCKS:
        parts.append("\n")
