"""Retrieval on real filings: FinanceBench-format questions against the project's own pipeline.

Ingests `PATH/pdfs` into a scratch DATA_DIR, asks every question of `PATH/questions.jsonl`, and
prints evidence-page recall@1/5/10, MRR@10 and document-level recall@5 (pages are 0-based PDF
page indices), next to a naive baseline over the same page texts: LangChain's
RecursiveCharacterTextSplitter (1000/200), the same embedding model, plain cosine top-k.

Then it asks for the offline answers and prints how often the answer cites an evidence page, and,
of the questions whose gold figure is printed on an evidence page, how often the answer's text
quotes that figure.

Run: `.venv/bin/python benchmarks/financebench.py ../shared/financebench-dev`
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from langchain_text_splitters import RecursiveCharacterTextSplitter  # noqa: E402

from knowledge.engine import Engine  # noqa: E402
from knowledge.index.embedder import Embedder  # noqa: E402
from knowledge.settings import Settings  # noqa: E402
from knowledge.sources.loader import load  # noqa: E402
from knowledge.sources.tree import discover  # noqa: E402
from knowledge.text.figures import figures  # noqa: E402

Ranked = list[tuple[str, int]]  # (document name, 0-based page), best first


@dataclass(frozen=True)
class Question:
    text: str
    evidence: frozenset[tuple[str, int]]
    gold: frozenset[float] = frozenset()  # the answer's figures, where an evidence page prints them

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


def questions(folder: Path, limit: int | None) -> list[Question]:
    found = []
    for line in (folder / "questions.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            evidence = frozenset((e["doc_name"], int(e["evidence_page_num"])) for e in row["evidence"])
            printed = figures(" ".join(e.get("evidence_text_full_page", "") for e in row["evidence"]), skip_years=False)
            answer = _ASSUMPTION.sub("", str(row["answer"]))
            found.append(Question(row["question"], evidence, figures(answer) & printed))
    return found[:limit]


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


def ours(engine: Engine) -> Callable[[str], Ranked]:
    def search(question: str) -> Ranked:
        found = engine.retrieve(question, top_k=10)
        return [(p.chunk.title, (p.chunk.page or 1) - 1) for p in found.passages]

    return search


def answers(engine: Engine, asked: Sequence[Question]) -> tuple[float, float, int]:
    """(share of answers citing an evidence page, share quoting the gold figure, questions with one)."""
    cited = quoted = with_figure = 0
    for question in asked:
        answer = engine.ask(question.text)
        pages = {(c.title, (c.page or 1) - 1) for c in answer.citations}
        cited += bool(pages & question.evidence)
        if question.gold:
            with_figure += 1
            quoted += bool(question.gold & figures(answer.text, skip_years=False))
    return cited / len(asked), quoted / max(1, with_figure), with_figure


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", type=Path, help="a FinanceBench-format folder (questions.jsonl, pdfs/)")
    parser.add_argument("--data-dir", type=Path, help="scratch DATA_DIR (default benchmarks/out/<backend>)")
    parser.add_argument("--backend", default="onnx-int8", choices=("onnx-int8", "onnx", "torch"))
    parser.add_argument("--limit", type=int, help="ask only the first N questions")
    parser.add_argument("--no-baseline", action="store_true", help="skip the naive baseline")
    parser.add_argument("--chroma-server", action="store_true", help="keep the vectors in a `chroma run` server")
    args = parser.parse_args()
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
    data_dir = args.data_dir or ROOT / "benchmarks" / "out" / f"financebench-{args.backend}{suffix}"
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, data_dir=data_dir, embedding_backend=args.backend, chroma_url=chroma_url
    )
    engine = Engine(settings)
    pdfs = args.path / "pdfs"
    if engine.is_empty():
        started = time.perf_counter()
        report = engine.ingest([pdfs])
        seconds = time.perf_counter() - started
        print(
            f"ingested {report.documents_added} PDFs, {report.chunks_embedded} chunks in {seconds:.1f} s: "
            f"{report.chunks_embedded / seconds:.1f} chunks/s end to end ({len(report.errors)} errors)"
        )
    else:
        print(f"reusing the index in {data_dir} ({engine.store.count()} chunks)")
    asked = questions(args.path, args.limit)
    engine.retrieve(asked[0].text)  # builds the keyword index, as the bot does at start
    results = {"investorbot": score(asked, ours(engine))}
    if not args.no_baseline:
        baseline = Baseline(pdfs, engine.embedder)
        print(f"baseline: {baseline.chunks} chunks embedded in {baseline.seconds:.1f} s")
        results["naive baseline"] = score(asked, baseline.search)
    print(f"\n{len(asked)} questions, embedding backend {args.backend}")
    print(f"{'':16}{'R@1':>7}{'R@5':>7}{'R@10':>7}{'MRR@10':>8}{'docR@5':>8}{'ms/q':>8}")
    for name, s in results.items():
        print(
            f"{name:16}{s.recall_1:7.2f}{s.recall_5:7.2f}{s.recall_10:7.2f}{s.mrr_10:8.2f}"
            f"{s.doc_recall_5:8.2f}{s.ms_per_question:8.1f}"
        )
    if "naive baseline" in results and results["naive baseline"].recall_5:
        print(f"recall@5 ratio: {results['investorbot'].recall_5 / results['naive baseline'].recall_5:.1f}x")
    cited, quoted, with_figure = answers(engine, asked)
    print(f"\nevidence page cited by the answer: {cited:.2f}")
    print(f"figure quoted (of {with_figure} questions whose figure an evidence page prints): {quoted:.2f}")
    engine.close()


if __name__ == "__main__":
    main()
