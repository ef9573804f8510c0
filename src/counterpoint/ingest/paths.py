"""Files and folders -> Articles: one failure per bad file or line, never a stopped batch."""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from counterpoint.errors import InputError
from counterpoint.model import Article

from .html import read_html
from .jsonl import read_jsonl
from .names import SUFFIXES, stem_of, suffix_of
from .text import MAX_ARTICLE_CHARS, read_txt

StrPath = str | os.PathLike[str]
_KINDS = ", ".join(SUFFIXES[:-1]) + " and " + SUFFIXES[-1]


@dataclass(frozen=True, slots=True, kw_only=True)
class IngestResult:
    """What a batch of inputs gave: the articles, and one error per unusable file or line."""

    articles: tuple[Article, ...]
    failures: tuple[InputError, ...]


def read_paths(
    paths: Sequence[StrPath],
    *,
    outlet: str | None = None,
    max_article_chars: int = MAX_ARTICLE_CHARS,
) -> IngestResult:
    """Read files and folders (recursively, sorted, hidden entries skipped), each file once.
    An article longer than ``max_article_chars`` is a failure that names its size."""
    articles: list[Article] = []
    failures: list[InputError] = []
    seen: set[Path] = set()
    for given in paths:
        try:
            files = _expand(given)
        except InputError as err:
            failures.append(err)
            continue
        for file in files:
            try:
                key = Path(file).resolve(strict=True)
            except (OSError, RuntimeError):
                failures.append(
                    InputError(
                        "a symbolic link that leads nowhere or to itself (a loop); "
                        "it was skipped: fix or remove the link",
                        source=os.fspath(file),
                    )
                )
                continue
            if key in seen:
                continue
            seen.add(key)
            result = read_file_collecting(file, outlet=outlet, max_article_chars=max_article_chars)
            articles.extend(result.articles)
            failures.extend(result.failures)
    return IngestResult(articles=tuple(articles), failures=tuple(failures))


def read_file(
    path: StrPath, *, outlet: str | None = None, max_article_chars: int = MAX_ARTICLE_CHARS
) -> list[Article]:
    """The articles of one file. Raises :class:`InputError` when the file cannot be used;
    bad JSONL lines are skipped (see :func:`read_file_collecting` to get them)."""
    return _read(path, outlet=outlet, max_article_chars=max_article_chars)[0]


def read_file_collecting(
    path: StrPath, *, outlet: str | None = None, max_article_chars: int = MAX_ARTICLE_CHARS
) -> IngestResult:
    """Like :func:`read_file`, but every problem, whole-file or per-line, is a failure."""
    try:
        articles, failures = _read(path, outlet=outlet, max_article_chars=max_article_chars)
    except InputError as err:
        return IngestResult(articles=(), failures=(err,))
    return IngestResult(articles=tuple(articles), failures=tuple(failures))


def _read(
    path: StrPath, *, outlet: str | None, max_article_chars: int
) -> tuple[list[Article], list[InputError]]:
    source, file = os.fspath(path), Path(path)
    _check_file(file, source=source)
    suffix = suffix_of(file)
    limit = max_article_chars
    try:
        if suffix == ".txt":
            return [read_txt(file, source=source, outlet=outlet or stem_of(file),
                             max_article_chars=limit)], []
        if suffix in (".html", ".htm"):
            return [read_html(file, source=source, outlet=outlet, max_article_chars=limit)], []
        return read_jsonl(
            file, source=source, outlet=outlet or stem_of(file), compressed=suffix == ".jsonl.gz",
            max_article_chars=limit,
        )
    except OSError as err:
        raise InputError(
            f"cannot read it ({err.strerror or err}); check that it is a readable file",
            source=source,
        ) from None


def _check_file(file: Path, *, source: str) -> None:
    if not file.exists():
        raise _missing(source)
    if file.is_dir():
        raise InputError(
            "this is a folder, not a file; pass it to read_paths to read the files inside",
            source=source,
        )
    if not stat.S_ISREG(file.stat().st_mode):
        raise InputError(
            "not a regular file (a named pipe, device or socket); it was skipped, since "
            "reading it could wait forever: copy its content into a file",
            source=source,
        )
    if suffix_of(file) is None:
        kind = repr(file.suffix) if file.suffix else "no suffix"
        raise InputError(
            f"unsupported file type ({kind}); counterpoint reads {_KINDS} "
            "files: convert it or rename it",
            source=source,
        )


def _expand(given: StrPath) -> Sequence[StrPath]:
    """The files ``given`` names: itself, or the supported files in the folder."""
    folder = Path(given)
    if not folder.exists():
        raise _missing(os.fspath(given))
    if not folder.is_dir():
        return [given]
    files = sorted(_walk(folder))
    if not files:
        raise InputError(
            f"no {_KINDS} files in this folder (hidden ones are skipped); check the path",
            source=os.fspath(given),
        )
    return files


def _walk(folder: Path) -> list[Path]:
    found: list[Path] = []
    for root, dirs, names in os.walk(folder):  # links to folders are not followed: no loops
        dirs[:] = [name for name in dirs if not name.startswith(".")]
        found.extend(
            Path(root, name)
            for name in names
            if not name.startswith(".") and suffix_of(Path(name)) is not None
        )
    return found


def _missing(source: str) -> InputError:
    return InputError(
        f"no such file or folder; check the path (relative paths start at {os.getcwd()!r})",
        source=source,
    )
