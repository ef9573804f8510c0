"""JSON Lines -> Articles, one per line; a bad line is reported and the others still load."""

from __future__ import annotations

import codecs
import gzip
import json
import zlib
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from counterpoint.errors import InputError
from counterpoint.model import Article

from .decode import check_bytes, decode_utf8
from .text import article_from_text

_HINT = 'each line must be one JSON object such as {"text": "...", "outlet": "..."}'
_Fail = Callable[[str], InputError]


def read_jsonl(
    path: Path, *, source: str, outlet: str, compressed: bool = False
) -> tuple[list[Article], list[InputError]]:
    """The articles of a ``.jsonl`` (or gzipped) file, and an error for each bad line."""
    data = path.read_bytes()
    if compressed:
        data = _decompress(data, source=source)
    check_bytes(data, source=source)
    articles: list[Article] = []
    failures: list[InputError] = []
    for number, offset, raw in _lines(data):
        try:
            articles.append(
                _read_line(raw, number=number, offset=offset, source=source, outlet=outlet)
            )
        except InputError as err:
            failures.append(err)
    return articles, failures


def _decompress(data: bytes, *, source: str) -> bytes:
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as err:
        raise InputError(
            f"not a valid gzip file ({err}); re-compress it with `gzip`, "
            "or drop the .gz suffix if it is plain JSONL",
            source=source,
        ) from None


def _lines(data: bytes) -> Iterator[tuple[int, int, bytes]]:
    """(1-based line number, byte offset in the file, bytes) of each non-blank line."""
    offset = 0
    for number, raw in enumerate(data.split(b"\n"), start=1):
        start = offset
        offset += len(raw) + 1
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw, start = raw[len(codecs.BOM_UTF8) :], start + len(codecs.BOM_UTF8)
        if raw.strip():
            yield number, start, raw


def _read_line(raw: bytes, *, number: int, offset: int, source: str, outlet: str) -> Article:
    def fail(message: str) -> InputError:
        return InputError(message, source=source, line=number)

    record = _parse_object(decode_utf8(raw, source=source, line=number, base=offset), fail)
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise fail(f'"text" is {text!r}; give each line a non-empty "text" string')
    try:
        return article_from_text(
            text,
            source=f"{source}:{number}",
            outlet=_string(record, "outlet", fail) or outlet,
            title=_string(record, "title", fail),
            published=_published(record.get("published"), fail),
            url=_string(record, "url", fail),
            id=_string(record, "id", fail),
        )
    except InputError as err:
        if err.line is not None:
            raise
        raise fail(err.reason) from None


def _parse_object(line: str, fail: _Fail) -> dict[str, Any]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as err:
        raise fail(f"not valid JSON ({err.msg} at column {err.colno}); {_HINT}") from None
    if not isinstance(record, dict):
        raise fail(f"a JSON {type(record).__name__}, not an object; {_HINT}")
    return record


def _string(record: dict[str, Any], name: str, fail: _Fail) -> str | None:
    """An optional string field; empty means absent; an integer ``id`` is allowed."""
    value = record.get(name)
    if name == "id" and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if value is None or isinstance(value, str):
        return value or None
    raise fail(f'"{name}" is {value!r}; make it a string or leave it out')


def _published(value: Any, fail: _Fail) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.strip()).date()
        except ValueError:
            pass
    raise fail(
        f'"published" is {value!r}; write an ISO date such as "2024-11-29" '
        'or "2024-11-29T10:00:00Z", or leave it out'
    )
