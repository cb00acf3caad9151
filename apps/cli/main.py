"""`investorbot`: the commands put together, the settings read once, and failures reported in one
line with a clear exit status (2: bad input, 1: the work failed, 130: interrupted)."""

from __future__ import annotations

import argparse
import logging

from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError

from apps.cli import asking, indexing, logs, prices, processes, push, sources
from apps.cli.logs import redact, secrets_of
from apps.cli.output import err
from knowledge.index.lock import IndexBusyError
from knowledge.index.store import StoreError
from knowledge.index.writer import RebuildError
from knowledge.settings import Settings

log = logging.getLogger("investorbot")


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
    try:
        return int(handler(args, settings))
    except KeyboardInterrupt:
        return 130
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
