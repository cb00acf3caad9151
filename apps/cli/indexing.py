"""`investorbot ingest|refresh|reindex|rebuild`: change the index from this process, waiting up to
INDEX_LOCK_WAIT_SECONDS for another writer. Only the indexing side is built."""

from __future__ import annotations

import argparse
from pathlib import Path

from apps.cli.output import Commands, err, finish, json_flag, progress, waiting
from knowledge.index.indexer import IndexReport
from knowledge.settings import Settings
from knowledge.sources.registry import SourceSpecError
from knowledge.wiring.core import Core
from knowledge.wiring.indexing import Indexing


def add_ingest(commands: Commands) -> None:
    ingest = commands.add_parser("ingest", help="index files or folders (txt, md, html, pdf)")
    ingest.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="a file or a folder")
    json_flag(ingest)
    ingest.set_defaults(handler=ingest_paths)


def add_refresh(commands: Commands) -> None:
    refresh = commands.add_parser(
        "refresh", help="fetch every source (feeds, pages, filings, folders) and index what is new or changed"
    )
    json_flag(refresh)
    refresh.set_defaults(handler=refresh_sources)


def add_reindex(commands: Commands) -> None:
    reindex = commands.add_parser("reindex", help="re-read every known source; only changes are embedded")
    json_flag(reindex)
    reindex.set_defaults(handler=refresh_sources)


def add_rebuild(commands: Commands) -> None:
    rebuild = commands.add_parser(
        "rebuild",
        help="build the whole index again into a new collection, then switch to it in one step",
        description="After changing EMBEDDING_MODEL, EMBEDDING_BACKEND or CHUNK_SIZE: every source is read and "
        "embedded again into a new collection while the current one keeps serving; the new one is checked "
        "(every document present, a sample found by its own vector) and then replaces the old one atomically. "
        "The old collection is dropped after STALE_CHUNK_GRACE_SECONDS.",
    )
    json_flag(rebuild)
    rebuild.set_defaults(handler=rebuild_index)


def ingest_paths(args: argparse.Namespace, settings: Settings) -> int:
    missing = [str(path) for path in args.paths if not path.exists()]
    if missing:
        err.print(f"investorbot: no such file or folder: {', '.join(missing)}")
        return 2
    indexing = Indexing(Core(settings))
    with progress("Indexing") as shown:
        report = indexing.librarian.ingest(args.paths, shown, settings.index_lock_wait_seconds, waiting)
    return _finish(report, args.json)


def refresh_sources(args: argparse.Namespace, settings: Settings) -> int:
    indexing = Indexing(Core(settings))
    try:
        with progress("Refreshing") as shown:
            report = indexing.librarian.refresh(shown, None, settings.index_lock_wait_seconds, waiting)
        return _finish(report, args.json)
    except SourceSpecError as error:
        err.print(f"investorbot: {error}")
        return 2


def rebuild_index(args: argparse.Namespace, settings: Settings) -> int:
    indexing = Indexing(Core(settings))
    with progress("Rebuilding") as shown:
        report = indexing.librarian.rebuild(shown, settings.index_lock_wait_seconds, waiting)
    state = indexing.writer.state()
    err.print(f"Switched to collection {state.collection} (generation {state.generation}).", markup=False)
    return _finish(report, args.json)


def _finish(report: IndexReport, as_json: bool) -> int:
    counts = (
        f"{report.documents_seen} documents seen: {report.documents_added} added, "
        f"{report.documents_updated} updated, {report.documents_removed} removed; "
        f"{report.chunks_embedded} chunks embedded."
    )
    return finish(report, as_json, [counts])
