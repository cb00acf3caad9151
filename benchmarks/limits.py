"""What hostile downloads cost a refresh: peak memory and time, each case in a fresh process.

Cases, served on loopback by the test suite's fake web server, each next to one normal article:
- normal: a feed with the normal article only (the baseline);
- gzip: a feed item linking to 400 MB of zeros, gzip-compressed (about 400 KB on the wire);
- trickle: a feed item linking to a page sent 1 KB every 50 ms, for longer than the fetch deadline;
- pdf: a folder holding a 306 KB PDF whose one page unpacks to 300 MB (and a normal text file).

Prints, per case: the process's peak RSS after the refresh, its growth over the peak before it
(the embedding model is loaded first, so both runs include it), the refresh's seconds, and its
error lines. Run: `.venv/bin/python benchmarks/limits.py [--fetch-deadline 10]`
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge.settings import Settings  # noqa: E402
from knowledge.sources.registry import SourceSpec  # noqa: E402
from knowledge.wiring.local import Local  # noqa: E402
from tests.fakes.bombs import gzip_bomb, pdf_bomb  # noqa: E402
from tests.fakes.web import FakeWeb, Route  # noqa: E402

CASES = ("normal", "gzip", "trickle", "pdf")
FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>{items}
<item><title>Kestrel rents robots</title><link>{{base}}/news/kestrel-robots</link><guid>k</guid></item>
</channel></rss>"""


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_case(case: str, fetch_deadline: float) -> dict[str, object]:
    web = FakeWeb()
    items = ""
    if case == "gzip":
        web.routes["/bomb"] = Route(gzip_bomb(400 << 20), "text/html", headers={"Content-Encoding": "gzip"})
        items = "<item><title>Bomb</title><link>{base}/bomb</link><guid>b</guid></item>"
    elif case == "trickle":
        web.routes["/trickle"] = Route(b"<p>" + b"slow " * 400 + b"</p>", trickle_seconds=fetch_deadline * 6)
        items = "<item><title>Trickle</title><link>{base}/trickle</link><guid>t</guid></item>"
    web.feed("/wire.rss", FEED.format(items=items))
    with tempfile.TemporaryDirectory() as scratch, web.running():
        folder = Path(scratch) / "files"
        folder.mkdir()
        (folder / "note.txt").write_text("Kestrel Robotics rents its picking robots by the hour.\n")
        if case == "pdf":
            (folder / "bomb.pdf").write_bytes(pdf_bomb(300 << 20))
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            data_dir=Path(scratch) / "data",
            sources_file=Path(scratch) / "none.toml",
            allow_private_urls=True,
            fetch_deadline_seconds=fetch_deadline,
        )
        engine = Local(settings)
        engine.core.embedder.embed(["warm up"])  # the model in memory before the baseline is taken
        engine.indexing.librarian.add_source(SourceSpec("rss", f"{web.base}/wire.rss"))
        engine.indexing.librarian.add_source(SourceSpec("path", str(folder)))
        before = peak_mb()
        started = time.perf_counter()
        report = engine.indexing.librarian.refresh()
        seconds = time.perf_counter() - started
        engine.close()
    return {
        "case": case,
        "peak_mb": round(peak_mb()),
        "growth_mb": round(peak_mb() - before),
        "seconds": round(seconds, 1),
        "added": report.documents_added,
        "errors": [error["error"][:90] for error in report.errors],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fetch-deadline", type=float, default=10.0, help="FETCH_DEADLINE_SECONDS for every case")
    parser.add_argument("--case", choices=CASES, help="run one case in this process (used internally)")
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case, args.fetch_deadline)))
        return
    print(f"{'case':8} {'peak MB':>8} {'growth MB':>10} {'seconds':>8} added  errors")
    for case in CASES:
        command = [sys.executable, __file__, "--case", case, "--fetch-deadline", str(args.fetch_deadline)]
        result = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
        print(
            f"{case:8} {result['peak_mb']:>8} {result['growth_mb']:>10} {result['seconds']:>8} "
            f"{result['added']:>5}  {result['errors']}"
        )


if __name__ == "__main__":
    main()
