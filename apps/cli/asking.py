"""`investorbot ask`: answer questions from the indexed sources (indexing the seeds first when the
index is empty), as text, as JSON, with a chart of the move. Both sides are built, on one catalog."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

from apps.cli.output import Commands, err, json_flag, progress
from bot.render import render_text
from knowledge.answer.record import Answer
from knowledge.answer.understand.followup import Context
from knowledge.settings import Settings
from knowledge.wiring.answering import Answering
from knowledge.wiring.local import Local

log = logging.getLogger("investorbot")


def add_ask(commands: Commands) -> None:
    ask = commands.add_parser("ask", help="answer a question from the indexed sources")
    ask.add_argument("question", help='the question, or "-" to read one question per line from stdin')
    json_flag(ask, "print the answer as one JSON object per question")
    ask.add_argument(
        "--conversation",
        action="store_true",
        help='with "-": the lines are one conversation (a line may follow up on the one before, '
        '"and JD?"); without it each line is answered on its own',
    )
    ask.add_argument(
        "--chart",
        type=Path,
        metavar="FILE.png",
        help="for a question about a share price move, also draw its chart into this PNG file",
    )
    ask.set_defaults(handler=ask_questions)


def ask_questions(args: argparse.Namespace, settings: Settings) -> int:
    local = Local(settings)
    if local.indexing.is_empty():
        err.print(f"The index is empty: indexing {settings.seeds_dir} first.")
        with progress("Indexing seeds") as shown:
            report = local.indexing.ensure_seeded(shown)
        if unseeded := local.indexing.unseeded(report):
            hint = "Run from the project folder, set SEEDS_DIR, or add a source with `investorbot source add`."
            err.print(f"{unseeded[0].upper()}{unseeded[1:]}. {hint}", markup=False)
            return 1
    questions = sys.stdin if args.question == "-" else [args.question]
    # Lines of a batch are separate questions unless asked as a conversation, where one leads to
    # the next ("and JD?" after "Why is Alibaba down?").
    context: Context | None = None
    for line in questions:
        question = line.strip()
        if not question:
            continue
        started = time.perf_counter()
        answer = local.answering.ask(question, context)
        log.debug("answered in %.0f ms", (time.perf_counter() - started) * 1000)
        if args.conversation and answer.tickers:
            context = Context(answer.tickers, answer.topic, answer.language)
        if args.chart is not None:
            _chart(local.answering, answer, args.chart)
        if args.json:
            print(json.dumps(answer.as_json(), ensure_ascii=False), flush=True)
        else:
            print(render_text(answer), end="\n\n" if args.question == "-" else "\n", flush=True)
    return 0


def _chart(answering: Answering, answer: Answer, path: Path) -> None:
    """Draw the move's chart into the file; a question without a move has nothing to draw."""
    if answer.move is None:
        err.print("No chart: the answer has no share price move to draw.", markup=False)
        return
    company = answering.companies.display(answer.move.ticker)
    png = answering.prices.chart(answer.move, answer.numbered_catalysts(), company, answer.language)
    if png is not None:
        path.write_bytes(png)
        err.print(f"Chart written to {path}", markup=False)
