"""`investorbot source add|list|remove` (what is fetched) and `investorbot sources` (what is indexed)."""

from __future__ import annotations

import argparse

from apps.cli.output import Commands, err, json_flag, print_rows, waiting
from knowledge.catalog import Source
from knowledge.settings import Settings
from knowledge.sources.address import scrub, shown
from knowledge.sources.registry import SourceSpec, SourceSpecError, describe
from knowledge.wiring.answering import Answering
from knowledge.wiring.core import Core
from knowledge.wiring.indexing import Indexing

LISTED = "print the list as JSON"


def add_source_group(commands: Commands) -> None:
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
    add.set_defaults(handler=add_source)
    listing = actions.add_parser("list", help="list sources with their last fetch and last error")
    json_flag(listing, LISTED)
    listing.set_defaults(handler=list_sources)
    remove = actions.add_parser("remove", help="remove a source and its documents from the index")
    remove.add_argument("id", type=int, help="the source's number, as `source list` shows it")
    remove.set_defaults(handler=remove_source)


def add_sources(commands: Commands) -> None:
    sources = commands.add_parser("sources", help="list what is indexed")
    json_flag(sources, LISTED)
    sources.set_defaults(handler=list_documents)


def add_source(args: argparse.Namespace, settings: Settings) -> int:
    spec = SourceSpec(
        kind=args.kind,
        location=args.target,
        tickers=tuple(args.tickers.split(",")),
        forms=tuple(args.forms.split(",")),
        since=args.since,
    )
    try:
        source = Indexing(Core(settings)).librarian.add_source(spec)
    except SourceSpecError as error:
        err.print(f"investorbot: {error}")
        return 2
    print(f"Source #{source.id} added: {source.kind} {shown(source.location)}. Run `investorbot refresh` to fetch it.")
    return 0


def list_sources(args: argparse.Namespace, settings: Settings) -> int:
    indexing = Indexing(Core(settings))
    indexing.librarian.import_sources_file()
    rows = indexing.catalog.sources()
    if args.json:
        print_rows([_shown(row) for row in rows])
    elif not rows:
        print("No sources yet. Add one with `investorbot source add …` or index files with `investorbot ingest`.")
    for row in [] if args.json else rows:
        print(describe(row))
    return 0


def _shown(row: Source) -> Source:
    """The row as it may be printed: no credentials or query string in its location or error."""
    error = scrub(row.last_error) if row.last_error else row.last_error
    return row.model_copy(update={"location": shown(row.location), "last_error": error})


def remove_source(args: argparse.Namespace, settings: Settings) -> int:
    indexing = Indexing(Core(settings))
    if indexing.catalog.source(args.id) is None:
        err.print(f"investorbot: there is no source #{args.id} (see `investorbot source list`)")
        return 2
    removed = indexing.librarian.remove_source(args.id, settings.index_lock_wait_seconds, waiting)
    print(f"Source #{args.id} removed with its {removed} documents.")
    return 0


def list_documents(args: argparse.Namespace, settings: Settings) -> int:
    """What the served index holds, document by document."""
    answering = Answering(Core(settings))
    rows = answering.catalog.documents()
    if args.json:
        print_rows(rows)
        return 0
    if not rows:
        print("Nothing is indexed yet. Run `investorbot ingest PATH` or `investorbot ask` to index the seeds.")
        return 0
    for row in rows:
        date = row.published or "----------"
        print(f"{date}  {row.tickers or '-':<12} {row.chunk_count:>4} chunks  {row.title}")
    print(f"{len(rows)} documents, {answering.store.count()} chunks.")
    return 0
