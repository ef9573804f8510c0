"""An article's text as HTML, with every span of interest wrapped so the page can light it.

Spans overlap and nest (a label inside a quotation inside a fact), so the text is cut at
every span boundary and each piece is wrapped once, in a ``<span class="hl …">`` that
carries, for every kind of span covering it, a class and a ``data-<kind>`` attribute
holding the space-separated keys of those spans. The script on the event page finds the
pieces of one fact, figure or entity by those keys.

The text itself is escaped piece by piece; nothing from the article reaches the page as
markup.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass

from markupsafe import Markup, escape

KINDS = ("entity", "figure", "label", "fact", "attribution", "time")
VOICES = ("own", "quoted", "attributed")


@dataclass(frozen=True, slots=True)
class Mark:
    """A span of one article to highlight: ``text[start:end]``, of a kind, under a key."""

    start: int
    end: int
    kind: str
    key: str
    note: str = ""
    voice: str | None = None
    """For labels: whose words they are (own, quoted, attributed)."""


def highlight(text: str, marks: list[Mark], *, body_start: int = 0) -> Markup:
    """``text`` escaped, with each piece under one or more marks wrapped in a span.

    The part before ``body_start`` (a `` date … PLACE - `` prefix) is shown dimmed.
    """
    marks = [m for m in marks if 0 <= m.start < m.end <= len(text) and m.kind in KINDS]
    cuts = sorted({0, len(text), body_start} | {m.start for m in marks} | {m.end for m in marks})
    starting: dict[int, list[Mark]] = defaultdict(list)
    for mark in marks:
        starting[mark.start].append(mark)
    active: list[Mark] = []
    pieces: list[str] = []
    for start, end in itertools.pairwise(cuts):
        active = [m for m in active if m.end > start] + starting.get(start, [])
        piece = _piece(text[start:end], active)
        pieces.append(f'<span class="prefix">{piece}</span>' if end <= body_start else piece)
    return Markup("".join(pieces))


def _piece(text: str, covering: list[Mark]) -> str:
    if not covering:
        return str(escape(text))
    keys: dict[str, list[str]] = {kind: [] for kind in KINDS}
    notes: list[str] = []
    for mark in covering:
        if mark.key not in keys[mark.kind]:
            keys[mark.kind].append(mark.key)
            if mark.note and mark.note not in notes:
                notes.append(mark.note)
    classes = ["hl", *(kind for kind in KINDS if keys[kind])]
    attrs = [f'data-{kind}="{escape(" ".join(keys[kind]))}"' for kind in KINDS if keys[kind]]
    labels = [m for m in covering if m.kind == "label"]
    if labels:
        innermost = min(labels, key=lambda m: (m.end - m.start, -m.start))
        voice = innermost.voice if innermost.voice in VOICES else "other"
        classes.append(f"voice-{voice}")
        attrs.append(f'data-voice="{voice}"')
    title = f' title="{escape(chr(10).join(notes))}"' if notes else ""
    return f'<span class="{" ".join(classes)}" {" ".join(attrs)}{title}>{escape(text)}</span>'
