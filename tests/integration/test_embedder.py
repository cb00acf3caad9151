"""The ONNX int8 embedder against sentence-transformers on torch: same model, nearly the same vectors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from knowledge.index.embedder import Embedder, SentenceEmbedder
from knowledge.index.quantizer import cpu_profile
from tests.conftest import ROOT, SEEDS

TEXTS = [
    "Why is Alibaba down?",
    "Warum fällt die Alibaba-Aktie?",
    *(path.read_text(encoding="utf-8")[:1500] for path in sorted(SEEDS.iterdir())[:8]),
    "short",
    "word " * 600,  # longer than the model's 256 tokens: truncated the same way
]


def test_int8_onnx_matches_torch_and_is_exported_once(embedder: Embedder, tmp_path: Path) -> None:
    reference = SentenceEmbedder()

    quantized, exact = embedder.embed(TEXTS), reference.embed(TEXTS)

    cosines = (quantized * exact).sum(axis=1)
    assert cosines.min() >= 0.97, cosines
    assert np.allclose(np.linalg.norm(quantized, axis=1), 1.0, atol=1e-4)
    assert f"int8-{cpu_profile()}" in embedder.name
    # Similarities to a question agree closely, and so do the nearest passages. Passages whose exact
    # similarities lie within the tolerance of each other may swap places (the int8 kernels differ
    # by CPU: on one machine the third and fourth swapped, 0.002 apart), so the test is that int8's
    # top three are all among the exact top passages up to that tolerance, the exact best among them.
    near, truth = quantized[2:10] @ quantized[0], exact[2:10] @ exact[0]
    tolerance = 0.03
    assert np.abs(near - truth).max() < tolerance
    top = np.argsort(-near)[:3]
    assert truth[top].min() >= np.sort(truth)[-3] - tolerance, (near, truth)
    assert np.argmax(truth) in top


def test_batch_order_does_not_change_vectors(embedder: Embedder) -> None:
    together = embedder.embed(TEXTS)
    alone = np.vstack([embedder.embed([text]) for text in TEXTS])

    assert np.allclose(together, alone, atol=2e-3)


@pytest.mark.skipif(cpu_profile() != "x86", reason="the recorded vectors are the x86 profile's")
def test_every_x86_cpu_computes_the_recorded_vectors(embedder: Embedder) -> None:
    # Recorded on an Intel Xeon with AVX-512 VNNI. With 7-bit weights the int8 products are exact
    # on AVX2 as well, so an AVX2-only CPU must agree; the two instruction sets' former profiles
    # (8-bit weights on VNNI) differed at a cosine of about 0.99, which moved answers.
    recorded = json.loads((ROOT / "tests/fixtures/embedding/x86.json").read_text(encoding="utf-8"))

    vectors = embedder.embed(recorded["texts"])

    cosines = (vectors * np.asarray(recorded["vectors"], dtype=np.float32)).sum(axis=1)
    assert cosines.min() >= 0.999, cosines
