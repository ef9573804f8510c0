"""What incremental grouping keeps between ingests: each placed article's profile, each
event's sums, the term statistics and the merges; loaded into a :class:`Grouper` around the
new articles, and written back when they are placed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

import numpy as np

from counterpoint.codec import from_json, to_json
from counterpoint.group import (
    EventState,
    Grouper,
    GroupSettings,
    Profile,
    TermStats,
    nearest,
    profile_scheme,
)
from counterpoint.store.core import Connection

__all__ = ["Grouping"]


class Grouping(Connection):
    """The grouping state of a store."""

    def ungrouped(self) -> list[str]:
        """Ids of stored articles not placed in an event yet, in ingest order."""
        rows = self._db.execute(
            "SELECT id FROM article WHERE id NOT IN (SELECT article_id FROM article_profile) "
            "ORDER BY seq"
        ).fetchall()
        return [article_id for (article_id,) in rows]

    def grouping_is_incremental(self, settings: GroupSettings | None = None) -> bool:
        """Whether every grouped article has its grouping profile, made as ``settings``
        make them (:func:`~counterpoint.group.profile_scheme`), so new articles can be
        placed without regrouping the store; False after :meth:`save_events`, and in a
        file grouped by a version that keyed names or signed articles otherwise."""
        grouped, profiled, scheme = self._one(
            "SELECT (SELECT count(*) FROM event_article), (SELECT count(*) FROM article_profile), "
            "(SELECT value FROM setting WHERE name = 'profile')"
        )
        return grouped == profiled and (profiled == 0 or scheme == profile_scheme(settings))

    def grouper(
        self, profiles: Sequence[Profile], settings: GroupSettings | None = None
    ) -> Grouper:
        """A :class:`Grouper` ready to place ``profiles``: it holds the events they could
        join, the articles placed in them, and the document frequencies of the profiles'
        terms.

        The events an article could join are those within the time window around its
        publication date, and those of the stored articles it would find nearest beyond
        that window: among the undated articles, which every article searches, and, for
        an undated article, among all. Only those are loaded, so a few new articles, dated
        or not, load as much of a large store as their neighbourhood holds, not all of it.
        """
        settings = settings or GroupSettings()
        dates = sorted(p.published for p in profiles if p.published is not None)
        where = "FALSE"
        params: list[object] = []
        if dates:
            margin = settings.max_days + 7  # the neighbour index looks a week either side
            where = "p.last >= ? AND p.first <= ?"
            params = [
                date.fromordinal(dates[0].toordinal() - margin),
                date.fromordinal(dates[-1].toordinal() + margin),
            ]
        where = f"({where}) OR p.event_id IN (SELECT unnest(?))"
        params.append(self._events_near(profiles, settings))
        # the events are chosen on their profiles alone, and only their members are then
        # joined to the articles (for their order): joining every member of every event
        # first and choosing after took about twice as long at 7,000 articles
        rows = self._db.execute(
            f"""
            WITH chosen AS (SELECT p.event_id FROM event_profile p WHERE {where}),
            members AS (
                SELECT ea.event_id, min(a.seq) AS seq,
                       list(ea.article_id ORDER BY a.seq) AS ids,
                       list(ea.copy_of ORDER BY a.seq) AS copies
                FROM event_article ea JOIN article a ON a.id = ea.article_id
                WHERE ea.event_id IN (SELECT event_id FROM chosen)
                GROUP BY ea.event_id
            )
            SELECT e.id, e.title, p.first, p.last, p.vector, p.terms, m.ids, m.copies
            FROM members m JOIN event e ON e.id = m.event_id
            JOIN event_profile p ON p.event_id = m.event_id
            ORDER BY m.seq
            """,
            params,
        ).fetchall()
        events = [
            EventState(
                id=event_id,
                title=title,
                first=first,
                last=last,
                vector_sum=np.frombuffer(vector, dtype=np.float32).copy(),
                terms_sum=from_json(dict[str, float], terms),
                article_ids=list(ids),
                copies={a: c for a, c in zip(ids, copies) if c},
            )
            for event_id, title, first, last, vector, terms, ids, copies in rows
        ]
        placed = self._db.execute(
            """
            SELECT ap.article_id, ea.event_id, ap.vector, ap.published, ap.signature
            FROM article_profile ap JOIN event_article ea USING (article_id)
            JOIN article a ON a.id = ap.article_id
            WHERE ea.event_id IN (SELECT unnest(?))
            ORDER BY a.seq
            """,
            [[e.id for e in events]],
        ).fetchall()
        terms = list({t for p in profiles for t in p.terms})
        df = dict(
            self._db.execute(
                "SELECT term, df FROM term_df WHERE term IN (SELECT unnest(?))", [terms]
            ).fetchall()
        )
        documents = self._one("SELECT count(*) FROM article_profile")[0]
        return Grouper(
            settings=settings,
            stats=TermStats(df, documents),
            events=events,
            placed=[
                (
                    article_id,
                    event_id,
                    np.frombuffer(vector, dtype=np.float32),
                    published,
                    np.frombuffer(signature, dtype=np.uint32),
                )
                for article_id, event_id, vector, published, signature in placed
            ],
        )

    def _events_near(self, profiles: Sequence[Profile], settings: GroupSettings) -> list[str]:
        """Ids of the events holding the stored articles that ``profiles`` would find among
        their nearest neighbours outside their time window: the undated articles for a dated
        profile, every article for an undated one (read in one pass, compared by one matrix
        product per 256 profiles)."""
        if not profiles:
            return []
        undated = [p.vector for p in profiles if p.published is None]
        dated = [p.vector for p in profiles if p.published is not None]
        rows = self._db.execute(
            "SELECT ea.event_id, ap.vector, ap.published IS NULL FROM article_profile ap "
            "JOIN event_article ea USING (article_id)"
            + ("" if undated else " WHERE ap.published IS NULL")
        ).fetchall()
        if not rows:
            return []
        events, vectors, without_date = zip(*rows)
        matrix = np.frombuffer(b"".join(vectors), dtype=np.float32).reshape(len(rows), -1)
        count, floor = settings.neighbours, settings.min_similarity
        found: set[str] = set()
        if undated:
            near = nearest(np.stack(undated), matrix, count, floor)
            found.update(events[row] for row in near.tolist())
        of_undated = np.flatnonzero(without_date)
        if dated and len(of_undated):
            near = of_undated[nearest(np.stack(dated), matrix[of_undated], count, floor)]
            found.update(events[row] for row in near.tolist())
        return sorted(found)

    def save_grouping(self, grouper: Grouper, profiles: Iterable[Profile]) -> None:
        """Write what ``grouper`` changed while placing ``profiles``, in one transaction:
        the new articles' profiles, the events created, grown or merged, and the term
        statistics. A failure leaves the database as it was."""
        profiles = list(profiles)
        changed = grouper.changed()
        with self.transaction():
            self._insert(
                "article_profile",
                [p.article_id for p in profiles],
                [p.published for p in profiles],
                [p.vector.astype(np.float32).tobytes() for p in profiles],
                [p.signature.astype(np.uint32).tobytes() for p in profiles],
            )
            added = grouper.stats.added
            if added:
                terms, counts = zip(*added.items())
                self._db.execute(
                    "INSERT INTO term_df SELECT unnest(?), unnest(?) "
                    "ON CONFLICT (term) DO UPDATE SET df = df + excluded.df",
                    [list(terms), list(counts)],
                )
            touched = list(grouper.merges) + [e.id for e in changed]
            members = [a for e in changed for a in e.article_ids]
            self._db.execute("DELETE FROM event WHERE id IN (SELECT unnest(?))", [touched])
            self._db.execute(
                "DELETE FROM event_profile WHERE event_id IN (SELECT unnest(?))", [touched]
            )
            self._db.execute(
                "DELETE FROM event_article WHERE event_id IN (SELECT unnest(?)) "
                "OR article_id IN (SELECT unnest(?))",
                [touched, members],
            )
            self._insert("event", [e.id for e in changed], [e.title for e in changed])
            self._insert(
                "event_profile",
                [e.id for e in changed],
                [e.first for e in changed],
                [e.last for e in changed],
                [e.vector_sum.astype(np.float32).tobytes() for e in changed],
                [to_json(e.terms_sum) for e in changed],
            )
            self._insert(
                "event_article",
                members,
                [e.id for e in changed for _ in e.article_ids],
                [e.copies.get(a) for e in changed for a in e.article_ids],
            )
            self._db.execute(
                "INSERT OR REPLACE INTO setting VALUES ('profile', ?)",
                [profile_scheme(grouper.settings)],
            )
            for old, new in grouper.merges.items():
                self._db.execute("UPDATE event_merge SET new_id = ? WHERE new_id = ?", [new, old])
                self._db.execute(
                    "INSERT INTO event_merge VALUES (?, ?) "
                    "ON CONFLICT (old_id) DO UPDATE SET new_id = excluded.new_id",
                    [old, new],
                )

    def add_merges(self, merges: dict[str, str]) -> None:
        """Record that each old id (a key) now names the event it maps to; an old id that
        already resolves keeps its record."""
        if merges:
            self._db.execute(
                "INSERT INTO event_merge SELECT unnest(?), unnest(?) "
                "ON CONFLICT (old_id) DO NOTHING",
                [list(merges), list(merges.values())],
            )

    def clear_grouping(self) -> None:
        """Forget every event and the grouping state (articles and analyses stay)."""
        with self.transaction():
            for table in (
                "event_article",
                "event",
                "article_profile",
                "event_profile",
                "event_merge",
                "term_df",
            ):
                self._db.execute(f"DELETE FROM {table}")
