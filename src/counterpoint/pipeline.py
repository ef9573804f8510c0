"""Run the stages: ingest -> analyze -> group -> compare, with the store in between.

This is the one module (beside the CLI and the server) that puts stages
together. Every function takes a :class:`~counterpoint.store.Store`; the
library never prints and never exits.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from counterpoint.analyze import analyze_many
from counterpoint.analyze.embed import default_embedder
from counterpoint.compare import compare
from counterpoint.errors import CounterpointError, InputError
from counterpoint.group import GroupSettings, profile
from counterpoint.ingest import read_paths
from counterpoint.model import Analysis, Article, Comparison, Event
from counterpoint.resolve import resolve
from counterpoint.store import Store

COMPARE_THREADS = max(1, min(4, os.cpu_count() or 1))
"""Threads for embedding an event's sentences: comparing runs once analysis is done."""

Progress = Callable[[int, int], None]
"""Called with (done, total) as articles are analysed."""


@dataclass(frozen=True, slots=True, kw_only=True)
class IngestReport:
    """What an ingest did: articles added, those already stored, what failed, and the
    events it created, grew or merged."""

    added: tuple[str, ...]
    known: tuple[str, ...]
    failures: tuple[InputError, ...]
    events: tuple[Event, ...]

    @property
    def article_ids(self) -> tuple[str, ...]:
        return self.added + self.known


def ingest(
    paths: Sequence[str | Path],
    store: Store,
    *,
    outlet: str | None = None,
    workers: int = 1,
    progress: Progress | None = None,
) -> IngestReport:
    """Read, analyse and store new articles, then place them in events."""
    result = read_paths(paths, outlet=outlet)
    return add_articles(
        result.articles, store, failures=result.failures, workers=workers, progress=progress
    )


def add_articles(
    articles: Sequence[Article],
    store: Store,
    *,
    failures: Sequence[InputError] = (),
    workers: int = 1,
    progress: Progress | None = None,
) -> IngestReport:
    """Analyse and store the articles not stored yet, then place them in events.

    ``failures`` (inputs that could not be read) are passed through to the report.
    """
    failures = list(failures)
    unique = list({a.id: a for a in articles}.values())
    stored = {a.id for a in unique if store.has_article(a.id)}
    new = [a for a in unique if a.id not in stored]
    added = []
    kept: dict[str, Analysis] = {}
    analyses = analyze_many(new, workers=workers, keep_going=True)
    for done, (article, analysis) in enumerate(zip(new, analyses), start=1):
        if progress:
            progress(done, len(new))
        if isinstance(analysis, CounterpointError):
            failures.append(InputError(str(analysis), source=article.source))
            continue
        try:
            if store.add(article, analysis):
                added.append(article.id)
                kept[article.id] = analysis
        except CounterpointError as exc:
            failures.append(InputError(str(exc), source=article.source))
    events = group_new(store, analyses=kept)
    return IngestReport(
        added=tuple(added),
        known=tuple(a.id for a in unique if a.id in stored),
        failures=tuple(failures),
        events=tuple(events),
    )


def group_new(
    store: Store,
    settings: GroupSettings | None = None,
    *,
    analyses: dict[str, Analysis] | None = None,
) -> list[Event]:
    """Place the stored articles that are in no event yet, by publication date
    (:meth:`Grouper.place_batch`); returns the events they created, grew or merged.

    Only the events near the new articles' dates are loaded, and the others stay as
    they are; ids stay stable as events grow. A store whose grouping was replaced
    wholesale (:meth:`Store.save_events`) is regrouped once instead. ``analyses``
    already in memory (by article id) spare reading them back from the store.
    """
    if not store.grouping_is_incremental():
        return regroup(store, settings)
    ids = store.ungrouped()
    if not ids:
        return []
    analyses = dict(analyses or {})
    missing = [i for i in ids if i not in analyses]
    if missing:
        analyses.update(store.analyses(missing))
    profiles = [profile(a, analyses[a.id], settings) for a in store.articles(ids)]
    grouper = store.grouper(profiles, settings)
    grouper.place_batch(profiles)
    store.save_grouping(grouper, profiles)
    return [event.to_event() for event in grouper.changed()]


def regroup(store: Store, settings: GroupSettings | None = None) -> list[Event]:
    """Forget the grouping and place every stored article again, as one batch.

    Every event takes the id of its first article in placing order. Every id that
    named an event before still does: one that names no event now (an event saved under
    another id, or merged away) resolves to the event that holds its first-ingested
    article (the first the store lists).
    """
    firsts = {event.id: event.article_ids[0] for event in store.events()}
    firsts.update({old: firsts[new] for old, new in store.merges().items() if new in firsts})
    store.clear_grouping()
    group_new(store, settings)
    events = store.events()
    holder = {article_id: event.id for event in events for article_id in event.article_ids}
    live = {event.id for event in events}
    store.add_merges(
        {old: holder[first] for old, first in firsts.items() if old not in live and first in holder}
    )
    return events


def compare_event(store: Store, event: Event | str) -> Comparison:
    """The comparison of one stored event (an :class:`Event` or its id)."""
    if isinstance(event, str):
        event = store.event(event)
    articles = {a.id: a for a in store.articles(event.article_ids)}
    analyses = store.analyses(event.article_ids)
    entities = resolve(event.id, analyses)
    embedder = default_embedder(threads=COMPARE_THREADS)
    return compare(event, articles, analyses, entities, embed=embedder.encode)


def compare_paths(
    paths: Sequence[str | Path],
    *,
    store: Store | None = None,
    outlet: str | None = None,
    workers: int = 1,
    progress: Progress | None = None,
) -> tuple[list[Comparison], tuple[InputError, ...]]:
    """Ingest ``paths`` and compare every event that holds one of their articles."""
    store = store or Store()
    report = ingest(paths, store, outlet=outlet, workers=workers, progress=progress)
    wanted = set(report.article_ids)
    comparisons = [
        compare_event(store, event) for event in store.events() if wanted & set(event.article_ids)
    ]
    return comparisons, report.failures
