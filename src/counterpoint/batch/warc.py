"""Web archives (WARC) of news pages -> Articles, through the same HTML path as ``.html`` files.

Common Crawl's news crawl publishes its pages as ``.warc.gz`` files: one HTTP
response per record, each record compressed on its own. Every successful HTML
response becomes an article (trafilatura finds its text, title, date and site
name); other records (requests, metadata, robots.txt, images, redirects) are
skipped. A page without article text, or one that cannot be decoded, is a bad
record, reported with the byte offset of its record. A page that gives no date
of its own is dated by the day it was fetched (``WARC-Date``): a news crawl
fetches pages within hours or days of publication, and grouping needs a date.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from counterpoint.errors import InputError
from counterpoint.ingest.html import article_from_html
from counterpoint.ingest.text import MAX_ARTICLE_CHARS

from .records import Record, RecordError

HTML_TYPES = ("text/html", "application/xhtml+xml")


def read_warc(
    path: Path, *, shard: str, outlet: str | None = None,
    max_article_chars: int = MAX_ARTICLE_CHARS,
) -> tuple[list[Record], list[RecordError]]:
    """The articles of a ``.warc`` / ``.warc.gz`` file, and one error per bad record."""
    records: list[Record] = []
    errors: list[RecordError] = []
    offset = 0
    try:
        import fastwarc  # noqa: F401
    except ImportError as exc:  # pragma: no cover - dependency missing
        message = f"reading web archives needs FastWARC ({exc}); pip install counterpoint[ray]"
        return [], [RecordError(shard=shard, message=message)]
    try:
        for offset, url, fetched, charset, payload in _responses(path):
            source = f"{shard}@{offset}"
            try:
                article = article_from_html(
                    payload,
                    source=source,
                    outlet=outlet,
                    url=url,
                    charset=charset,
                    published=fetched,
                    max_article_chars=max_article_chars,
                )
            except InputError as err:
                errors.append(RecordError(shard=shard, message=err.reason, offset=offset))
                continue
            records.append(Record(article=article, shard=shard, offset=offset))
    except OSError as err:
        errors.append(_broken(shard, offset, f"cannot be read past this record ({err})"))
        return records, errors
    if path.name.lower().endswith(".gz") and (cut := cut_member(path)) is not None:
        errors.append(_broken(shard, cut, "breaks off inside this record"))
    return records, errors


def _broken(shard: str, offset: int, what: str) -> RecordError:
    return RecordError(
        shard=shard,
        message=f"the web archive {what}; the records before it were read: fetch the file "
        "again if it was cut short",
        offset=offset,
    )


def cut_member(path: Path, *, chunk: int = 1 << 20) -> int | None:
    """The offset of the gzip member (record) a ``.gz`` file breaks off in, or None if whole.

    A record cut short is skipped silently by the WARC reader; this pass finds it.
    """
    start = position = 0
    member = zlib.decompressobj(wbits=31)
    with open(path, "rb") as stream:
        while data := stream.read(chunk):
            while data:
                try:
                    member.decompress(data)
                except zlib.error:
                    return start
                position += len(data) - len(member.unused_data)
                data = member.unused_data
                if member.eof:
                    start = position
                    member = zlib.decompressobj(wbits=31)
    return None if position == start else start


def _responses(path: Path) -> Iterator[tuple[int, str | None, date | None, str | None, bytes]]:
    """(offset, target URL, fetch date, charset, body) of each HTTP 200 HTML response."""
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    with open(path, "rb") as stream:
        for record in ArchiveIterator(
            stream, record_types=WarcRecordType.response, parse_http=True, auto_decode="all"
        ):
            http = record.http_headers
            if http is None or http.status_code != 200:
                continue
            kind = (record.http_content_type or "").lower()
            if kind not in HTML_TYPES:
                continue
            fetched = record.record_date.date() if record.record_date else None
            yield (
                record.stream_pos,
                record.headers.get("WARC-Target-URI"),
                fetched,
                record.http_charset,
                record.reader.read(),
            )
