"""Articles and their analyses, and what grouping reads of each article (its profile).

An article, its analysis and its profile are written in one transaction, so a failure
part-way leaves the database as it was before that article (``add_many`` writes
hundreds to a transaction, and writes a chunk that fails again one by one). Writing
an article that is already there changes nothing.
"""

from __future__ import annotations

import itertools
import zlib
from collections.abc import Iterable, Iterator, Sequence

import msgspec
import numpy as np

from counterpoint.codec import from_json, pack, to_json, unpack
from counterpoint.errors import StoreError
from counterpoint.group import GroupSettings, Profile, profile, profile_scheme
from counterpoint.model import Analysis, Article
from counterpoint.store.core import Connection

__all__ = ["ADD_CHUNK", "ARTICLE_COLUMNS", "Articles"]

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


class Articles(Connection):
    """The articles of a store, with their analyses and profiles."""

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

    def iter_pairs(self) -> Iterator[tuple[Article, Analysis]]:
        """Every article with its analysis, in ingest order."""
        articles = self.articles()
        analyses = self.analyses(a.id for a in articles)
        for article in articles:
            yield article, analyses[article.id]


def _article(row: Sequence) -> Article:
    """An article from the values of its ``ARTICLE_COLUMNS``, in that order."""
    return Article(**dict(zip(ARTICLE_COLUMNS, row)))
