"""The tables of a counterpoint database file, and the steps that bring a file of an
earlier schema up to date.

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
"""

from __future__ import annotations

import zlib

__all__ = ["MIGRATIONS", "SCHEMA", "SCHEMA_VERSION"]

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
