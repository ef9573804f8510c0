"""Scores for grouping documents into events."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import dataclass

__all__ = ["BCubed", "bcubed"]


@dataclass(frozen=True, slots=True, kw_only=True)
class BCubed:
    precision: float
    recall: float
    f1: float


def bcubed(predicted: Mapping[Hashable, Hashable], gold: Mapping[Hashable, Hashable]) -> BCubed:
    """B-cubed precision, recall and F1 of a clustering; each item weighs the same.

    ``predicted`` and ``gold`` map every item to its cluster label. For an item,
    precision is the share of its predicted cluster that shares its gold cluster,
    and recall the share of its gold cluster that shares its predicted cluster;
    both are averaged over items, and F1 is their harmonic mean.
    """
    if set(predicted) != set(gold):
        missing = set(gold) ^ set(predicted)
        raise ValueError(
            f"predicted and gold cover different items ({len(missing)} differ, e.g. "
            f"{sorted(map(str, missing))[:3]!r}); score the same items on both sides"
        )
    if not gold:
        raise ValueError("no items to score; pass at least one clustered item")
    both = Counter((predicted[i], gold[i]) for i in gold)
    size_predicted = Counter(predicted.values())
    size_gold = Counter(gold.values())
    precision = recall = 0.0
    for (p, g), n in both.items():
        # each of the n items in this (predicted, gold) cell scores n / cluster size
        precision += n * n / size_predicted[p]
        recall += n * n / size_gold[g]
    precision /= len(gold)
    recall /= len(gold)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return BCubed(precision=precision, recall=recall, f1=f1)
