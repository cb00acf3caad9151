"""Inline mode: `@bot BABA` or `@bot why is alibaba down` typed in any chat, answered with one article.

A bare ticker or company name gets its latest move and the top catalyst with its link; a question
gets the first lines of its answer, each [n] linked to its source, and the short disclaimer; a
request for advice gets the refusal line. Telegram drops an answer that comes late, so the answer
is the offline one (never the model's), given up after INLINE_TIMEOUT_SECONDS.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import logging
import re
from dataclasses import dataclass

from telegram import (
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode

from bot.context import BotContext
from bot.messages import user_language
from bot.render import escape, linked, price_source
from knowledge.answer.check.citations import MARKER
from knowledge.answer.record import Answer, Citation
from knowledge.prompts import render
from knowledge.text.normalizer import normalize_question

log = logging.getLogger(__name__)

FIRST_LINES = 4  # of a question's answer: what fits a chat without scrolling
MAX_CHARS = 3000  # of the sent message, well inside Telegram's 4096
DESCRIPTION_CHARS = 160


@dataclass(frozen=True)
class Article:
    """What one inline result shows in the list (title, description) and sends (HTML)."""

    title: str
    description: str
    html: str


async def inline_query(update: Update, context: BotContext) -> None:
    """Answer an inline query with one article (none for an empty query: a button to the bot instead)."""
    query = update.inline_query
    if query is None:
        return
    services = context.services
    text = normalize_question(query.query)
    bare = bool(text) and named_only(text, services.answering.companies.blank(text))
    # A bare name says nothing of its language: the user's own then (and the answer is personal).
    language = user_language(update) if bare or not text else user_language(update, text)
    cache = services.settings.inline_cache_seconds
    if not text or len(text) > services.settings.max_question_length:
        button = InlineQueryResultsButton(render("inline_button", language), start_parameter="inline")
        await query.answer([], cache_time=cache, is_personal=True, button=button)
        return
    try:
        answer = await asyncio.wait_for(
            asyncio.to_thread(services.answering.brief, text, move=bare, language=language if bare else None),
            services.settings.inline_timeout_seconds,
        )
    except TimeoutError:
        log.warning("inline query %r not answered within %.1f s", text[:80], services.settings.inline_timeout_seconds)
        busy = render("inline_busy", language)
        await query.answer([_result(text, Article(busy, "", escape(busy)))], cache_time=0, is_personal=True)
        return
    shown = article(answer, text, bare=bare)
    await query.answer([_result(text, shown)], cache_time=cache, is_personal=bare)


def named_only(text: str, blanked: str) -> bool:
    """Does the query name companies and nothing else (`blanked`: the text with the names removed)?"""
    return blanked != text and not re.search(r"\w", blanked)


def article(answer: Answer, query: str, *, bare: bool) -> Article:
    """The article for an answer: the refusal, the move and its top catalyst, or the first lines."""
    if answer.advice_request:
        refusal = render("inline_advice", answer.language)
        return Article(refusal, "", escape(refusal))
    lines = [line for line in answer.text.split("\n") if line.strip()]
    if bare and answer.move is not None:
        # The move line, then the first line citing a source: the newest own catalyst comes first.
        shown = lines[:1] + next(([line] for line in lines[1:] if MARKER.search(line)), [])
        title = plain(lines[0])
    else:
        shown = lines[:FIRST_LINES]
        title = query
    while len(shown) > 1 and len("\n".join(shown)) > MAX_CHARS:
        shown.pop()
    if len(shown) < len(lines) and not bare:
        shown.append("…")
    description = next((plain(line) for line in shown if plain(line) != title), "")
    return Article(_cut(plain(title), 64), _cut(description, DESCRIPTION_CHARS), brief_html(answer, shown))


def brief_html(answer: Answer, lines: list[str]) -> str:
    """The lines with each [n] linked, then the sources they cite (linked titles) and the short disclaimer."""
    by_number = {citation.n: citation for citation in answer.citations}
    body = "\n".join(linked(escape(line), by_number) for line in lines)
    cited = sorted({int(n) for line in lines for match in MARKER.finditer(line) for n in match.group(1).split(",")})
    sources = [_source(by_number[n]) for n in cited if n in by_number]
    if answer.move is not None and "[P]" in body:
        sources.append(f"[P] {escape(price_source(answer))}")
    blocks = [body] + (["\n".join(sources)] if sources else [])
    blocks.append(f"<i>{escape(render('disclaimer_short', answer.language))}</i>")
    return "\n\n".join(blocks)


def plain(line: str) -> str:
    """A line without its source markers, for the result list."""
    return " ".join(MARKER.sub("", line).replace("[P]", "").split())


def _source(citation: Citation) -> str:
    title = escape(citation.title)
    if citation.url.startswith(("http://", "https://")):
        title = f'<a href="{html.escape(citation.url, quote=True)}">{title}</a>'
    details = ", ".join(escape(part) for part in (citation.publisher, citation.published) if part)
    return f"[{citation.n}] {title}" + (f" — {details}" if details else "")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _result(query: str, shown: Article) -> InlineQueryResultArticle:
    # One result per query: its id need only be stable for the query (at most 64 bytes).
    result_id = hashlib.sha256(query.encode("utf-8")).hexdigest()[:32]
    return InlineQueryResultArticle(
        result_id,
        shown.title,
        InputTextMessageContent(
            shown.html, parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)
        ),
        description=shown.description or None,
    )
