"""What the web app reads: events, comparisons and entities, from one open store.

The server reads through one connection to the database, guarded by a lock (a DuckDB
connection is not to be shared between threads); the ingest worker writes through its own
(see :mod:`.jobs`). Comparisons are read from the store, where ``ingest`` put them
(:func:`counterpoint.pipeline.compare_event`: keyed by the event's exact membership and the
comparison version); an event without one is compared on first read and stored then. The
last few read are kept decoded in memory.

Entities are resolved per event (:func:`counterpoint.resolve.resolve`), so one person has
an id in every event that names them. The entity index links those ids across events when
one's name is a name or alias of the other.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from counterpoint import pipeline
from counterpoint.errors import NotFoundError
from counterpoint.lexicon import name_key
from counterpoint.model import Analysis, Article, Comparison, Entity, Event
from counterpoint.report.json import event_listing
from counterpoint.resolve import resolve
from counterpoint.store import Store

from .responses import Bodies

CACHED_COMPARISONS = 256
INDEX_ARTICLES = 2_000
"""The entity index reads the analyses of the events of about this many articles at a time
(one read goes through the whole analysis table, so not too few; a large store's analyses
do not fit in memory at once, so not all)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class EventQuery:
    """A search of the events: text, entity, outlet, a date range and how many independent
    sources, one page at a time."""

    text: str | None = None
    entity: str | None = None
    """An entity id, or words of an entity's name or alias."""
    outlet: str | None = None
    since: date | None = None
    until: date | None = None
    min_sources: int = 0
    page: int = 1
    per_page: int = 20


@dataclass(frozen=True, slots=True, kw_only=True)
class EventPage:
    rows: list[dict]
    total: int
    query: EventQuery

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.per_page))


@dataclass(slots=True)
class EntityIndex:
    """Every entity of every event: id -> (event id, entity), and name key -> ids."""

    by_id: dict[str, tuple[str, Entity]] = field(default_factory=dict)
    by_key: dict[str, set[str]] = field(default_factory=dict)

    def add(self, event_id: str, entity: Entity) -> None:
        self.by_id[entity.id] = (event_id, entity)
        for key in keys_of(entity):
            self.by_key.setdefault(key, set()).add(entity.id)

    def linked(self, entity_id: str) -> list[str]:
        """Ids of the same entity across events: its own, and those sharing its name."""
        _, entity = self.by_id[entity_id]
        own = name_key(entity.name)
        found = {entity_id} | self.by_key.get(own, set())
        for key in keys_of(entity):
            found |= {i for i in self.by_key.get(key, ()) if name_key(self.by_id[i][1].name) == key}
        return sorted(found)

    def search(self, words: str) -> set[str]:
        """Ids of events with an entity whose name or alias contains ``words`` (any case)."""
        words = words.lower().strip()
        key = name_key(words)
        return {
            event_id
            for event_id, entity in self.by_id.values()
            if any(words in n.lower() for n in (entity.name, *entity.aliases))
            or (key and key in keys_of(entity))
        }


def keys_of(entity: Entity) -> set[str]:
    return {k for k in (name_key(n) for n in (entity.name, *entity.aliases)) if k}


class Catalog:
    """The read side of one database file, shared by every request."""

    def __init__(self, path: str, *, device: str = "cpu") -> None:
        self.path = path
        self.device = device
        """Where the embeddings of a comparison made on first read run."""
        self._store = Store(path)
        self._lock = threading.RLock()
        self._comparisons: OrderedDict[tuple, Comparison] = OrderedDict()
        self._index: EntityIndex | None = None
        self._index_lock = threading.Lock()  # one build of the entity index at a time
        self._changes = 0  # how many ingests have changed the store
        self.bodies = Bodies()
        """Finished JSON and pages, until the store changes (see :mod:`.responses`)."""

    def close(self) -> None:
        with self._lock:
            self._store.close()
            # the app lives in reference cycles; let the connection go with the store now
            self._store = None  # type: ignore[assignment]

    def changed(self) -> None:
        """Forget what depends on the grouping (after an ingest)."""
        with self._lock:
            self._index = None
            self._changes += 1
        self.bodies.clear()

    # --- events ----------------------------------------------------------------------

    def find(self, query: EventQuery, *, compare: bool = True) -> EventPage:
        """One page of events matching ``query``, each as a row for the list (see
        :meth:`row` for ``compare``)."""
        ids = None
        if query.entity:
            index = self.entities()
            ids = (
                {index.by_id[query.entity][0]}
                if query.entity in index.by_id
                else index.search(query.entity)
            )
        with self._lock:
            events, total = self._store.find_events(
                text=query.text,
                outlet=query.outlet,
                since=query.since,
                until=query.until,
                min_sources=query.min_sources,
                ids=ids,
                limit=query.per_page,
                offset=(query.page - 1) * query.per_page,
            )
            # the page's articles and stored fact counts in one read each, not one per event
            members = self._store.articles(a for e in events for a in e.article_ids)
            counted = self._store.comparison_counts(
                {e.id: pipeline.comparison_key(e) for e in events})
        stored = {a.id: a for a in members}
        rows = [self.row(e, [stored[a] for a in e.article_ids], compare=compare,
                         counts=counted.get(e.id)) for e in events]
        return EventPage(rows=rows, total=total, query=query)

    def row(self, event: Event, articles: list[Article], *, compare: bool = True,
            counts: dict[str, int] | None = None) -> dict:
        """An event as the list shows it, from its ``articles``: dates, outlets, sources and
        how far they agree.

        How far they agree (``facts``, ``agreement``: see :meth:`agreement`) comes from the
        stored comparison (``counts``, its facts by status, when the caller has read them).
        An event not compared since it changed is compared now, a second or more for a
        large event; without ``compare`` its agreement is None instead."""
        row = event_listing(event, articles)
        if counts is None and (compare or self.compared(event)):
            counts = pipeline.fact_counts(self.comparison(event))
        row.update(_shares(counts) if counts is not None else {"facts": None, "agreement": None})
        return row

    def agreement(self, event: Event | str) -> dict:
        """How far the outlets agree on an event: its facts counted by status
        (``facts``) and each status's share of them (``agreement``)."""
        return _shares(pipeline.fact_counts(self.comparison(event)))

    def compared(self, event: Event) -> bool:
        """Whether the comparison of ``event``, as it stands, is at hand (in memory or
        stored)."""
        with self._lock:
            if _key(event) in self._comparisons:
                return True
            key = pipeline.comparison_key(event)
            return bool(self._store.comparison_counts({event.id: key}))

    def event(self, event_id: str) -> Event:
        with self._lock:
            return self._store.event(event_id)

    def comparison(self, event: Event | str) -> Comparison:
        """The comparison of one event (an :class:`Event` or its id or id prefix).

        One not stored yet is made through a connection of its own, outside the lock that
        every request takes, so the other requests go on meanwhile."""
        if isinstance(event, str):
            event = self.event(event)
        key = _key(event)
        with self._lock:
            found = self._comparisons.get(key)
            if found is None:
                found = self._store.comparison(event.id, pipeline.comparison_key(event))
        if found is None:
            with Store(self.path) as store:
                found = pipeline.compare_event(store, event, device=self.device)
        with self._lock:
            self._comparisons[key] = found
            self._comparisons.move_to_end(key)
            while len(self._comparisons) > CACHED_COMPARISONS:
                self._comparisons.popitem(last=False)
        return found

    def analyses(self, article_ids: Iterable[str]) -> dict[str, Analysis]:
        with self._lock:
            return self._store.analyses(article_ids)

    def outlets(self) -> list[str]:
        with self._lock:
            return self._store.outlets()

    # --- entities --------------------------------------------------------------------

    def entities(self) -> EntityIndex:
        """The entity index, built on first use after each change of the store.

        Building it reads every event's entities (:func:`event_entities`), seconds on a
        store of thousands of articles, so it reads through a connection of its own:
        requests that need the index wait for it, the others go on. An index built while an
        ingest changed the store serves the requests that waited for it and is then built
        again."""
        with self._index_lock:
            with self._lock:
                if self._index is not None:
                    return self._index
                changes = self._changes
            with Store(self.path) as store:
                index = EntityIndex()
                for events in _batches(store.events(), INDEX_ARTICLES):
                    for event_id, entities in event_entities(store, events).items():
                        for entity in entities:
                            index.add(event_id, entity)
            with self._lock:
                if self._changes == changes:
                    self._index = index
            return index

    def entity(self, entity_id: str) -> dict:
        """An entity across events: names, the events it is in, and each outlet's labels."""
        index = self.entities()
        if entity_id not in index.by_id:
            raise NotFoundError(
                f"No entity {entity_id!r} in {self.path!r}; entity ids are listed under "
                "'entities' in /api/events/{id}"
            )
        appearances, seen = [], set()
        for linked in sorted(index.linked(entity_id), key=lambda i: i != entity_id):
            event_id, _ = index.by_id[linked]
            if event_id in seen:
                continue
            seen.add(event_id)
            comparison = self.comparison(event_id)
            found = next((e for e in comparison.entities if e.id == linked), None)
            if found is not None:
                appearances.append((comparison, found))
        return _profile(entity_id, appearances)


def _profile(entity_id: str, appearances: list[tuple[Comparison, Entity]]) -> dict:
    main = next(e for _, e in appearances if e.id == entity_id)
    names = {n for _, e in appearances for n in (e.name, *e.aliases)}
    labels: dict[tuple, dict] = {}
    events: list[dict] = []
    for comparison, entity in appearances:
        outlet_of = {a.id: a.outlet for a in comparison.articles}
        dates = sorted(a.published.isoformat() for a in comparison.articles if a.published)
        events.append(
            {
                "id": comparison.event.id,
                "title": comparison.event.title,
                "date_range": [dates[0], dates[-1]] if dates else [None, None],
                "entity": entity.id,
                "name": entity.name,
                "mentions": len(entity.mentions),
                "outlets": sorted({outlet_of[m.article] for m in entity.mentions}, key=str.lower),
            }
        )
        for frame in comparison.framing:
            if frame.entity != entity.id:
                continue
            key = (outlet_of[frame.article], frame.term.lower(), frame.voice, frame.speaker)
            label = labels.setdefault(
                key,
                {
                    "outlet": key[0],
                    "term": frame.term,
                    "voice": frame.voice,
                    "speaker": frame.speaker,
                    "count": 0,
                    "events": [],
                },
            )
            label["count"] += 1
            if comparison.event.id not in label["events"]:
                label["events"].append(comparison.event.id)
    events.sort(key=lambda e: e["date_range"][1] or "", reverse=True)
    return {
        "id": main.id,
        "name": main.name,
        "type": main.type,
        "aliases": sorted(names - {main.name}, key=str.lower),
        "events": events,
        "labels": sorted(labels.values(), key=lambda x: (x["outlet"].lower(), -x["count"])),
    }


def event_entities(store: Store, events: list[Event]) -> dict[str, tuple[Entity, ...]]:
    """Each event's entities, in the order of ``events``: those of its stored comparison
    (the entities it was compared with), else resolved afresh from its analyses."""
    stored = store.comparisons({e.id: pipeline.comparison_key(e) for e in events})
    missing = [e for e in events if e.id not in stored]
    analyses = store.analyses(a for e in missing for a in e.article_ids) if missing else {}
    found = {}
    for event in events:
        if event.id in stored:
            found[event.id] = stored[event.id].entities
        else:
            members = {a: analyses[a] for a in event.article_ids if a in analyses}
            found[event.id] = tuple(resolve(event.id, members))
    return found


def _batches(events: list[Event], articles: int) -> Iterable[list[Event]]:
    """``events`` in order, in runs of about ``articles`` articles (an event is never cut)."""
    batch: list[Event] = []
    size = 0
    for event in events:
        batch.append(event)
        size += len(event.article_ids)
        if size >= articles:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _shares(counts: dict[str, int]) -> dict:
    total = sum(counts.values())
    shares = {s: round(n / total, 3) if total else 0.0 for s, n in counts.items()}
    return {"facts": dict(counts), "agreement": shares}


def _key(event: Event) -> tuple:
    """What a comparison is cached by: the event's exact membership."""
    return (event.id, event.article_ids, tuple(sorted(event.copies.items())))
