"""The frozen records as JSON, and packed: how analyses and comparisons are stored.

``to_json``/``from_json`` write and read a record (a dataclass of :mod:`counterpoint.model`,
or plain data) as JSON; ``pack``/``unpack`` deflate that JSON for the packed columns of the
store (see :mod:`counterpoint.store`) and for batch output.
"""

from __future__ import annotations

import functools
import zlib
from typing import TypeVar, cast

import msgspec

T = TypeVar("T")

_ENCODER = msgspec.json.Encoder()


def to_json(record) -> str:
    """A record (a dataclass such as :class:`Analysis`, or plain data) as JSON text: an
    object of its fields by name, tuples as arrays, dates as ISO text."""
    return _ENCODER.encode(record).decode()


def from_json(kind: type[T], data: str | bytes) -> T:
    """The record of type ``kind`` that ``data`` holds (the inverse of :func:`to_json`;
    JSON written with other spacing, or with a whole number where a float belongs, reads
    the same). Raises :class:`msgspec.DecodeError` for data that is not such a record."""
    return _decoder(cast(type, kind)).decode(data)


def pack(record) -> bytes:
    """A record's JSON (:func:`to_json`), deflated: what the packed columns hold."""
    return zlib.compress(_ENCODER.encode(record), 1)


def unpack(kind: type[T], data: bytes) -> T:
    """The record of type ``kind`` that :func:`pack` made ``data`` of."""
    return from_json(kind, zlib.decompress(data))


@functools.cache
def _decoder(kind):
    """A decoder for ``kind``, built once per type: analyses hold long runs of strings and
    floats (lemmas, an embedding), which it reads without a Python call per item."""
    return msgspec.json.Decoder(kind)
