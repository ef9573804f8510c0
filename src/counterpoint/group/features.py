"""What grouping reads of an article: its profile.

A profile holds the article's lead embedding (what it is about), the frequencies of its
content lemmas and of the names it gives (what it says specifically; a country, state or
city weighs most), its publication date, and a MinHash signature of the start of its body,
by which a copy is known. :class:`TermStats` counts in how many articles each term occurs,
for the TF-IDF weights the terms are scored by. A store keeps each article's profile under
the name of the scheme that made it (:func:`profile_scheme`).
"""

from __future__ import annotations

import itertools
import operator
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from counterpoint.group.settings import GroupSettings
from counterpoint.lexicon import NAME_TYPES, name_key
from counterpoint.model import Analysis, Article

__all__ = [
    "NUM_PERM",
    "SIGNATURE_SCHEME",
    "Profile",
    "TermStats",
    "minhash",
    "profile",
    "profile_scheme",
    "specific_names",
    "title_of",
    "word_hashes",
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


def _room(array: np.ndarray, rows: int) -> np.ndarray:
    """``array``, or a copy twice as long padded with zeros if it has fewer than ``rows`` rows
    (arrays that grow one row at a time are doubled, not copied at every row)."""
    if rows <= len(array):
        return array
    padding = np.zeros((max(rows, 2 * len(array)) - len(array), *array.shape[1:]), array.dtype)
    return np.concatenate([array, padding])
