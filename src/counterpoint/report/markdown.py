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
        ("Facts", _facts(event)),
        ("Framing", _framing(event)),
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
    line = f"**{_md(report.outlet)}**: {_md(report.value or '')}"
    if report.attributed_to:
        line += f", per {_md(report.attributed_to)}"
    if report.includes:
        line += f"; includes {_md(', '.join(report.includes))}"
    return line


def _figures(event: EventView) -> str:
    rows = [
        [
            _md(figure.what),
            _md(figure.who or ""),
            _md(figure.range),
            _md(_view.STATUS_LABELS.get(figure.status, figure.status)),
            "<br>".join(_figure_report(report) for report in figure.reports),
        ]
        for figure in event.figures
    ]
    return _table(["What", "Who", "Range", "Status", "Reports"], rows) if rows else ""


def _fact(fact: FactView, *, show_outlet: bool) -> str:
    lines = [f"- **{_md(fact.text)}**"]
    if fact.note:
        lines[0] += "  "  # a hard line break before the note
        lines.append(f"  *Differs on:* {_md(fact.note)}")
    for report in fact.reports:
        outlet = f"**{_md(report.outlet)}**: " if show_outlet else ""
        source = f" — per {_md(report.attributed_to)}" if report.attributed_to else ""
        lines.append(f"  - {outlet}“{_md(report.text)}”{source}")
    return "\n".join(lines)


def _facts(event: EventView) -> str:
    blocks = []
    for group in event.fact_groups:
        show_outlet = group.status != "single_source"
        facts = "\n".join(_fact(fact, show_outlet=show_outlet) for fact in group.facts)
        blocks.append(f"### {_md(group.heading)} ({len(group.facts)})\n\n{facts}")
    return "\n\n".join(blocks)


def _framing(event: EventView) -> str:
    rows = []
    for actor in event.framing:
        name = _md(actor.name) if actor.kind == "actor" else f"{_md(actor.name)} *({actor.kind})*"
        for index, (outlet, terms) in enumerate(actor.by_outlet.items()):
            labels = "<br>".join(_md(term.label()) for term in terms)
            rows.append([name if index == 0 else " ", _md(outlet), labels])
    if not rows:
        return ""
    legend = (
        "*Voice:* **own** — the outlet's own words; **quoted** — inside a quotation; "
        "**attributed** — reported speech credited to the speaker."
    )
    return _table(["Actor", "Outlet", "Terms (voice: speaker)"], rows) + "\n\n" + legend


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
