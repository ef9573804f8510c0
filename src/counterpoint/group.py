"""Group articles into events: the articles that report the same real-world happening.

Grouping is incremental. Each new article is compared with the events it could
belong to and joins the most similar one, or opens a new event. An article's
similarity to an event is the average of its similarities to the event's
articles (average linkage, kept cheap by summing unit vectors), on two views:

- what the article is about: its lead embedding (MiniLM);
- what it says specifically: TF-IDF over its content lemmas and the names it
  gives (people, organisations, places; a country, state or city weighs most),
  so that two earthquakes or two trials of one person are told apart by where,
  who and what exactly;

less a small penalty per day between the article's publication date and the
event's dates; events more than ``max_days`` away are never candidates.

An article joins the best-scoring event that it fits: the score must pass a
threshold and, for an event of two or more articles, come close to the event's
cohesion, the mean score between its members (read off the same sums; a copy
and its original do not count as a pair), though never closer than a cap that
reports of one happening usually reach. Reports of two like happenings (two
fires at one chain's stores) score well together, but less well than the
reports of either score among themselves; so an event whose reports agree
closely does not take in a report of its look-alike, while an event whose
reports agree loosely takes in a loose report. Two events merge on the same
terms.

Candidates come from the nearest neighbours of the article's lead embedding
among the articles already placed, looked up week by week of publication: an
article looks only at its own and the neighbouring weeks (and at undated
articles), so the cost per article does not grow with the size of the store,
and it keeps the ``neighbours`` nearest of all those, so it does not grow much
with how many articles a week holds either. A week is searched exactly while
it holds up to 16,384 articles (its vectors read once for every 256 articles
placed, in one matrix product) and through an approximate (HNSW, usearch)
index beyond that, where the index is the faster.

A batch is placed in order of publication, undated articles last and ties by
article id, so its events do not depend on the order its articles were listed
in: reports of a happening come in the order they were published, as in a
stream, and an undated article comes once the dated events are there to join.

Once a batch is placed, each of its articles gets a second look: one placed
early, before the events of the batch had grown, moves to the event it now fits
best. The look is taken again, in rounds, while articles move.

Each event keeps the id it got from its first article. When an article shows
that two events are one (it joins one and scores high with the other, and the
two events score high with each other), the younger event is merged into the
older one, and the merge is recorded so the old id still resolves.

Copies: every article carries a MinHash signature of its word shingles. An
article whose signature nearly equals a neighbour's is a copy of it (syndicated
wire copy, a reprint): it joins that article's event and is marked as its copy,
so it does not pass for independent confirmation.
"""

from __future__ import annotations

import itertools
import math
import operator
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING

import numpy as np

from counterpoint.lexicon import NAME_TYPES, name_key
from counterpoint.model import Analysis, Article, Event, stable_id

if TYPE_CHECKING:
    from usearch.index import Index

__all__ = [
    "SIGNATURE_SCHEME",
    "EventState",
    "GroupSettings",
    "Grouper",
    "Profile",
    "TermStats",
    "group",
    "independent_sources",
    "placing_order",
    "profile",
    "profile_scheme",
    "specific_names",
    "title_of",
]

SHINGLE = 5
SIGNED_CHARACTERS = 4000
"""Only the start of the body is signed: copies share their first paragraphs."""
NUM_PERM = 64
SIGNATURE_SCHEME = "minhash64-words5-poly"
"""Names how signatures are made; a store holding signatures made otherwise regroups."""
_perm = np.random.RandomState(1)
_PERM_A = (_perm.randint(0, 1 << 31, size=NUM_PERM, dtype=np.uint32) << np.uint32(1)) | np.uint32(1)
_PERM_B = _perm.randint(0, 1 << 31, size=NUM_PERM, dtype=np.uint32)
_ZEROS = itertools.repeat(0.0)


@dataclass(frozen=True, slots=True, kw_only=True)
class GroupSettings:
    """The knobs of grouping; one set for every corpus."""

    threshold: float = 0.24
    """An article joins the best event it fits that scores at least this; else it opens one."""
    cohesion_margin: float = 0.10
    """An article joins an event of two or more articles only if it scores at least the
    event's cohesion (the mean score between its members) less this: an event whose
    reports agree closely takes only an article that agrees nearly as closely."""
    cohesion_cap: float = 0.45
    """The most the cohesion rule asks: an article scoring this fits any event, however
    closely its reports agree (two rewrites of one wire story agree more closely than
    independent reports of one happening do)."""
    merge_threshold: float = 0.42
    """Two events an article could join merge when they score at least this together."""
    embedding_weight: float = 0.4
    terms_weight: float = 0.5
    name_weight: float = 2.0
    """A name counts like this many occurrences of a content word."""
    place_weight: float = 5.0
    """A country, state or city counts like this many instead: where something happened
    sets it apart from a like happening elsewhere that shares its actors and words."""
    max_days: int = 7
    """Events whose dates lie further than this from the article's are not candidates."""
    day_penalty: float = 0.1
    """Subtracted from the score per day of distance beyond the first: a report published
    days after an event's last report must resemble it more closely to join it (the next
    stage of a story, such as an order signed two days after it was announced, is a
    happening of its own)."""
    neighbours: int = 24
    """Nearest articles looked up to find candidate events (across the weeks searched)."""
    min_similarity: float = 0.3
    """Neighbours whose lead embedding is less similar than this propose no event."""
    refine_rounds: int = 3
    """Rounds of the second look at a placed batch (they stop once nothing moves)."""
    copy_jaccard: float = 0.7
    """Estimated shingle Jaccard at or above which an article is a copy of another."""
    max_terms: int = 400
    """Terms kept per event (the heaviest), so scoring cost stays bounded."""
    article_terms: int = 80
    """Terms of an article that count (the heaviest by TF-IDF)."""

    def day_cost(self, days: int) -> float:
        """What ``days`` between an article and an event take off its score."""
        return self.day_penalty * max(0, days - 1)


@dataclass(frozen=True, slots=True, kw_only=True)
class Profile:
    """What grouping needs of one article."""

    article_id: str
    title: str
    vector: np.ndarray
    """Unit-length lead embedding (float32)."""
    terms: dict[str, float]
    """Sublinear term frequencies of content lemmas and ``@name`` keys."""
    published: date | None
    signature: np.ndarray
    """MinHash of the body's word shingles (uint32, ``NUM_PERM`` values)."""

    @property
    def when(self) -> date | None:
        """The date grouping goes by: publication. Dates read from the text are too often
        those of earlier happenings the article recalls."""
        return self.published


def profile(article: Article, analysis: Analysis, settings: GroupSettings | None = None) -> Profile:
    """The grouping profile of an analysed article."""
    settings = settings or GroupSettings()
    vector = np.asarray(analysis.embedding, dtype=np.float32)
    norm = float(np.linalg.norm(vector))
    counts: dict[str, float] = dict(Counter(itertools.chain.from_iterable(analysis.lemmas)))
    # in a fixed order, not a set's: terms of equal weight are cut in the order they come
    for name, weight in sorted(_name_weights(analysis, settings).items()):
        counts["@" + name] = counts.get("@" + name, 0) + weight
    frequencies = 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))
    return Profile(
        article_id=article.id,
        title=title_of(article, analysis),
        vector=vector / norm if norm else vector,
        terms=dict(zip(counts, frequencies.tolist())),
        published=article.published,
        signature=minhash(article.text[article.body_start :]),
    )


def profile_scheme(settings: GroupSettings | None = None) -> str:
    """Names how :func:`profile` makes a profile under ``settings``: a store keeps each
    article's profile with the name of its scheme, and makes again from the analysis a
    profile that was made under another (other name weights, or a version that counted
    terms or signed texts otherwise). A change to what :func:`profile` makes (its terms,
    title, vector or signature) must change this name, or stores keep the old profiles."""
    settings = settings or GroupSettings()
    return (
        f"lemmas-institutionnames{settings.name_weight:g}-places{settings.place_weight:g}"
        f"-{SIGNATURE_SCHEME}"
    )


def placing_order(published: date | None, article_id: str) -> tuple[bool, date, str]:
    """Where an article comes when a batch is placed: by publication date, undated
    articles last, then by id (a fixed order that depends on the articles alone)."""
    return (published is None, published or date.min, article_id)


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


def _word_table() -> np.ndarray:
    """Which code points of the Basic Multilingual Plane make words (as ``\\w`` in ``re``)."""
    table = np.array([chr(c).isalnum() for c in range(1 << 16)], dtype=bool)
    table[ord("_")] = True
    return table


_WORD_CHARACTER = _word_table()
_HASH_BASE = 1_000_003
_POWERS = np.cumprod(np.full(4 * SIGNED_CHARACTERS, _HASH_BASE, dtype=np.uint32), dtype=np.uint32)
_POWERS = np.concatenate([np.ones(1, dtype=np.uint32), _POWERS[:-1]])
"""``_HASH_BASE ** i`` (mod 2**32): a lower-cased text can be longer than the original."""
_INVERSE_POWERS = np.cumprod(
    np.full(len(_POWERS), pow(_HASH_BASE, -1, 1 << 32), dtype=np.uint32), dtype=np.uint32
)
_INVERSE_POWERS = np.concatenate([np.ones(1, dtype=np.uint32), _INVERSE_POWERS[:-1]])


def word_hashes(text: str) -> np.ndarray:
    """A 32-bit hash of each word of ``text`` (the runs ``re``'s ``\\w+`` finds), in order.

    All in array operations: a word's polynomial hash comes from a prefix sum over
    the text's code points, each scaled by an inverse power of the base, and is
    then mixed (MurmurHash3's finaliser) so that short words spread over all bits.
    """
    encoded = text.encode("utf-32-le", "surrogatepass")
    points = np.frombuffer(encoded, dtype=np.uint32)[: len(_POWERS)]
    word = np.zeros(len(points) + 2, dtype=bool)
    word[1:-1] = np.take(_WORD_CHARACTER, points, mode="clip")
    if points.size and points.max() > 0xFFFF:
        beyond = np.flatnonzero(points > 0xFFFF)
        word[beyond + 1] = [chr(c).isalnum() for c in points[beyond].tolist()]
    edges = np.flatnonzero(word[1:] != word[:-1])
    starts, ends = edges[0::2], edges[1::2]
    prefix = np.zeros(len(points) + 1, dtype=np.uint32)
    np.cumsum(points * _INVERSE_POWERS[: len(points)], dtype=np.uint32, out=prefix[1:])
    hashes = (prefix[ends] - prefix[starts]) * _POWERS[ends - 1]
    hashes ^= hashes >> np.uint32(16)
    hashes *= np.uint32(0x85EBCA6B)
    hashes ^= hashes >> np.uint32(13)
    hashes *= np.uint32(0xC2B2AE35)
    hashes ^= hashes >> np.uint32(16)
    return hashes


def minhash(text: str) -> np.ndarray:
    """MinHash signature of the text's lower-cased 5-word shingles (uint32 values)."""
    hashes = word_hashes(text[:SIGNED_CHARACTERS].lower())
    if len(hashes) < SHINGLE:
        hashes = np.pad(hashes, (0, SHINGLE - len(hashes)))
    # a shingle's hash mixes its five word hashes, position by position (mod 2**32)
    shingles = np.zeros(len(hashes) - SHINGLE + 1, dtype=np.uint32)
    for position in range(SHINGLE):
        shingles *= np.uint32(1_000_003)
        shingles += hashes[position : position + len(shingles)]
    permuted = np.multiply.outer(_PERM_A, shingles)
    permuted += _PERM_B[:, None]
    return permuted.min(axis=1)


class TermStats:
    """Document frequencies of terms, for IDF weights.

    Terms are numbered as they are first seen, and their counts kept in arrays, so an
    article's weights come out in one step.

    ``prior`` imaginary documents that hold none of the terms keep a small store from
    treating every shared word as common: with two articles, a word both use is
    still informative.
    """

    prior = 50

    def __init__(self, df: dict[str, int] | None = None, documents: int = 0) -> None:
        df = df or {}
        self._terms: list[str] = list(df)
        self._rows: dict[str, int] = {term: row for row, term in enumerate(self._terms)}
        self._df = np.zeros(max(1024, 2 * len(df)), dtype=np.float64)
        self._df[: len(df)] = np.fromiter(df.values(), dtype=np.float64, count=len(df))
        self._added = np.zeros_like(self._df)
        self.documents = documents

    def rows(self, terms: Sequence[str]) -> np.ndarray:
        """The row of each term; a term not seen before gets a new one (counted 0)."""
        rows = list(map(self._rows.get, terms))
        if None in rows:
            for n, term in enumerate(terms):
                if rows[n] is None:
                    rows[n] = self._rows[term] = len(self._terms)
                    self._terms.append(term)
            self._df = _room(self._df, len(self._terms))
            self._added = _room(self._added, len(self._terms))
        return np.asarray(rows, dtype=np.intp)

    def observe(self, terms: Iterable[str]) -> np.ndarray:
        """Count one document's (distinct) terms; returns their rows."""
        rows = self.rows(list(terms))
        self._df[rows] += 1
        self._added[rows] += 1
        self.documents += 1
        return rows

    def idf(self, rows: np.ndarray) -> np.ndarray:
        """The IDF weight of the terms at ``rows``."""
        return np.maximum(0.0, np.log((self.documents + self.prior + 1) / (self._df[rows] + 0.5)))

    @property
    def added(self) -> dict[str, int]:
        """Counts added since loading, by term (what a store must write back)."""
        added = self._added[: len(self._terms)]
        return {self._terms[row]: int(added[row]) for row in np.flatnonzero(added).tolist()}


@dataclass(slots=True, kw_only=True)
class EventState:
    """An event as grouping sees it: its members and the sums that score it."""

    id: str
    title: str
    article_ids: list[str] = field(default_factory=list)
    copies: dict[str, str] = field(default_factory=dict)
    vector_sum: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    terms_sum: dict[str, float] = field(default_factory=dict)
    """Sum of the members' unit-length TF-IDF vectors (the heaviest terms)."""
    first: date | None = None
    last: date | None = None
    terms_norm: float | None = None
    """The squared length of ``terms_sum``, once asked for; ``None`` after a change."""

    @property
    def size(self) -> int:
        return len(self.article_ids)

    def days_from(self, when: date | None) -> int:
        if when is None or self.first is None or self.last is None:
            return 0
        return max(0, (self.first - when).days, (when - self.last).days)

    def to_event(self) -> Event:
        return Event(
            id=self.id,
            article_ids=tuple(self.article_ids),
            title=self.title,
            copies=dict(self.copies),
        )


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


def _room(array: np.ndarray, rows: int) -> np.ndarray:
    """``array``, or a copy twice as long padded with zeros if it has fewer than ``rows`` rows
    (arrays that grow one row at a time are doubled, not copied at every row)."""
    if rows <= len(array):
        return array
    padding = np.zeros((max(rows, 2 * len(array)) - len(array), *array.shape[1:]), array.dtype)
    return np.concatenate([array, padding])


def _dot(a: dict[str, float], b: dict[str, float]) -> float:
    """The dot product of two sparse vectors (exact, so the same whatever the order)."""
    shared = a.keys() & b.keys()
    return math.fsum(map(operator.mul, map(a.__getitem__, shared), map(b.__getitem__, shared)))


def _accumulate(total: dict[str, float], weights: dict[str, float]) -> None:
    """Add the sparse vector ``weights`` to ``total``, in place."""
    total.update(zip(weights, map(operator.add, weights.values(), map(total.get, weights, _ZEROS))))


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


class Grouper:
    """Assigns articles to events one at a time; reuse it across batches.

    A store hands it the events near the new articles' dates (``events``), the
    term statistics and the articles already placed there (``placed``); after
    the new articles are placed, :meth:`changed` and :attr:`merges` say what to
    write back.
    """

    def __init__(
        self,
        *,
        settings: GroupSettings | None = None,
        threshold: float | None = None,
        max_days: int | None = None,
        stats: TermStats | None = None,
        events: Iterable[EventState] = (),
        placed: Iterable[tuple[str, str, np.ndarray, date | None, np.ndarray]] = (),
    ) -> None:
        settings = settings or GroupSettings()
        if threshold is not None:
            settings = replace(settings, threshold=threshold)
        if max_days is not None:
            settings = replace(settings, max_days=max_days)
        self.settings = settings
        self.stats = stats or TermStats()
        self._events: dict[str, EventState] = {e.id: e for e in events}
        self._event_of: dict[str, str] = {
            a: e.id for e in self._events.values() for a in e.article_ids
        }
        self._changed: set[str] = set()
        self.merges: dict[str, str] = {}
        """Events merged away while placing: old id -> the id it now belongs to."""
        self._index: _Neighbours | None = None
        self._placed = list(placed)
        self._arrival = {article_id: n for n, (article_id, *_) in enumerate(self._placed)}
        self._when: dict[str, date | None] = {p[0]: p[3] for p in self._placed}
        self._weights: dict[str, dict[str, float]] = {}
        """TF-IDF weights of the articles placed since the last :meth:`observe`, kept for
        :meth:`refine` (the term statistics have not changed since)."""
        self._rows: dict[str, np.ndarray] = {}
        """The rows of the observed articles' terms in the term statistics."""
        self._ahead = _Ahead()

    # --- placing articles ---------------------------------------------------------------

    def add(self, article: Article, analysis: Analysis) -> str:
        """Observe and place one article; returns the id of its event."""
        item = profile(article, analysis, self.settings)
        self.observe([item])
        return self.place(item)

    def place_batch(
        self, profiles: Iterable[Profile], progress: Callable[[int, int], None] | None = None
    ) -> None:
        """Observe, place and give a second look to a batch of articles, in
        :func:`placing_order` whatever the order they come in. ``progress`` is called
        with (placed, total) now and then, and once the second look is done."""
        batch = sorted(profiles, key=lambda p: placing_order(p.published, p.article_id))
        self.observe(batch)
        step = max(256, len(batch) // 100)
        for done, item in enumerate(batch, start=1):
            self.place(item)
            if progress and done % step == 0 and done < len(batch):
                progress(done, len(batch))
        self.refine(batch)
        if progress:
            progress(len(batch), len(batch))

    def observe(self, profiles: Iterable[Profile]) -> None:
        """Count the terms of articles about to be placed, so IDF weights include them."""
        self._weights.clear()
        self._rows.clear()
        profiles = list(profiles)
        for item in profiles:
            self._rows[item.article_id] = self.stats.observe(item.terms)
        self._ahead = _Ahead(profiles)

    def place(self, item: Profile) -> str:
        """Place one observed article; returns the id of its event."""
        settings = self.settings
        index = self._neighbours(item.vector.shape[0])
        weights = self._weights[item.article_id] = self._tfidf(item)
        keys = self._search(index, item, self._ahead)

        original = self._original(item, keys)
        scored = self._scored([self._events[i] for i in self._candidates(keys)], item, weights)
        scored.sort(key=lambda pair: -pair[0])

        best: EventState | None
        if original is not None:
            best = self._events[self._resolve(self._event_of[original])]
        else:
            best = next((e for score, e in scored if self._fits(e, score)), None)
        if best is None:
            best = EventState(
                id=stable_id("evt", item.article_id),
                title=item.title,
                vector_sum=np.zeros_like(item.vector),
            )
            self._events[best.id] = best
        self._join(best, item, weights, original)
        index.add(item.vector, item.when, item.article_id, item.signature)

        for score, other in scored:
            if other is best or other.id not in self._events or score < settings.threshold:
                continue
            together = self._pair_score(best, other)
            if together >= settings.merge_threshold and all(
                self._fits(e, together) for e in (best, other)
            ):
                best = self._merge(best, other)
        return best.id

    def refine(self, items: Sequence[Profile]) -> int:
        """Give each article of a placed batch a second look; returns how many moves it made.

        An article placed early in a batch was weighed against events that had not
        grown yet. Now that the batch is in, each of its articles (copies and the
        articles they copy stay put) is scored against its own event without itself
        and against the events of its neighbours, and moves when another scores
        higher. Moves change events, so the look is taken again, in rounds, until
        nothing moves (at most ``refine_rounds``); a later round looks only at the
        articles whose own event the round before changed (it lost or gained an
        article). An event left empty is recorded as merged into the one that took its
        last article, so its id still resolves.
        """
        index = self._index
        if index is None:
            return 0
        ahead = _Ahead(items)
        keys = [self._search(index, item, ahead) for item in items]
        titles = {item.article_id: item.title for item in items}
        changed: set[str] | None = None  # the first round looks at every article
        moves = 0
        for _ in range(self.settings.refine_rounds):
            touched: set[str] = set()
            for item, near in zip(items, keys):
                if changed is not None and self.event_of(item.article_id) not in changed:
                    continue
                if moved := self._look_again(item, self._candidates(near), titles):
                    moves += 1
                    touched.update(moved)
            if not touched:
                break
            changed = touched
        return moves

    def _look_again(
        self, item: Profile, candidates: list[str], titles: dict[str, str]
    ) -> tuple[str, ...]:
        """Move ``item`` to the candidate event it now fits best, if that is not its own;
        returns the ids of the two events changed, or nothing."""
        settings = self.settings
        current = self._events[self.event_of(item.article_id)]
        if item.article_id in current.copies or item.article_id in current.copies.values():
            return ()
        weights = self._weights.get(item.article_id) or self._tfidf(item)
        others = [self._events[i] for i in candidates if i != current.id]
        scored = self._scored(others, item, weights)
        if not scored:
            return ()
        score, best = max(scored, key=lambda pair: pair[0])
        if score < settings.threshold or score <= self._score_without(current, item, weights):
            return ()
        self._leave(current, item, weights)
        self._add(best, item, weights)
        if current.size:
            self._redate(current)
            current.title = titles.get(current.article_ids[0], current.title)
            self._changed.add(current.id)
        else:
            self._drop(current, best)
        return current.id, best.id

    def _fits(self, event: EventState, score: float) -> bool:
        """Whether an article scoring ``score`` with ``event`` may join it."""
        settings = self.settings
        if score < settings.threshold:
            return False
        return score >= min(settings.cohesion_cap, self._cohesion(event) - settings.cohesion_margin)

    def _cohesion(self, event: EventState) -> float:
        """The mean score between two members of ``event`` that are not copies of one text;
        ``-inf`` where there is no such pair.

        It is read off the event's sums: their squared lengths less the members' own
        (unit) lengths give the sum over all pairs. A copy and its original (or two copies
        of one original) would count as the best pair there is, so those pairs are taken
        out as if they scored the most a pair can: a wire story syndicated five times does
        not make its event too tight for an independent report.
        """
        n = event.size
        twins = sum(k * (k + 1) // 2 for k in Counter(event.copies.values()).values())
        pairs = n * (n - 1) // 2 - twins
        if pairs <= 0:
            return -math.inf
        if event.terms_norm is None:
            weights = np.fromiter(event.terms_sum.values(), np.float64, len(event.terms_sum))
            event.terms_norm = float(weights @ weights)
        settings = self.settings
        every = (
            settings.embedding_weight * (float(event.vector_sum @ event.vector_sum) - n)
            + settings.terms_weight * (event.terms_norm - n)
        ) / 2
        return (every - twins * (settings.embedding_weight + settings.terms_weight)) / pairs

    def _score_without(self, event: EventState, item: Profile, weights: dict[str, float]) -> float:
        """The score of ``item`` with its own event, as if it were not in it."""
        others = event.size - 1
        if others == 0:
            return -math.inf
        settings = self.settings
        vector = item.vector
        semantic = (float(vector @ event.vector_sum) - float(vector @ vector)) / others
        terms = event.terms_sum
        specific = math.fsum(
            weights[t] * max(0.0, terms[t] - weights[t]) for t in weights.keys() & terms.keys()
        )
        return (
            settings.embedding_weight * semantic
            + settings.terms_weight * specific / others
            - settings.day_cost(event.days_from(item.when))
        )

    def _leave(self, event: EventState, item: Profile, weights: dict[str, float]) -> None:
        event.article_ids.remove(item.article_id)
        event.terms_norm = None
        event.vector_sum = event.vector_sum - item.vector
        for term, weight in weights.items():
            left = event.terms_sum.get(term, 0.0) - weight
            if left > 1e-9:
                event.terms_sum[term] = left
            else:
                event.terms_sum.pop(term, None)

    def _redate(self, event: EventState) -> None:
        dates = [d for a in event.article_ids if (d := self._when.get(a)) is not None]
        event.first, event.last = (min(dates), max(dates)) if dates else (None, None)

    def _add(self, event: EventState, item: Profile, weights: dict[str, float]) -> None:
        """Add a member's vector, terms and date to an event's sums (in order of arrival)."""
        event.article_ids.append(item.article_id)
        if len(event.article_ids) > 1 and self._arrival.get(event.article_ids[-2], -1) > (
            self._arrival.get(item.article_id, -1)
        ):
            event.article_ids.sort(key=lambda a: self._arrival.get(a, -1))
        event.vector_sum = event.vector_sum + item.vector
        _accumulate(event.terms_sum, weights)
        event.terms_norm = None
        self._prune(event)
        if item.when is not None:
            event.first = min(event.first or item.when, item.when)
            event.last = max(event.last or item.when, item.when)
        self._event_of[item.article_id] = event.id
        self._changed.add(event.id)

    def _drop(self, gone: EventState, into: EventState) -> None:
        """Record an emptied event as merged into ``into``."""
        del self._events[gone.id]
        self._changed.discard(gone.id)
        self.merges[gone.id] = into.id
        for old, new in self.merges.items():
            if new == gone.id:
                self.merges[old] = into.id

    def _search(self, index: _Neighbours, item: Profile, ahead: _Ahead) -> list[int]:
        """Keys of the article's nearest neighbours in ``index``."""
        count, floor = self.settings.neighbours, self.settings.min_similarity
        return index.search(
            item.vector, item.when, count, floor, ahead.get(index, item, count, floor)
        )

    def _candidates(self, keys: Sequence[int]) -> list[str]:
        """Ids of the events of the nearest articles (``keys`` into the index)."""
        assert self._index is not None
        ids = self._index.article_ids
        return list(dict.fromkeys(self._resolve(self._event_of[ids[k]]) for k in keys))

    def _scored(
        self, events: Sequence[EventState], item: Profile, weights: dict[str, float]
    ) -> list[tuple[float, EventState]]:
        """The score of ``item`` with each of ``events`` within ``max_days`` of its date."""
        settings = self.settings
        near = [(e, d) for e in events if (d := e.days_from(item.when)) <= settings.max_days]
        if not near:
            return []
        semantic = (np.stack([e.vector_sum for e, _ in near]) @ item.vector).tolist()
        return [
            (
                (
                    settings.embedding_weight * similarity
                    + settings.terms_weight * _dot(weights, event.terms_sum)
                )
                / event.size
                - settings.day_cost(days),
                event,
            )
            for (event, days), similarity in zip(near, semantic)
        ]

    def _pair_score(self, a: EventState, b: EventState) -> float:
        """Average-linkage score between two events."""
        settings = self.settings
        n = a.size * b.size
        days = 0
        if a.first and b.first and a.last and b.last:
            days = max(0, (b.first - a.last).days, (a.first - b.last).days)
        if days > settings.max_days:
            return -1.0
        specific = _dot(a.terms_sum, b.terms_sum)
        return (
            settings.embedding_weight * float(a.vector_sum @ b.vector_sum) / n
            + settings.terms_weight * specific / n
            - settings.day_cost(days)
        )

    def _tfidf(self, item: Profile) -> dict[str, float]:
        """The article's heaviest TF-IDF terms, as a unit-length vector."""
        terms = item.terms
        keys = list(terms)
        rows = self._rows.get(item.article_id)
        if rows is None:
            rows = self.stats.rows(keys)
        weighted = np.fromiter(terms.values(), dtype=np.float64, count=len(keys))
        weighted *= self.stats.idf(rows)
        # heaviest first; terms of equal weight in the article's order
        heaviest = np.argsort(-weighted, kind="stable")[: self.settings.article_terms]
        heaviest = heaviest[weighted[heaviest] > 0]
        chosen = weighted[heaviest]
        chosen /= math.sqrt(float(chosen @ chosen)) or 1.0
        return dict(zip(map(keys.__getitem__, heaviest.tolist()), chosen.tolist()))

    def _original(self, item: Profile, keys: Sequence[int]) -> str | None:
        """The earliest neighbour whose text this article nearly repeats."""
        index = self._index
        assert index is not None
        if not keys:
            return None
        signatures = index.signatures[keys]  # keys come sorted: the earliest first
        similar = np.mean(signatures == item.signature, axis=1) >= self.settings.copy_jaccard
        if not similar.any():
            return None
        article_id = index.article_ids[keys[int(np.argmax(similar))]]
        event = self._events[self._resolve(self._event_of[article_id])]
        return event.copies.get(article_id, article_id)

    def _join(self, event: EventState, item: Profile, weights, original: str | None) -> None:
        self._arrival[item.article_id] = len(self._arrival)
        self._when[item.article_id] = item.when
        if original is not None:
            event.copies[item.article_id] = original
        self._add(event, item, weights)

    def _prune(self, event: EventState) -> None:
        limit = self.settings.max_terms
        if len(event.terms_sum) > 2 * limit:
            kept = sorted(event.terms_sum.items(), key=lambda tw: -tw[1])[:limit]
            event.terms_sum = dict(kept)

    def _merge(self, a: EventState, b: EventState) -> EventState:
        """Merge the younger event into the older one (by first article id order of creation)."""
        keep, gone = (a, b) if self._older(a, b) else (b, a)
        keep.article_ids = sorted(
            keep.article_ids + gone.article_ids, key=lambda a: self._arrival.get(a, -1)
        )
        keep.copies.update(gone.copies)
        keep.vector_sum = keep.vector_sum + gone.vector_sum
        _accumulate(keep.terms_sum, gone.terms_sum)
        keep.terms_norm = None
        self._prune(keep)
        dates = [d for d in (keep.first, keep.last, gone.first, gone.last) if d is not None]
        keep.first, keep.last = (min(dates), max(dates)) if dates else (None, None)
        for article_id in gone.article_ids:
            self._event_of[article_id] = keep.id
        del self._events[gone.id]
        self._changed.discard(gone.id)
        self._changed.add(keep.id)
        self.merges[gone.id] = keep.id
        for old, new in self.merges.items():
            if new == gone.id:
                self.merges[old] = keep.id
        return keep

    def _older(self, a: EventState, b: EventState) -> bool:
        order = list(self._events)
        return order.index(a.id) <= order.index(b.id)

    def _resolve(self, event_id: str) -> str:
        return self.merges.get(event_id, event_id)

    def _neighbours(self, dimensions: int) -> _Neighbours:
        if self._index is None:
            self._index = _Neighbours(dimensions)
            for article_id, _event_id, vector, when, signature in self._placed:
                self._index.add(vector, when, article_id, signature)
            self._placed = []
        return self._index

    # --- results -----------------------------------------------------------------------

    def events(self) -> list[Event]:
        """Every event this grouper holds, in order of creation."""
        return [e.to_event() for e in self._events.values()]

    def changed(self) -> list[EventState]:
        """Events created or changed since this grouper was made."""
        return [self._events[i] for i in self._changed if i in self._events]

    def event_of(self, article_id: str) -> str:
        return self._resolve(self._event_of[article_id])


def group(
    pairs: Iterable[tuple[Article, Analysis]], settings: GroupSettings | None = None
) -> list[Event]:
    """Events for a batch of analysed articles (:meth:`Grouper.place_batch`).

    The whole batch is observed first, so every article is weighed with the
    batch's term statistics, placed in :func:`placing_order`, and given a second
    look once all are placed (:meth:`Grouper.refine`).
    """
    grouper = Grouper(settings=settings)
    grouper.place_batch(profile(a, an, grouper.settings) for a, an in pairs)
    return grouper.events()


def specific_names(analysis: Analysis) -> set[str]:
    """Keys of the people, organisations and places an article names."""
    return set(_name_weights(analysis, GroupSettings()))


def _name_weights(analysis: Analysis, settings: GroupSettings) -> dict[str, float]:
    """The key of each name the article gives, with how many occurrences of a content word
    it counts as: ``place_weight`` for a country, state or city, else ``name_weight`` (the
    larger, for a key named both ways)."""
    places = {m.text for m in analysis.mentions if m.type == "GPE"}
    others = {m.text for m in analysis.mentions if m.type in NAME_TYPES and m.type != "GPE"}
    kinds = [(settings.name_weight, others), (settings.place_weight, places)]
    weights: dict[str, float] = {}
    for weight, texts in sorted(kinds, key=operator.itemgetter(0)):  # the larger written last
        weights.update(dict.fromkeys(map(name_key, texts), weight))
    weights.pop("", None)
    return weights


def title_of(article: Article, analysis: Analysis) -> str:
    """The article's title, else its first sentence, cut at a word near 120 characters."""
    if article.title:
        return article.title
    if not analysis.sentences:
        return article.text[:120]
    first = analysis.sentences[0].text
    if len(first) <= 120:
        return first
    return first[: first.rfind(" ", 0, 118)].rstrip(",;: ") + " …"


def independent_sources(event: Event, outlets: dict[str, str]) -> int:
    """Outlets with at least one article in the event that is not a copy of another's."""
    return len({outlets[a] for a in event.article_ids if a not in event.copies})
