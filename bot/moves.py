"""Charts of a share price move: sent as a photo after an answer that has a move, and by /move."""

from __future__ import annotations

import asyncio
import logging

from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.context import BotContext, Services
from bot.messages import user_language
from bot.render import escape, render_html
from knowledge.answer.compose.movement import line
from knowledge.answer.understand.question import Question
from knowledge.market.when import Asked
from knowledge.prompts import render
from knowledge.records import Answer

log = logging.getLogger(__name__)


async def send_chart(services: Services, question: Message, answer: Answer) -> None:
    """The answer's chart as a photo replying to the question; a chart that fails costs nothing else."""
    if answer.move is None:
        return
    company = services.answering.companies.display(answer.move.ticker)
    try:
        png = await asyncio.to_thread(services.answering.prices.chart, answer, company)  # drawn off the loop
        if png:
            await question.reply_photo(png, do_quote=question.chat.type != "private")
    except (ValueError, OSError, TelegramError) as error:
        log.warning("no chart for %s: %s", answer.move.ticker, error)


async def move_command(update: Update, context: BotContext) -> None:
    """/move TICKER: the move line and the chart alone."""
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
    await message.reply_text(render_html(answer), parse_mode=ParseMode.HTML, disable_web_page_preview=True)
    await send_chart(services, message, answer)
