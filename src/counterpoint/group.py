"""Group articles into events: the articles that report the same real-world happening.

Grouping is incremental: each new article joins the most similar open event, or
opens a new one. Similarity combines

- what the article is about: the cosine of lead embeddings (MiniLM);
- who and where: the overlap of specific names (people, organisations, places);
- when: events whose dates lie more than ``max_days`` apart never join.

An event keeps the id it got from its first article as it grows. Within an
event, an article whose text is nearly the same as an earlier one's (word
shingles) is marked as a copy of it, so syndicated wire copy does not pass for
independent confirmation.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from counterpoint.lexicon import NAME_TYPES, name_key
from counterpoint.model import Analysis, Article, Event, stable_id

JOIN_THRESHOLD = 0.55
EMBEDDING_WEIGHT = 0.65
ENTITY_WEIGHT = 0.35
MAX_DAYS = 7
COPY_JACCARD = 0.7
SHINGLE = 5


@dataclass(slots=True)
class _Open:
    """An event being built: its members and running summaries for scoring."""

    id: str
    article_ids: list[str]
    outlets: list[str]
    centroid: np.ndarray
    names: set[str]
    dates: list[date]
    titles: list[str]
    shingles: list[set[int]] = field(default_factory=list)
    copies: dict[str, str] = field(default_factory=dict)


class Grouper:
    """Assigns articles to events one at a time; reuse it across batches."""

    def __init__(self, *, threshold: float = JOIN_THRESHOLD, max_days: int = MAX_DAYS) -> None:
        self.threshold = threshold
        self.max_days = max_days
        self._events: list[_Open] = []

    def add(self, article: Article, analysis: Analysis) -> str:
        """Place one article; returns the id of its event."""
        vector = np.asarray(analysis.embedding, dtype=np.float32)
        names = specific_names(analysis)
        when = analysis.event_date or article.published
        best, best_score = None, self.threshold
        for event in self._events:
            score = self._score(event, vector, names, when)
            if score >= best_score:
                best, best_score = event, score
        shingles = _shingles(article.text[article.body_start :])
        if best is None:
            best = _Open(
                id=stable_id("evt", article.id),
                article_ids=[],
                outlets=[],
                centroid=np.zeros_like(vector),
                names=set(),
                dates=[],
                titles=[],
            )
            self._events.append(best)
        original = _copy_of(best, shingles)
        if original is not None:
            best.copies[article.id] = original
        n = len(best.article_ids)
        best.centroid = (best.centroid * n + vector) / (n + 1)
        best.article_ids.append(article.id)
        best.outlets.append(article.outlet)
        best.names |= names
        best.shingles.append(shingles)
        best.titles.append(title_of(article, analysis))
        if when is not None:
            best.dates.append(when)
        return best.id

    def _score(self, event: _Open, vector: np.ndarray, names: set[str], when: date | None) -> float:
        if when is not None and event.dates:
            if min(abs((when - d).days) for d in event.dates) > self.max_days:
                return 0.0
        norm = float(np.linalg.norm(event.centroid)) or 1.0
        cosine = float(vector @ event.centroid) / norm
        overlap = len(names & event.names) / max(1, min(len(names), len(event.names)))
        return EMBEDDING_WEIGHT * cosine + ENTITY_WEIGHT * overlap

    def events(self) -> list[Event]:
        return [
            Event(
                id=e.id, article_ids=tuple(e.article_ids), title=e.titles[0], copies=dict(e.copies)
            )
            for e in self._events
        ]


def group(pairs: Iterable[tuple[Article, Analysis]]) -> list[Event]:
    """Events for a batch of analysed articles, in the order the articles came."""
    grouper = Grouper()
    for article, analysis in pairs:
        grouper.add(article, analysis)
    return grouper.events()


def specific_names(analysis: Analysis) -> set[str]:
    """Keys of the people, organisations and places an article names."""
    return {name_key(m.text) for m in analysis.mentions if m.type in NAME_TYPES} - {""}


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


def _shingles(text: str) -> set[int]:
    words = re.findall(r"\w+", text.lower())
    return {
        zlib.crc32(" ".join(words[i : i + SHINGLE]).encode())
        for i in range(max(1, len(words) - SHINGLE + 1))
    }


def _copy_of(event: _Open, shingles: set[int]) -> str | None:
    for article_id, other in zip(event.article_ids, event.shingles):
        union = len(shingles | other)
        if union and len(shingles & other) / union >= COPY_JACCARD:
            return event.copies.get(article_id, article_id)
    return None


def independent_sources(event: Event, outlets: dict[str, str]) -> int:
    """Outlets with at least one article in the event that is not a copy of another's."""
    return len({outlets[a] for a in event.article_ids if a not in event.copies})
