"""JSON Lines -> Articles, one per line; a bad line is reported and the others still load."""

from __future__ import annotations

import codecs
import json
import re
import zlib
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from counterpoint.errors import InputError
from counterpoint.model import Article

from .decode import check_bytes, decode_utf8
from .text import MAX_ARTICLE_CHARS, article_from_text

_HINT = 'each line must be one JSON object such as {"text": "...", "outlet": "..."}'
_Fail = Callable[[str], InputError]
MAX_DEPTH = 32
"""The deepest nesting of arrays and objects a line may have (an article needs 1)."""
MAX_DIGITS = 30
"""The longest number a line may hold."""
MAX_DECOMPRESSED = 256 * 1024 * 1024
"""The most bytes a ``.jsonl.gz`` may inflate to (a small file can inflate without end)."""
_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"')
_LONG_NUMBER = re.compile(rb"\d{%d,}" % (MAX_DIGITS + 1))


def read_jsonl(
    path: Path,
    *,
    source: str,
    outlet: str,
    compressed: bool = False,
    max_article_chars: int = MAX_ARTICLE_CHARS,
) -> tuple[list[Article], list[InputError]]:
    """The articles of a ``.jsonl`` (or gzipped) file, and an error for each bad line (one
    whose text is longer than ``max_article_chars`` among them)."""
    data = path.read_bytes()
    if compressed:
        data = _decompress(data, source=source)
    check_bytes(data, source=source)
    articles: list[Article] = []
    failures: list[InputError] = []
    first_line: dict[str, tuple[int, str]] = {}  # id -> (line, text)
    longest = 4 * max_article_chars + 65_536  # bytes: 4 per character at most, and fields
    for number, offset, raw in _lines(data):
        if len(raw) > longest:
            failures.append(
                InputError(
                    f"the line is {len(raw):,} bytes, longer than any article of at most "
                    f"{max_article_chars:,} characters; split it, or raise the limit with "
                    "COUNTERPOINT_MAX_ARTICLE_CHARS",
                    source=source,
                    line=number,
                )
            )
            continue
        try:
            article = _read_line(raw, number=number, offset=offset, source=source, outlet=outlet,
                                 max_article_chars=max_article_chars)
        except InputError as err:
            failures.append(err)
            continue
        seen = first_line.setdefault(article.id, (number, article.text))
        if seen[0] != number and seen[1] != article.text:
            failures.append(
                InputError(
                    f"the id {article.id!r} is also the id of line {seen[0]}, which has a "
                    f"different text; give each article its own id (line {number} skipped)",
                    source=source,
                    line=number,
                )
            )
            continue
        articles.append(article)
    return articles, failures


def _decompress(data: bytes, *, source: str, limit: int = MAX_DECOMPRESSED) -> bytes:
    """The inflated bytes of a gzip file (every member), refusing more than ``limit``."""
    out = bytearray()
    rest = data
    try:
        while rest:
            inflater = zlib.decompressobj(wbits=31)
            chunk = inflater.decompress(rest, limit + 1 - len(out))
            out += chunk
            while not inflater.eof and len(out) <= limit:
                if not inflater.unconsumed_tail:
                    raise EOFError("the file ends inside a gzip member")
                out += inflater.decompress(inflater.unconsumed_tail, limit + 1 - len(out))
            if len(out) > limit:
                raise InputError(
                    f"it inflates to more than {limit:,} bytes (a compression bomb, or an "
                    "archive too large to read at once); split it into smaller files",
                    source=source,
                )
            rest = inflater.unused_data.lstrip(b"\x00")
    except (OSError, EOFError, zlib.error) as err:
        raise InputError(
            f"not a valid gzip file ({err}); re-compress it with `gzip`, "
            "or drop the .gz suffix if it is plain JSONL",
            source=source,
        ) from None
    return bytes(out)


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


def _read_line(
    raw: bytes, *, number: int, offset: int, source: str, outlet: str, max_article_chars: int
) -> Article:
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
            max_article_chars=max_article_chars,
        )
    except InputError as err:
        if err.line is not None:
            raise
        raise fail(err.reason) from None


def _check_shape(raw: bytes, fail: _Fail) -> None:
    """Refuse, before parsing, a line nested deeper than :data:`MAX_DEPTH` or holding a
    number longer than :data:`MAX_DIGITS` digits (outside strings): the parser is never
    handed input that exhausts the stack or the integer limits."""
    bare = _STRINGS.sub(b'""', raw)
    if (found := _LONG_NUMBER.search(bare)) is not None:
        digits = len(found.group())
        raise fail(
            f"a number of {digits:,} digits; numbers of more than {MAX_DIGITS} digits are "
            "refused: write it as a string"
        )
    depth = deepest = 0
    for byte in bare.translate(None, _NOT_BRACKETS):
        depth += 1 if byte in b"[{" else -1
        if depth > deepest:
            deepest = depth
            if deepest > MAX_DEPTH:
                raise fail(
                    f"nested more than {MAX_DEPTH} levels deep; {_HINT}"
                )


_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def _parse_object(line: str, fail: _Fail) -> dict[str, Any]:
    _check_shape(line.encode("utf-8", "surrogatepass"), fail)
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
