"""The same-claim cross-encoder: MiniLM reading two reports at once, run through ONNX Runtime.

``scripts/train_cross_encoder.py`` fine-tunes the all-MiniLM-L6-v2 encoder on sentence pairs
judged to say the same thing or not (MRPC) with low-rank adapters, as the loaded-word tagger
is trained (:mod:`counterpoint.analyze.tagger`), and a linear head over the mean of the pair's
last states. What it writes, ``data/cross_encoder.npz`` (about 1.4 MB), is folded into the
int8 ONNX model counterpoint already runs when it is first used.

It decides whether two sentences, read alone, say the same (``benchmarks/facts.py --dataset
mrpc`` scores it). The comparison does not link on it: within one event, where every report
is about the same happening, its logit ranks pairs of claims worse than the embeddings'
cosine (AUC 0.68 against 0.77 on the analysts' golds) and, as a feature of the event model
(:mod:`counterpoint.compare.same`), found no more pairs at the same precision.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources

import numpy as np

CROSS_FILE = "cross_encoder.npz"
_HEAD_ARRAYS = ("meta", "head_weights", "head_bias")


class CrossEncoder:
    """Logits that two texts state the same claim."""

    def __init__(self, arrays: dict[str, np.ndarray], *, threads: int = 1) -> None:
        self.meta: dict = json.loads(bytes(arrays["meta"]).decode("utf-8"))
        self.threshold = float(self.meta["threshold"])
        """The logit above which a pair says the same (best accuracy on held-out pairs)."""
        self._weights = np.asarray(arrays["head_weights"], dtype=np.float32)
        self._bias = np.asarray(arrays["head_bias"], dtype=np.float32)
        self._adapter = {k: v for k, v in arrays.items() if k not in _HEAD_ARRAYS}
        self._threads = threads
        self._embedder = None

    @classmethod
    def from_path(cls, path, *, threads: int = 1) -> CrossEncoder:
        with np.load(path) as data:
            return cls({k: data[k] for k in data.files}, threads=threads)

    @property
    def embedder(self):
        """The adapted encoder, built at first use."""
        if self._embedder is None:
            from counterpoint.analyze.embed import Embedder, embedder_device
            from counterpoint.analyze.tagger import adapted_model

            self._embedder = Embedder(
                threads=self._threads, device=embedder_device(),
                model=adapted_model(self._adapter),
            )
        return self._embedder

    def logits(self, pairs: Sequence[tuple[str, str]], *, batch_size: int = 32) -> np.ndarray:
        """One logit per pair of texts."""
        if not pairs:
            return np.zeros(0, dtype=np.float32)
        pooled = self.embedder.pooled_pairs(pairs, batch_size=batch_size)
        return (pooled @ self._weights + self._bias).reshape(-1)


@lru_cache(maxsize=1)
def default_cross_encoder() -> CrossEncoder | None:
    """The shipped cross-encoder, or None when this installation has none."""
    path = resources.files("counterpoint.compare") / "data" / CROSS_FILE
    if not path.is_file():
        return None
    with resources.as_file(path) as file:
        return CrossEncoder.from_path(file)
