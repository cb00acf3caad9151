"""Filing HTML to plain text: headings and paragraphs on their own lines, table rows as `a | b | c`.

Article extraction (trafilatura) is made for news pages and throws away most of a 10-K; filings
need every item heading and table kept.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html

_BLOCKS = frozenset(
    "p div br tr li h1 h2 h3 h4 h5 h6 table section article header footer title ul ol dl dt dd pre blockquote".split()
)
_CELLS = frozenset({"td", "th"})
_DROP = frozenset({"script", "style", "head", "noscript", "template"})
_HIDDEN = re.compile(r"display\s*:\s*none", re.IGNORECASE)


def html_to_text(markup: bytes | str) -> str:
    """The readable text of an HTML document, block structure kept as lines."""
    try:
        root = lxml_html.document_fromstring(markup)
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
