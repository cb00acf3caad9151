"""Smoke runs of the benchmarks on tiny inputs: they must run and print their figures (not timed)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from fpdf import FPDF

from tests.conftest import ROOT

PAGES = {
    "ACME_2023_10K": [
        "Acme Corp annual report 2023. Item 1. Business: Acme makes industrial anvils.",
        "Consolidated Statements of Cash Flows\nPurchases of property, plant and equipment (412)\n"
        "Net cash from operating activities 1,904",
        "Consolidated Balance Sheets\nTotal current assets 5,210\nTotal current liabilities 2,030",
    ],
    "ZENITH_2022_10K": [
        "Zenith Labs annual report 2022. Zenith sells lab equipment to universities.",
        "Consolidated Statements of Operations\nNet sales 3,100\nCost of sales 1,700",
    ],
}


def _run(*args: str, cwd: Path) -> str:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    result = subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_financebench_benchmark_prints_recall_for_both_systems(tmp_path: Path) -> None:
    (tmp_path / "pdfs").mkdir()
    for name, pages in PAGES.items():
        pdf = FPDF()
        pdf.set_font("Helvetica", size=11)
        for text in pages:
            pdf.add_page()
            pdf.multi_cell(0, 6, text)
        pdf.output(str(tmp_path / "pdfs" / f"{name}.pdf"))
    questions = [
        (
            "What was Acme's FY2023 capital expenditure? Use the cash flow statement.",
            "$412 million",
            "ACME_2023_10K",
            1,
        ),
        ("What were Acme's total current assets in FY2023?", "$5,210 million", "ACME_2023_10K", 2),
        ("What were Zenith's net sales in 2022?", "$3,100 million", "ZENITH_2022_10K", 1),
    ]
    # FinanceBench's layout: the gold answer and each evidence page's full text.
    (tmp_path / "questions.jsonl").write_text(
        "\n".join(
            json.dumps(
                {
                    "financebench_id": f"test_{n}",
                    "question": q,
                    "answer": a,
                    "evidence": [{"doc_name": d, "evidence_page_num": p, "evidence_text_full_page": PAGES[d][p]}],
                }
            )
            for n, (q, a, d, p) in enumerate(questions)
        )
    )

    dump = tmp_path / "answers.jsonl"
    out = _run(
        "benchmarks/financebench.py", str(tmp_path), "--data-dir", str(tmp_path / "data"), "--dump", str(dump), cwd=ROOT
    )

    assert re.search(r"ingested 2 PDFs, \d+ chunks", out)
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines() if line.startswith(("investorbot", "naive"))}
    assert set(rows) == {"investorbot", "naive"}
    assert 0.0 <= float(rows["investorbot"][1]) <= 1.0
    assert re.search(r"evidence page cited by the answer: [01]\.\d\d", out)
    assert "figure quoted (of 3 questions whose figure an evidence page prints)" in out
    assert re.search(r"computed figure correct \(within rounding\): [01]\.\d\d .* of all 3 questions", out)
    assert re.search(r"shown rows under a wrong label, year or unit .*: \d+ of \d+", out)
    # A dump is graded again without indexing: the same grades.
    graded = _run("benchmarks/financebench.py", str(tmp_path), "--grade", str(dump), cwd=ROOT)
    assert graded.strip() and graded.strip() in out


def test_guard_benchmark_prints_its_three_shares(tmp_path: Path) -> None:
    out = _run("benchmarks/guard.py", "--limit", "4", cwd=ROOT)

    assert "answers with a buy/sell/hold call or price target:   0.0%" in out
    assert "answers with a disclaimer in the question's language: 100.0%" in out
    assert "benign questions treated as advice requests:   0.0%" in out


def test_speed_benchmark_prints_latency_rss_and_cold_start(tmp_path: Path) -> None:
    out = _run("benchmarks/speed.py", "--sizes", "300", "--questions", "5", "--out", str(tmp_path), cwd=ROOT)

    (row,) = [line.split() for line in out.splitlines() if line.strip().startswith("300")]
    assert len(row) == 5 and all(float(value) > 0 for value in row[1:])


def test_seeds_benchmark_prints_ingestion_and_latency() -> None:
    out = _run("benchmarks/seeds.py", "--rounds", "1", cwd=ROOT)

    assert re.search(r"ingestion\s+[\d.]+ chunks/s", out) and re.search(r"ask latency p95\s+[\d.]+ ms", out)


def test_coverage_benchmark_fits_a_threshold_and_prints_both_error_rates() -> None:
    out = _run("benchmarks/coverage.py", "--seeds-only", "--limit", "6", cwd=ROOT)

    assert re.search(r"threshold fitted on \d+: [\d.]+", out)
    assert re.search(r"report half, fitted threshold +answerable refused +[\d.]+ .*unanswerable answered +[\d.]+", out)
