"""The embedded database (DuckDB): the only module that speaks SQL.

Tables::

    article        one row per article; ``text`` exactly as ingested
    analysis       the analysis of an article, packed (see below)
    article_input  what grouping reads of an article (its profile), made as it is stored
    event          id and title of each event
    event_article  which event each article belongs to, its order, and what it copies
    article_profile  what grouping keeps of each placed article: date, lead embedding, MinHash
    event_profile  what grouping keeps of each event: dates, summed embeddings and TF-IDF terms
    event_merge    events merged into others: the old id and the id it now belongs to
    term_df        in how many placed articles each term occurs (for IDF weights)
    setting        how the grouping state was made (the profile scheme of its articles),
                   and the schema version of the file
    comparison     each event's comparison, packed, under the key it was made for

Analyses and comparisons are *packed* (:func:`counterpoint.codec.pack`: their JSON
deflated by zlib at level 1) into a BLOB column DuckDB stores uncompressed. DuckDB's own
string compression makes reading one row of a column decompress the whole row group (30 ms
for one analysis among 1,000, and more as the file grows); a packed row is read by its key
in about a millisecond, in a file a third larger. A file of an earlier schema is brought
up to date when it is opened, in one transaction (:data:`MIGRATIONS`).

An article, its analysis and its profile are written in one transaction, so a failure
part-way leaves the database as it was before that article (``add_many`` writes
hundreds to a transaction, and writes a chunk that fails again one by one). Writing
an article that is already there changes nothing.
"""

from __future__ import annotations

import contextlib
import itertools
import re
import zlib
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path

import msgspec
import numpy as np

from counterpoint.codec import from_json, pack, to_json, unpack
from counterpoint.errors import NotFoundError, StoreError
from counterpoint.group import (
    EventState,
    Grouper,
    GroupSettings,
    Profile,
    TermStats,
    nearest,
    profile,
    profile_scheme,
)
from counterpoint.model import Analysis, Article, Comparison, Event

SCHEMA = """
CREATE TABLE IF NOT EXISTS article (
    id VARCHAR PRIMARY KEY, seq BIGINT NOT NULL, outlet VARCHAR NOT NULL, title VARCHAR,
    published DATE, dateline VARCHAR, url VARCHAR, source VARCHAR NOT NULL,
    language VARCHAR NOT NULL, body_start INTEGER NOT NULL, text VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS analysis (
    article_id VARCHAR PRIMARY KEY, data BLOB NOT NULL USING COMPRESSION uncompressed
);
CREATE TABLE IF NOT EXISTS article_input (
    article_id VARCHAR PRIMARY KEY, scheme VARCHAR NOT NULL, title VARCHAR NOT NULL,
    vector BLOB NOT NULL, signature BLOB NOT NULL, terms JSON NOT NULL
);
CREATE TABLE IF NOT EXISTS event (id VARCHAR PRIMARY KEY, title VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS event_article (
    article_id VARCHAR PRIMARY KEY, event_id VARCHAR NOT NULL, copy_of VARCHAR
);
CREATE TABLE IF NOT EXISTS article_profile (
    article_id VARCHAR PRIMARY KEY, published DATE, vector BLOB NOT NULL, signature BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS event_profile (
    event_id VARCHAR PRIMARY KEY, first DATE, last DATE, vector BLOB NOT NULL, terms JSON NOT NULL
);
CREATE TABLE IF NOT EXISTS event_merge (old_id VARCHAR PRIMARY KEY, new_id VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS term_df (term VARCHAR PRIMARY KEY, df INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS setting (name VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS comparison (
    event_id VARCHAR PRIMARY KEY, key VARCHAR NOT NULL, counts JSON NOT NULL,
    data BLOB NOT NULL USING COMPRESSION uncompressed
);
"""
SCHEMA_VERSION = 2
"""1: analyses and comparisons as JSON columns; 2: packed (see the module's docstring)."""
ADD_CHUNK = 500
"""Articles :meth:`Store.add_many` writes in one transaction."""

ARTICLE_COLUMNS = (
    "id",
    "outlet",
    "title",
    "published",
    "dateline",
    "url",
    "source",
    "language",
    "body_start",
    "text",
)


class Store:
    """A counterpoint database file (or ``":memory:"``)."""

    def __init__(self, path: str | Path = ":memory:") -> None:
        import duckdb

        self.path = str(path)
        try:
            self._db = duckdb.connect(self.path)
            self._migrate()
            self._db.execute(SCHEMA)
            self._db.execute("INSERT OR REPLACE INTO setting VALUES ('schema', ?)",
                             [str(SCHEMA_VERSION)])
        except duckdb.Error as exc:
            if "lock" in str(exc).lower():
                holder = re.search(r"PID (\d+)", str(exc))
                who = f" (PID {holder.group(1)})" if holder else ""
                raise StoreError(
                    f"The database {self.path!r} is in use by another counterpoint "
                    f"process{who}; wait for it to finish, or pass another --db"
                ) from exc
            raise StoreError(
                f"Cannot open the database {self.path!r}: {exc}; "
                "pass --db with a writable path, or remove a file that is not a counterpoint database"
            ) from exc

    def close(self) -> None:
        self._db.close()

    def _migrate(self) -> None:
        """Bring a file of an earlier schema up to :data:`SCHEMA_VERSION`, each step in a
        transaction of its own (a new file needs none)."""
        tables = {t for (t,) in self._db.execute(
            "SELECT table_name FROM information_schema.tables").fetchall()}
        if "setting" not in tables:
            return
        row = self._db.execute("SELECT value FROM setting WHERE name = 'schema'").fetchone()
        version = int(row[0]) if row else 1
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"The database {self.path!r} was written by a newer counterpoint (schema "
                f"{version}, this one reads up to {SCHEMA_VERSION}); upgrade counterpoint"
            )
        for step in range(version + 1, SCHEMA_VERSION + 1):
            with self.transaction():
                MIGRATIONS[step](self._db, tables)
                self._db.execute("INSERT OR REPLACE INTO setting VALUES ('schema', ?)",
                                 [str(step)])

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """A transaction around the block: committed when it ends, rolled back (and the
        error raised again) when anything in it fails, an interrupt included."""
        self._db.execute("BEGIN TRANSACTION")
        try:
            yield
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- articles and analyses -----------------------------------------------------

    def has_article(self, article_id: str) -> bool:
        row = self._db.execute("SELECT 1 FROM article WHERE id = ?", [article_id]).fetchone()
        return row is not None

    def add(self, article: Article, analysis: Analysis) -> bool:
        """Store an article with its analysis; False if it was already there."""
        return bool(self.add_many([(article, analysis)]))

    def add_many(
        self, pairs: Iterable[tuple[Article, Analysis]], *, chunk: int = ADD_CHUNK
    ) -> list[str]:
        """Store articles with their analyses, ``chunk`` of them to a transaction (a
        transaction costs more than the writing when articles come one at a time); returns
        the ids of those added, in order. An article already stored, or given twice, is
        added once. A chunk the database refuses is written again article by article, so
        the articles before the one it cannot store are kept and the :class:`StoreError`
        names that one."""
        added: list[str] = []
        pairs = iter(pairs)
        while part := list(itertools.islice(pairs, chunk)):
            new: dict[str, tuple[Article, Analysis]] = {}
            for article, analysis in part:
                new.setdefault(article.id, (article, analysis))
            rows = self._db.execute(
                "SELECT id FROM article WHERE id IN (SELECT unnest(?))", [list(new)]
            ).fetchall()
            known = {article_id for (article_id,) in rows}
            todo = [pair for article_id, pair in new.items() if article_id not in known]
            try:
                self._write(todo)
            except StoreError:
                if len(todo) == 1:
                    raise
                for article, analysis in todo:
                    self._write([(article, analysis)])
                    added.append(article.id)
                continue
            added += [article.id for article, _ in todo]
        return added

    def _write(self, pairs: Sequence[tuple[Article, Analysis]]) -> None:
        """Write articles that are not stored yet, with their analyses and profiles, in one
        transaction; the articles take the next places in the order of ingestion."""
        if not pairs:
            return
        import duckdb

        articles = [article for article, _ in pairs]
        data = [pack(analysis) for _, analysis in pairs]
        profiles = [profile(article, analysis) for article, analysis in pairs]
        try:
            with self.transaction():
                seq = self._one("SELECT coalesce(max(seq), 0) FROM article")[0]
                self._db.execute(
                    f"INSERT INTO article (seq, {', '.join(ARTICLE_COLUMNS)}) "
                    f"SELECT {', '.join(['unnest(?)'] * (1 + len(ARTICLE_COLUMNS)))}",
                    [
                        list(range(seq + 1, seq + 1 + len(articles))),
                        *([getattr(a, c) for a in articles] for c in ARTICLE_COLUMNS),
                    ],
                )
                self._insert("analysis", [a.id for a in articles], data)
                self._insert_profiles(profiles)
        except duckdb.Error as exc:
            what = (
                f"article {articles[0].id!r} from {articles[0].source!r}"
                if len(articles) == 1
                else f"{len(articles)} articles"
            )
            raise StoreError(
                f"Cannot store {what} in {self.path!r}: {exc}; nothing of it was written"
            ) from exc

    def articles(self, ids: Iterable[str] | None = None) -> list[Article]:
        """Articles in the order they were ingested (all of them, or those with ``ids``)."""
        sql = f"SELECT {', '.join(ARTICLE_COLUMNS)} FROM article"
        params: list = []
        if ids is not None:
            ids = list(ids)
            sql += " WHERE id IN (SELECT unnest(?))"
            params = [ids]
        rows = self._db.execute(sql + " ORDER BY seq", params).fetchall()
        return [_article(row) for row in rows]

    def analyses(self, ids: Iterable[str]) -> dict[str, Analysis]:
        rows = self._db.execute(
            "SELECT article_id, data FROM analysis WHERE article_id IN (SELECT unnest(?))",
            [list(ids)],
        ).fetchall()
        return {article_id: self._analysis(article_id, data) for article_id, data in rows}

    def analysed(
        self, ids: Iterable[str], *, chunk: int = 500
    ) -> Iterator[tuple[Article, Analysis]]:
        """The articles ``ids`` with their analyses, in no set order: read in one query (on a
        cursor of its own, so the store can be used meanwhile) and decoded ``chunk`` at a
        time, so that memory holds a chunk of analyses, not all of them."""
        cursor = self._db.cursor()
        try:
            cursor.execute(
                f"SELECT {', '.join('a.' + c for c in ARTICLE_COLUMNS)}, n.data FROM article a "
                "JOIN analysis n ON n.article_id = a.id WHERE a.id IN (SELECT unnest(?))",
                [list(ids)],
            )
            while rows := cursor.fetchmany(chunk):
                for *article, data in rows:
                    yield _article(article), self._analysis(article[0], data)
        finally:
            cursor.close()

    def profiles(
        self, ids: Iterable[str], settings: GroupSettings | None = None, *, chunk: int = 500
    ) -> Iterator[Profile]:
        """The stored profiles of the articles ``ids`` that were made as ``settings`` make
        them (see :func:`~counterpoint.group.profile_scheme`), in no set order; an article
        without one (stored by an earlier version, or profiled under other settings) is
        left out. Read in one query, on a cursor of its own, ``chunk`` rows at a time."""
        scheme = profile_scheme(settings)
        ids = list(ids)
        cursor = self._db.cursor()
        try:
            # rows looked up by key on both tables (an index scan), and the scheme checked
            # here: a filter on it, or a join to a list of the ids, makes DuckDB read every
            # stored profile, 50 ms for the 25 articles of a feed into 7,000
            cursor.execute(
                "SELECT i.article_id, i.scheme, i.title, i.vector, a.published, i.signature, "
                "i.terms FROM article_input i JOIN article a ON a.id = i.article_id "
                "WHERE i.article_id = ANY(?) AND a.id = ANY(?)",
                [ids, ids],
            )
            while rows := cursor.fetchmany(chunk):
                for article_id, made, title, vector, published, signature, terms in rows:
                    if made != scheme:
                        continue
                    yield Profile(
                        article_id=article_id,
                        title=title,
                        vector=np.frombuffer(vector, dtype=np.float32),
                        terms=from_json(dict[str, float], terms),
                        published=published,
                        signature=np.frombuffer(signature, dtype=np.uint32),
                    )
        finally:
            cursor.close()

    def keep_profiles(
        self, profiles: Sequence[Profile], settings: GroupSettings | None = None
    ) -> None:
        """Keep profiles made under ``settings`` from stored analyses, for articles stored
        without one (by an earlier version), so that grouping reads them next time. Only
        profiles made as the store makes them (the default settings) are kept, each in
        place of one made under another scheme."""
        if not profiles or profile_scheme(settings) != profile_scheme():
            return
        with self.transaction():
            for start in range(0, len(profiles), ADD_CHUNK):
                self._insert_profiles(profiles[start : start + ADD_CHUNK], replace=True)

    def _insert_profiles(self, profiles: Sequence[Profile], *, replace: bool = False) -> None:
        """Insert profiles made under the default settings (in the caller's transaction)."""
        self._insert(
            "article_input",
            [p.article_id for p in profiles],
            [profile_scheme()] * len(profiles),
            [p.title for p in profiles],
            [p.vector.astype(np.float32).tobytes() for p in profiles],
            [p.signature.astype(np.uint32).tobytes() for p in profiles],
            [to_json(p.terms) for p in profiles],
            replace=replace,
        )

    def _analysis(self, article_id: str, data: bytes) -> Analysis:
        try:
            return unpack(Analysis, data)
        except (msgspec.MsgspecError, zlib.error) as exc:
            raise StoreError(
                f"The stored analysis of article {article_id!r} in {self.path!r} cannot be "
                f"read ({exc}): the file was damaged or written by an incompatible version "
                "of counterpoint; ingest its articles into a new database"
            ) from exc

    # --- events --------------------------------------------------------------------

    # --- comparisons, stored once per event membership ------------------------------

    def comparison(self, event_id: str, key: str) -> Comparison | None:
        """The stored comparison of ``event_id`` if it was made under ``key`` (the event's
        membership and the comparison version, :func:`counterpoint.pipeline.comparison_key`)."""
        # by the id alone, so that the primary key's index finds the row: a second condition
        # in the query makes DuckDB scan every stored comparison (30 ms at 1,000 events)
        row = self._db.execute("SELECT key, data FROM comparison WHERE event_id = ?",
                               [event_id]).fetchone()
        return unpack(Comparison, row[1]) if row and row[0] == key else None

    def comparisons(self, keys: dict[str, str]) -> dict[str, Comparison]:
        """The stored comparisons among ``keys`` (event id -> key) made under their key."""
        if not keys:
            return {}
        rows = self._db.execute(
            "SELECT event_id, key, data FROM comparison WHERE event_id IN (SELECT unnest(?))",
            [list(keys)]).fetchall()
        return {i: unpack(Comparison, d) for i, k, d in rows if keys[i] == k}

    def comparison_counts(self, keys: dict[str, str]) -> dict[str, dict[str, int]]:
        """Facts by status of the stored comparisons among ``keys`` (event id -> key)."""
        if not keys:
            return {}
        rows = self._db.execute(
            "SELECT event_id, key, counts FROM comparison WHERE event_id IN (SELECT unnest(?))",
            [list(keys)]).fetchall()
        return {i: from_json(dict[str, int], c) for i, k, c in rows if keys[i] == k}

    def put_comparison(self, key: str, comparison: Comparison, counts: dict[str, int]) -> None:
        """Store ``comparison`` under ``key``, in the place of the event's earlier one. When
        another connection of this process stores the same event at the same moment, its
        copy stands (both are the same comparison)."""
        import duckdb

        with contextlib.suppress(duckdb.TransactionException):
            self._db.execute("INSERT OR REPLACE INTO comparison VALUES (?, ?, ?, ?)",
                             [comparison.event.id, key, to_json(counts), pack(comparison)])

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

    # --- grouping state ------------------------------------------------------------------

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

    def _insert(self, table: str, *columns: list, replace: bool = False) -> None:
        """Insert rows given column by column, in one statement (``replace``: in place of
        rows with the same key)."""
        if columns and columns[0]:
            insert = "INSERT OR REPLACE INTO" if replace else "INSERT INTO"
            self._db.execute(
                f"{insert} {table} SELECT {', '.join(['unnest(?)'] * len(columns))}",
                [list(c) for c in columns],
            )

    def _one(self, query: str) -> tuple:
        """The one row of an aggregate query."""
        row = self._db.execute(query).fetchone()
        assert row is not None
        return row

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

    def iter_pairs(self) -> Iterator[tuple[Article, Analysis]]:
        """Every article with its analysis, in ingest order."""
        articles = self.articles()
        analyses = self.analyses(a.id for a in articles)
        for article in articles:
            yield article, analyses[article.id]

    # --- browsing: search and pages of events (the web app) -----------------------------

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


def _article(row: Sequence) -> Article:
    """An article from the values of its ``ARTICLE_COLUMNS``, in that order."""
    return Article(**dict(zip(ARTICLE_COLUMNS, row)))


def _pack_columns(db, tables: set[str]) -> None:
    """Schema 2: the analysis and comparison JSON columns become packed BLOB columns."""
    for table, key, columns in (("analysis", "article_id", "article_id VARCHAR PRIMARY KEY"),
                                ("comparison", "event_id",
                                 "event_id VARCHAR PRIMARY KEY, key VARCHAR NOT NULL, "
                                 "counts JSON NOT NULL")):
        if table not in tables:
            continue
        others = [c.split()[0] for c in columns.split(", ")]
        db.execute(f"CREATE TABLE {table}_packed ({columns}, "
                   "data BLOB NOT NULL USING COMPRESSION uncompressed)")
        reader = db.cursor()  # read on a cursor of its own while the rows are written
        reader.execute(f"SELECT {', '.join(others)}, data FROM {table} ORDER BY {key}")
        while rows := reader.fetchmany(500):
            db.execute(
                f"INSERT INTO {table}_packed SELECT {', '.join(['unnest(?)'] * len(rows[0]))}",
                [*([row[i] for row in rows] for i in range(len(others))),
                 [zlib.compress(str(row[-1]).encode(), 1) for row in rows]])
        reader.close()
        db.execute(f"DROP TABLE {table}")
        db.execute(f"ALTER TABLE {table}_packed RENAME TO {table}")


MIGRATIONS = {2: _pack_columns}
"""Schema version -> the step that brings a file of the version before it up to it."""
