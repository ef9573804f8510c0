"""The rows a batch passes around: an article where it was found, its analysis, a bad record.

A row is a plain dict of JSON-ready values, so that it crosses process and
machine boundaries (a process pool, Ray's object store) the same way, and
becomes one line of the Parquet output without further work.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from counterpoint.codec import from_json, to_json
from counterpoint.model import Analysis, Article
from counterpoint.store import ARTICLE_COLUMNS

ARTICLE_FIELDS = ARTICLE_COLUMNS
"""The fields of an article written to a row: the store's article columns."""
Row = dict[str, Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordError:
    """A record (or a whole shard) that could not be used, and where it is.

    ``line`` is the 1-based line of a JSON Lines shard; ``offset`` the byte offset of
    a WARC record in its (compressed) file. Both are None for a whole-file problem.
    """

    shard: str
    message: str
    line: int | None = None
    offset: int | None = None

    def __str__(self) -> str:
        where = self.shard
        if self.line is not None:
            where += f":{self.line}"
        elif self.offset is not None:
            where += f" at byte {self.offset}"
        return f"{where}: {self.message}"

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> RecordError:
        return cls(**json.loads(text))


@dataclass(frozen=True, slots=True, kw_only=True)
class Record:
    """An article as read from a shard, with its place there."""

    article: Article
    shard: str
    line: int | None = None
    offset: int | None = None

    def error(self, message: str) -> RecordError:
        return RecordError(shard=self.shard, message=message, line=self.line, offset=self.offset)


def analysed_row(record: Record, analysis: Analysis) -> Row:
    """The output row of one analysed article (see :mod:`counterpoint.batch.parquet`)."""
    article = record.article
    row: Row = {name: getattr(article, name) for name in ARTICLE_FIELDS}
    row.update(
        analysis=to_json(analysis),
        event_date=analysis.event_date,
        group_date=group_date(article, analysis),
        shard=record.shard,
        line=record.line,
        offset=record.offset,
    )
    return row


def group_date(article: Article, analysis: Analysis) -> date | None:
    """The day that picks an article's time window: the publication date, else the event's
    date in the text (within a window, the grouper itself goes by publication dates)."""
    return article.published or analysis.event_date


def article_of(row: Row) -> Article:
    return Article(**{name: row[name] for name in ARTICLE_FIELDS})


def analysis_of(row: Row) -> Analysis:
    return from_json(Analysis, row["analysis"])


def to_wire(row: Row) -> str:
    """A row as one JSON string (dates as ISO text), for transports that want one type."""
    return json.dumps(
        {k: v.isoformat() if isinstance(v, date) else v for k, v in row.items()},
        ensure_ascii=False,
    )


def from_wire(text: str) -> Row:
    row = json.loads(text)
    for name in ("published", "event_date", "group_date"):
        if row.get(name) is not None:
            row[name] = date.fromisoformat(row[name])
    return row
