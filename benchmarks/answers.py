"""Answer quality over the seeds, graded against `benchmarks/data/seed_questions.json`.

For each question the set says the language, whether the seeds cover it, and the facts a good
answer must contain. Printed: fact recall (covered questions whose answer holds every fact),
language purity (covered answers in the question's language, quotes marked as such aside),
padded answers (uncovered questions answered with sources anyway), and the misses.

Run: `.venv/bin/python benchmarks/answers.py [--data-dir DIR] [--verbose]`
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge.answer.record import Answer  # noqa: E402
from knowledge.answer.understand.followup import Context  # noqa: E402
from knowledge.settings import Settings  # noqa: E402
from knowledge.text.language import detect  # noqa: E402
from knowledge.wiring.answering import Answering  # noqa: E402
from knowledge.wiring.local import Local  # noqa: E402

QUESTIONS = ROOT / "benchmarks" / "data" / "seed_questions.json"
_QUOTED = re.compile(r'"[^"]*" \(quoted from [^)]*\)|„[^“]*“ \(Zitat aus [^)]*\)')


def own_words(answer: Answer) -> str:
    """The answer's text in its own language: quotes marked as from another language left out."""
    return _QUOTED.sub(" ", answer.text)


def grade(answering: Answering, item: dict[str, Any]) -> dict[str, Any]:
    context = None
    if item.get("after"):
        before = answering.ask(item["after"])
        context = Context(before.tickers, before.topic, before.language)
    answer = answering.ask(item["question"], context)
    result: dict[str, Any] = {"question": item["question"], "grounded": answer.grounded, "text": answer.text}
    if item["covered"]:
        missing = [group for group in item["facts"] if not any(fact in answer.text for fact in group)]
        result["facts_ok"] = answer.grounded and not missing
        result["missing"] = missing
        # Marked quotes from the other language aside, the answer speaks the question's language.
        words = own_words(answer)
        prose = bool(re.search(r"[^\W\d_]{3,}", re.sub(r"\[\d+\]|\[P\]", " ", words)))
        result["pure"] = answer.language == item["language"] and (not prose or detect(words) == item["language"])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, help="reuse an index of the seeds (default: a fresh one)")
    parser.add_argument("--verbose", action="store_true", help="print every answer that missed")
    args = parser.parse_args()
    items = json.loads(QUESTIONS.read_text(encoding="utf-8"))["questions"]
    with tempfile.TemporaryDirectory() as scratch:
        data = args.data_dir or Path(scratch) / "data"
        settings = Settings(_env_file=None, data_dir=data, seeds_dir=ROOT / "seeds", sources_file=data / "none.toml")  # type: ignore[call-arg]
        local = Local(settings)
        local.indexing.ensure_seeded()
        results = [grade(local.answering, item) for item in items]
        local.close()
    covered = [r for r, item in zip(results, items, strict=True) if item["covered"]]
    uncovered = [r for r, item in zip(results, items, strict=True) if not item["covered"]]
    recall = sum(r["facts_ok"] for r in covered) / len(covered)
    purity = sum(r["pure"] for r in covered) / len(covered)
    padded = sum(r["grounded"] for r in uncovered) / len(uncovered)
    languages = {item["language"] for item in items}
    print(f"questions: {len(items)} ({len(covered)} covered, {len(uncovered)} not covered; {sorted(languages)})")
    print(f"fact recall (covered answers holding every asked fact): {recall:.1%}")
    print(f"language purity (covered answers in the question's language): {purity:.1%}")
    print(f"padded answers (uncovered questions answered anyway): {padded:.1%}")
    for result in covered:
        if not result["facts_ok"] or not result["pure"]:
            reason = f"missing {result['missing']}" if not result["facts_ok"] else "language"
            print(f"  miss ({reason}): {result['question']}")
            if args.verbose:
                print("    " + result["text"].replace("\n", "\n    "))
    for result in uncovered:
        if result["grounded"]:
            print(f"  padded: {result['question']}")
            if args.verbose:
                print("    " + result["text"].replace("\n", "\n    "))


if __name__ == "__main__":
    main()
