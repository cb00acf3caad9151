"""Turn an Answer into what a person reads: plain text for the terminal, HTML for Telegram."""

from __future__ import annotations

import html
import re

from knowledge.prompts import render as render_prompt
from knowledge.records import Answer, Citation


def escape(text: str) -> str:
    """Escape text for Telegram's HTML mode (quotes may stay as they are outside attributes)."""
    return html.escape(text, quote=False)


def source_line(citation: Citation) -> str:
    """`[n] Title — Publisher, 2025-12-17, p. 4 — link` with the parts that exist."""
    parts = [citation.title]
    details = ", ".join(part for part in (citation.publisher, citation.published, _page(citation)) if part)
    if details:
        parts.append(details)
    if citation.url:
        parts.append(citation.url)
    return f"[{citation.n}] " + " — ".join(parts)


def render_text(answer: Answer) -> str:
    """The answer, its numbered sources and the disclaimer, for a terminal."""
    blocks = [answer.text]
    if answer.citations:
        heading = render_prompt("sources_heading", answer.language)
        blocks.append("\n".join([heading, *(source_line(c) for c in answer.citations)]))
    blocks.append(answer.disclaimer)
    return "\n\n".join(blocks)


def render_html(answer: Answer) -> str:
    """The same for Telegram's HTML parse mode: all source and user text escaped, links clickable."""
    blocks = [escape(answer.text)]
    if answer.citations:
        heading = escape(render_prompt("sources_heading", answer.language))
        blocks.append("\n".join([f"<b>{heading}</b>", *(_html_source(c) for c in answer.citations)]))
    blocks.append(f"<i>{escape(answer.disclaimer)}</i>")
    return "\n\n".join(blocks)


def _html_source(citation: Citation) -> str:
    title = escape(citation.title)
    if citation.url.startswith(("http://", "https://")):
        href = html.escape(citation.url, quote=True)  # an attribute: quotes escaped too
        title = f'<a href="{href}">{title}</a>'
    details = ", ".join(escape(part) for part in (citation.publisher, citation.published, _page(citation)) if part)
    return f"[{citation.n}] {title}" + (f" — {details}" if details else "")


def _page(citation: Citation) -> str:
    return f"p. {citation.page}" if citation.page is not None else ""


TELEGRAM_LIMIT = 4096
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def split_html(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Split a rendered message into parts of at most `limit` characters.

    Breaks fall between paragraphs, then lines, then sentences, so no tag is cut: the renderer
    never lets a tag span two lines.
    """
    parts: list[str] = []
    current = ""
    for marked in _pieces(text, limit):
        joiner = "\n\n" if marked.startswith("\n\n") else ("\n" if marked.startswith("\n") else " ")
        piece = marked.lstrip("\n")
        if current and len(current) + len(joiner) + len(piece) > limit:
            parts.append(current)
            current = piece
        else:
            current = f"{current}{joiner}{piece}" if current else piece
    if current:
        parts.append(current)
    return parts


def _pieces(text: str, limit: int) -> list[str]:
    """Paragraphs, lines or sentences short enough to fit, each marked with the break before it."""
    pieces: list[str] = []
    for p_index, paragraph in enumerate(text.split("\n\n")):
        for l_index, line in enumerate(paragraph.split("\n")):
            prefix = "\n\n" if p_index and not l_index else ("\n" if l_index else "")
            if len(line) <= limit:
                pieces.append(prefix + line)
                continue
            for s_index, sentence in enumerate(_SENTENCE_END.split(line)):
                for c_index, cut in enumerate(_hard_cuts(sentence, limit)):
                    pieces.append((prefix if not s_index and not c_index else "") + cut)
    return pieces


def _hard_cuts(text: str, limit: int) -> list[str]:
    # Only escaped plain text can be this long; do not cut an entity such as &amp; in half.
    cuts = []
    while len(text) > limit:
        end = limit
        amp = text.rfind("&", end - 8, end)
        if amp != -1 and ";" not in text[amp:end]:
            end = amp
        space = text.rfind(" ", end // 2, end)
        end = space if space > 0 else end
        cuts.append(text[:end])
        text = text[end:].lstrip()
    cuts.append(text)
    return cuts
