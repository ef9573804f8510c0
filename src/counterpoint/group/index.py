"""The nearest articles by lead embedding: where grouping finds the events an article could join.

Candidates come from the nearest neighbours of the article's lead embedding
among the articles already placed, looked up week by week of publication: an
article looks only at its own and the neighbouring weeks (and at undated
articles), so the cost per article does not grow with the size of the store,
and it keeps the ``neighbours`` nearest of all those, so it does not grow much
with how many articles a week holds either. A week is searched exactly while
it holds up to 16,384 articles (its vectors read once for every 256 articles
placed, in one matrix product) and through an approximate (HNSW, usearch)
index beyond that, where the index is the faster.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

import numpy as np

from counterpoint.group.features import NUM_PERM, Profile, _room

if TYPE_CHECKING:
    from usearch.index import Index

__all__ = ["nearest"]


def nearest(queries: np.ndarray, vectors: np.ndarray, count: int, floor: float) -> np.ndarray:
    """Rows of ``vectors`` among the ``count`` nearest to any of ``queries`` (unit vectors,
    by cosine), at least ``floor`` similar: what a search through every one of them would
    find. Queries are taken 256 at a time, so memory stays bounded however many there are."""
    found = np.zeros(len(vectors), dtype=bool)
    for start in range(0, len(queries), 256):
        rows, similarities = _top(queries[start : start + 256] @ vectors.T, count)
        found[rows[similarities >= floor]] = True
    return np.flatnonzero(found)


def _top(similarities: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """For each row of ``similarities`` (queries by vectors), the columns of its ``count``
    highest values (all columns if there are no more), and those values, in no order."""
    if similarities.shape[1] <= count:
        return np.broadcast_to(np.arange(similarities.shape[1]), similarities.shape), similarities
    columns = np.argpartition(-similarities, count, axis=1)[:, :count]
    return columns, np.take_along_axis(similarities, columns, axis=1)


class _Bucket:
    """Vectors searched exactly while few, through an HNSW index (usearch) beyond that.

    The index is built at the first search that needs it, so a bucket that is filled but
    seldom searched (the one over all dated articles, searched for undated ones) costs
    little to fill."""

    exact_up_to = 16_384
    """Searched ``_Ahead.chunk`` articles at a time, this many vectors take about as long
    as a search through the HNSW index (docs/benchmarks-history.md, Scaling)."""

    def __init__(self, dimensions: int) -> None:
        self.size = 0
        self.keys = np.zeros(16, dtype=np.int64)
        self.vectors = np.zeros((16, dimensions), dtype=np.float32)
        self.index: Index | None = None

    def __len__(self) -> int:
        return self.size

    def add(self, key: int, vector: np.ndarray) -> None:
        n = self.size
        self.vectors = _room(self.vectors, n + 1)
        self.keys = _room(self.keys, n + 1)
        self.vectors[n] = vector
        self.keys[n] = key
        self.size = n + 1
        if self.index is not None:
            self.index.add(key, vector)

    @property
    def exact(self) -> bool:
        """Whether a search goes through every vector (no index built or needed yet)."""
        return self.index is None and self.size <= self.exact_up_to

    def search(
        self, vector: np.ndarray, count: int, floor: float, *, start: int = 0
    ) -> tuple[np.ndarray, np.ndarray]:
        """Keys and cosines of up to ``count`` nearest vectors with a cosine of at least
        ``floor``; those added from position ``start`` on, if given (searched exactly)."""
        if start == 0 and not self.exact:
            index = self._build_index() if self.index is None else self.index
            found = index.search(vector, count)
            similarities = 1.0 - found.distances.astype(np.float32)
            near = similarities >= floor
            return found.keys[near].astype(np.int64), similarities[near]
        similarities = self.vectors[start : self.size] @ vector
        if len(similarities) > count:
            nearest = np.argpartition(-similarities, count)[:count]
            nearest = nearest[similarities[nearest] >= floor]
        else:
            nearest = np.flatnonzero(similarities >= floor)
        return self.keys[start + nearest], similarities[nearest]

    def search_many(
        self, vectors: np.ndarray, count: int, floor: float
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """:meth:`search` for each of ``vectors`` at once, through every vector (one matrix
        product reads the bucket once, where a search per vector reads it each time)."""
        nearest, similarities = _top(vectors @ self.vectors[: self.size].T, count)
        near = similarities >= floor
        return [
            (self.keys[row[keep]], sims[keep])
            for row, sims, keep in zip(nearest, similarities, near)
        ]

    def _build_index(self) -> Index:
        _load_onnxruntime_first()
        from usearch.index import Index

        index = self.index = Index(
            ndim=self.vectors.shape[1],
            metric="cos",
            connectivity=8,
            expansion_add=32,
            expansion_search=48,
        )
        # one thread: a graph built in parallel depends on timing, and so would events
        index.add(self.keys[: self.size], self.vectors[: self.size], threads=1)
        return index


def _load_onnxruntime_first() -> None:
    """Import onnxruntime (the encoder's runtime) before usearch: with usearch 2.26 and
    onnxruntime 1.32 loaded the other way round, importing onnxruntime crashes the
    process (a segmentation fault), as comparing an event after grouping would."""
    import onnxruntime  # noqa: F401


class _Neighbours:
    """Nearest articles by lead embedding: one bucket per week of publication, one for
    undated articles, and one over all dated articles (searched for undated ones)."""

    def __init__(self, dimensions: int) -> None:
        self.dimensions = dimensions
        self._weeks: dict[int | None, _Bucket] = {}
        self._dated = _Bucket(dimensions)
        self.article_ids: list[str] = []
        self.signatures = np.zeros((16, NUM_PERM), dtype=np.uint32)

    def add(self, vector: np.ndarray, when: date | None, article_id: str, signature) -> None:
        week = None if when is None else _week(when)
        bucket = self._weeks.get(week)
        if bucket is None:
            bucket = self._weeks[week] = _Bucket(self.dimensions)
        key = len(self.article_ids)
        self.signatures = _room(self.signatures, key + 1)
        self.article_ids.append(article_id)
        self.signatures[key] = signature
        bucket.add(key, vector)
        if week is not None:
            self._dated.add(key, vector)

    def buckets(self, when: date | None) -> list[_Bucket]:
        """The buckets a search for an article of date ``when`` goes through: the weeks
        around it and the undated articles, or, for an undated article, all of them."""
        if when is None:
            buckets = [self._weeks.get(None), self._dated]
        else:
            week = _week(when)
            buckets = [self._weeks.get(w) for w in (week - 1, week, week + 1, None)]
        return [b for b in buckets if b is not None and len(b)]

    def search(
        self,
        vector: np.ndarray,
        when: date | None,
        count: int,
        floor: float,
        ahead: _Lookup | None = None,
    ) -> list[int]:
        """Keys of the ``count`` nearest articles (at least ``floor`` similar), in the order
        the articles were added: from the weeks around ``when`` and the undated articles, or
        from all articles when ``when`` is None. However dense the weeks, an article has no
        more than ``count`` neighbours.

        ``ahead`` holds what :meth:`search_ahead` found for this article in each bucket
        searched exactly (and how full it was then); only what came after is searched."""
        found = []
        for bucket in self.buckets(when):
            early = ahead.get(bucket) if ahead else None
            if early is None or not bucket.exact:
                found.append(bucket.search(vector, count, floor))
                continue
            size, keys, similarities = early
            if bucket.size > size:
                later = bucket.search(vector, count, floor, start=size)
                keys = np.concatenate([keys, later[0]])
                similarities = np.concatenate([similarities, later[1]])
            found.append((keys, similarities))
        if not found:
            return []
        keys = np.concatenate([k for k, _ in found])
        if len(keys) > count:
            similarities = np.concatenate([s for _, s in found])
            keys = keys[np.argpartition(-similarities, count)[:count]]
        return np.sort(keys).tolist()

    def search_ahead(
        self, items: Sequence[Profile], count: int, floor: float
    ) -> dict[str, _Lookup]:
        """For each of ``items`` (by article id), what :meth:`search` would find in each
        bucket searched exactly, as the buckets are now: one matrix product per bucket for
        all the items that search it."""
        rows: dict[_Bucket, list[int]] = {}
        for row, item in enumerate(items):
            for bucket in self.buckets(item.when):
                if bucket.exact:
                    rows.setdefault(bucket, []).append(row)
        found: dict[str, _Lookup] = {item.article_id: {} for item in items}
        for bucket, chosen in rows.items():
            vectors = np.stack([items[row].vector for row in chosen])
            for row, (keys, similarities) in zip(chosen, bucket.search_many(vectors, count, floor)):
                found[items[row].article_id][bucket] = (bucket.size, keys, similarities)
        return found


_Lookup = dict[_Bucket, tuple[int, np.ndarray, np.ndarray]]
"""What a search found in each bucket, with how many vectors the bucket held then."""


def _week(when: date) -> int:
    return when.toordinal() // 7


class _Ahead:
    """Looks up the neighbours of the articles about to be placed (or looked at again),
    ``chunk`` at a time, so that each bucket is read once per chunk (see
    :meth:`_Neighbours.search_ahead`)."""

    chunk = 256

    def __init__(self, items: Sequence[Profile] = ()) -> None:
        self.items = items
        self.position = {item.article_id: n for n, item in enumerate(items)}
        self.found: dict[str, _Lookup] = {}

    def get(self, index: _Neighbours, item: Profile, count: int, floor: float) -> _Lookup | None:
        """What the next search for ``item`` can start from; None for an article that is
        not among the items."""
        found = self.found.pop(item.article_id, None)
        if found is None and item.article_id in self.position:
            start = self.position[item.article_id]
            self.found = index.search_ahead(self.items[start : start + self.chunk], count, floor)
            found = self.found.pop(item.article_id)
        return found
