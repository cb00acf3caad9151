"""Exporting and quantising the model once per machine, also when processes start together."""

from __future__ import annotations

import fcntl
import subprocess
import sys
import time
from pathlib import Path

from transformers import BertConfig, BertModel

from tests.conftest import ROOT

# A child that loads everything first, says so, then asks for the int8 model.
_CHILD = """
import sys
from pathlib import Path
import onnxruntime.quantization, torch.onnx
from transformers import AutoModel, BertModel
from knowledge.index.quantizer import quantize
print("ready", flush=True)
print(quantize(Path(sys.argv[1]), Path(sys.argv[2]), "x86"), flush=True)
"""


def _tiny_model(folder: Path) -> Path:
    """A one-layer BERT with random weights: exported and quantised in well under a second."""
    config = BertConfig(vocab_size=64, hidden_size=8, num_hidden_layers=1, num_attention_heads=2, intermediate_size=16)
    BertModel(config).save_pretrained(folder)
    return folder


def test_a_process_waits_while_another_quantises_and_then_takes_its_file(tmp_path: Path) -> None:
    model, cache = _tiny_model(tmp_path / "tiny"), tmp_path / "cache"
    cache.mkdir()
    # This test plays the process that is quantising: it holds the folder's lock.
    with (cache / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        child = subprocess.Popen(
            [sys.executable, "-c", _CHILD, str(model), str(cache)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        time.sleep(6)  # without the lock the child is done in about a second (measured idle)
        assert child.poll() is None
        assert not list(cache.glob("model-*"))
    out, _ = child.communicate(timeout=120)
    assert child.returncode == 0
    made = Path(out.strip())
    assert made == cache / "model-int8-x86.onnx" and made.is_file()
    assert sorted(path.name for path in cache.iterdir()) == [".lock", "model-fp32.onnx", "model-int8-x86.onnx"]
