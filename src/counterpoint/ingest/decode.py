"""Bytes -> text: refuse empty, binary and non-UTF-8 input, saying how to fix it."""

from __future__ import annotations

import codecs
import re
import shlex

from counterpoint.errors import InputError

_UTF8_BOM = codecs.BOM_UTF8
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_CONTROL = frozenset(range(0x20)) - {0x09, 0x0A, 0x0C, 0x0D} | {0x7F}
_SAMPLE = 8192
_MAX_CONTROL_SHARE = 0.05
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def check_bytes(data: bytes, *, source: str) -> None:
    """Raise :class:`InputError` when ``data`` is empty, UTF-16 or binary."""
    if not data.strip():
        raise InputError(
            "the file is empty; give it some article text or leave it out", source=source
        )
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise InputError(
            "the file is UTF-32 text, not UTF-8; re-encode it, e.g. "
            f"`iconv -f utf-32 -t utf-8 {shlex.quote(source)} > out.txt`",
            source=source,
        )
    if data.startswith(_UTF16_BOMS):
        raise InputError(
            "the file is UTF-16 text, not UTF-8; re-encode it, e.g. "
            f"`iconv -f utf-16 -t utf-8 {shlex.quote(source)} > out.txt`",
            source=source,
        )
    sample = data[:_SAMPLE]
    controls = sum(byte in _CONTROL for byte in sample)
    if b"\x00" in sample or controls > _MAX_CONTROL_SHARE * len(sample):
        raise InputError(
            "the file is binary, not text (a PDF, Word file or image?); "
            "convert it to UTF-8 text, HTML or JSONL first, e.g. with `pdftotext`",
            source=source,
        )


def decode_utf8(data: bytes, *, source: str, line: int | None = None, base: int = 0) -> str:
    """Decode strict UTF-8; ``base`` is the byte offset of ``data`` within its file."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        bad = data[err.start : err.start + 1]
        raise InputError(
            f"not UTF-8: byte {bad!r} at byte offset {base + err.start} cannot be decoded; "
            "re-encode the file as UTF-8, e.g. "
            f"`iconv -f latin1 -t utf-8 {shlex.quote(source)} > out.txt`",
            source=source,
            line=line,
        ) from None


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in a ``<meta>`` tag, if Python knows it."""
    found = _CHARSET.search(data[:4096])
    if found is None:
        return None
    name = found.group(1).decode("ascii")
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_file(data: bytes, *, source: str, charset: str | None = None) -> str:
    """Check and decode a whole file; drop a UTF-8 BOM; fall back to a declared ``charset``."""
    check_bytes(data, source=source)
    body = data.removeprefix(_UTF8_BOM)
    try:
        text = decode_utf8(body, source=source, base=len(data) - len(body))
    except InputError:
        if charset is None or charset == "utf-8":
            raise
        text = _decode_declared(body, charset=charset, source=source)
    if not text.strip():
        raise InputError(
            "the file holds only whitespace; give it some article text or leave it out",
            source=source,
        )
    return text


def _decode_declared(data: bytes, *, charset: str, source: str) -> str:
    try:
        return data.decode(charset)
    except UnicodeDecodeError as err:
        raise InputError(
            f"neither UTF-8 nor its declared charset {charset!r}: byte offset {err.start}; "
            f"re-encode the file as UTF-8, e.g. `iconv -f {charset} -t utf-8 "
            f"{shlex.quote(source)} > out.html`",
            source=source,
        ) from None
