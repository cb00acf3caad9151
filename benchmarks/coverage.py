"""'Not covered' only when it is true: fit the coverage threshold and report both error rates.

Asks the 140 labelled questions of `benchmarks/data/coverage_questions.jsonl` (answerable and not,
EN and DE, over the seeds and the FinanceBench dev filings) and, for each, weighs the evidence as
the answer engine does: the best retrieved line's nearness to the question's focus (embedding
similarity, words boosted), whether the asked company's document for the asked period was found,
and whether the word-matched draft answers.

The questions come in near pairs (one answerable, one not); the threshold is fitted on every other
pair and the error rates are reported on the rest: answerable questions refused ("not covered")
and unanswerable questions answered. Then every question is asked end to end with the configured
`COVERAGE_THRESHOLD`, and the same two rates are printed for what users would see.

Run: `.venv/bin/python benchmarks/coverage.py` (the dev filings' index is reused from
`benchmarks/financebench.py`'s scratch folder, or built there: ~10 minutes).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge.settings import Settings  # noqa: E402
from knowledge.wiring.local import Local  # noqa: E402

QUESTIONS = ROOT / "benchmarks" / "data" / "coverage_questions.jsonl"
DEV = Path("/work/shared/financebench-dev")


@dataclass(frozen=True)
class Weighed:
    id: str
    question: str
    answerable: bool
    nearness: float  # -1 when no evidence was weighed (nothing retrieved, or nothing to find)
    period: bool
    worded: bool  # the word-matched draft answers
    answered: bool = False  # end to end, with the configured threshold

    @property
    def fit_half(self) -> bool:
        # cov_001/cov_002 are a pair: every other pair fits, the rest reports.
        return ((int(self.id.split("_")[1]) - 1) // 2) % 2 == 0

    def decided(self, threshold: float) -> bool:
        """Answered, as the engine decides: in the asked period, a near enough line or worded lines."""
        weighed = self.nearness >= 0
        if not weighed:
            return self.worded
        return self.period and (self.nearness >= threshold or self.worded)


def weigh(local: Local, rows: list[dict[str, object]]) -> list[Weighed]:
    found = []
    engine = local.answering.answers
    for row in rows:
        text = str(row["question"])
        draft, evidence = engine.weigh(text)
        answer = local.answering.ask(text)
        nearness = evidence.nearness if evidence is not None else -1.0
        period = evidence.period if evidence is not None else True
        found.append(
            Weighed(str(row["id"]), text, bool(row["answerable"]), nearness, period, draft.covered, answer.grounded)
        )
    return found


def rates(weighed: Iterable[Weighed], answered: list[bool] | None = None) -> tuple[float, int, float, int]:
    """Answerable refused (share, count) and unanswerable answered (share, count)."""
    rows = list(weighed)
    said = answered if answered is not None else [row.answered for row in rows]
    good = [(row, yes) for row, yes in zip(rows, said, strict=True) if row.answerable]
    bad = [(row, yes) for row, yes in zip(rows, said, strict=True) if not row.answerable]
    refused = sum(not yes for _, yes in good)
    answered_bad = sum(yes for _, yes in bad)
    return refused / max(1, len(good)), len(good), answered_bad / max(1, len(bad)), len(bad)


def fit(rows: list[Weighed]) -> float:
    """The threshold with the fewest errors on these rows (refusals and wrong answers weigh alike);
    of equally good ones, the middle of the best run."""
    candidates = sorted({round(row.nearness, 3) for row in rows if row.nearness >= 0} | {2.0})
    errors = [sum(row.decided(t) != row.answerable for row in rows) for t in candidates]
    least = min(errors)
    best = [t for t, e in zip(candidates, errors, strict=True) if e == least]
    return best[len(best) // 2]


def line(name: str, figures: tuple[float, int, float, int]) -> str:
    refused, good, answered, bad = figures
    refused_part = f"answerable refused {refused:5.2f} (of {good:3})"
    return f"{name:34} {refused_part}   unanswerable answered {answered:5.2f} (of {bad:3})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dev", type=Path, default=DEV, help="the FinanceBench dev folder (pdfs/)")
    parser.add_argument("--dev-data-dir", type=Path, help="its scratch DATA_DIR (default: financebench.py's)")
    parser.add_argument("--dump", type=Path, help="write every question's evidence as JSON lines")
    parser.add_argument("--seeds-only", action="store_true", help="only the questions over the seeds (quick)")
    parser.add_argument("--limit", type=int, help="ask only the first N questions")
    args = parser.parse_args()
    rows = [json.loads(text) for text in QUESTIONS.read_text(encoding="utf-8").splitlines() if text.strip()]
    rows = rows[: args.limit]
    weighed = []
    with tempfile.TemporaryDirectory() as scratch:
        settings = Settings(_env_file=None, data_dir=Path(scratch), seeds_dir=ROOT / "seeds")  # type: ignore[call-arg]
        local = Local(settings)
        local.indexing.librarian.ingest([settings.seeds_dir])
        weighed += weigh(local, [row for row in rows if row["corpus"] == "seeds"])
        threshold = settings.coverage_threshold
        local.close()
    if not args.seeds_only:
        weighed += _dev(args, [row for row in rows if row["corpus"] != "seeds"])
    if args.dump:
        args.dump.write_text("".join(json.dumps(row.__dict__, ensure_ascii=False) + "\n" for row in weighed))
    report(weighed, rows, threshold)


def _dev(args: argparse.Namespace, rows: list[dict[str, object]]) -> list[Weighed]:
    dev_dir = args.dev_data_dir or ROOT / "benchmarks" / "out" / "financebench-dev-onnx-int8"
    local = Local(Settings(_env_file=None, data_dir=dev_dir))  # type: ignore[call-arg]
    if local.indexing.is_empty():
        print(f"indexing {args.dev / 'pdfs'} into {dev_dir} (once)")
        local.indexing.librarian.ingest([args.dev / "pdfs"])
    found = weigh(local, rows)
    local.close()
    return found


def report(weighed: list[Weighed], rows: list[dict[str, object]], threshold: float) -> None:
    fitting = [row for row in weighed if row.fit_half]
    reporting = [row for row in weighed if not row.fit_half]
    fitted = fit(fitting)
    print(f"{len(weighed)} labelled questions; threshold fitted on {len(fitting)}: {fitted:.3f}")
    print(line("fit half, fitted threshold", rates(fitting, [row.decided(fitted) for row in fitting])))
    print(line("report half, fitted threshold", rates(reporting, [row.decided(fitted) for row in reporting])))
    print(f"\nend to end, COVERAGE_THRESHOLD={threshold:.3f} (the configured one):")
    print(line("report half", rates(reporting)))
    print(line("all", rates(weighed)))
    for corpus in ("seeds", "financebench-dev"):
        ids = {str(row["id"]) for row in rows if row["corpus"] == corpus}
        print(line(f"  {corpus}", rates(row for row in weighed if row.id in ids)))
    words_only = [row.worded for row in weighed]
    print(line("words only (no evidence by meaning)", rates(weighed, words_only)))


if __name__ == "__main__":
    main()
