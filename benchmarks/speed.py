"""Speed at scale: `ask` latency p50/p95 over 10k and 100k chunks, peak RSS of the serving process,
and cold start to first answer.

The corpus is synthetic (generated sentences about real company names, stored with random unit
vectors so that building 100k chunks takes a minute, not the quarter hour real embedding would);
every question is embedded by the real model, and answered by the offline engine (retrieval,
composition, guard; no model calls). Each size is served by a fresh process, so its peak RSS and
cold start are those of a bot starting on that index.

With `--chroma-server` the vectors live in a Chroma server (`chroma run`, started here on loopback)
and with `--database-url` the catalog in PostgreSQL, as a scaled-out replica reads them.

Run: `.venv/bin/python benchmarks/speed.py [--sizes 10000,100000] [--questions 200] [--chroma-server]
[--database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench]`
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

STARTED = time.perf_counter()
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from knowledge.catalog import Catalog, DocumentRow  # noqa: E402
from knowledge.index.store import VectorStore  # noqa: E402
from knowledge.records import Chunk  # noqa: E402
from knowledge.settings import Settings  # noqa: E402
from knowledge.text.companies import Companies  # noqa: E402

QUESTIONS = [
    "Why is {name} down?",
    "What drove {name}'s operating margin in {year}?",
    "How much did {name} spend on capital expenditure in {year}?",
    "Warum fällt die {name}-Aktie?",
    "What are the main risks for {name}?",
    "How fast did {name}'s revenue grow in {year}?",
]
WORDS = (
    "revenue grew margin fell operating income cash flow capital expenditure guidance quarter segment "
    "demand competition pricing inventory costs dividend buyback debt interest rates consumer cloud "
    "advertising subscribers shipments orders backlog tariffs currency headwinds outlook analysts "
    "shares investors restructuring acquisition growth decline percent million billion year"
).split()


VERSION = "00000000"  # the content version synthetic documents are recorded with


def settings_for(data_dir: Path, chroma_url: str = "", database_url: str = "") -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=data_dir,
        sources_file=data_dir / "none.toml",
        chroma_url=chroma_url,
        database_url=database_url,
    )


def build(settings: Settings, size: int) -> None:
    """A synthetic index of `size` chunks, prepared as an indexing run leaves it: keyword index saved,
    embedding model exported. Kept between runs."""
    from knowledge.wiring.local import Local

    local = Local(settings)
    if local.answering.chunk_count() < size:
        with local.indexing.writer.session("benchmark build") as writing:
            _add_synthetic(writing.store, local.core.catalog, size)
            writing.dirty = True
    _ = local.answering.keyword, local.core.embedder
    local.close()


def _add_synthetic(store: VectorStore, catalog: Catalog, size: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    vectors_rng = np.random.default_rng(seed)
    names = [names[0].lstrip("=") for names in Companies.default().aliases.values()]
    tickers = list(Companies.default().aliases)
    started = time.perf_counter()
    for start in range(catalog.document_count() * 20, size, 2000):
        chunks = []
        for index in range(start, min(size, start + 2000)):
            company = rng.randrange(len(names))
            sentences = [
                f"{names[company]} {' '.join(rng.choices(WORDS, k=rng.randint(8, 16)))} {rng.randint(1, 99)}%."
                for _ in range(rng.randint(5, 8))
            ]
            chunks.append(
                Chunk(
                    id=f"syn{index // 20:08d}-{VERSION}-{index % 20}",
                    document_id=f"syn{index // 20:08d}",
                    text=" ".join(sentences),
                    title=f"{names[company]} report {2015 + index % 10}",
                    uri=f"synthetic://{index // 20}",
                    tickers=(tickers[company],),
                )
            )
        vectors = vectors_rng.standard_normal((len(chunks), 384)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        store.add(chunks, vectors)
        for first in chunks[::20]:
            catalog.save_document(
                DocumentRow(
                    id=first.document_id, uri=first.uri, title=first.title, content_hash=VERSION, chunk_count=20
                )
            )
    print(f"built {size} synthetic chunks in {time.perf_counter() - started:.0f} s", flush=True)


def serve(settings: Settings, questions: int) -> None:
    """The serving process (a replica's answering side): start it, answer, report latency, cold start
    and peak RSS."""
    from knowledge.wiring.answering import Answering
    from knowledge.wiring.core import Core

    answering = Answering(Core(settings))
    answering.answers.warm()  # as a bot replica does when it starts (`BotRole.start`)
    rng = random.Random(1)
    names = [names[0].lstrip("=") for names in Companies.default().aliases.values()]
    asked = [
        rng.choice(QUESTIONS).format(name=rng.choice(names), year=rng.randint(2015, 2024)) for _ in range(questions)
    ]
    answering.ask(asked[0])
    cold = time.perf_counter() - STARTED
    latencies = []
    for question in asked:
        began = time.perf_counter()
        answering.ask(question)
        latencies.append((time.perf_counter() - began) * 1000)
    latencies.sort()
    print(
        json.dumps(
            {
                "cold_start_s": round(cold, 2),
                "p50_ms": round(statistics.median(latencies), 1),
                "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                "questions": len(latencies),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated index sizes (chunks)")
    parser.add_argument("--questions", type=int, default=200, help="questions asked per size")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out", help="where the indexes are kept")
    parser.add_argument("--chroma-server", action="store_true", help="keep the vectors in a `chroma run` server")
    parser.add_argument("--chroma-url", default="", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", default="", help="the catalog in this database (default SQLite)")
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(settings_for(args.serve, args.chroma_url, args.database_url), args.questions)
        return
    with contextlib.ExitStack() as stack:
        if args.chroma_server:
            from tests.servers import chroma_server

            args.out.mkdir(parents=True, exist_ok=True)
            args.chroma_url = stack.enter_context(chroma_server(args.out / "chroma-server"))
            print(f"vectors in a Chroma server at {args.chroma_url}")
        run(args)


def run(args: argparse.Namespace) -> None:
    print(f"{'chunks':>8}{'p50 ms':>9}{'p95 ms':>9}{'peak RSS MB':>13}{'cold start s':>14}")
    for size in (int(part) for part in args.sizes.split(",")):
        data_dir = args.out / f"speed-{size}{'-server' if args.chroma_url else ''}"
        build(settings_for(data_dir, args.chroma_url, args.database_url), size)
        command = [sys.executable, __file__, "--serve", str(data_dir), "--questions", str(args.questions)]
        command += ["--chroma-url", args.chroma_url, "--database-url", args.database_url]
        result = subprocess.run(command, capture_output=True, text=True, check=True)
        figures = json.loads(result.stdout.strip().splitlines()[-1])
        print(
            f"{size:>8}{figures['p50_ms']:>9}{figures['p95_ms']:>9}{figures['peak_rss_mb']:>13}"
            f"{figures['cold_start_s']:>14}",
            flush=True,
        )


if __name__ == "__main__":
    main()
