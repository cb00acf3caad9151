"""Turn an Answer into what a person reads: plain text for the terminal, HTML for Telegram."""

from __future__ import annotations

import html

from knowledge.prompts import render as render_prompt
from knowledge.records import Answer, Citation


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
    blocks = [html.escape(answer.text)]
    if answer.citations:
        heading = html.escape(render_prompt("sources_heading", answer.language))
        blocks.append("\n".join([f"<b>{heading}</b>", *(_html_source(c) for c in answer.citations)]))
    blocks.append(f"<i>{html.escape(answer.disclaimer)}</i>")
    return "\n\n".join(blocks)


def _html_source(citation: Citation) -> str:
    title = html.escape(citation.title)
    if citation.url.startswith(("http://", "https://")):
        title = f'<a href="{html.escape(citation.url, quote=True)}">{title}</a>'
    details = ", ".join(html.escape(part) for part in (citation.publisher, citation.published, _page(citation)) if part)
    return f"[{citation.n}] {title}" + (f" — {details}" if details else "")


def _page(citation: Citation) -> str:
    return f"p. {citation.page}" if citation.page is not None else ""
