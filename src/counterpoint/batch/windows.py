"""Grouping at corpus scale: time windows grouped side by side, then stitched together.

Articles are windowed by their date (``group_date``: the publication date, else
the event's date found in the text, so that an undated article meets the articles
of its own weeks; within a window the grouper goes by publication dates). The
calendar is cut into fixed windows of ``days`` days, counted from the first day of
the calendar, so that the cut never depends on the input or its shards. Each
window also takes in the first ``overlap`` days of the next one -- the grouper's
gate: articles more than a week apart never join -- so any two articles that could
join meet in at least one window. Each window is grouped on its own (in parallel)
by :func:`counterpoint.group.group`, which places its articles in
:func:`~counterpoint.group.placing_order`, and events from different windows that
share an article are stitched into one. Articles without any date form one window
of their own.

The result depends only on the articles, not on how the input was sharded, the
order of the shards, or the number of workers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import pyarrow as pa

from counterpoint.group import group
from counterpoint.model import Event

from .records import analysis_of, article_of

WINDOW_DAYS = 30
OVERLAP_DAYS = 7
"""The grouper's date gate: events more than a week from an article are never joined."""
OrderKey = tuple[bool, date, str]


@dataclass(frozen=True, slots=True, kw_only=True)
class Window:
    """The days ``[start, end)`` (``start`` None: the articles without a date)."""

    start: date | None
    end: date | None


def windows_for(
    days_seen: Iterable[date | None], *, days: int = WINDOW_DAYS, overlap: int = OVERLAP_DAYS
) -> list[Window]:
    """The windows that hold the given days, in calendar order, undated last."""
    if days < 1 or overlap < 0:
        raise ValueError(f"window of {days} days with {overlap} days of overlap; use days >= 1")
    indices: set[int] = set()
    undated = False
    for day in days_seen:
        if day is None:
            undated = True
        else:
            indices.add(day.toordinal() // days)
    windows = [
        Window(start=date.fromordinal(max(1, k * days)), end=_day((k + 1) * days + overlap))
        for k in sorted(indices)
    ]
    if undated:
        windows.append(Window(start=None, end=None))
    return windows


def _day(ordinal: int) -> date | None:
    """The day of ``ordinal``; None past the end of the calendar (an open-ended window)."""
    return date.fromordinal(ordinal) if ordinal <= date.max.toordinal() else None


def group_window(table: pa.Table) -> list[Event]:
    """Group the analysed articles of one window (a table of ``articles/*.parquet`` rows)."""
    rows: dict[str, dict] = {}
    for row in table.to_pylist():
        known = rows.get(row["id"])
        # the same article in two shards: keep one, chosen by content, not by shard
        if known is None or _content(row) < _content(known):
            rows[row["id"]] = row
    return group((article_of(row), analysis_of(row)) for row in rows.values())


def _content(row: dict) -> tuple[str, ...]:
    return (row["text"], row["outlet"], row["title"] or "", row["url"] or "")


def stitch(per_window: Sequence[Sequence[Event]], order: Mapping[str, OrderKey]) -> list[Event]:
    """Join events of different windows that share an article; events in order of their
    first article. A stitched event keeps the id and title of its earliest part."""
    parent: dict[str, str] = {}

    def find(a: str) -> str:
        parent.setdefault(a, a)
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for events in per_window:
        for event in events:
            first = find(event.article_ids[0])
            for other in event.article_ids[1:]:
                root = find(other)
                if root != first:
                    parent[root] = first
    members: dict[str, set[str]] = {}
    for article in parent:
        members.setdefault(find(article), set()).add(article)
    lead: dict[str, Event] = {}
    copies: dict[str, dict[str, str]] = {}
    for events in per_window:
        for event in events:
            root = find(event.article_ids[0])
            best = lead.get(root)
            if best is None or order[event.article_ids[0]] < order[best.article_ids[0]]:
                lead[root] = event
            for article, original in event.copies.items():
                copies.setdefault(root, {}).setdefault(article, original)
    stitched = [
        Event(
            id=lead[root].id,
            title=lead[root].title,
            article_ids=tuple(sorted(ids, key=order.__getitem__)),
            copies=_originals(copies.get(root, {})),
        )
        for root, ids in members.items()
    ]
    return sorted(stitched, key=lambda e: order[e.article_ids[0]])


def _originals(copies: dict[str, str]) -> dict[str, str]:
    """Each copy points at the article it ultimately copies (never at itself)."""
    resolved = {}
    for article, original in copies.items():
        seen = {article}
        while original in copies and original not in seen:
            seen.add(original)
            original = copies[original]
        if original != article:
            resolved[article] = original
    return resolved
