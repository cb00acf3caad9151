"""`investorbot`: the commands put together, the settings read once, and failures reported in one
line with a clear exit status (2: bad input, 1: the work failed, 130: interrupted)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable

from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError

from apps.cli import asking, indexing, logs, prices, processes, push, sources
from apps.cli.logs import redact, secrets_of
from apps.cli.output import err
from knowledge.index.lock import IndexBusyError
from knowledge.index.store import StoreError
from knowledge.index.writer import RebuildError
from knowledge.settings import Settings
from knowledge.sources.address import scrub

log = logging.getLogger("investorbot")

Handler = Callable[[argparse.Namespace, Settings], int]


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in error.errors())
        err.print(f"investorbot: invalid settings ({problems})", markup=False)
        return 2
    logs.setup(settings, err, args.verbose, service=getattr(args, "service", False))
    handler = getattr(args, "handler", None)
    if handler is None:
        parser().print_help()
        return 2
    return _run(handler, args, settings)


def _run(handler: Handler, args: argparse.Namespace, settings: Settings) -> int:
    """The command's exit status; what it failed on, in one line."""
    try:
        status = int(handler(args, settings))
        sys.stdout.flush()  # here, where a closed pipe is caught, not at exit
        return status
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `investorbot … | head`: the reader has what it wanted
        _silence_stdout()
        return 0
    except (IndexBusyError, RebuildError) as error:
        err.print(f"investorbot: {error}", markup=False)
        return 1
    except (StoreError, SQLAlchemyError, OSError) as error:
        # A full disk, a read-only folder or an unreachable database: one line, not a traceback.
        log.debug("failed", exc_info=True)
        err.print(f"investorbot: {redact(_one_line(error), secrets_of(settings))}", markup=False)
        return 1


def parser() -> argparse.ArgumentParser:
    """Every command, in the order `--help` lists them."""
    command_line = argparse.ArgumentParser(
        prog="investorbot",
        description="Answer investor questions from indexed news and filings, with citations and without advice.",
    )
    command_line.add_argument("-v", "--verbose", action="store_true", help="log debug details")
    commands = command_line.add_subparsers(title="commands", metavar="COMMAND")
    indexing.add_ingest(commands)
    indexing.add_refresh(commands)
    sources.add_source_group(commands)
    indexing.add_reindex(commands)
    indexing.add_rebuild(commands)
    asking.add_ask(commands)
    processes.add_run(commands)
    processes.add_worker(commands)
    prices.add_prices(commands)
    sources.add_sources(commands)
    push.add_push(commands)
    return command_line


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that the flush at exit does not fail on the closed pipe again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _one_line(error: BaseException) -> str:
    """What went wrong, in one line a user can act on (no SQL, no traceback)."""
    if isinstance(error, SQLAlchemyError):
        cause = getattr(error, "orig", None) or error
        reason = str(cause).splitlines()[0] if str(cause) else type(cause).__name__
        text = f"the catalog database (DATABASE_URL) failed: {reason}"
    elif isinstance(error, StoreError):
        text = f"the vector store failed: {error}"
    elif isinstance(error, OSError) and error.strerror:
        text = f"{error.strerror}: {error.filename}" if error.filename else error.strerror
    else:
        text = str(error) or type(error).__name__
    return scrub(" ".join(text.split()))[:300]
