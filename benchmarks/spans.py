"""Scores for spans of text: exact and overlap matching, PTC's partial credit, word sets.

Spans are ``(doc, start, end)`` triples with end-exclusive offsets; ``doc`` is any
hashable key of the document the span belongs to.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

__all__ = ["PRF", "exact", "merge", "overlap", "partial", "prf", "word_sets"]

Span = tuple[Hashable, int, int]


@dataclass(frozen=True, slots=True, kw_only=True)
class PRF:
    precision: float
    recall: float
    f1: float
    predicted: int
    gold: int


def prf(precision: float, recall: float, *, predicted: int, gold: int) -> PRF:
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PRF(precision=precision, recall=recall, f1=f1, predicted=predicted, gold=gold)


def _by_doc(spans: Iterable[Span]) -> dict[Hashable, list[tuple[int, int]]]:
    out: dict[Hashable, list[tuple[int, int]]] = defaultdict(list)
    for doc, start, end in spans:
        out[doc].append((start, end))
    return out


def exact(predicted: Iterable[Span], gold: Iterable[Span]) -> PRF:
    """Exact match: a span counts when the other side has the very same offsets."""
    p, g = set(predicted), set(gold)
    hits = len(p & g)
    return prf(hits / len(p) if p else 0.0, hits / len(g) if g else 0.0,
               predicted=len(p), gold=len(g))


def overlap(predicted: Iterable[Span], gold: Iterable[Span]) -> PRF:
    """Overlap match: a predicted span is right when it shares a character with a gold
    span of the same document; a gold span is found when a predicted one touches it."""
    p, g = sorted(set(predicted), key=str), sorted(set(gold), key=str)
    gold_by, pred_by = _by_doc(g), _by_doc(p)
    right = sum(any(s < e2 and s2 < e for s2, e2 in gold_by.get(d, ())) for d, s, e in p)
    found = sum(any(s < e2 and s2 < e for s2, e2 in pred_by.get(d, ())) for d, s, e in g)
    return prf(right / len(p) if p else 0.0, found / len(g) if g else 0.0,
               predicted=len(p), gold=len(g))


def merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping or touching spans merged into one."""
    out: list[list[int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(s, e) for s, e in out]


def partial(predicted: Iterable[Span], gold: Iterable[Span]) -> PRF:
    """SemEval-2020 Task 11 span identification: partial credit for overlap.

    After merging overlapping spans within each document,
    ``P = (1/|S|) Σ_s Σ_t |s∩t| / |s|`` over predicted spans ``s`` and
    ``R = (1/|T|) Σ_t Σ_s |s∩t| / |t|`` over gold spans ``t``.
    """
    pred_by = {d: merge(v) for d, v in _by_doc(predicted).items()}
    gold_by = {d: merge(v) for d, v in _by_doc(gold).items()}
    n_pred = sum(len(v) for v in pred_by.values())
    n_gold = sum(len(v) for v in gold_by.values())
    p_sum = r_sum = 0.0
    for doc in set(pred_by) | set(gold_by):
        for s, e in pred_by.get(doc, ()):
            shared = sum(max(0, min(e, e2) - max(s, s2)) for s2, e2 in gold_by.get(doc, ()))
            p_sum += shared / (e - s) if e > s else 0.0
        for s, e in gold_by.get(doc, ()):
            shared = sum(max(0, min(e, e2) - max(s, s2)) for s2, e2 in pred_by.get(doc, ()))
            r_sum += shared / (e - s) if e > s else 0.0
    return prf(p_sum / n_pred if n_pred else 0.0, r_sum / n_gold if n_gold else 0.0,
               predicted=n_pred, gold=n_gold)


def word_sets(predicted: Mapping[Hashable, set[str]], gold: Mapping[Hashable, set[str]]) -> PRF:
    """Micro-averaged P/R/F1 of per-document word sets (BABE's biased words)."""
    keys = set(predicted) | set(gold)
    hits = sum(len(predicted.get(k, set()) & gold.get(k, set())) for k in keys)
    n_pred = sum(len(predicted.get(k, set())) for k in keys)
    n_gold = sum(len(gold.get(k, set())) for k in keys)
    return prf(hits / n_pred if n_pred else 0.0, hits / n_gold if n_gold else 0.0,
               predicted=n_pred, gold=n_gold)
