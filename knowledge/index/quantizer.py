"""Export the packaged MiniLM to ONNX once, and quantise it to int8 for this CPU.

Dynamic int8 quantisation roughly triples embedding speed on a CPU while keeping embeddings at a
cosine of about 0.99 to the fp32 model. The export needs torch and runs once per machine (MODEL_CACHE_DIR); later
starts load the file.
"""

from __future__ import annotations

import logging
import os
import platform
import warnings
from pathlib import Path

from knowledge.index.lock import alone

log = logging.getLogger(__name__)

OPSET = 17


def cpu_profile() -> str:
    """The quantisation profile for this CPU's family: x86 or arm64.

    One profile for every x86 CPU, not one per instruction set: with 7-bit weights the int8 products
    are exact both on AVX2 (whose u8×s8 pairs would saturate with 8-bit weights) and on AVX-512 VNNI,
    so every x86 machine computes the same vectors, and so the same answers and benchmark figures.
    (Full 8-bit weights on VNNI moved the vectors to a cosine of 0.99 and a borderline question
    across the advice threshold.)"""
    return "arm64" if platform.machine().lower() in ("arm64", "aarch64") else "x86"


def quantize(model_dir: Path, target_dir: Path, profile: str | None = None) -> Path:
    """The int8 ONNX model for `profile`, exported and quantised on first use."""
    profile = profile or cpu_profile()
    target = target_dir / f"model-int8-{profile}.onnx"
    if target.exists():
        return target
    with alone(target_dir):
        if target.exists():  # another process made it while this one waited
            return target
        _quantize(_export(model_dir, target_dir), target, profile)
    return target


def _quantize(fp32: Path, target: Path, profile: str) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    log.info("quantising the embedding model for %s (once)", profile)
    partial = target.with_suffix(f".{os.getpid()}.partial")  # a killed process leaves no half a model
    # onnxruntime's quantiser logs every tensor it skips through the root logger: mute it meanwhile.
    logging.disable(logging.WARNING)
    try:
        # Without VNNI, u8×s8 products can saturate: x86 takes the reduced 7-bit weight range.
        quantize_dynamic(
            fp32,
            partial,
            weight_type=QuantType.QInt8,
            per_channel=profile != "arm64",
            reduce_range=profile == "x86",
            op_types_to_quantize=["MatMul", "Gemm"],
        )
    finally:
        logging.disable(logging.NOTSET)
    os.replace(partial, target)


def export(model_dir: Path, target_dir: Path) -> Path:
    """The fp32 ONNX export of the transformer (pooling is done outside, in numpy)."""
    target = target_dir / "model-fp32.onnx"
    if target.exists():
        return target
    with alone(target_dir):
        return _export(model_dir, target_dir)


def _export(model_dir: Path, target_dir: Path) -> Path:
    target = target_dir / "model-fp32.onnx"
    if target.exists():
        return target
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the weights are local; never ask the hub
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]

    log.info("exporting the embedding model to ONNX (once) into %s", target_dir)
    transformer = AutoModel.from_pretrained(str(model_dir)).eval()

    class Encoder(torch.nn.Module):
        """Keyword arguments only: the transformer's positional signature changes between versions."""

        def __init__(self) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(
            self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor
        ) -> torch.Tensor:
            output = self.transformer(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            hidden: torch.Tensor = output.last_hidden_state
            return hidden

    model = Encoder().eval()
    example = torch.ones((1, 16), dtype=torch.long)
    partial = target.with_suffix(f".{os.getpid()}.partial")  # a killed process leaves no half a model
    # The TorchScript exporter is deprecated but exact here; the torch.export-based one produced a
    # graph whose outputs did not match the model (measured: cosine ~0 against sentence-transformers).
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model,
            (example, example, torch.zeros_like(example)),
            str(partial),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["last_hidden_state"],
            dynamic_axes={
                name: {0: "batch", 1: "sequence"}
                for name in ("input_ids", "attention_mask", "token_type_ids", "last_hidden_state")
            },
            opset_version=OPSET,
            dynamo=False,
        )
    os.replace(partial, target)
    return target
