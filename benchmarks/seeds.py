"""Benchmark over the seeds: ingestion chunks/s and `ask` latency p50/p95 (model load excluded).

Run: `.venv/bin/python benchmarks/seeds.py [--rounds N]` or `make bench`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge.index.embedder import make_embedder  # noqa: E402
from knowledge.settings import Settings  # noqa: E402
from knowledge.wiring.local import Local  # noqa: E402

QUESTIONS = [
    "Why is Alibaba down?",
    "Warum fällt die Alibaba-Aktie?",
    "Should I buy Alibaba now?",
    "How many monthly users does the Qwen app have?",
    "How fast did Alibaba's cloud business grow?",
    "What is happening with JD.com?",
    "Why is Tesla down?",
    "Wie stark wuchs der Einzelhandel in China im November?",
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=10, help="times each question is asked (default 10)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        settings = Settings(_env_file=None, data_dir=Path(scratch), seeds_dir=ROOT / "seeds")  # type: ignore[call-arg]
        make_embedder(settings)  # the one-off ONNX export, not part of the timings
        started = time.perf_counter()
        embedder = make_embedder(settings)
        load_seconds = time.perf_counter() - started
        local = Local(settings, embedder)
        started = time.perf_counter()
        report = local.indexing.librarian.ingest([settings.seeds_dir])
        ingest_seconds = time.perf_counter() - started
        local.answering.ask(QUESTIONS[0])  # warm-up: first query builds caches
        latencies = []
        for _ in range(args.rounds):
            for question in QUESTIONS:
                started = time.perf_counter()
                local.answering.ask(question)
                latencies.append((time.perf_counter() - started) * 1000)
        local.close()

    print(f"model load           {load_seconds:8.2f} s")
    print(
        f"ingestion            {report.chunks_embedded / ingest_seconds:8.1f} chunks/s "
        f"({report.chunks_embedded} chunks, {report.documents_added} documents, {ingest_seconds:.2f} s)"
    )
    print(f"ask latency p50      {statistics.median(latencies):8.1f} ms")
    print(f"ask latency p95      {percentile(latencies, 0.95):8.1f} ms  ({len(latencies)} questions)")


if __name__ == "__main__":
    main()
