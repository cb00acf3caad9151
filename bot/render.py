"""Turn an Answer into what a person reads: plain text for the terminal, HTML for Telegram.

In Telegram the answer itself stays short enough for a phone screen: its [n] markers link to
their sources, the source list and the quoted passages sit in an expandable blockquote, and the
disclaimer is one short line.
"""

from __future__ import annotations

import html
import re

from knowledge.answer.check.citations import MARKER
from knowledge.answer.record import Answer, Citation
from knowledge.market.prices import sample
from knowledge.prompts import render as render_prompt
from knowledge.text import sentences

TELEGRAM_LIMIT = 4096
QUOTE_CHARS = 280  # of each quoted passage shown in the sources block


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
    lines = [source_line(c) for c in answer.citations]
    if answer.move is not None:
        lines.append(f"[P] {price_source(answer)}")
    if lines:
        blocks.append("\n".join([render_prompt("sources_heading", answer.language), *lines]))
    blocks.append(answer.disclaimer)
    return "\n\n".join(blocks)


def render_html(answer: Answer) -> str:
    """The same for Telegram's HTML parse mode: all source and user text escaped, links clickable."""
    by_number = {citation.n: citation for citation in answer.citations}
    blocks = [linked(escape(answer.text), by_number)]
    entries = [_html_source(c) for c in answer.citations]
    if answer.move is not None:
        entries.append(f"[P] {escape(price_source(answer))}")
    if entries:
        heading = escape(render_prompt("sources_heading", answer.language))
        blocks.append(f"<blockquote expandable><b>{heading}</b>\n" + "\n".join(entries) + "</blockquote>")
    blocks.append(f"<i>{escape(render_prompt('disclaimer_short', answer.language))}</i>")
    return "\n\n".join(blocks)


def linked(text: str, citations: dict[int, Citation]) -> str:
    """Each [n] marker a link to its source, where it has a web address."""

    def link(match: re.Match[str]) -> str:
        numbers = [int(n) for n in match.group(1).split(",")]
        return "".join(_marker(n, citations.get(n)) for n in numbers)

    return MARKER.sub(link, text)


def _marker(n: int, citation: Citation | None) -> str:
    if citation is not None and citation.url.startswith(("http://", "https://")):
        return f'<a href="{html.escape(citation.url, quote=True)}">[{n}]</a>'
    return f"[{n}]"


def _html_source(citation: Citation) -> str:
    title = escape(citation.title)
    if citation.url.startswith(("http://", "https://")):
        href = html.escape(citation.url, quote=True)  # an attribute: quotes escaped too
        title = f'<a href="{href}">{title}</a>'
    details = ", ".join(escape(part) for part in (citation.publisher, citation.published, _page(citation)) if part)
    quote = " ".join(citation.quote.split())
    excerpt = quote if len(quote) <= QUOTE_CHARS else quote[:QUOTE_CHARS].rsplit(" ", 1)[0] + " …"
    line = f"[{citation.n}] {title}" + (f" — {details}" if details else "")
    return f"{line}\n<i>{escape(excerpt)}</i>" if excerpt else line


def price_source(answer: Answer) -> str:
    assert answer.move is not None
    if sample(answer.move.source):
        return render_prompt("move_sample", answer.language).removeprefix("[P] ")
    return render_prompt("price_source", answer.language, source=answer.move.source)


def _page(citation: Citation) -> str:
    return f"p. {citation.page}" if citation.page is not None else ""


_BLOCKQUOTE = re.compile(r"(<blockquote expandable>)(.*?)(</blockquote>)", re.DOTALL)


def split_html(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Split a rendered message into parts of at most `limit` characters.

    Breaks fall between paragraphs, then lines, then sentences, so no tag is cut: the renderer
    never lets a tag span two lines, except a blockquote, which is closed at a break and
    reopened after it.
    """
    parts: list[str] = []
    current = ""
    for marked in _pieces(_flatten_quotes(text), limit):
        joiner = "\n\n" if marked.startswith("\n\n") else ("\n" if marked.startswith("\n") else " ")
        piece = marked.lstrip("\n")
        if current and len(_restore(current)) + len(joiner) + len(_restore(piece)) > limit:
            parts.append(current)
            current = piece
        else:
            current = f"{current}{joiner}{piece}" if current else piece
    if current:
        parts.append(current)
    return [_restore(part) for part in parts]


# Inside a blockquote every line is marked, so each part can be given its own blockquote back.
_QUOTED = "\u2063"


def _flatten_quotes(text: str) -> str:
    def mark(match: re.Match[str]) -> str:
        return "\n".join(f"{_QUOTED}{line}" for line in match.group(2).split("\n"))

    return _BLOCKQUOTE.sub(mark, text)


def _restore(part: str) -> str:
    lines = part.split("\n")
    out: list[str] = []
    inside = False
    for raw in lines:
        quoted = raw.startswith(_QUOTED)
        line = raw.removeprefix(_QUOTED)
        if quoted and not inside:
            line = f"<blockquote expandable>{line}"
        if not quoted and inside:
            out[-1] += "</blockquote>"
        inside = quoted
        out.append(line)
    if inside:
        out[-1] += "</blockquote>"
    return "\n".join(out)


def _pieces(text: str, limit: int) -> list[str]:
    """Paragraphs, lines or sentences short enough to fit, each marked with the break before it."""
    pieces: list[str] = []
    for p_index, paragraph in enumerate(text.split("\n\n")):
        for l_index, line in enumerate(paragraph.split("\n")):
            prefix = "\n\n" if p_index and not l_index else ("\n" if l_index else "")
            quoted = _QUOTED if line.startswith(_QUOTED) else ""
            # A quoted line needs room for the blockquote tags around it.
            room = max(limit // 2, limit - len("<blockquote expandable></blockquote>")) if quoted else limit
            if len(line) <= room:
                pieces.append(prefix + line)
                continue
            for s_index, sentence in enumerate(sentences.split(line.removeprefix(quoted))):
                for c_index, cut in enumerate(_hard_cuts(sentence, room)):
                    first = not s_index and not c_index
                    pieces.append((prefix if first else "") + (quoted if first else ""))
                    pieces[-1] += cut
    return pieces


def _hard_cuts(text: str, limit: int) -> list[str]:
    # Only escaped plain text can be this long; do not cut an entity such as &amp; in half.
    limit = max(limit, 16)  # below this no entity fits and nothing sensible can be shown
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
