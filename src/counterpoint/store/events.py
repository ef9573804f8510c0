"""The events of a store: one by id (or by an id merged away), all of them, or a whole
grouping written at once."""

from __future__ import annotations

from collections.abc import Iterable

from counterpoint.errors import NotFoundError
from counterpoint.model import Event
from counterpoint.store.core import Connection

__all__ = ["Events"]


class Events(Connection):
    """The events a store holds and the merges that renamed them."""

    def save_events(self, events: Iterable[Event]) -> None:
        """Replace the grouping with ``events`` in one transaction.

        The incremental grouping state is dropped with the old grouping, so the next
        ingest regroups the whole store once (see :meth:`grouping_is_incremental`).
        """
        events = list(events)
        with self.transaction():
            for table in ("event_article", "event", "article_profile", "event_profile", "term_df"):
                self._db.execute(f"DELETE FROM {table}")
            for event in events:
                self._db.execute("INSERT INTO event VALUES (?, ?)", [event.id, event.title])
                self._db.executemany(
                    "INSERT INTO event_article VALUES (?, ?, ?)",
                    [[a, event.id, event.copies.get(a)] for a in event.article_ids],
                )

    def events(self, ids: Iterable[str] | None = None) -> list[Event]:
        """Events (all of them, or those with ``ids``), most recently published first."""
        where, params = ("WHERE e.id IN (SELECT unnest(?))", [list(ids)]) if ids is not None \
            else ("", [])
        rows = self._db.execute(
            f"""
            SELECT e.id, e.title, list(ea.article_id ORDER BY a.seq),
                   list(ea.copy_of ORDER BY a.seq), max(a.published), max(a.seq)
            FROM event e JOIN event_article ea ON ea.event_id = e.id
            JOIN article a ON a.id = ea.article_id
            {where}
            GROUP BY e.id, e.title
            ORDER BY max(a.published) DESC NULLS LAST, max(a.seq) DESC
            """,
            params,
        ).fetchall()
        return [
            Event(
                id=i,
                title=t,
                article_ids=tuple(members),
                copies={a: c for a, c in zip(members, copies) if c},
            )
            for i, t, members, copies, _, _ in rows
        ]

    def event(self, event_id: str) -> Event:
        """An event by id, by the first characters of its id (six or more, and only one
        event's), or by the id of an event that was merged into it."""
        row = self._db.execute(
            "SELECT new_id FROM event_merge WHERE old_id = ?", [event_id]
        ).fetchone()
        if row is not None:
            event_id = row[0]
        found = [i for (i,) in self._db.execute(  # a whole id: the index finds it at once
            "SELECT id FROM event WHERE id = ?", [event_id]).fetchall()]
        if not found and len(event_id) >= 6:
            found = [i for (i,) in self._db.execute(
                "SELECT id FROM event WHERE starts_with(id, ?) ORDER BY id LIMIT 6", [event_id]
            ).fetchall()]
        if len(found) > 1 and found[0] != event_id:
            raise NotFoundError(
                f"{event_id!r} begins the ids of several events ({', '.join(found[:5])}); "
                "give more of the id"
            )
        events = self.events(found[:1]) if found else []
        if not events:
            raise NotFoundError(
                f"No event {event_id!r} in {self.path!r}; list the events with: counterpoint events"
            )
        return events[0]

    def merges(self) -> dict[str, str]:
        """Events merged into others: old id -> the id it now belongs to."""
        return dict(self._db.execute("SELECT old_id, new_id FROM event_merge").fetchall())
