"""Run the stages: ingest -> analyze -> group -> compare, with the store in between.

This is the one module (beside the CLI and the server) that puts stages
together. Every function takes a :class:`~counterpoint.store.Store`; the
library never prints and never exits. What a run is told (the device, the reading
of loaded words in context, the article size limit, how many workers) comes in a
:class:`~counterpoint.config.Settings`, and is handed down as arguments.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from counterpoint.analyze import analyze_many, die_with_parent
from counterpoint.analyze.embed import default_embedder
from counterpoint.compare import compare, version
from counterpoint.compare.same import default_models
from counterpoint.config import Settings
from counterpoint.errors import CounterpointError, InputError
from counterpoint.group import GroupSettings, Profile, profile
from counterpoint.ingest import read_paths
from counterpoint.model import Article, Comparison, Event
from counterpoint.resolve import resolve
from counterpoint.store import Store

COMPARE_THREADS = max(1, min(4, os.cpu_count() or 1))
"""Threads for embedding an event's sentences and reading its claim pairs in this process:
comparing runs once analysis is done."""

Progress = Callable[[str, int, int], None]
"""Called with (stage, done, total) as the work goes on: ``"analysing"`` articles, then, for
articles stored without a profile (by an earlier version), ``"loading"`` their analyses, and
``"grouping"`` (articles placed in events), then ``"comparing"`` (events new or changed)."""

LOAD_CHUNK = 500
"""Stored profiles are read, and stored analyses decoded, this many at a time."""


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
    workers: int | None = None,
    settings: Settings | None = None,
    progress: Progress | None = None,
    compare_events: bool = True,
) -> IngestReport:
    """Read, analyse and store new articles, then place them in events and compare those
    (see :func:`add_articles`)."""
    settings = settings or Settings()
    result = read_paths(paths, outlet=outlet, max_article_chars=settings.max_article_chars)
    return add_articles(
        result.articles, store, failures=result.failures, workers=workers, settings=settings,
        progress=progress, compare_events=compare_events,
    )


def add_articles(
    articles: Sequence[Article],
    store: Store,
    *,
    failures: Sequence[InputError] = (),
    workers: int | None = None,
    settings: Settings | None = None,
    progress: Progress | None = None,
    compare_events: bool = True,
) -> IngestReport:
    """Analyse and store the articles not stored yet, place them in events, and compare
    the events they created or changed (stored, so a reader never waits for it; skipped
    without ``compare_events``, and then made on first read).

    ``failures`` (inputs that could not be read) are passed through to the report.
    ``settings`` (None: :class:`~counterpoint.config.Settings` ``()``) say how to analyse;
    ``workers``, when given, overrides theirs.
    """
    settings = settings or Settings()
    failures = list(failures)
    unique = list({a.id: a for a in articles}.values())
    stored = {a.id for a in unique if store.has_article(a.id)}
    new = [a for a in unique if a.id not in stored]
    added = []
    analyses = analyze_many(
        new, workers=settings.workers if workers is None else workers, keep_going=True,
        loaded_context=settings.loaded_context, device=settings.device,
    )
    for done, (article, analysis) in enumerate(zip(new, analyses), start=1):
        if progress:
            progress("analysing", done, len(new))
        if isinstance(analysis, CounterpointError):
            failures.append(InputError(str(analysis), source=article.source))
            continue
        try:
            if store.add(article, analysis):
                added.append(article.id)
        except CounterpointError as exc:
            failures.append(InputError(str(exc), source=article.source))
    events = group_new(store, progress=progress)
    if compare_events:
        compare_all(store, events, device=settings.device, progress=progress,
                    workers=settings.workers if workers is None else workers)
    return IngestReport(
        added=tuple(added),
        known=tuple(a.id for a in unique if a.id in stored),
        failures=tuple(failures),
        events=tuple(events),
    )


def group_new(
    store: Store, settings: GroupSettings | None = None, *, progress: Progress | None = None
) -> list[Event]:
    """Place the stored articles that are in no event yet, by publication date
    (:meth:`Grouper.place_batch`); returns the events they created, grew or merged.

    Only the events near the new articles' dates are loaded, and the others stay as
    they are; ids stay stable as events grow. A store whose grouping was replaced
    wholesale (:meth:`Store.save_events`) is regrouped once instead. The articles'
    profiles are those the store made as it stored them; an article stored without one
    (by an earlier version, or under other ``settings``) has its analysis decoded, with
    the others of its :data:`LOAD_CHUNK`, and only its profile kept.
    """
    if not store.grouping_is_incremental(settings):
        return regroup(store, settings, progress=progress)
    ids = store.ungrouped()
    if not ids:
        return []
    batch = _profiles(store, ids, settings, progress)
    grouper = store.grouper(batch, settings)
    placed = (lambda done, total: progress("grouping", done, total)) if progress else None
    grouper.place_batch(batch, progress=placed)
    store.save_grouping(grouper, batch)
    return [event.to_event() for event in grouper.changed()]


def _profiles(
    store: Store, ids: Sequence[str], settings: GroupSettings | None, progress: Progress | None
) -> list[Profile]:
    """The profiles of the articles ``ids``, in that order: those stored, else built from
    the stored analyses, decoded :data:`LOAD_CHUNK` at a time (and kept, so that the next
    regroup reads them)."""
    found = {p.article_id: p for p in store.profiles(ids, settings, chunk=LOAD_CHUNK)}
    missing = [i for i in ids if i not in found]
    read = store.analysed(missing, chunk=LOAD_CHUNK) if missing else ()
    for loaded, (article, analysis) in enumerate(read, start=1):
        found[article.id] = profile(article, analysis, settings)
        if progress and (loaded % LOAD_CHUNK == 0 or loaded == len(missing)):
            progress("loading", loaded, len(missing))
    store.keep_profiles([found[i] for i in missing], settings)
    return [found[i] for i in ids]


def regroup(
    store: Store, settings: GroupSettings | None = None, *, progress: Progress | None = None
) -> list[Event]:
    """Forget the grouping and place every stored article again, as one batch.

    Every event takes the id of its first article in placing order. Every id that
    named an event before still does: one that names no event now (an event saved under
    another id, or merged away) resolves to the event that holds its first-ingested
    article (the first the store lists). ``progress`` is as for :func:`group_new`.
    """
    firsts = {event.id: event.article_ids[0] for event in store.events()}
    firsts.update({old: firsts[new] for old, new in store.merges().items() if new in firsts})
    store.clear_grouping()
    group_new(store, settings, progress=progress)
    events = store.events()
    holder = {article_id: event.id for event in events for article_id in event.article_ids}
    live = {event.id for event in events}
    store.add_merges(
        {old: holder[first] for old, first in firsts.items() if old not in live and first in holder}
    )
    return events


def comparison_key(event: Event) -> str:
    """What a stored comparison is valid for: the event's exact membership (articles and
    copies) under this comparison :func:`~counterpoint.compare.version`."""
    parts = [version(), event.id, *event.article_ids,
             *(f"{a}={b}" for a, b in sorted(event.copies.items()))]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def compare_event(store: Store, event: Event | str, *, device: str = "cpu") -> Comparison:
    """The comparison of one stored event (an :class:`Event` or its id): the stored one
    when the event has not changed since, else made now (embeddings on ``device``) and
    stored."""
    if isinstance(event, str):
        event = store.event(event)
    key = comparison_key(event)
    stored = store.comparison(event.id, key)
    if stored is not None:
        return stored
    comparison = _compare_task(_inputs(store, event), device, COMPARE_THREADS)
    assert isinstance(comparison, Comparison)  # without keep_going an error is raised
    store.put_comparison(key, comparison, fact_counts(comparison))
    return comparison


def compare_all(store: Store, events: Sequence[Event], *, device: str = "cpu",
                progress: Progress | None = None, workers: int = 1) -> int:
    """Make and store the comparison of each of ``events`` that has none for its membership
    (embeddings on ``device``), spread over ``workers`` processes when there are enough of
    them; returns how many events could not be compared (each is compared again when it is
    next read, where its error shows)."""
    todo = [e for e in events if store.comparison(e.id, comparison_key(e)) is None]
    done, failed = len(events) - len(todo), 0
    if progress and done:
        progress("comparing", done, len(events))
    if workers <= 1 or len(todo) < PARALLEL_EVENTS:
        made_all: Iterable = (
            _compare_task(_inputs(store, e), device, COMPARE_THREADS, True) for e in todo
        )
        return failed + _store_all(store, todo, made_all, done, len(events), progress)
    with ProcessPoolExecutor(max_workers=workers, initializer=die_with_parent) as pool:
        for first in range(0, len(todo), PARALLEL_EVENTS * workers):
            chunk = todo[first : first + PARALLEL_EVENTS * workers]
            inputs = [_inputs(store, event) for event in chunk]
            every = len(chunk)
            made_all = pool.map(_compare_task, inputs, [device] * every, [1] * every,
                                [True] * every)
            failed += _store_all(store, chunk, made_all, done, len(events), progress)
            done += every
    return failed


def _store_all(store: Store, events, made_all, done: int, total: int,
               progress: Progress | None) -> int:
    """Store each event's comparison as it comes; returns how many could not be made."""
    failed = 0
    for event, made in zip(events, made_all):
        if isinstance(made, Comparison):
            store.put_comparison(comparison_key(event), made, fact_counts(made))
        else:
            failed += 1
        done += 1
        if progress:
            progress("comparing", done, total)
    return failed


PARALLEL_EVENTS = 4
"""Events per worker below which comparing in worker processes costs more than it saves
(each worker loads the encoders once)."""


def _inputs(store: Store, event: Event) -> tuple[Event, dict[str, Article], dict]:
    """What comparing an event reads from the store."""
    articles = {a.id: a for a in store.articles(event.article_ids)}
    return event, articles, store.analyses(event.article_ids)


def _compare_task(
    inputs, device: str, threads: int, keep_going: bool = False
) -> Comparison | CounterpointError:
    """Resolve and compare one event (in this process or a worker). With ``keep_going`` an
    error is returned, so that the other events still go through."""
    event, articles, analyses = inputs
    entities = resolve(event.id, analyses)
    embedder = default_embedder(threads=threads, device=device)
    models = default_models(threads)  # the claim cross-encoder on the embedder's threads
    try:
        return compare(event, articles, analyses, entities, embed=embedder.encode, models=models)
    except CounterpointError as exc:
        if not keep_going:
            raise
        return exc


STATUSES = ("agreed", "conflicting", "single_source")


def fact_counts(comparison: Comparison) -> dict[str, int]:
    """The comparison's facts by status."""
    counts = dict.fromkeys(STATUSES, 0)
    for fact in comparison.facts:
        counts[fact.status] = counts.get(fact.status, 0) + 1
    return counts


def compare_paths(
    paths: Sequence[str | Path],
    *,
    store: Store | None = None,
    outlet: str | None = None,
    workers: int | None = None,
    settings: Settings | None = None,
    progress: Progress | None = None,
) -> tuple[list[Comparison], tuple[InputError, ...]]:
    """Ingest ``paths`` and compare every event that holds one of their articles
    (``settings`` and ``workers`` as for :func:`add_articles`; the store is the one given,
    not ``settings.db``)."""
    settings = settings or Settings()
    store = store or Store()
    report = ingest(paths, store, outlet=outlet, workers=workers, settings=settings,
                    progress=progress)
    wanted = set(report.article_ids)
    comparisons = [
        compare_event(store, event, device=settings.device)
        for event in store.events()
        if wanted & set(event.article_ids)
    ]
    return comparisons, report.failures
