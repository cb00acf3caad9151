"""What every command shares on the terminal: stderr for messages, progress while indexing, and
a run's summary (one JSON object with --json; exit status 1 when anything failed)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Protocol, TypeAlias

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from sqlmodel import SQLModel

from knowledge.index.indexer import Progress as ProgressCallback

# soft_wrap: a message is one line however long, so that it can be grepped and copied whole.
err = Console(stderr=True, soft_wrap=True)

Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
"""Where each module adds its commands."""

SUMMARY = "print the summary as one JSON object"


class Report(Protocol):
    """An indexing or a price run's outcome."""

    errors: list[dict[str, str]]

    def as_json(self) -> dict[str, object]: ...


def json_flag(parser: argparse.ArgumentParser, help: str = SUMMARY) -> None:
    parser.add_argument("--json", action="store_true", help=help)


def finish(report: Report, as_json: bool, lines: Iterable[str]) -> int:
    """Print the summary (`lines`, or the JSON object) and the errors; the exit status."""
    if as_json:
        print(json.dumps(report.as_json(), ensure_ascii=False))
    else:
        for line in lines:
            print(line)
        for error in report.errors:
            print(f"error: {error['source']}: {error['error']}", file=sys.stderr)
    return 1 if report.errors else 0


def print_rows(rows: Sequence[SQLModel]) -> None:
    """Catalog rows as one JSON list, each row's fields in the order its table declares them (the
    ORM fills a loaded row in no fixed order, so dumping it as it is printed keys at random)."""
    print(json.dumps([_in_order(row) for row in rows], ensure_ascii=False))


def _in_order(row: SQLModel) -> dict[str, object]:
    fields = row.model_dump(mode="json")
    return {name: fields[name] for name in type(row).model_fields}


def waiting(holder: str) -> None:
    """Told once when another process holds the index."""
    err.print(f"Waiting for another indexing run to finish ({holder}) …", markup=False)


@contextmanager
def progress(label: str) -> Iterator[ProgressCallback | None]:
    """A progress bar on a terminal; when piped, a line on stderr every few seconds."""
    if not err.is_terminal:
        yield _progress_lines(label)
        return
    columns = (
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=err, transient=True) as bar:
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
