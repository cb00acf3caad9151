"""The `investorbot` command line: index sources, ask questions, run the Telegram bot."""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import logging
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pydantic import ValidationError
from pythonjsonlogger.json import JsonFormatter
from rich.console import Console
from rich.logging import RichHandler
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy.exc import SQLAlchemyError

from bot import prices_cli
from bot.logsafe import protect, redact, secrets_of
from knowledge import metrics
from knowledge.answer.followup import Context
from knowledge.engine import Engine
from knowledge.index.indexer import IndexReport
from knowledge.index.indexer import Progress as ProgressCallback
from knowledge.index.lock import IndexBusyError
from knowledge.index.store import StoreError
from knowledge.index.writer import RebuildError
from knowledge.jobs.queue import counts as queue_counts
from knowledge.records import Answer
from knowledge.settings import Settings
from knowledge.sources.registry import SourceSpec, SourceSpecError, describe

log = logging.getLogger("investorbot")
_err = Console(stderr=True)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in error.errors())
        _err.print(f"investorbot: invalid settings ({problems})", markup=False)
        return 2
    _setup_logging(settings, args.verbose, service=getattr(args, "handler", None) in (_run, _worker))
    handler = getattr(args, "handler", None)
    if handler is None:
        _parser().print_help()
        return 2
    try:
        return int(handler(args, settings))
    except KeyboardInterrupt:
        return 130
    except (IndexBusyError, RebuildError) as error:
        _err.print(f"investorbot: {error}", markup=False)
        return 1
    except (StoreError, SQLAlchemyError, OSError) as error:
        # A full disk, a read-only folder or an unreachable database: one line, not a traceback.
        log.debug("failed", exc_info=True)
        _err.print(f"investorbot: {redact(_one_line(error), secrets_of(settings))}", markup=False)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="investorbot",
        description="Answer investor questions from indexed news and filings, with citations and without advice.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug details")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    ingest = commands.add_parser("ingest", help="index files or folders (txt, md, html, pdf)")
    ingest.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="a file or a folder")
    ingest.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    ingest.set_defaults(handler=_ingest)

    refresh = commands.add_parser(
        "refresh", help="fetch every source (feeds, pages, filings, folders) and index what is new or changed"
    )
    refresh.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    refresh.set_defaults(handler=_reindex)

    _source_parser(commands)

    reindex = commands.add_parser("reindex", help="re-read every known source; only changes are embedded")
    reindex.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    reindex.set_defaults(handler=_reindex)

    rebuild = commands.add_parser(
        "rebuild",
        help="build the whole index again into a new collection, then switch to it in one step",
        description="After changing EMBEDDING_MODEL, EMBEDDING_BACKEND or CHUNK_SIZE: every source is read and "
        "embedded again into a new collection while the current one keeps serving; the new one is checked "
        "(every document present, a sample found by its own vector) and then replaces the old one atomically. "
        "The old collection is dropped after STALE_CHUNK_GRACE_SECONDS.",
    )
    rebuild.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    rebuild.set_defaults(handler=_rebuild)

    ask = commands.add_parser("ask", help="answer a question from the indexed sources")
    ask.add_argument("question", help='the question, or "-" to read one question per line from stdin')
    ask.add_argument("--json", action="store_true", help="print the answer as one JSON object per question")
    ask.add_argument(
        "--chart",
        type=Path,
        metavar="FILE.png",
        help="for a question about a share price move, also draw its chart into this PNG file",
    )
    ask.set_defaults(handler=_ask)

    run = commands.add_parser(
        "run",
        help="run the Telegram bot (long polling, or --webhook)",
        description="Run the Telegram bot. Needs TELEGRAM_BOT_TOKEN; admins come from ADMIN_USER_IDS.",
    )
    run.add_argument(
        "--webhook",
        action="store_true",
        help="serve PTB's webhook server on WEBHOOK_LISTEN:WEBHOOK_PORT for WEBHOOK_URL instead of polling",
    )
    run.set_defaults(handler=_run)

    worker = commands.add_parser(
        "worker",
        help="run the job worker (JOBS=queue): refreshes, source changes, rebuilds, the schedule",
        description="Take jobs from the PostgreSQL queue (DATABASE_URL) that bot replicas enqueue, run the "
        "scheduled refresh (REFRESH_INTERVAL_MINUTES or REFRESH_CRON) once per interval across all workers, and "
        "report to the admin's chat through the Bot API (TELEGRAM_BOT_TOKEN). Run one or more.",
    )
    worker.set_defaults(handler=_worker)

    prices_cli.add_parser(commands)

    sources = commands.add_parser("sources", help="list what is indexed")
    sources.add_argument("--json", action="store_true", help="print the list as JSON")
    sources.set_defaults(handler=_sources)
    return parser


def _source_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    source = commands.add_parser("source", help="add, list or remove sources (feeds, pages, EDGAR filings, folders)")
    actions = source.add_subparsers(title="actions", metavar="ACTION", required=True)
    add = actions.add_parser(
        "add",
        help="add a source",
        description="Add a source. Examples: `source add rss https://example.com/feed.xml --tickers BABA,9988.HK`, "
        "`source add url https://example.com/article`, `source add edgar BABA --forms 20-F,6-K --since 2025-01-01`, "
        "`source add path ~/reports`. Run `refresh` afterwards to fetch it.",
    )
    add.add_argument("kind", choices=("rss", "url", "edgar", "path"), help="what kind of source")
    add.add_argument("target", help="feed or page URL, ticker or CIK, or a file or folder")
    add.add_argument("--tickers", default="", help="comma-separated tickers the source is about")
    add.add_argument("--forms", default="", help="EDGAR forms, comma-separated (default 10-K,10-Q,8-K,20-F,6-K)")
    add.add_argument("--since", default="", help="EDGAR filings filed on or after YYYY-MM-DD (default: latest 8)")
    add.set_defaults(handler=_source_add)
    listing = actions.add_parser("list", help="list sources with their last fetch and last error")
    listing.add_argument("--json", action="store_true", help="print the list as JSON")
    listing.set_defaults(handler=_source_list)
    remove = actions.add_parser("remove", help="remove a source and its documents from the index")
    remove.add_argument("id", type=int, help="the source's number, as `source list` shows it")
    remove.set_defaults(handler=_source_remove)


def _source_add(args: argparse.Namespace, settings: Settings) -> int:
    spec = SourceSpec(
        kind=args.kind,
        location=args.target,
        tickers=tuple(args.tickers.split(",")),
        forms=tuple(args.forms.split(",")),
        since=args.since,
    )
    try:
        source = Engine(settings).add_source(spec)
    except SourceSpecError as error:
        _err.print(f"investorbot: {error}")
        return 2
    print(f"Source #{source.id} added: {source.kind} {source.location}. Run `investorbot refresh` to fetch it.")
    return 0


def _source_list(args: argparse.Namespace, settings: Settings) -> int:
    engine = Engine(settings)
    engine.import_sources_file()
    rows = engine.catalog.sources()
    if args.json:
        print(json.dumps([row.model_dump(mode="json") for row in rows], ensure_ascii=False))
    elif not rows:
        print("No sources yet. Add one with `investorbot source add …` or index files with `investorbot ingest`.")
    for row in [] if args.json else rows:
        print(describe(row))
    return 0


def _source_remove(args: argparse.Namespace, settings: Settings) -> int:
    engine = Engine(settings)
    if engine.catalog.source(args.id) is None:
        _err.print(f"investorbot: there is no source #{args.id} (see `investorbot source list`)")
        return 2
    removed = engine.librarian.remove_source(args.id, settings.index_lock_wait_seconds, _waiting)
    print(f"Source #{args.id} removed with its {removed} documents.")
    return 0


def _setup_logging(settings: Settings, verbose: bool, service: bool) -> None:
    """Readable logs on stderr, with every configured secret redacted, for every command.

    The bot and the worker log what they do at LOG_LEVEL; a one-off command shows progress and
    its result, and only warnings from below (`-v` shows everything).
    """
    level = (
        settings.log_level.upper()
        if service
        else max(logging.WARNING, logging.getLevelName(settings.log_level.upper()))
    )
    if settings.log_format == "json":  # one object per line for log shippers
        handler: logging.Handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s", timestamp=False))
    else:
        handler = RichHandler(console=_err, show_path=False, rich_tracebacks=True)
    logging.basicConfig(level=logging.DEBUG if verbose else level, format="%(name)s: %(message)s", handlers=[handler])
    for noisy in ("httpcore", "chromadb", "sentence_transformers", "transformers", "bm25s", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    protect(secrets_of(settings))


def _one_line(error: BaseException) -> str:
    """What went wrong, in one line a user can act on (no SQL, no traceback)."""
    if isinstance(error, SQLAlchemyError):
        cause = getattr(error, "orig", None) or error
        text = f"the catalog database failed: {str(cause).splitlines()[0] if str(cause) else type(cause).__name__}"
    elif isinstance(error, StoreError):
        text = f"the vector store failed: {error}"
    elif isinstance(error, OSError) and error.strerror:
        text = f"{error.strerror}: {error.filename}" if error.filename else error.strerror
    else:
        text = str(error) or type(error).__name__
    return " ".join(text.split())[:300]


@contextmanager
def _progress(label: str) -> Iterator[ProgressCallback | None]:
    """A progress bar on a terminal; when piped, a line on stderr every few seconds."""
    if not _err.is_terminal:
        yield _progress_lines(label)
        return
    columns = (
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=_err, transient=True) as bar:
        task = bar.add_task("", total=None)

        def update(name: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total or None, description=name)

        yield update


def _progress_lines(label: str, every: float = 5.0) -> ProgressCallback:
    last = [time.monotonic()]

    def update(name: str, done: int, total: int) -> None:
        if time.monotonic() - last[0] >= every:
            last[0] = time.monotonic()
            print(f"{label}: {done}/{total or '?'} {name}", file=sys.stderr, flush=True)

    return update


def _waiting(holder: str) -> None:
    _err.print(f"Waiting for another indexing run to finish ({holder}) …", markup=False)


def _report(report: IndexReport, as_json: bool) -> int:
    if as_json:
        print(json.dumps(report.as_json(), ensure_ascii=False))
    else:
        print(
            f"{report.documents_seen} documents seen: {report.documents_added} added, "
            f"{report.documents_updated} updated, {report.documents_removed} removed; "
            f"{report.chunks_embedded} chunks embedded."
        )
        for error in report.errors:
            print(f"error: {error['source']}: {error['error']}", file=sys.stderr)
    return 1 if report.errors else 0


def _ingest(args: argparse.Namespace, settings: Settings) -> int:
    missing = [str(path) for path in args.paths if not path.exists()]
    if missing:
        _err.print(f"investorbot: no such file or folder: {', '.join(missing)}")
        return 2
    engine = Engine(settings)
    with _progress("Indexing") as progress:
        report = engine.ingest(args.paths, progress, settings.index_lock_wait_seconds, _waiting)
    return _report(report, args.json)


def _reindex(args: argparse.Namespace, settings: Settings) -> int:
    engine = Engine(settings)
    try:
        with _progress("Refreshing") as progress:
            report = engine.refresh(progress, None, settings.index_lock_wait_seconds, _waiting)
        return _report(report, args.json)
    except SourceSpecError as error:
        _err.print(f"investorbot: {error}")
        return 2


def _rebuild(args: argparse.Namespace, settings: Settings) -> int:
    engine = Engine(settings)
    with _progress("Rebuilding") as progress:
        report = engine.rebuild(progress, settings.index_lock_wait_seconds, _waiting)
    state = engine.writer.state()
    _err.print(f"Switched to collection {state.collection} (generation {state.generation}).", markup=False)
    return _report(report, args.json)


def _worker(args: argparse.Namespace, settings: Settings) -> int:
    if settings.jobs != "queue" or not settings.database_url.startswith("postgresql"):
        _err.print("investorbot: the worker needs JOBS=queue and a PostgreSQL DATABASE_URL.", markup=False)
        return 2
    from bot.worker import run_worker

    asyncio.run(run_worker(settings))
    return 0


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    engine = Engine(settings)
    if engine.is_empty():
        _err.print(f"The index is empty: indexing {settings.seeds_dir} first.")
        with _progress("Indexing seeds") as progress:
            engine.ensure_seeded(progress)
    questions = sys.stdin if args.question == "-" else [args.question]
    context: Context | None = None  # one question leads to the next: "and JD?" after "Why is Alibaba down?"
    for line in questions:
        question = line.strip()
        if not question:
            continue
        started = time.perf_counter()
        answer = engine.ask(question, context)
        log.debug("answered in %.0f ms", (time.perf_counter() - started) * 1000)
        if answer.tickers:
            context = Context(answer.tickers, answer.topic, answer.language)
        if args.chart is not None:
            _chart(engine, answer, args.chart)
        if args.json:
            print(json.dumps(answer.as_json(), ensure_ascii=False), flush=True)
        else:
            from bot.render import render_text

            print(render_text(answer), end="\n\n" if args.question == "-" else "\n", flush=True)
    return 0


def _chart(engine: Engine, answer: Answer, path: Path) -> None:
    """Draw the move's chart into the file; a question without a move has nothing to draw."""
    if answer.move is None:
        _err.print("No chart: the answer has no share price move to draw.", markup=False)
        return
    png = engine.answers.prices.chart(answer, engine.companies.display(answer.move.ticker))
    if png is not None:
        path.write_bytes(png)
        _err.print(f"Chart written to {path}", markup=False)


def _run(args: argparse.Namespace, settings: Settings) -> int:
    token = settings.telegram_bot_token.get_secret_value()
    if not token:
        _err.print("investorbot: set TELEGRAM_BOT_TOKEN (from @BotFather) in .env or the environment.")
        return 2
    if args.webhook and not settings.webhook_url:
        _err.print("investorbot: --webhook needs WEBHOOK_URL, the public https address Telegram should call.")
        return 2
    from bot.app import build_application
    from bot.telegram_api import ALLOWED_UPDATES
    from bot.webhook import serve

    if settings.jobs == "queue" and not settings.database_url.startswith("postgresql"):
        _err.print("investorbot: JOBS=queue needs a PostgreSQL DATABASE_URL.", markup=False)
        return 2
    application = build_application(settings, Engine(settings))
    counts = functools.partial(queue_counts, settings) if settings.jobs == "queue" else None
    metrics.serve(settings, counts)
    if args.webhook:
        asyncio.run(serve(application, settings))
    else:
        application.run_polling(allowed_updates=ALLOWED_UPDATES)
    return 0


def _sources(args: argparse.Namespace, settings: Settings) -> int:
    engine = Engine(settings)
    rows = engine.catalog.documents()
    if args.json:
        print(json.dumps([row.model_dump(mode="json") for row in rows], ensure_ascii=False))
        return 0
    if not rows:
        print("Nothing is indexed yet. Run `investorbot ingest PATH` or `investorbot ask` to index the seeds.")
        return 0
    for row in rows:
        date = row.published or "----------"
        print(f"{date}  {row.tickers or '-':<12} {row.chunk_count:>4} chunks  {row.title}")
    print(f"{len(rows)} documents, {engine.store.count()} chunks.")
    return 0
