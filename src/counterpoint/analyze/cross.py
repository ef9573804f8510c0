"""Cross-encoders: MiniLM reading two reports at once, run through ONNX Runtime.

The all-MiniLM-L6-v2 encoder is fine-tuned on pairs with low-rank adapters, as the
loaded-word tagger is (:mod:`counterpoint.analyze.tagger`), with a linear head over the mean
of the pair's last states; what a training script writes (about 1.4 MB) is folded into the
int8 ONNX model counterpoint already runs when it is first used. Two are shipped:

- ``data/cross_encoder.npz`` (``scripts/train_cross_encoder.py``): whether two sentences,
  read alone, say the same, trained on MRPC (``benchmarks/facts.py --dataset mrpc`` scores
  it). Within one event, where every report is about the same happening, it ranks pairs of
  claims worse than the embeddings' cosine, so the comparison does not link on it.
- ``data/claim_pairs.npz`` (``scripts/train_claim_pairs.py``): whether two claims of one
  event are the same claim, trained on the candidate claim pairs of analysts' golds. Its
  logit is the second stage of the same-claim model (:mod:`counterpoint.compare.same`).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from importlib import resources

import numpy as np

from counterpoint.analyze.tagger import AdaptedEncoder

CROSS_FILE = "cross_encoder.npz"
CLAIM_FILE = "claim_pairs.npz"


class CrossEncoder(AdaptedEncoder):
    """Logits that two texts state the same claim."""

    def __init__(self, arrays: dict[str, np.ndarray], *, threads: int = 1) -> None:
        super().__init__(arrays, threads=threads)
        self.threshold = float(self.meta["threshold"])
        """The logit above which a pair says the same (best accuracy on held-out pairs)."""

    def logits(self, pairs: Sequence[tuple[str, str]], *, batch_size: int = 32) -> np.ndarray:
        """One logit per pair of texts."""
        if not pairs:
            return np.zeros(0, dtype=np.float32)
        pooled = self.embedder.pooled_pairs(pairs, batch_size=batch_size)
        return (pooled @ self._weights + self._bias).reshape(-1)


@lru_cache(maxsize=1)
def default_cross_encoder() -> CrossEncoder | None:
    """The shipped sentence-pair cross-encoder (MRPC), or None when this installation has
    none."""
    return _shipped(CROSS_FILE)


@lru_cache(maxsize=2)
def default_claim_encoder(threads: int = 2) -> CrossEncoder | None:
    """The shipped cross-encoder of claims within one event (``claim_pairs.npz``, trained by
    ``scripts/train_claim_pairs.py``) on ``threads`` threads: what the comparison links on.
    None when this installation has none."""
    return _shipped(CLAIM_FILE, threads=threads)


def _shipped(name: str, *, threads: int = 1) -> CrossEncoder | None:
    path = resources.files("counterpoint.analyze") / "data" / name
    if not path.is_file():
        return None
    with resources.as_file(path) as file:
        return CrossEncoder.from_path(file, threads=threads)
