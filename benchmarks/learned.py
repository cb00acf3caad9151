"""k-fold cross-validation of the learned checks on visible data only: the sentence policy
(knowledge/text/policy.py) and the advice check (knowledge/answer/understand/advice.py), each with
its former nearest-neighbour vote and with the logistic regression that replaced it, on the same folds.

Policy data: the policy's examples in the language files and solicitations_{bank,dev,train}.tsv;
advice data: advice_examples.json and advice_{questions,dev,train}.tsv. Texts that are the same once
spaced (and, for questions, once names are masked) share a fold, so no text is scored by a model
that saw it. The *_unseen*.tsv sets are never read here.

Prints, per method and language, the solicitations (advice requests) caught and the neutral
(benign) texts flagged, both out-of-fold; `--filings` also counts the sentences of real filings
(FinanceBench PDFs, cleaned as indexed) each method would drop.

Run: `.venv/bin/python benchmarks/learned.py [--folds 5] [--filings /work/shared/financebench-dev/pdfs --limit 4]`
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.model_selection import StratifiedGroupKFold

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import labelled  # noqa: E402
from benchmarks.labelled import Row  # noqa: E402
from knowledge.answer.understand import advice  # noqa: E402
from knowledge.index.embedder import Embedder, make_embedder  # noqa: E402
from knowledge.settings import Settings  # noqa: E402
from knowledge.text import policy, sentences  # noqa: E402
from knowledge.text.classifier import Classifier, Features  # noqa: E402
from knowledge.text.companies import Companies  # noqa: E402
from knowledge.text.language import detect  # noqa: E402
from knowledge.text.wording import entries, languages, table  # noqa: E402

# The former nearest-neighbour votes (neighbours, the similarity below which a text is like no
# example, threshold), as they were before the regression replaced them.
POLICY_KNN = (7, 0.5, 0.8)
ADVICE_KNN = (5, 0.55, 0.66)


def policy_rows() -> list[Row]:
    rows = [
        row for name in ("bank", "dev", "train") for row in labelled.read(f"solicitations_{name}.tsv", "solicitation")
    ]
    for language in languages():
        if table("policy", language):
            for key in ("solicitation", "neutral"):
                rows += [(key == "solicitation", language, text) for text in entries("policy.examples", key, language)]
    return _unique(rows, lambda text: " ".join(text.split()))


def advice_rows(companies: Companies) -> list[Row]:
    bank = json.loads((advice._BANK).read_text(encoding="utf-8"))
    rows = [(key == "advice", detect(text), text) for key in ("advice", "benign") for text in bank[key]]
    rows += [row for name in ("questions", "dev", "train") for row in labelled.read(f"advice_{name}.tsv", "advice")]
    return _unique(rows, lambda text: advice.masked(text, companies).lower())


def _unique(rows: list[Row], key: Callable[[str], str]) -> list[Row]:
    seen: dict[str, Row] = {}
    for row in rows:
        seen.setdefault(key(row[2]), row)
    return list(seen.values())


def knn(queries: np.ndarray, bank: np.ndarray, labels: np.ndarray, neighbours: int, close: float) -> np.ndarray:
    """The former vote: the similarity-weighted share of positives among the nearest examples."""
    scores = []
    for row in queries @ bank.T:
        nearest = np.argsort(-row)[:neighbours]
        weights = np.clip(row[nearest], 0.0, None) ** 4
        ok = row[nearest[0]] >= close and weights.sum() > 0
        scores.append(float((weights * labels[nearest]).sum() / weights.sum()) if ok else 0.0)
    return np.asarray(scores)


@dataclass(frozen=True)
class Labelled:
    """One check's visible data: texts as the check reads them, their vectors, labels and fold groups."""

    rows: list[Row]
    texts: list[str]
    vectors: np.ndarray
    labels: np.ndarray

    def groups(self) -> list[str]:
        return [" ".join(text.split()).lower() for text in self.texts]


def out_of_fold(
    data: Labelled, folds: int, features: Features, knn_args: tuple[int, float]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each text's nearest-neighbour, regression and n-grams-only regression scores, from models
    fitted on the other folds."""
    by_knn, by_lr, by_grams = (np.zeros(len(data.texts)) for _ in range(3))
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=0)
    nothing = np.zeros_like(data.vectors)
    for train, test in splitter.split(data.vectors, data.labels, data.groups()):
        by_knn[test] = knn(data.vectors[test], data.vectors[train], data.labels[train], *knn_args)
        chosen, labels = [data.texts[i] for i in train], data.labels[train].astype(bool).tolist()
        tested = [data.texts[i] for i in test]
        model = Classifier.fit(chosen, data.vectors[train], labels, features)
        by_lr[test] = model.scores(tested, data.vectors[test])
        grams = Classifier.fit(chosen, nothing[train], labels, policy.GATE_FEATURES)
        by_grams[test] = grams.scores(tested, nothing[test])
    return by_knn, by_lr, by_grams


def report(name: str, rows: Sequence[Row], verdicts: Sequence[bool], what: tuple[str, str]) -> None:
    for language in ("en", "de", ""):
        chosen = [i for i, row in enumerate(rows) if row[1] == language or not language]
        good = [i for i in chosen if rows[i][0]]
        bad = [i for i in chosen if not rows[i][0]]
        missed = sum(not verdicts[i] for i in good)
        flagged = sum(verdicts[i] for i in bad)
        print(
            f"  {name:34} {language or 'all':3} {what[0]} caught {1 - missed / len(good):6.1%} "
            f"({missed:3} of {len(good):3} missed)  {what[1]} flagged"
            f" {flagged / len(bad):5.1%} ({flagged} of {len(bad)})"
        )


GATES = (0.2, 0.3, 0.4, 0.5)  # the n-grams-only reading's bars tried as a gate beside the cues
# Feature variants tried with --sweep (each against the checks' own FEATURES).
VARIANTS = {
    "embedding only": Features(grams_scale=0.0),
    "n-grams only": Features(embedding_scale=0.0),
    "embedding x2": Features(embedding_scale=2.0),
    "embedding x0.5": Features(embedding_scale=0.5),
    "C=1": Features(strength=1.0),
    "C=16": Features(strength=16.0),
    "n-grams 1-4": Features(shortest=1, longest=4),
    "n-grams 3-6": Features(shortest=3, longest=6),
}


def _embedded(rows: list[Row], texts: list[str], embedder: Embedder) -> Labelled:
    labels = np.array([float(positive) for positive, _, _ in rows])
    return Labelled(rows, texts, embedder.embed(texts), labels)


def run_policy(embedder: Embedder, folds: int, thresholds: Sequence[float], sweep: bool) -> None:
    rows = policy_rows()
    data = _embedded(rows, [text for _, _, text in rows], embedder)
    patterns = [bool(policy.breach(text)) for text in data.texts]
    cued = [policy.cued(text) for text in data.texts]
    print(f"sentence policy: {len(rows)} visible sentences, {folds}-fold, grouped by text")
    what = ("solicitations", "neutral")

    def decided(scores: np.ndarray, threshold: float, gate: np.ndarray | None = None) -> list[bool]:
        looked = cued if gate is None else [c or g for c, g in zip(cued, gate, strict=True)]
        return [p or (c and s >= threshold) for p, c, s in zip(patterns, looked, scores, strict=True)]

    fresh = {text for _, _, text in labelled.read("solicitations_train.tsv", "solicitation")}
    for name, features in {"": policy.FEATURES, **(VARIANTS if sweep else {})}.items():
        by_knn, by_lr, by_grams = out_of_fold(data, folds, features, POLICY_KNN[:2])
        if not name:
            report("patterns", rows, patterns, what)
            report(f"patterns + neighbours >= {POLICY_KNN[2]}", rows, decided(by_knn, POLICY_KNN[2]), what)
        for threshold in thresholds:
            report(f"{name or 'patterns'} + regression >= {threshold}", rows, decided(by_lr, threshold), what)
            if name:
                continue
            for gate in GATES:
                passed = by_grams >= gate
                share = np.mean([cued[i] or passed[i] for i, row in enumerate(rows) if not row[0]])
                report(f"  cued or n-grams >= {gate} ({share:.0%} read)", rows, decided(by_lr, threshold, passed), what)
        if not name:
            print("  the new training set alone (solicitations_train.tsv), out of fold:")
            mine = [i for i, text in enumerate(data.texts) if text in fresh]
            pick = [rows[i] for i in mine]
            report("    patterns", pick, [patterns[i] for i in mine], what)
            report(
                f"    + neighbours >= {POLICY_KNN[2]}", pick, [decided(by_knn, POLICY_KNN[2])[i] for i in mine], what
            )
            for threshold in thresholds:
                verdicts = decided(by_lr, threshold, by_grams >= policy.GATE)
                report(f"    + regression >= {threshold}, gate {policy.GATE}", pick, [verdicts[i] for i in mine], what)


def run_advice(embedder: Embedder, folds: int, thresholds: Sequence[float], sweep: bool) -> None:
    companies = Companies.default()
    rows = advice_rows(companies)
    data = _embedded(rows, [advice.masked(text, companies) for _, _, text in rows], embedder)
    defined = [advice.is_definition(text) for text in data.texts]
    patterns = [not d and advice.is_advice_request(text) for d, text in zip(defined, data.texts, strict=True)]
    moved = [advice._explains_a_move(text) for text in data.texts]
    print(f"advice check: {len(rows)} visible questions, {folds}-fold, grouped by masked text")
    what = ("advice", "benign")

    def decided(scores: np.ndarray, threshold: float) -> list[bool]:
        return [
            p or (not d and not m and s >= threshold)
            for p, d, m, s in zip(patterns, defined, moved, scores, strict=True)
        ]

    for name, features in {"": advice.FEATURES, **(VARIANTS if sweep else {})}.items():
        by_knn, by_lr, _ = out_of_fold(data, folds, features, ADVICE_KNN[:2])
        if not name:
            report("patterns", rows, patterns, what)
            report(f"patterns + neighbours >= {ADVICE_KNN[2]}", rows, decided(by_knn, ADVICE_KNN[2]), what)
        for threshold in thresholds:
            report(f"{name or 'patterns'} + regression >= {threshold}", rows, decided(by_lr, threshold), what)
        if name:
            continue
        for subset in ("dev", "train"):
            print(f"  advice_{subset}.tsv alone, out of fold:")
            inside = {
                advice.masked(text, companies).lower() for _, _, text in labelled.read(f"advice_{subset}.tsv", "advice")
            }
            mine = [i for i, text in enumerate(data.texts) if text.lower() in inside]
            pick = [rows[i] for i in mine]
            report(
                f"    + neighbours >= {ADVICE_KNN[2]}", pick, [decided(by_knn, ADVICE_KNN[2])[i] for i in mine], what
            )
            for threshold in thresholds:
                report(f"    + regression >= {threshold}", pick, [decided(by_lr, threshold)[i] for i in mine], what)


def run_filings(embedder: Embedder, folder: Path, limit: int) -> None:
    """How many sentences of real filings (cleaned as indexed) each method drops: all are neutral."""
    from knowledge.index.chunker import _blocks
    from knowledge.index.cleaner import clean
    from knowledge.sources.loader import load

    pdfs = sorted(folder.glob("*.pdf"))
    paths = pdfs[:: max(1, len(pdfs) // limit)][:limit]
    found: list[str] = []
    for path in paths:
        for page in load(path).pages:
            for block in _blocks(page.text):
                found += [s for s in sentences.split(" ".join(clean(block).split())) if len(s.split()) >= 4]
    left = [s for s in found if not policy.breach(s)]
    cued = [s for s in left if policy.cued(s)]
    checker = policy.Policy(lambda: embedder)
    checker.scores(["Warm-up: the regression is fitted once."])
    start = time.perf_counter()
    read = [s for s, looked in zip(left, checker.read(left), strict=True) if looked]
    gated = time.perf_counter()
    vectors = embedder.embed(read)
    embedded = time.perf_counter()
    scores = checker._classifier.scores(read, vectors)
    scored = time.perf_counter()
    # The former vote (cued sentences only), with the examples it had: those of
    # solicitations_train.tsv came with the regression.
    new = {text for _, _, text in labelled.read("solicitations_train.tsv", "solicitation")}
    bad, good = ([t for t in texts if t not in new] for texts in policy.examples())
    bank, labels = embedder.embed(bad + good), np.array([1.0] * len(bad) + [0.0] * len(good))
    former = knn(embedder.embed(cued), bank, labels, *POLICY_KNN[:2])
    print(f"filings: {', '.join(p.name for p in paths)}: {len(found)} sentences of 4 words or more")
    print(f"  patterns drop {len(found) - len(left)}; of the rest, {len(cued)} have a cue")
    print(
        f"  the former neighbours >= {POLICY_KNN[2]} (cued sentences) would drop {int((former >= POLICY_KNN[2]).sum())}"
    )
    dropped = int((scores >= policy.THRESHOLD).sum())
    print(f"  the regression reads {len(read)} (cue or wording >= {policy.GATE}) and drops {dropped}")
    gate = (gated - start) / max(1, len(left)) * 1e6
    embedding = (embedded - gated) / max(1, len(read)) * 1000
    regression = (scored - embedded) / max(1, len(read)) * 1000
    print(f"  per sentence: wording gate {gate:.0f} µs, embedding {embedding:.2f} ms, regression {regression:.3f} ms")
    for sentence, score in sorted(zip(read, scores, strict=True), key=lambda pair: -pair[1])[:12]:
        print(f"    {score:.2f} {sentence[:150]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--only", choices=("policy", "advice", "filings"))
    parser.add_argument("--thresholds", type=float, nargs="*", default=[0.5, 0.6, 0.7, 0.8])
    parser.add_argument("--filings", type=Path, help="a folder of filing PDFs")
    parser.add_argument("--limit", type=int, default=4)
    parser.add_argument("--sweep", action="store_true", help="also try the feature variants")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        embedder = make_embedder(Settings(_env_file=None, data_dir=Path(scratch)))  # type: ignore[call-arg]
        if args.only in (None, "policy"):
            run_policy(embedder, args.folds, args.thresholds, args.sweep)
        if args.only in (None, "advice"):
            run_advice(embedder, args.folds, args.thresholds, args.sweep)
        if args.filings is not None and args.only in (None, "filings"):
            run_filings(embedder, args.filings, args.limit)


if __name__ == "__main__":
    main()
