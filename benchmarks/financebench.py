"""Retrieval on real filings: FinanceBench-format questions against the project's own pipeline.

Ingests `PATH/pdfs` into a scratch DATA_DIR, asks every question of `PATH/questions.jsonl` (or of
`--questions FILE`, e.g. `benchmarks/data/financebench_fresh_questions.jsonl` for the fresh split), and
prints evidence-page recall@1/5/10, MRR@10 and document-level recall@5 (pages are 0-based PDF
page indices), next to a naive baseline over the same page texts: LangChain's
RecursiveCharacterTextSplitter (1000/200), the same embedding model, plain cosine top-k.

Then it asks for the offline answers and prints how often the answer cites an evidence page, and,
of the questions whose gold figure is printed on an evidence page, how often the answer's text
quotes that figure.

Per split it also reports: the answer cites an evidence document; answerable questions answered
"not covered"; unanswerable questions (no evidence) answered anyway. `--dump FILE` writes every
answer as JSON lines, to compare two builds question by question.

Run: `.venv/bin/python benchmarks/financebench.py ../shared/financebench-dev`
     `.venv/bin/python benchmarks/financebench.py ../shared/financebench-fresh \
          --questions benchmarks/data/financebench_fresh_questions.jsonl`
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from langchain_text_splitters import RecursiveCharacterTextSplitter  # noqa: E402

from benchmarks.grading import Amount, computed_correct, faults, gold_amount, shown_rows  # noqa: E402
from knowledge.index.embedder import Embedder  # noqa: E402
from knowledge.settings import Settings  # noqa: E402
from knowledge.sources.loader import load  # noqa: E402
from knowledge.sources.tree import discover  # noqa: E402
from knowledge.text.figures import figures  # noqa: E402
from knowledge.wiring.answering import Answering  # noqa: E402
from knowledge.wiring.local import Local  # noqa: E402

Ranked = list[tuple[str, int]]  # (document name, 0-based page), best first


@dataclass(frozen=True)
class Question:
    text: str
    evidence: frozenset[tuple[str, int]]
    gold: frozenset[float] = frozenset()  # the answer's figures, where an evidence page prints them
    id: str = ""
    amount: Amount | None = None  # the gold answer's number, when the answer is one
    numerical: bool = False  # the question's labels say it takes numerical reasoning (a computed metric)

    @property
    def documents(self) -> frozenset[str]:
        return frozenset(document for document, _ in self.evidence)


@dataclass(frozen=True)
class Scores:
    recall_1: float
    recall_5: float
    recall_10: float
    mrr_10: float
    doc_recall_5: float
    ms_per_question: float


# "The answer here assumes FY2023 refers to the 12 months ended on January 28, 2023 …": a note on
# the fiscal year that some gold answers carry; its "12" is not the answer's figure.
_ASSUMPTION = re.compile(r"The answer here assumes\b.*", re.DOTALL)


def questions(folder: Path, limit: int | None, file: Path | None = None) -> list[Question]:
    found = []
    pages = _PageTexts(folder / "pdfs")
    for line in (file or folder / "questions.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            evidence = frozenset((e["doc_name"], int(e["evidence_page_num"])) for e in row["evidence"])
            page_texts = [e.get("evidence_text_full_page") or pages.text(*key) for e in row["evidence"] for key in
                          [(e["doc_name"], int(e["evidence_page_num"]))]]  # fmt: skip
            printed = figures(" ".join(page_texts), skip_years=False)
            answer = _ASSUMPTION.sub("", str(row["answer"]))
            amount = gold_amount(answer, row["question"])
            gold, numerical = figures(answer) & printed, "numerical" in str(row.get("question_reasoning")).lower()
            found.append(Question(row["question"], evidence, gold, row["financebench_id"], amount, numerical))
    return found[:limit]


class _PageTexts:
    """Evidence pages read from the PDFs, for question sets that do not carry the page's text."""

    def __init__(self, pdfs: Path) -> None:
        self._pdfs = pdfs
        self._documents: dict[str, list[str]] = {}

    def text(self, document: str, page: int) -> str:
        if document not in self._documents:
            path = self._pdfs / f"{document}.pdf"
            self._documents[document] = [p.text for p in load(path).pages] if path.exists() else []
        texts = self._documents[document]
        return texts[page] if 0 <= page < len(texts) else ""


def score(asked: Sequence[Question], search: Callable[[str], Ranked]) -> Scores:
    recall = {1: 0, 5: 0, 10: 0}
    reciprocal, documents = 0.0, 0
    started = time.perf_counter()
    for question in asked:
        ranked = search(question.text)[:10]
        first = next((rank for rank, hit in enumerate(ranked, 1) if hit in question.evidence), None)
        for k in recall:
            recall[k] += first is not None and first <= k
        reciprocal += 1 / first if first else 0.0
        documents += any(document in question.documents for document, _ in ranked[:5])
    n = len(asked)
    elapsed = (time.perf_counter() - started) * 1000 / n
    return Scores(recall[1] / n, recall[5] / n, recall[10] / n, reciprocal / n, documents / n, elapsed)


class Baseline:
    """Naive RAG: 1000/200 character chunks of each page, the same embedder, cosine top-k."""

    def __init__(self, pdfs: Path, embedder: Embedder) -> None:
        splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
        self._keys: list[tuple[str, int]] = []
        texts: list[str] = []
        for path in discover(pdfs).files:
            for page in load(path).pages:
                for piece in splitter.split_text(page.text):
                    self._keys.append((path.stem, (page.number or 1) - 1))
                    texts.append(piece)
        self._embedder = embedder
        started = time.perf_counter()
        self._matrix = embedder.embed(texts)
        self.chunks, self.seconds = len(texts), time.perf_counter() - started

    def search(self, question: str) -> Ranked:
        similarities = self._matrix @ self._embedder.embed([question])[0]
        return [self._keys[index] for index in np.argsort(-similarities)[:10]]


def ours(answering: Answering) -> Callable[[str], Ranked]:
    def search(question: str) -> Ranked:
        found = answering.retrieve(question, top_k=10)
        return [(p.chunk.title, (p.chunk.page or 1) - 1) for p in found.passages]

    return search


@dataclass
class Graded:
    answerable: int = 0
    cited: int = 0  # the answer cites an evidence page
    documents: int = 0  # the answer cites an evidence document
    refused: int = 0  # answerable, answered "not covered"
    with_figure: int = 0
    quoted: int = 0
    unanswerable: int = 0
    answered: int = 0  # unanswerable, answered anyway
    numeric: int = 0  # answerable, the gold answer is one number
    computed: int = 0  # … and the answer computed a figure
    computed_correct: int = 0  # … which is the gold's, within rounding
    metrics: int = 0  # answerable, one-number gold, labelled numerical reasoning: a metric to compute
    metrics_correct: int = 0  # … computed correctly
    rows: int = 0  # rows the answers show (table rows and looked-up figures)
    rows_wrong: int = 0  # … under a wrong label, year or unit, or with a value the page lacks
    wrong_by: dict[str, int] = field(default_factory=dict)


def answers(answering: Answering, asked: Sequence[Question], pages: _PageTexts, dump: Path | None = None) -> Graded:
    """Ask every question and grade the offline answer against its evidence."""
    graded = Graded()
    lines = []
    for question in asked:
        answer = {"id": question.id, "question": question.text, **answering.ask(question.text).as_json()}
        lines.append(json.dumps(answer, ensure_ascii=False))
        grade(graded, question, answer, pages)
    if dump is not None:
        dump.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return graded


def grade(graded: Graded, question: Question, answer: dict[str, Any], pages: _PageTexts) -> None:
    """Add one answer (as `Answer.as_json()` gives it) to the grades."""
    text = str(answer["answer"])
    cited = {n["n"]: (n["title"], (n.get("page") or 1) - 1) for n in answer["citations"]}
    for row in shown_rows(text):
        graded.rows += 1
        page = " ".join(pages.text(*cited[mark]) for mark in row.marks if mark in cited)
        wrong = faults(row, page)
        graded.rows_wrong += bool(wrong)
        for kind in wrong:
            graded.wrong_by[kind] = graded.wrong_by.get(kind, 0) + 1
    if not question.evidence:
        graded.unanswerable += 1
        graded.answered += bool(answer["grounded"])
        return
    graded.answerable += 1
    keys = set(cited.values())
    graded.cited += bool(keys & question.evidence)
    graded.documents += bool({title for title, _ in keys} & question.documents)
    graded.refused += not answer["grounded"] and not answer["advice_request"]
    if question.gold:
        graded.with_figure += 1
        graded.quoted += bool(question.gold & figures(text, skip_years=False))
    if question.amount is not None:
        graded.numeric += 1
        correct = computed_correct(text, question.amount)
        graded.computed += correct is not None
        graded.computed_correct += bool(correct)
        graded.metrics += question.numerical
        graded.metrics_correct += question.numerical and bool(correct)


def graded_dump(dump: Path, asked: Sequence[Question], pages: _PageTexts) -> Graded:
    """Grade the answers a `--dump` wrote, without indexing or asking again."""
    by_id = {question.id: question for question in asked}
    graded = Graded()
    for line in dump.read_text(encoding="utf-8").splitlines():
        if line.strip():
            answer = json.loads(line)
            if answer["id"] in by_id:
                grade(graded, by_id[answer["id"]], answer, pages)
    return graded


def print_grades(g: Graded) -> None:
    n = max(1, g.answerable)
    print(f"\nevidence page cited by the answer: {g.cited / n:.2f}")
    print(f"evidence document cited by the answer: {g.documents / n:.2f}")
    print(f"answerable answered 'not covered': {g.refused / n:.2f} ({g.refused} of {g.answerable})")
    print(
        f"figure quoted (of {g.with_figure} questions whose figure an evidence page prints): "
        f"{g.quoted / max(1, g.with_figure):.2f}"
    )
    print(
        f"computed figure correct (within rounding): {g.computed_correct / max(1, g.computed):.2f} of the "
        f"{g.computed} answers that computed one, {g.computed_correct / max(1, g.numeric):.2f} of all "
        f"{g.numeric} questions whose gold is one number"
    )
    print(
        f"computable metrics correct (one-number golds labelled numerical reasoning): "
        f"{g.metrics_correct / max(1, g.metrics):.2f} ({g.metrics_correct} of {g.metrics})"
    )
    kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(g.wrong_by.items())) or "none"
    print(
        f"shown rows under a wrong label, year or unit (checked against the cited page): {g.rows_wrong} of "
        f"{g.rows} ({g.rows_wrong / max(1, g.rows):.2f}; by check: {kinds})"
    )
    if g.unanswerable:
        print(f"unanswerable answered anyway: {g.answered / g.unanswerable:.2f} ({g.answered} of {g.unanswerable})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", type=Path, help="a FinanceBench-format folder (questions.jsonl, pdfs/)")
    parser.add_argument("--data-dir", type=Path, help="scratch DATA_DIR (default benchmarks/out/<backend>)")
    parser.add_argument("--backend", default="onnx-int8", choices=("onnx-int8", "onnx", "torch"))
    parser.add_argument("--limit", type=int, help="ask only the first N questions")
    parser.add_argument("--questions", type=Path, help="a questions file (default PATH/questions.jsonl)")
    parser.add_argument("--dump", type=Path, help="write every answer as one JSON line to this file")
    parser.add_argument("--no-baseline", action="store_true", help="skip the naive baseline")
    parser.add_argument("--chroma-server", action="store_true", help="keep the vectors in a `chroma run` server")
    parser.add_argument("--grade", type=Path, help="grade the answers a --dump wrote (no indexing, no asking)")
    args = parser.parse_args()
    if args.grade is not None:
        asked = questions(args.path, args.limit, args.questions)
        print_grades(graded_dump(args.grade, asked, _PageTexts(args.path / "pdfs")))
        return
    with contextlib.ExitStack() as stack:
        chroma_url = ""
        if args.chroma_server:
            from tests.servers import chroma_server

            folder = ROOT / "benchmarks" / "out" / "financebench-chroma"  # kept, like the catalog beside it
            folder.mkdir(parents=True, exist_ok=True)
            chroma_url = stack.enter_context(chroma_server(folder / "chroma"))
            print(f"vectors in a Chroma server at {chroma_url}")
        run(args, chroma_url)


def run(args: argparse.Namespace, chroma_url: str) -> None:

    suffix = "-server" if chroma_url else ""
    split = args.path.resolve().name.removeprefix("financebench-")
    data_dir = args.data_dir or ROOT / "benchmarks" / "out" / f"financebench-{split}-{args.backend}{suffix}"
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, data_dir=data_dir, embedding_backend=args.backend, chroma_url=chroma_url
    )
    local = Local(settings)
    pdfs = args.path / "pdfs"
    if local.indexing.is_empty():
        started = time.perf_counter()
        report = local.indexing.librarian.ingest([pdfs])
        seconds = time.perf_counter() - started
        print(
            f"ingested {report.documents_added} PDFs, {report.chunks_embedded} chunks in {seconds:.1f} s: "
            f"{report.chunks_embedded / seconds:.1f} chunks/s end to end ({len(report.errors)} errors)"
        )
    else:
        print(f"reusing the index in {data_dir} ({local.answering.store.count()} chunks)")
    asked = questions(args.path, args.limit, args.questions)
    answerable = [question for question in asked if question.evidence]
    local.answering.retrieve(asked[0].text)  # builds the keyword index, as the bot does at start
    results = {"investorbot": score(answerable, ours(local.answering))}
    if not args.no_baseline:
        baseline = Baseline(pdfs, local.core.embedder)
        print(f"baseline: {baseline.chunks} chunks embedded in {baseline.seconds:.1f} s")
        results["naive baseline"] = score(answerable, baseline.search)
    print(f"\n{len(answerable)} answerable questions, embedding backend {args.backend}")
    print(f"{'':16}{'R@1':>7}{'R@5':>7}{'R@10':>7}{'MRR@10':>8}{'docR@5':>8}{'ms/q':>8}")
    for name, s in results.items():
        print(
            f"{name:16}{s.recall_1:7.2f}{s.recall_5:7.2f}{s.recall_10:7.2f}{s.mrr_10:8.2f}"
            f"{s.doc_recall_5:8.2f}{s.ms_per_question:8.1f}"
        )
    if "naive baseline" in results and results["naive baseline"].recall_5:
        print(f"recall@5 ratio: {results['investorbot'].recall_5 / results['naive baseline'].recall_5:.1f}x")
    print_grades(answers(local.answering, asked, _PageTexts(pdfs), args.dump))
    local.close()


if __name__ == "__main__":
    main()
