"""The comparison as one self-contained HTML page: inline CSS and script, nothing fetched.

Articles stand side by side (stacked on a narrow screen) with their spans highlighted:
entity mentions, figure reports, and framing terms coloured by voice. Spans may overlap or
nest, so each article's text is cut at every span boundary and each piece is wrapped in one
``<span class="hl …">`` carrying the classes and ``data-*`` ids of every span that covers it
(``data-entity``, ``data-figure``, ``data-framing``, ``data-fact``: space-separated ids). When
framing terms of different voices overlap, the innermost term's voice colours the piece.
Hovering or clicking a fact, figure or entity in the lists lights up its spans.

Every string from the document is HTML-escaped (Jinja2 autoescape, markupsafe for the article
bodies); links are made only from ``http``/``https`` URLs.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from . import _view
from ._view import EventView

__all__ = ["render_html"]

_TEMPLATES = Path(__file__).parent / "templates"
_KINDS = ("entity", "figure", "framing", "fact")
_NEWLINES = re.compile(r"[^\S\n]*\n\s*")
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")
_PREFIX = re.compile(r"\s*date \d{4}-\d{2}-\d{2}\b[^\n]{0,60}? [-–—] ")
"""A ``.txt`` seed's `` date 2024-11-29 TEHRAN - `` prefix, shown dimmed."""


def render_html(document: dict[str, Any]) -> str:
    """Render the contract document as a self-contained HTML page."""
    events = [_EventPage.build(event, index=i) for i, event in enumerate(_view.events(document))]
    title = events[0].view.title if len(events) == 1 else "counterpoint report"
    return (
        _environment()
        .get_template("report.html.j2")
        .render(
            title=title,
            events=events,
            voices=_view.VOICES,
            voice_labels=_view.VOICE_LABELS,
            status_labels=_view.STATUS_LABELS,
        )
    )


@cache
def _environment() -> jinja2.Environment:
    return _view.templates(_TEMPLATES)


@dataclass(slots=True)
class _Span:
    start: int
    end: int
    kind: str
    key: str
    note: str
    voice: str | None = None


@dataclass(slots=True)
class _ArticlePage:
    view: _view.ArticleView
    color: int
    body: Markup
    link: str | None


@dataclass(slots=True)
class _EventPage:
    view: EventView
    dom: str
    articles: list[_ArticlePage]
    outlet_colors: dict[str, int] = field(default_factory=dict)

    @classmethod
    def build(cls, view: EventView, *, index: int) -> _EventPage:
        spans = _spans(view)
        colors = {article.outlet: i % 6 for i, article in enumerate(view.articles)}
        articles = [
            _ArticlePage(
                view=article,
                color=colors[article.outlet],
                body=_highlight(article.text, spans.get(article.id, [])),
                link=_view.safe_url(article.url) or _view.safe_url(article.source),
            )
            for article in view.articles
        ]
        dom = f"event-{index + 1}"
        return cls(view=view, dom=dom, articles=articles, outlet_colors=colors)


def _spans(view: EventView) -> dict[str, list[_Span]]:
    """Every highlightable span of the event, by article id."""
    event = view.raw
    out: dict[str, list[_Span]] = defaultdict(list)

    def add(ref: dict[str, Any], kind: str, key: str, note: str, voice: str | None = None) -> None:
        start, end = ref.get("start"), ref.get("end")
        if isinstance(start, int) and isinstance(end, int) and 0 <= start < end:
            out[str(ref.get("article", ""))].append(_Span(start, end, kind, key, note, voice))

    for entity in event.get("entities") or []:
        note = f"{entity.get('name', '')} · {entity.get('type', '')}".strip(" ·")
        for mention in entity.get("mentions") or []:
            add(mention, "entity", str(entity.get("id", "")), note)
    for figure in view.figures:
        raw = (event.get("figures") or [])[figure.index]
        for report, shown in zip(raw.get("reports") or [], figure.reports, strict=False):
            who = f" {figure.who}" if figure.who else ""
            per = f", per {shown.attributed_to}" if shown.attributed_to else ""
            add(report, "figure", f"fig-{figure.index}", f"{figure.what}{who}: {shown.value}{per}")
    for index, item in enumerate(event.get("framing") or []):
        voice = str(item.get("voice", ""))
        speaker = f": {item['speaker']}" if item.get("speaker") and voice != "own" else ""
        note = f"“{item.get('term', '')}” ({voice}{speaker})"
        add(item, "framing", f"frame-{index}", note, voice)
    for fact in event.get("facts") or []:
        status = _view.STATUS_LABELS.get(fact.get("status"), fact.get("status"))
        for report in fact.get("reports") or []:
            add(report, "fact", str(fact.get("id", "")), f"{status} fact: {fact.get('text', '')}")
    return out


def _highlight(text: str, spans: list[_Span]) -> Markup:
    """``text`` escaped, each piece covered by spans wrapped in one ``<span class="hl">``.

    Paragraphs show with a gap between them: a text that separates paragraphs with blank
    lines keeps its single newlines as line breaks; one that does not has a paragraph per line.
    """
    single = _BLANK_LINE.search(text) is None
    prefix = _PREFIX.match(text)
    if prefix:
        spans = [*spans, _Span(0, prefix.end(), "prefix", "", "")]
    spans = [s for s in spans if s.start < len(text)]
    ends = {min(s.end, len(text)) for s in spans}
    cuts = sorted({0, len(text)} | {s.start for s in spans} | ends)
    starting: dict[int, list[_Span]] = defaultdict(list)
    for span in spans:
        starting[span.start].append(span)
    active: list[_Span] = []
    pieces: list[str] = []
    for start, end in itertools.pairwise(cuts):
        active = [s for s in active if s.end > start] + starting.get(start, [])
        pieces.append(_piece(text[start:end], active, single=single))
    return Markup("".join(pieces))


def _display(text: str, *, single: bool) -> str:
    """Escaped text with paragraph breaks made visible."""

    def paragraph(match: re.Match[str]) -> str:
        run = match.group(0)
        return '\n<span class="gap"></span>' if single or run.count("\n") > 1 else run

    return _NEWLINES.sub(paragraph, str(escape(text)))


def _piece(text: str, covering: list[_Span], *, single: bool) -> str:
    if all(span.kind == "prefix" for span in covering):
        body = _display(text, single=single)
        return f'<span class="prefix">{body}</span>' if covering else body
    keys: dict[str, list[str]] = {kind: [] for kind in _KINDS}
    notes: list[str] = []
    for span in covering:
        if span.kind in keys and span.key not in keys[span.kind]:
            keys[span.kind].append(span.key)
            notes.append(span.note)
    classes = ["hl"] + [kind for kind in _KINDS if keys[kind]]
    if any(span.kind == "prefix" for span in covering):
        classes.append("prefix")
    attrs = [f'data-{kind}="{escape(" ".join(keys[kind]))}"' for kind in _KINDS if keys[kind]]
    framing = [s for s in covering if s.kind == "framing"]
    if framing:
        innermost = min(framing, key=lambda s: (s.end - s.start, -s.start))
        voice = innermost.voice if innermost.voice in _view.VOICES else "other"
        classes.append(f"voice-{voice}")
        attrs.append(f'data-voice="{voice}"')
    title = escape("\n".join(notes))
    return (
        f'<span class="{" ".join(classes)}" {" ".join(attrs)} title="{title}">'
        f"{_display(text, single=single)}</span>"
    )
