"""The embedded database (DuckDB): the only module that speaks SQL.

Tables::

    article        one row per article; ``text`` exactly as ingested
    analysis       the analysis of an article, as JSON
    event          id and title of each event
    event_article  which event each article belongs to, its order, and what it copies

An article and its analysis are written in one transaction, so a failure
part-way leaves the database as it was before that article. Writing an
article that is already there changes nothing.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

from counterpoint.errors import NotFoundError, StoreError
from counterpoint.model import Analysis, Article, Event

SCHEMA = """
CREATE TABLE IF NOT EXISTS article (
    id VARCHAR PRIMARY KEY, seq BIGINT NOT NULL, outlet VARCHAR NOT NULL, title VARCHAR,
    published DATE, dateline VARCHAR, url VARCHAR, source VARCHAR NOT NULL,
    language VARCHAR NOT NULL, body_start INTEGER NOT NULL, text VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS analysis (article_id VARCHAR PRIMARY KEY, data JSON NOT NULL);
CREATE TABLE IF NOT EXISTS event (id VARCHAR PRIMARY KEY, title VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS event_article (
    article_id VARCHAR PRIMARY KEY, event_id VARCHAR NOT NULL, copy_of VARCHAR
);
"""
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
            self._db.execute(SCHEMA)
        except duckdb.Error as exc:
            raise StoreError(
                f"Cannot open the database {self.path!r}: {exc}; "
                "pass --db with a writable path, or remove a file that is not a counterpoint database"
            ) from exc

    def close(self) -> None:
        self._db.close()

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
        if self.has_article(article.id):
            return False
        import duckdb

        values = [getattr(article, c) for c in ARTICLE_COLUMNS]
        self._db.execute("BEGIN TRANSACTION")
        try:
            seq = self._db.execute("SELECT coalesce(max(seq), 0) + 1 FROM article").fetchone()[0]
            self._db.execute(
                f"INSERT INTO article (seq, {', '.join(ARTICLE_COLUMNS)}) "
                f"VALUES (?, {', '.join('?' * len(ARTICLE_COLUMNS))})",
                [seq, *values],
            )
            self._db.execute(
                "INSERT INTO analysis VALUES (?, ?)", [article.id, json.dumps(encode(analysis))]
            )
            self._db.execute("COMMIT")
        except Exception as exc:
            self._db.execute("ROLLBACK")
            if isinstance(exc, duckdb.Error):
                raise StoreError(
                    f"Cannot store article {article.id!r} from {article.source!r} in "
                    f"{self.path!r}: {exc}; nothing of it was written"
                ) from exc
            raise
        return True

    def articles(self, ids: Iterable[str] | None = None) -> list[Article]:
        """Articles in the order they were ingested (all of them, or those with ``ids``)."""
        sql = f"SELECT {', '.join(ARTICLE_COLUMNS)} FROM article"
        params: list = []
        if ids is not None:
            ids = list(ids)
            sql += " WHERE id IN (SELECT unnest(?))"
            params = [ids]
        rows = self._db.execute(sql + " ORDER BY seq", params).fetchall()
        return [Article(**dict(zip(ARTICLE_COLUMNS, row))) for row in rows]

    def analyses(self, ids: Iterable[str]) -> dict[str, Analysis]:
        rows = self._db.execute(
            "SELECT article_id, data FROM analysis WHERE article_id IN (SELECT unnest(?))",
            [list(ids)],
        ).fetchall()
        return {article_id: decode(Analysis, json.loads(data)) for article_id, data in rows}

    # --- events --------------------------------------------------------------------

    def save_events(self, events: Iterable[Event]) -> None:
        """Replace the grouping with ``events`` in one transaction."""
        events = list(events)
        self._db.execute("BEGIN TRANSACTION")
        try:
            self._db.execute("DELETE FROM event_article")
            self._db.execute("DELETE FROM event")
            for event in events:
                self._db.execute("INSERT INTO event VALUES (?, ?)", [event.id, event.title])
                self._db.executemany(
                    "INSERT INTO event_article VALUES (?, ?, ?)",
                    [[a, event.id, event.copies.get(a)] for a in event.article_ids],
                )
            self._db.execute("COMMIT")
        except Exception:
            self._db.execute("ROLLBACK")
            raise

    def events(self) -> list[Event]:
        """Events, most recently published first."""
        rows = self._db.execute(
            """
            SELECT e.id, e.title, list(ea.article_id ORDER BY a.seq),
                   list(ea.copy_of ORDER BY a.seq), max(a.published), max(a.seq)
            FROM event e JOIN event_article ea ON ea.event_id = e.id
            JOIN article a ON a.id = ea.article_id
            GROUP BY e.id, e.title
            ORDER BY max(a.published) DESC NULLS LAST, max(a.seq) DESC
            """
        ).fetchall()
        return [
            Event(
                id=i,
                title=t,
                article_ids=tuple(ids),
                copies={a: c for a, c in zip(ids, copies) if c},
            )
            for i, t, ids, copies, _, _ in rows
        ]

    def event(self, event_id: str) -> Event:
        for event in self.events():
            if event.id == event_id or (len(event_id) >= 6 and event.id.startswith(event_id)):
                return event
        raise NotFoundError(
            f"No event {event_id!r} in {self.path!r}; list the events with: counterpoint events"
        )

    def iter_pairs(self) -> Iterator[tuple[Article, Analysis]]:
        """Every article with its analysis, in ingest order."""
        articles = self.articles()
        analyses = self.analyses(a.id for a in articles)
        for article in articles:
            yield article, analyses[article.id]


# --- JSON codec for the frozen records ---------------------------------------------------


def encode(value):
    """A JSON-ready form of a record (dataclass), tuple, date or scalar."""
    if dataclasses.is_dataclass(value):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (tuple, list)):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items()}
    if isinstance(value, date):
        return value.isoformat()
    return value


def decode(kind, data):
    """The inverse of :func:`encode`, guided by ``kind``'s type hints."""
    if data is None:
        return None
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        inner = [k for k in typing.get_args(kind) if k is not type(None)]
        return decode(inner[0], data)
    if origin is tuple:
        args = typing.get_args(kind)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(decode(args[0], v) for v in data)
        return tuple(decode(k, v) for k, v in zip(args, data))
    if origin is dict:
        return dict(data)
    if origin is typing.Literal:
        return data
    if dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        return kind(**{name: decode(hints[name], v) for name, v in data.items()})
    if kind is date:
        return date.fromisoformat(data)
    if kind is float:
        return float(data)
    return data
