"""Charts of a share price move: the photo that closes an answer with a move (its caption the move
line, the vote buttons under it), and /move."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import TelegramError

from bot.context import BotContext, Services
from bot.messages import user_language
from bot.render import escape, render_html
from bot.streaming import LiveReply
from knowledge.answer.compose.movement import line
from knowledge.answer.record import Answer
from knowledge.answer.understand.question import Question
from knowledge.market.when import Asked
from knowledge.prompts import render

log = logging.getLogger(__name__)

CAPTION_LIMIT = 1024  # Telegram's limit on a photo's caption, in characters after parsing


async def chart_for(services: Services, answer: Answer) -> bytes | None:
    """The answer's chart as PNG, drawn off the loop; None without a move or when it cannot be
    drawn (a chart that fails costs nothing else)."""
    if answer.move is None:
        return None
    move, company = answer.move, services.answering.companies.display(answer.move.ticker)
    try:
        catalysts = answer.numbered_catalysts()
        return await asyncio.to_thread(services.answering.prices.chart, move, catalysts, company, answer.language)
    except (ValueError, OSError) as error:
        log.warning("no chart for %s: %s", answer.move.ticker, error)
        return None


def caption(answer: Answer) -> str:
    """The photo's caption: the answer's move line (its first line), in HTML."""
    return escape(answer.text.split("\n", 1)[0])


async def send_chart(
    question: Message, png: bytes, text: str, buttons: InlineKeyboardMarkup | None = None
) -> Message | None:
    """The chart as a photo replying to the question, `text` (HTML) its caption; None if it could not be sent."""
    try:
        return await question.reply_photo(
            png,
            caption=text,
            parse_mode=ParseMode.HTML,
            reply_markup=buttons,
            do_quote=question.chat.type != ChatType.PRIVATE,
        )
    except TelegramError as error:
        log.warning("chart not sent to chat %s: %s", question.chat_id, error)
        return None


async def finish_with_chart(
    services: Services, question: Message, live: LiveReply, answer: Answer, buttons: InlineKeyboardMarkup
) -> list[Message]:
    """Finish a move's answer, then close it with its chart (drawn meanwhile): a photo captioned
    with the move line that carries the buttons. Without a chart the buttons go under the text.
    Returns the answer's messages."""
    drawing = asyncio.ensure_future(chart_for(services, answer))
    sent = await live.finish(render_html(answer), None)
    png = await drawing
    photo = await send_chart(question, png, caption(answer), buttons) if png else None
    if photo is not None:
        return [*sent, photo]
    with contextlib.suppress(TelegramError):  # the answer stands without its buttons if this fails too
        await sent[-1].edit_reply_markup(buttons)
    return sent


async def move_command(update: Update, context: BotContext) -> None:
    """/move TICKER: the chart with the move line and its price source as caption (text alone
    when no chart can be drawn)."""
    message = update.effective_message
    if message is None:
        return
    services = context.services
    wanted = " ".join(context.args or []).strip()
    language = user_language(update)
    tickers = services.answering.companies.find_loosely(wanted) or ((wanted.upper(),) if wanted else ())
    if not tickers:
        await message.reply_text(escape(render("bot_move_usage", language)), parse_mode=ParseMode.HTML)
        return
    prices = services.answering.prices
    move = await asyncio.to_thread(prices.move, tickers[0], Asked())
    if move is None:
        text = render("move_no_prices", language, company=services.answering.companies.display(tickers[0]))
        await message.reply_text(escape(text), parse_mode=ParseMode.HTML)
        return
    company = services.answering.companies.display(move.ticker)
    question = Question(wanted, wanted, language, (move.ticker,), "move")
    answer = Answer(
        wanted, line(move, question, company), (), render("disclaimer", language), language, False, True, move=move
    )
    full = render_html(answer)
    png = await chart_for(services, answer)
    if png is not None:
        shown = full if len(full) <= CAPTION_LIMIT else caption(answer)  # tags count nothing; stay well inside
        if await send_chart(message, png, shown) is not None:
            return
    await message.reply_text(full, parse_mode=ParseMode.HTML, disable_web_page_preview=True)
