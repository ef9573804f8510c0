"""MRPC: sentence pairs from news clusters, judged equivalent or not (``../shared/eval/mrpc``).

Each ``msr_paraphrase_*.txt`` is tab-separated with a header: ``Quality``, ``#1 ID``,
``#2 ID``, ``#1 String``, ``#2 String`` (quality 1: the two sentences say the same).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass(frozen=True, slots=True)
class Pair:
    label: int
    first: str
    second: str


def load(path: Path) -> list[Pair]:
    """The pairs of one MRPC file."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    if not rows or rows[0][:1] != ["Quality"]:
        raise SystemExit(f"{path}: not an MRPC file (its header should start with 'Quality')")
    return [Pair(int(r[0]), r[3], r[4]) for r in rows[1:] if len(r) >= 5]


def files(folder: Path, *, train: bool) -> list[Path]:
    """The folder's MRPC files: the training part, or every other part."""
    found = sorted(folder.glob("msr_paraphrase_*.txt"))
    chosen = [f for f in found if ("train" in f.name) == train]
    if not chosen:
        what = "training" if train else "non-training"
        raise SystemExit(f"No {what} msr_paraphrase_*.txt in {str(folder)!r}")
    return chosen


def featurize(pairs: list[Pair]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features of every pair (as the comparison computes them), the labels, and the
    MiniLM cosines alone (for the baseline)."""
    from counterpoint.analyze import analyze_many
    from counterpoint.analyze.embed import default_embedder
    from counterpoint.compare.same import features, unit
    from counterpoint.ingest import article_from_text

    texts = list(dict.fromkeys(t for p in pairs for t in (p.first, p.second)))
    articles = [article_from_text(t, source="mrpc", outlet="mrpc") for t in texts]
    units = {}
    for text, analysis in zip(texts, analyze_many(articles)):
        units[text] = unit(analysis, analysis.claims)
    vectors = dict(zip(texts, np.asarray(default_embedder().encode(texts), dtype=np.float64)))
    cosines = np.array([float(vectors[p.first] @ vectors[p.second]) for p in pairs])
    rows = np.stack(
        [features(units[p.first], units[p.second], c) for p, c in zip(pairs, cosines)]
    )
    return rows, np.array([p.label for p in pairs], dtype=np.float64), cosines


def best_threshold(scores: np.ndarray, labels: np.ndarray) -> float:
    """The cut on ``scores`` with the best accuracy."""
    candidates = np.unique(np.round(scores, 3))
    accuracy = [((scores >= t) == labels).mean() for t in candidates]
    return float(candidates[int(np.argmax(accuracy))])


def accuracy_f1(predicted: np.ndarray, labels: np.ndarray) -> dict:
    tp = float((predicted & (labels == 1)).sum())
    p = tp / predicted.sum() if predicted.sum() else 0.0
    r = tp / (labels == 1).sum() if (labels == 1).sum() else 0.0
    return {
        "accuracy": round(float((predicted == labels).mean()), 4),
        "f1": round(float(2 * p * r / (p + r)) if p + r else 0.0, 4),
        "precision": round(float(p), 4),
    }
