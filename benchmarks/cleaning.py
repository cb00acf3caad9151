"""What the cleaner (knowledge/index/cleaner.py) costs per filing: the policy's patterns, the noise
and boilerplate rules, on the text of real PDFs, page block by page block as the chunker cleans it.

Prints, per PDF, its pages and characters, the CPU seconds `clean()` takes (patterns only, no
embedder: the meaning check is measured with the embedding in benchmarks/ingest.py) and how many
characters the cleaning removed. Issue 19 allows ingestion to get 10 % slower; embedding a 10-K's
chunks takes ~14 s of CPU here, so the cleaner should stay well under a second per filing.

Run: `.venv/bin/python benchmarks/cleaning.py /work/shared/financebench-dev/pdfs/3M_2018_10K.pdf [--repeat 3]`
(or a folder: its `--limit` largest PDFs; each is cleaned `--repeat` times and the fastest run printed)
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge.index.chunker import _blocks  # noqa: E402
from knowledge.index.cleaner import clean  # noqa: E402
from knowledge.sources.loader import load  # noqa: E402
from knowledge.text.policy import Policy  # noqa: E402


def cleaned(blocks: list[str], policy: Policy) -> tuple[float, int]:
    """CPU seconds to clean the blocks, and the characters left."""
    start = time.process_time()
    kept = sum(len(clean(block, policy)) for block in blocks)
    return time.process_time() - start, kept


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pdfs", type=Path, nargs="+", help="PDFs, or a folder of them (e.g. FinanceBench's pdfs/)")
    parser.add_argument("--limit", type=int, default=3, help="how many PDFs of a folder (largest files first)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per PDF; the fastest is printed")
    args = parser.parse_args()
    policy = Policy()
    clean("Warm-up: the patterns compile once per process.", policy)
    paths = [
        path
        for given in args.pdfs
        for path in (
            sorted(given.glob("*.pdf"), key=lambda p: -p.stat().st_size)[: args.limit] if given.is_dir() else [given]
        )
    ]
    total = 0.0
    for path in paths:
        document = load(path)
        blocks = [block for page in document.pages for block in _blocks(page.text)]
        characters = sum(len(page.text) for page in document.pages)
        runs = [cleaned(blocks, policy) for _ in range(max(1, args.repeat))]
        seconds, kept = min(runs)
        total += seconds
        print(
            f"{path.name:32} {len(document.pages):4} pages {characters:8,} chars  "
            f"clean {seconds:6.2f} s CPU  ({characters - kept:,} chars removed)"
        )
    print(f"total {total:.2f} s CPU for {len(paths)} PDFs")


if __name__ == "__main__":
    main()
