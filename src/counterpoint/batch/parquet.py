"""The output folder: analysed articles and events as Parquet, bad records as JSON Lines.

::

    OUT/
      articles/<shard key>.parquet   one row per analysed article of that shard
      errors/<shard key>.jsonl       the shard's bad records (shard, line or offset, message)
      events.parquet                 one row per event: id, title, its articles, their copies
      errors.jsonl                   every bad record of the run's inputs, shard by shard

A shard's files are written under a temporary name and renamed into place, its
errors before its articles: a shard whose ``articles/`` file exists is done, and
a rerun skips it. Columns of ``articles/*.parquet``: the article as ingested
(``id``, ``outlet``, ``title``, ``published``, ``dateline``, ``url``, ``source``,
``language``, ``body_start``, ``text``); ``analysis``, the full analysis as JSON
(the same encoding as the database); ``event_date``; ``group_date``, the day that
picks an article's time window (published, else the event date); and ``shard``,
``line`` and ``offset``, where the article was found. DuckDB reads them directly:
``SELECT * FROM 'OUT/articles/*.parquet'``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from counterpoint.model import Event

from .records import RecordError, Row

ARTICLES = pa.schema(
    [
        ("id", pa.string()),
        ("outlet", pa.string()),
        ("title", pa.string()),
        ("published", pa.date32()),
        ("dateline", pa.string()),
        ("url", pa.string()),
        ("source", pa.string()),
        ("language", pa.string()),
        ("body_start", pa.int32()),
        ("text", pa.string()),
        ("analysis", pa.string()),
        ("event_date", pa.date32()),
        ("group_date", pa.date32()),
        ("shard", pa.string()),
        ("line", pa.int64()),
        ("offset", pa.int64()),
    ]
)
EVENTS = pa.schema(
    [
        ("id", pa.string()),
        ("title", pa.string()),
        ("articles", pa.int32()),
        ("article_ids", pa.list_(pa.string())),
        ("copy_of", pa.list_(pa.string())),
        ("first_date", pa.date32()),
        ("last_date", pa.date32()),
    ]
)


def articles_file(out: Path, key: str) -> Path:
    return out / "articles" / f"{key}.parquet"


def errors_file(out: Path, key: str) -> Path:
    return out / "errors" / f"{key}.jsonl"


def is_done(out: Path, key: str) -> bool:
    return articles_file(out, key).is_file()


def write_shard(out: Path, key: str, rows: Iterable[Row], errors: Sequence[RecordError]) -> None:
    """Write one shard's articles (in the order they stand in the shard) and bad records."""
    ordered = sorted(rows, key=lambda r: (r["line"] or 0, r["offset"] or 0, r["id"]))
    lines = "".join(e.to_json() + "\n" for e in errors)
    _replace(errors_file(out, key), lambda tmp: tmp.write_text(lines, encoding="utf-8"))
    table = pa.Table.from_pylist(ordered, schema=ARTICLES)
    _replace(articles_file(out, key), lambda tmp: pq.write_table(table, tmp))


def read_errors(out: Path, key: str) -> list[RecordError]:
    path = errors_file(out, key)
    if not path.is_file():
        return []
    return [RecordError.from_json(line) for line in path.read_text("utf-8").splitlines() if line]


def write_errors(out: Path, errors: Iterable[RecordError]) -> Path:
    path = out / "errors.jsonl"
    lines = "".join(e.to_json() + "\n" for e in errors)
    _replace(path, lambda tmp: tmp.write_text(lines, encoding="utf-8"))
    return path


def read_columns(files: Sequence[Path], columns: Sequence[str]) -> pa.Table:
    """Some columns of every article in ``files``."""
    return _dataset(files).to_table(columns=list(columns))


def read_between(files: Sequence[Path], start: date | None, end: date | None) -> pa.Table:
    """Every column of the articles whose ``group_date`` lies in ``[start, end)`` (no
    ``end``: from ``start`` on); with no ``start``, those that have no ``group_date``."""
    day = ds.field("group_date")
    if start is None:
        where = day.is_null()
    elif end is None:
        where = day >= start
    else:
        where = (day >= start) & (day < end)
    return _dataset(files).to_table(filter=where)


def iter_rows(files: Sequence[Path]) -> Iterator[Row]:
    """Every article row of ``files``, a record batch at a time."""
    for batch in _dataset(files).to_batches():
        yield from batch.to_pylist()


def write_events(out: Path, events: Sequence[Event], dates: dict[str, date | None]) -> Path:
    """One row per event; ``copy_of`` runs beside ``article_ids`` (null: not a copy)."""
    rows = []
    for event in events:
        days = [d for a in event.article_ids if (d := dates.get(a)) is not None]
        rows.append(
            {
                "id": event.id,
                "title": event.title,
                "articles": len(event.article_ids),
                "article_ids": list(event.article_ids),
                "copy_of": [event.copies.get(a) for a in event.article_ids],
                "first_date": min(days, default=None),
                "last_date": max(days, default=None),
            }
        )
    path = out / "events.parquet"
    table = pa.Table.from_pylist(rows, schema=EVENTS)
    _replace(path, lambda tmp: pq.write_table(table, tmp))
    return path


def read_events(out: Path) -> list[Event]:
    rows = pq.read_table(out / "events.parquet").to_pylist()
    return [
        Event(
            id=r["id"],
            title=r["title"],
            article_ids=tuple(r["article_ids"]),
            copies={a: c for a, c in zip(r["article_ids"], r["copy_of"]) if c},
        )
        for r in rows
    ]


def _dataset(files: Sequence[Path]) -> ds.Dataset:
    return ds.dataset([str(f) for f in files], schema=ARTICLES, format="parquet")


def _replace(path: Path, write) -> None:
    """Write through a temporary file beside ``path``, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
