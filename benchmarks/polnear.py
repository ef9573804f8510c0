"""Read the PolNeAR attribution corpus (``../shared/eval/polnear``).

Each compartment folder (``train``, ``dev``, ``test``) holds ``text/<name>.txt``
(title line, blank line, body) and ``attributions/<name>_<annotator>.ann`` in
brat standoff form. An ``E`` line ties one attribution together::

    T1	Source 201 220	O’Malley’s campaign
    T2	Cue 221 225	says
    T3	Content 226 297	it will shift staff from its Baltimore headquarters to the early states
    E1	Attribution:T4 Content:T3 Cue:T2 Source:T1

Offsets are end-exclusive character offsets into the ``.txt`` file. A span
may be discontinuous (``"10 20;25 30"``); it is kept as a tuple of ranges.
``Content2`` (a second content fragment) joins the content's ranges.
``Discard``/``Discuss`` lines and ``#`` notes are annotator bookkeeping and are
skipped. Where several annotators marked one article, the first annotator id
in sorted order is used, as FORMAT.md there describes.

The data stays where it is: this module reads it, it never copies it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Doc", "Gold", "load", "parse_ann"]

Ranges = tuple[tuple[int, int], ...]
ROLES = ("source", "cue", "content")
# A span's text may run over several lines; only lines that start like these open a record.
_SPAN_LINE = re.compile(r"^T\d+\t")
_EVENT_LINE = re.compile(r"^E\d+\t")


@dataclass(frozen=True, slots=True, kw_only=True)
class Gold:
    """One annotated attribution; ``source`` is empty when the text names none."""

    source: Ranges
    cue: Ranges
    content: Ranges


@dataclass(frozen=True, slots=True, kw_only=True)
class Doc:
    name: str  # file name without ``.txt``
    compartment: str  # "train", "dev" or "test"
    text: str
    attributions: tuple[Gold, ...]
    ann_path: Path


def load(path: str | Path, *, limit: int | None = None) -> list[Doc]:
    """The documents of every compartment folder under ``path``, sorted by
    compartment then name; only the first ``limit`` of them when given."""
    root = Path(path)
    compartments = sorted(
        d for d in root.iterdir() if (d / "text").is_dir() and (d / "attributions").is_dir()
    ) if root.is_dir() else []
    if not compartments:
        raise FileNotFoundError(
            f"No PolNeAR compartment folders (with text/ and attributions/) under {str(root)!r}; "
            "pass the polnear folder, e.g. ../shared/eval/polnear"
        )
    docs: list[Doc] = []
    for folder in compartments:
        for text_file in sorted((folder / "text").glob("*.txt")):
            if limit is not None and len(docs) >= limit:
                return docs
            anns = sorted((folder / "attributions").glob(f"{text_file.stem}_*.ann"))
            if not anns:
                raise FileNotFoundError(
                    f"{str(text_file)!r} has no annotation file "
                    f"'attributions/{text_file.stem}_<annotator>.ann'; restore it or remove "
                    "the text"
                )
            text = text_file.read_text(encoding="utf-8")
            docs.append(
                Doc(
                    name=text_file.stem,
                    compartment=folder.name,
                    text=text,
                    attributions=parse_ann(anns[0].read_text(encoding="utf-8"), anns[0], text),
                    ann_path=anns[0],
                )
            )
    return docs


def parse_ann(ann: str, path: Path | str, text: str) -> tuple[Gold, ...]:
    """The attributions of one brat file; a malformed line raises ``ValueError``
    naming the file, line and field."""
    spans: dict[str, tuple[str, Ranges]] = {}
    events: list[tuple[int, str]] = []
    for number, line in enumerate(ann.splitlines(), 1):
        if _SPAN_LINE.match(line):
            fields = line.split("\t")
            try:
                kind, _, offsets = fields[1].partition(" ")
                ranges = tuple(
                    (int(a), int(b))
                    for a, b in (part.split() for part in offsets.split(";"))
                )
            except (IndexError, ValueError) as exc:
                raise ValueError(
                    f"{str(path)!r} line {number}: cannot read the span {line!r} "
                    "(expected 'T<n>\\t<Role> <start> <end>[;<start> <end>]\\t<text>')"
                ) from exc
            if any(not 0 <= a <= b <= len(text) for a, b in ranges):
                raise ValueError(
                    f"{str(path)!r} line {number}: span {offsets!r} lies outside the "
                    f"{len(text)}-character text; check that the .ann matches its .txt"
                )
            spans[fields[0]] = (kind, ranges)
        elif _EVENT_LINE.match(line):
            events.append((number, line))
    found = []
    for number, line in events:
        roles: dict[str, list[tuple[int, int]]] = {r: [] for r in ROLES}
        for arg in line.split("\t")[1].split():
            role, _, ref = arg.partition(":")
            key = {"Source": "source", "Cue": "cue", "Content": "content", "Content2": "content"}
            if role not in key:
                continue  # the Attribution trigger itself
            if ref not in spans:
                raise ValueError(
                    f"{str(path)!r} line {number}: {role} refers to {ref!r}, which no T line "
                    "defines"
                )
            roles[key[role]].extend(spans[ref][1])
        found.append(Gold(**{r: tuple(sorted(v)) for r, v in roles.items()}))
    return tuple(found)


def texts(docs: Sequence[Doc]) -> list[str]:
    return [d.text for d in docs]
