"""Events as grouping holds them, and the placing of articles into them.

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
among the articles already placed (:mod:`counterpoint.group.index`).

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

import numpy as np

from counterpoint.group.features import Profile, TermStats, profile
from counterpoint.group.index import _Ahead, _Neighbours
from counterpoint.group.settings import GroupSettings
from counterpoint.model import Analysis, Article, Event, stable_id

__all__ = ["EventState", "Grouper", "group", "independent_sources", "placing_order"]


def placing_order(published: date | None, article_id: str) -> tuple[bool, date, str]:
    """Where an article comes when a batch is placed: by publication date, undated
    articles last, then by id (a fixed order that depends on the articles alone)."""
    return (published is None, published or date.min, article_id)


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


def independent_sources(event: Event, outlets: dict[str, str]) -> int:
    """Outlets with at least one article in the event that is not a copy of another's."""
    return len({outlets[a] for a in event.article_ids if a not in event.copies})


def _dot(a: dict[str, float], b: dict[str, float]) -> float:
    """The dot product of two sparse vectors (exact, so the same whatever the order)."""
    shared = a.keys() & b.keys()
    return math.fsum(map(operator.mul, map(a.__getitem__, shared), map(b.__getitem__, shared)))


_ZEROS = itertools.repeat(0.0)


def _accumulate(total: dict[str, float], weights: dict[str, float]) -> None:
    """Add the sparse vector ``weights`` to ``total``, in place."""
    total.update(zip(weights, map(operator.add, weights.values(), map(total.get, weights, _ZEROS))))
