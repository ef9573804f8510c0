"""Browsing a store (the web app): search and pages of events, and the outlets to filter by."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from counterpoint.model import Event
from counterpoint.store.core import Connection

__all__ = ["Search"]


class Search(Connection):
    """Pages of events found by text, outlet, dates and sources."""

    def find_events(
        self,
        *,
        text: str | None = None,
        outlet: str | None = None,
        since: date | None = None,
        until: date | None = None,
        min_sources: int = 0,
        ids: Iterable[str] | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> tuple[list[Event], int]:
        """One page of events, most recently published first, and how many match in all.

        ``text`` is found (ignoring case) in an event's title or in an article's title or
        text; ``outlet`` names an outlet (ignoring case) with an article in the event;
        ``since``/``until`` keep events whose publication dates overlap that range
        (inclusive); ``min_sources`` keeps events with at least that many independent
        sources (outlets with an article that is not a copy); ``ids`` keeps only those events.
        """
        where = ["TRUE"]
        params: list[object] = []
        if text:
            where.append(
                "bool_or(strpos(lower(e.title), ?) > 0 OR strpos(lower(coalesce(a.title, '')), ?)"
                " > 0 OR strpos(lower(a.text), ?) > 0)"
            )
            params += [text.lower()] * 3
        if outlet:
            where.append("bool_or(lower(a.outlet) = ?)")
            params.append(outlet.lower())
        if since:
            where.append("max(a.published) >= ?")
            params.append(since)
        if until:
            where.append("min(a.published) <= ?")
            params.append(until)
        if min_sources > 1:
            where.append("count(DISTINCT a.outlet) FILTER (WHERE ea.copy_of IS NULL) >= ?")
            params.append(min_sources)
        if ids is not None:
            where.append("e.id IN (SELECT unnest(?))")
            params.append(list(ids))
        rows = self._db.execute(
            f"""
            SELECT e.id, e.title, list(ea.article_id ORDER BY a.seq),
                   list(ea.copy_of ORDER BY a.seq), count(*) OVER ()
            FROM event e JOIN event_article ea ON ea.event_id = e.id
            JOIN article a ON a.id = ea.article_id
            GROUP BY e.id, e.title
            HAVING {" AND ".join(where)}
            ORDER BY max(a.published) DESC NULLS LAST, max(a.seq) DESC
            LIMIT ? OFFSET ?
            """,
            [*params, limit, offset],
        ).fetchall()
        if not rows and offset:
            return [], self.find_events(
                text=text,
                outlet=outlet,
                since=since,
                until=until,
                min_sources=min_sources,
                ids=ids,
                limit=1,
            )[1]
        events = [
            Event(id=i, title=t, article_ids=tuple(a), copies={x: c for x, c in zip(a, cs) if c})
            for i, t, a, cs, _ in rows
        ]
        return events, rows[0][4] if rows else 0

    def outlets(self) -> list[str]:
        """Every outlet with a stored article, in alphabetical order."""
        rows = self._db.execute(
            "SELECT DISTINCT outlet FROM article ORDER BY lower(outlet), outlet"
        ).fetchall()
        return [outlet for (outlet,) in rows]
