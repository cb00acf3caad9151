"""The advice and price-forecast check (knowledge/answer/advice.py) on labelled questions, alone.

Prints, per set and language, the share of advice requests recognised (goal >= 99 %) and the share
of benign questions refused as advice (goal <= 1 %), as the bot answers them: small talk ("ok cool",
"are you a bot?", knowledge/answer/understand/smalltalk.py) gets the help text before the check; the
check's own count is printed beside. `advice_questions.tsv` and `advice_dev.tsv` are
the development sets (not among the examples the learned reading is fitted on); `advice_train.tsv`
is among them, so its figures are in-sample (benchmarks/learned.py gives cross-validated ones);
`advice_unseen.tsv`, `advice_unseen2.tsv` and `advice_unseen3.tsv` were held out until newer sets
were written (stops 27 and 30) and are among the examples since, so their figures are in-sample too;
`advice_unseen4.tsv` (written by a helper that saw neither the code nor the other sets) is held out:
measured, never tuned on, its misses never printed. `advice_train2.tsv` (stop 31, by a helper that
saw neither the code nor the other sets) is measured, not fitted on: added to the examples, it left
unseen4 as it was and took one more benign question for advice. (The answers to these questions,
with calls and disclaimers, are measured by benchmarks/guard.py.)

Run: `.venv/bin/python benchmarks/advice.py [--verbose]` (--verbose names the development set's misses)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.labelled import read  # noqa: E402
from knowledge.answer.understand.advice import AdviceDetector  # noqa: E402
from knowledge.answer.understand.question import understand  # noqa: E402
from knowledge.answer.understand.smalltalk import SmallTalk  # noqa: E402
from knowledge.index.embedder import make_embedder  # noqa: E402
from knowledge.settings import Settings  # noqa: E402
from knowledge.text.companies import Companies  # noqa: E402

SETS = {
    "dev": "advice_questions.tsv",
    "mine": "advice_dev.tsv",
    "train": "advice_train.tsv",
    "train2": "advice_train2.tsv",
    "unseen": "advice_unseen.tsv",
    "unseen2": "advice_unseen2.tsv",
    "unseen3": "advice_unseen3.tsv",
    "unseen4": "advice_unseen4.tsv",
}
# Sets never read: their misses are not printed.
HELD_OUT = {"unseen4"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--verbose", action="store_true", help="name the development set's misses")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        embedder = make_embedder(Settings(_env_file=None, data_dir=Path(scratch)))  # type: ignore[call-arg]
        detector = AdviceDetector(lambda: embedder)
        small_talk = SmallTalk(lambda: embedder)
        for label, name in SETS.items():
            rows = read(name, "advice")
            flagged = [detector.detect(question) for _, _, question in rows]
            # As answered: small talk ("ok cool", "are you a bot?") gets the help text before the check.
            read_as = [understand(question, language, Companies.default()) for _, language, question in rows]
            helped = [question.kind == "help" or small_talk.says(question) for question in read_as]
            for language in ("en", "de", ""):
                chosen = [i for i, row in enumerate(rows) if row[1] == language or not language]
                advice = [i for i in chosen if rows[i][0]]
                benign = [i for i in chosen if not rows[i][0]]
                missed = sum(not flagged[i] or helped[i] for i in advice)
                refused = sum(flagged[i] and not helped[i] for i in benign)
                alone = sum(flagged[i] for i in benign)
                print(
                    f"{label:6} {language or 'all':3}  advice recognised: {1 - missed / len(advice):6.1%} "
                    f"({missed} of {len(advice)} missed; goal >= 99 %)   benign refused: "
                    f"{refused / len(benign):5.1%} ({refused} of {len(benign)}; goal <= 1 %; "
                    f"taken for advice by the check alone: {alone})"
                )
            if args.verbose and label not in HELD_OUT:
                for i, (is_advice, _, question) in enumerate(rows):
                    if is_advice != flagged[i]:
                        print(f"  {'missed' if is_advice else 'refused'}: {question}")


if __name__ == "__main__":
    main()
