"""The comparison as GitHub-flavoured Markdown: one ``#`` heading per event.

Text from articles is escaped, so a quote containing ``*``, ``|`` or ``<script>`` shows as
written and cannot break a table or inject markup.

>>> from counterpoint.report.markdown import render_markdown
>>> render_markdown({"schema_version": "1", "events": []})
'*No events.*\\n'
"""

from __future__ import annotations

import re
from typing import Any

from . import _view
from ._view import EventView, FactView, ReportView

__all__ = ["render_markdown"]

_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def render_markdown(document: dict[str, Any]) -> str:
    """Render the contract document as Markdown."""
    events = _view.events(document)
    if not events:
        return "*No events.*\n"
    blocks = [_event(event) for event in events]
    return "\n\n---\n\n".join(blocks).rstrip() + "\n"


def _md(text: Any) -> str:
    """Inline text with Markdown and HTML specials escaped, on one line."""
    return _SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell or "—" for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _event(event: EventView) -> str:
    sections = [f"# {_md(event.title)}", _overview(event)]
    for heading, body in (
        ("Summary", _summary(event)),
        ("Figures", _figures(event)),
        ("Where they differ, and what only one outlet reports", _facts(event.brief_groups)),
        ("Labels for each actor", _framing(event)),
        ("What they agree on", _facts(event.agreed_groups, headings=False)),
        ("Entities", _entities(event)),
    ):
        if body:
            sections += [f"## {heading}", body]
    return "\n\n".join(sections)


def _overview(event: EventView) -> str:
    count = str(event.article_count)
    if event.independent_sources is not None:
        count += f" ({event.independent_sources} independent sources)"
    facts = "  \n".join(
        [
            f"**Outlets:** {_md(', '.join(event.outlets)) or '—'}",
            f"**Dates:** {_md(event.dates or 'unknown')}",
            f"**Articles:** {count}",
        ]
    )
    rows = [
        [
            _md(a.outlet),
            _md(a.published or ""),
            _md(a.dateline or ""),
            _md(a.label()),
        ]
        for a in event.articles
    ]
    return facts + "\n\n" + _table(["Outlet", "Published", "Dateline", "Title"], rows)


def _summary(event: EventView) -> str:
    lines = []
    for number, sentence in enumerate(event.summary, start=1):
        sources = f" — *{_md('; '.join(sentence.sources))}*" if sentence.sources else ""
        lines.append(f"{number}. {_md(sentence.text)}{sources}")
    return "\n".join(lines)


def _figure_report(report: ReportView) -> str:
    line = f"**{_md(report.outlet)}**: {_md(report.value or '')}, {_md(report.via())}"
    if report.includes:
        line += f"; includes {_md(', '.join(report.includes))}"
    return line


def _figures(event: EventView) -> str:
    rows = [
        [
            _md(figure.what),
            _md(figure.who or ""),
            _md(figure.range),
            _md(figure.best or ""),
            _md(figure.status_text),
            "<br>".join(_figure_report(report) for report in figure.reports),
        ]
        for figure in event.figures
    ]
    if not rows:
        return ""
    header = ["What", "Who", "Low–high", "Best", "Status", "Reports (source chain)"]
    note = (
        "*Counts are never added up: a breakdown stays beside its total, and differing counts "
        "stand side by side with their sources.*"
    )
    return _table(header, rows) + "\n\n" + note


def _fact(fact: FactView, *, show_outlet: bool) -> str:
    lines = [f"- **{_md(fact.text)}**"]
    notes = [
        f"*Differs on {d.kind}:* "
        + " vs ".join(f"{_md(outlet)}: “{_md(text)}”" for outlet, text in d.values)
        for d in fact.differences
    ]
    if fact.note and not notes:
        notes.append(f"*Differs on:* {_md(fact.note)}")
    if fact.omitted_by and fact.status != "single_source":
        notes.append(f"*Not in:* {_md(', '.join(fact.omitted_by))}")
    for note in notes:
        lines[-1] += "  "  # a hard line break before the note
        lines.append(f"  {note}")
    if not show_outlet and len(fact.reports) == 1 and fact.reports[0].text == fact.text:
        source = fact.reports[0].attributed_to
        if source:
            lines[-1] += "  "
            lines.append(f"  — per {_md(source)}")
        return "\n".join(lines)
    for report in fact.reports:
        outlet = f"**{_md(report.outlet)}**: " if show_outlet else ""
        source = f" — per {_md(report.attributed_to)}" if report.attributed_to else ""
        lines.append(f"  - {outlet}“{_md(report.text)}”{source}")
    return "\n".join(lines)


def _facts(groups: list[_view.FactGroup], *, headings: bool = True) -> str:
    blocks = []
    for group in groups:
        show_outlet = group.status != "single_source"
        facts = "\n".join(_fact(fact, show_outlet=show_outlet) for fact in group.facts)
        heading = f"### {_md(group.heading)} ({len(group.facts)})\n\n" if headings else ""
        blocks.append(f"{heading}{facts}")
    return "\n\n".join(blocks)


def _framing(event: EventView) -> str:
    rows = []
    for actor in event.framing:
        name = _md(actor.name) if actor.kind == "actor" else f"{_md(actor.name)} *({actor.kind})*"
        for index, outlet in enumerate(actor.by_outlet):
            own = "<br>".join(_md(term.short()) for term in actor.own(outlet))
            others = "<br>".join(_md(term.short()) for term in actor.others(outlet))
            rows.append([name if index == 0 else " ", _md(outlet), own, others])
    if not rows:
        return ""
    legend = (
        "*In its own voice:* the outlet's own words. *Quoting or citing others:* inside a "
        "quotation, or reported speech credited to the speaker in brackets."
    )
    header = ["Actor", "Outlet", "In its own voice", "Quoting or citing others"]
    return _table(header, rows) + "\n\n" + legend


def _entities(event: EventView) -> str:
    rows = [
        [
            _md(entity.name),
            _md(entity.type),
            _md("; ".join(entity.aliases)),
            _md(", ".join(f"{outlet} ×{count}" for outlet, count in entity.mentions.items())),
        ]
        for entity in event.entities
    ]
    return _table(["Entity", "Type", "Aliases", "Mentions"], rows) if rows else ""
