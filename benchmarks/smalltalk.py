"""The small-talk reading (knowledge/answer/understand/smalltalk.py) on labelled messages, alone.

Prints the share of small talk answered with the help text and the share of real questions taken for
small talk (each of those loses its answer): out of fold on the reading's own examples (5 folds,
with the gates the bot applies, per threshold), then, fitted on all of them, on `chat_unseen.tsv`
(written with the examples by a helper that saw no code, held out: measured, never tuned on, its
misses never printed) and on the questions of the advice sets (labelled advice or benign, so a few
of their benign ones, "ok cool" or "bye", are small talk: their figure is an upper bound). Held-out
messages are read twice: opening a chat, and after a question about a company (a short one is then
a follow-up about it). "Phrases" is the language files' greetings and help requests alone, as
before the reading.

Run: `.venv/bin/python benchmarks/smalltalk.py`
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import numpy as np
from sklearn.model_selection import StratifiedGroupKFold

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.labelled import Row, read  # noqa: E402
from knowledge.answer.understand import smalltalk  # noqa: E402
from knowledge.answer.understand.advice import masked  # noqa: E402
from knowledge.answer.understand.followup import Context, resolve  # noqa: E402
from knowledge.answer.understand.question import Question, understand  # noqa: E402
from knowledge.index.embedder import make_embedder  # noqa: E402
from knowledge.settings import Settings  # noqa: E402
from knowledge.text.classifier import Classifier  # noqa: E402
from knowledge.text.companies import Companies  # noqa: E402

QUESTIONS = ("advice_questions.tsv", "advice_dev.tsv", "advice_train2.tsv", "advice_unseen4.tsv")
BARS = (0.7, 0.8, 0.85, 0.9)


def examples() -> list[Row]:
    bank = json.loads(smalltalk._EXAMPLES.read_text(encoding="utf-8"))
    return [(kind == "chat", "", text) for kind in ("chat", "question") for text in bank[kind]]


def line(name: str, rows: list[Row], helped: list[bool]) -> None:
    chat = [h for h, row in zip(helped, rows, strict=True) if row[0]]
    asked = [h for h, row in zip(helped, rows, strict=True) if not row[0]]
    told = f"small talk helped {sum(chat) / len(chat):6.1%} ({sum(chat)} of {len(chat)})  " if chat else ""
    taken = f"{sum(asked) / len(asked):5.1%} ({sum(asked)} of {len(asked)})"
    print(f"  {name:32} {told}questions taken for small talk {taken}")


def main() -> None:
    companies = Companies.default()
    with tempfile.TemporaryDirectory() as scratch:
        settings = Settings(_env_file=None, data_dir=Path(scratch))  # type: ignore[call-arg]
        embedder = make_embedder(settings)
        reading = smalltalk.SmallTalk(lambda: embedder, companies, settings.models_dir)

        def read_as(row: Row, context: Context | None = None) -> Question:
            resolved = resolve(row[2], context, companies)
            return understand(resolved.text, row[1] or "en", companies, resolved.tickers)

        rows = examples()
        texts = [masked(text, companies) for _, _, text in rows]
        vectors, labels = embedder.embed(texts), np.array([row[0] for row in rows])
        scores = np.zeros(len(rows))
        folds = StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=0)
        for train, test in folds.split(vectors, labels, [text.lower() for text in texts]):
            model = Classifier.fit(
                [texts[i] for i in train], vectors[train], labels[train].tolist(), smalltalk.FEATURES
            )
            scores[test] = model.scores([texts[i] for i in test], vectors[test])
        questions = [read_as(row) for row in rows]
        print("examples, out of fold:")
        line("phrases", rows, [q.kind == "help" for q in questions])
        helps = [q.kind == "help" for q in questions]
        judged = [reading.readable(q) is not None for q in questions]
        for bar in BARS:
            helped = [h or (read and bool(s >= bar)) for h, read, s in zip(helps, judged, scores, strict=True)]
            line(f"phrases + reading >= {bar}", rows, helped)
        print(f"fitted on all examples, bar {smalltalk.THRESHOLD}:")
        for name in ("chat_unseen.tsv", *QUESTIONS):
            labelled = read(name, "chat")
            read_rows = [read_as(row) for row in labelled]
            line(f"{name} phrases", labelled, [q.kind == "help" for q in read_rows])
            line(f"{name} + reading", labelled, [q.kind == "help" or reading.says(q) for q in read_rows])
        labelled = read("chat_unseen.tsv", "chat")
        after = [read_as(row, Context(("BABA",), "Why is Alibaba down?", row[1])) for row in labelled]
        line("chat_unseen.tsv, follow-ups", labelled, [q.kind == "help" or reading.says(q) for q in after])


if __name__ == "__main__":
    main()
