"""File names: which suffixes counterpoint reads, and the outlet name a file name implies."""

from __future__ import annotations

from pathlib import Path

SUFFIXES = (".txt", ".html", ".htm", ".jsonl", ".jsonl.gz")
"""The file kinds ingest reads, matched case-insensitively."""


def suffix_of(path: Path) -> str | None:
    """The supported suffix ``path`` ends with (``.jsonl.gz`` before ``.gz``), else None."""
    name = path.name.lower()
    matches = [suffix for suffix in SUFFIXES if name.endswith(suffix) and name != suffix]
    return max(matches, key=len, default=None)


def stem_of(path: Path) -> str:
    """The file name without its supported suffix: ``reuters.com.txt`` -> ``reuters.com``."""
    suffix = suffix_of(path)
    return path.name[: -len(suffix)] if suffix else path.stem
