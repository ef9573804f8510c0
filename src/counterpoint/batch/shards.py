"""Inputs -> shards: the files a batch reads. A shard is read whole and finished as a unit.

A shard is one file: ``.jsonl`` / ``.jsonl.gz`` (one article per line), ``.warc`` /
``.warc.gz`` (a web archive of news pages), or a single ``.txt`` / ``.html`` article.
A folder stands for every such file inside it. Each shard has a ``key`` made from
its resolved path, under which its output is written, so that a rerun can tell
which shards are done.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from counterpoint.errors import InputError
from counterpoint.ingest import SUFFIXES, read_file_collecting
from counterpoint.ingest.text import MAX_ARTICLE_CHARS

from .records import Record, RecordError
from .warc import read_warc

WARC_SUFFIXES = (".warc", ".warc.gz")
SHARD_SUFFIXES = (*SUFFIXES, *WARC_SUFFIXES)
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True, slots=True, kw_only=True)
class Shard:
    """One input file, and the key its output goes under."""

    path: str
    key: str


def find_shards(
    inputs: Sequence[str | os.PathLike[str]], *, skip: str | os.PathLike[str] | None = None
) -> tuple[list[Shard], list[RecordError]]:
    """The shards that ``inputs`` name (folders searched, sorted, hidden entries skipped),
    each once, and an error for each input that names none. Files under the folder
    ``skip`` (the batch's own output) are left out."""
    shards: dict[str, Shard] = {}
    errors: list[RecordError] = []
    for given in inputs:
        path = Path(given)
        if not path.exists():
            errors.append(RecordError(shard=os.fspath(given), message=_missing()))
            continue
        files = sorted(_walk(path, skip=skip)) if path.is_dir() else [path]
        if not files:
            errors.append(
                RecordError(
                    shard=os.fspath(given),
                    message=f"no {', '.join(SHARD_SUFFIXES)} files in this folder "
                    "(hidden ones are skipped); check the path",
                )
            )
        for file in files:
            shard = shard_of(file)
            shards.setdefault(shard.key, shard)
    return list(shards.values()), errors


def shard_of(path: str | os.PathLike[str]) -> Shard:
    """The shard for one file: its key is its name plus a hash of its resolved path."""
    resolved = str(Path(path).resolve())
    digest = hashlib.sha256(resolved.encode("utf-8")).hexdigest()[:12]
    name = _UNSAFE.sub("_", Path(path).name)[:80]
    return Shard(path=os.fspath(path), key=f"{name}-{digest}")


def read_shard(
    shard: Shard, *, outlet: str | None = None, max_article_chars: int = MAX_ARTICLE_CHARS
) -> tuple[list[Record], list[RecordError]]:
    """The articles of a shard with their places, and one error per bad record (an article
    longer than ``max_article_chars`` among them).

    Never raises for bad input: a file that cannot be read at all is one error.
    """
    path = Path(shard.path)
    if _is_warc(path):
        if not path.is_file():
            return [], [RecordError(shard=shard.path, message=_missing())]
        return read_warc(path, shard=shard.path, outlet=outlet,
                         max_article_chars=max_article_chars)
    result = read_file_collecting(path, outlet=outlet, max_article_chars=max_article_chars)
    records = [
        Record(article=a, shard=shard.path, line=_line_of(a.source, shard.path))
        for a in result.articles
    ]
    return records, [_error_of(err, shard.path) for err in result.failures]


def _error_of(err: InputError, shard: str) -> RecordError:
    return RecordError(shard=shard, message=err.reason, line=err.line)


def _line_of(source: str, shard: str) -> int | None:
    """The line number of a JSON Lines article, from its ``path:line`` source."""
    head, _, tail = source.rpartition(":")
    return int(tail) if head == shard and tail.isdigit() else None


def _is_warc(path: Path) -> bool:
    return path.name.lower().endswith(WARC_SUFFIXES)


def _walk(folder: Path, *, skip: str | os.PathLike[str] | None) -> list[Path]:
    found: list[Path] = []
    skipped = Path(skip).resolve() if skip is not None else None
    for root, dirs, names in os.walk(folder):
        dirs[:] = [
            name
            for name in dirs
            if not name.startswith(".") and Path(root, name).resolve() != skipped
        ]
        found.extend(
            Path(root, name)
            for name in names
            if not name.startswith(".") and name.lower().endswith(SHARD_SUFFIXES)
        )
    return found


def _missing() -> str:
    return f"no such file or folder; check the path (relative paths start at {os.getcwd()!r})"
