"""Run the stages: ingest -> analyze -> group -> compare, with the store in between.

This is the one module (beside the CLI and the server) that puts stages
together. Every function takes a :class:`~counterpoint.store.Store`; the
library never prints and never exits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from counterpoint.analyze import analyze_many
from counterpoint.compare import compare
from counterpoint.errors import CounterpointError, InputError
from counterpoint.group import Grouper
from counterpoint.ingest import read_paths
from counterpoint.model import Comparison, Event
from counterpoint.resolve import resolve
from counterpoint.store import Store

Progress = Callable[[int, int], None]
"""Called with (done, total) as articles are analysed."""


@dataclass(frozen=True, slots=True, kw_only=True)
class IngestReport:
    """What an ingest did: articles added, those already stored, and what failed."""

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
    """Read, analyse and store new articles, then regroup the store into events."""
    result = read_paths(paths, outlet=outlet)
    failures = list(result.failures)
    unique = list({a.id: a for a in result.articles}.values())
    stored = {a.id for a in unique if store.has_article(a.id)}
    new = [a for a in unique if a.id not in stored]
    added = []
    analyses = analyze_many(new, workers=workers)
    for done, (article, analysis) in enumerate(zip(new, analyses), start=1):
        try:
            if store.add(article, analysis):
                added.append(article.id)
        except CounterpointError as exc:
            failures.append(InputError(str(exc), source=article.source))
        if progress:
            progress(done, len(new))
    events = regroup(store)
    return IngestReport(
        added=tuple(added),
        known=tuple(a.id for a in unique if a.id in stored),
        failures=tuple(failures),
        events=tuple(events),
    )


def regroup(store: Store) -> list[Event]:
    """Group every stored article, in ingest order, and save the events.

    Replaying the ingest order gives every event the id of its first article, so
    ids stay stable as events grow.
    """
    grouper = Grouper()
    for article, analysis in store.iter_pairs():
        grouper.add(article, analysis)
    events = grouper.events()
    store.save_events(events)
    return events


def compare_event(store: Store, event: Event | str) -> Comparison:
    """The comparison of one stored event (an :class:`Event` or its id)."""
    if isinstance(event, str):
        event = store.event(event)
    articles = {a.id: a for a in store.articles(event.article_ids)}
    analyses = store.analyses(event.article_ids)
    return compare(event, articles, analyses, resolve(event.id, analyses))


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
