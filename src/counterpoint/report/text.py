"""The comparison as plain terminal text, laid out with rich and exported without colour.

>>> from counterpoint.report.text import render_text
>>> print(render_text({"schema_version": "1", "events": []}), end="")
No events.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from rich import box
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from . import _view
from ._view import EventView, FactView

__all__ = ["render_text"]


def render_text(document: dict[str, Any], *, width: int = 100) -> str:
    """Render the contract document as text no wider than ``width`` columns."""
    console = Console(
        record=True,
        width=width,
        file=io.StringIO(),
        force_terminal=False,
        color_system=None,
        emoji=False,
        highlight=False,
        soft_wrap=False,
    )
    events = _view.events(document)
    if not events:
        console.print(Text("No events."))
    for index, event in enumerate(events):
        if index:
            console.print()
        console.print(_event(event, index=index + 1, total=len(events)))
    return "\n".join(line.rstrip() for line in console.export_text().splitlines()) + "\n"


def _event(event: EventView, *, index: int, total: int) -> RenderableType:
    parts: list[RenderableType] = [
        Rule(Text(f"Event {index} of {total}" if total > 1 else "Event"), characters="═"),
        Text(event.title, style="bold", justify="left"),
        _overview(event),
    ]
    for heading, body in (
        ("Summary", _summary(event)),
        ("Figures", _figures(event)),
        ("Where they differ, and what only one outlet reports", _facts(event.brief_groups)),
        ("Labels for each actor", _framing(event)),
        ("What they agree on", _facts(event.agreed_groups, headings=False)),
        ("Entities", _entities(event)),
    ):
        if body is not None:
            parts += [Text(), Rule(Text(heading.upper()), align="left", characters="─"), body]
    return Group(*parts)


def _fit(values: list[str], *, cap: int = 14) -> int:
    """The least width of a ratio column: its longest word, up to ``cap``."""
    longest = max((len(word) for value in values for word in value.split()), default=1)
    return min(longest, cap)


def _key_values(rows: list[tuple[str, str]]) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for key, value in rows:
        grid.add_row(Text(key), Text(value))
    return grid


def _overview(event: EventView) -> RenderableType:
    count = f"{event.article_count}"
    if event.independent_sources is not None:
        count += f" ({event.independent_sources} independent sources)"
    rows = [("Outlets", ", ".join(event.outlets) or "—"), ("Dates", event.dates or "unknown")]
    rows.append(("Articles", count))
    table = Table(box=box.SIMPLE_HEAD, expand=True, pad_edge=False, show_edge=False)
    table.add_column("Outlet", ratio=2, overflow="fold")
    table.add_column("Published", no_wrap=True, min_width=10)
    datelines = [a.dateline or "" for a in event.articles]
    table.add_column("Dateline", ratio=1, width=_fit(["Dateline", *datelines]), overflow="fold")
    table.add_column("Title", ratio=5, overflow="fold")
    for article in event.articles:
        table.add_row(
            Text(article.outlet),
            Text(article.published or "—"),
            Text(article.dateline or "—"),
            Text(article.label()),
        )
    return Group(_key_values(rows), Text(), table)


def _bullets(items: Sequence[RenderableType], *, marker: str = "•") -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for item in items:
        grid.add_row(Text(marker), item)
    return grid


def _summary(event: EventView) -> RenderableType | None:
    if not event.summary:
        return None
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, justify="right")
    grid.add_column(overflow="fold")
    for number, sentence in enumerate(event.summary, start=1):
        line = Text(sentence.text)
        if sentence.sources:
            line.append(f"  [{'; '.join(sentence.sources)}]", style="dim")
        grid.add_row(Text(f"{number}."), line)
    return grid


def _figures(event: EventView) -> RenderableType | None:
    if not event.figures:
        return None
    table = Table(box=box.SIMPLE_HEAD, expand=True, pad_edge=False, show_edge=False)
    whats = [figure.what for figure in event.figures]
    table.add_column("What", ratio=1, width=_fit(whats), overflow="fold")
    table.add_column("Who", ratio=2, width=10, overflow="fold")
    ranges = ["Range", *(figure.range for figure in event.figures)]
    table.add_column("Low–high", ratio=1, width=_fit(ranges), overflow="fold")
    table.add_column("Best", no_wrap=True)
    table.add_column("Status", min_width=13, overflow="fold")
    table.add_column("Reports (source chain)", ratio=7, overflow="fold")
    for figure in event.figures:
        reports = Text()
        for report in figure.reports:
            if reports:
                reports.append("\n")
            reports.append(f"{report.outlet}: ", style="bold")
            reports.append(f"{report.value or ''}, {report.via()}")
            if report.includes:
                reports.append(f"; includes {', '.join(report.includes)}")
        table.add_row(
            Text(figure.what),
            Text(figure.who or "—"),
            Text(figure.range),
            Text(figure.best or "—"),
            Text(figure.status_text),
            reports,
        )
    note = Text(
        "Counts are never added up: a breakdown stays beside its total, and differing counts "
        "stand side by side with their sources.",
        style="dim",
    )
    return Group(table, note)


def _fact(fact: FactView, *, show_outlet: bool) -> RenderableType:
    lines: list[RenderableType] = [Text(fact.text, style="bold")]
    for difference in fact.differences:
        versions = " vs ".join(f"{outlet}: “{text}”" for outlet, text in difference.values)
        lines.append(Text(f"differs on {difference.kind} — {versions}", style="italic"))
    if fact.note and not fact.differences:
        lines.append(Text(f"differs on: {fact.note}", style="italic"))
    if fact.omitted_by and fact.status != "single_source":
        lines.append(Text(f"not in {', '.join(fact.omitted_by)}", style="dim"))
    if not show_outlet and len(fact.reports) == 1 and fact.reports[0].text == fact.text:
        if fact.reports[0].attributed_to:
            lines.append(Text(f"— per {fact.reports[0].attributed_to}", style="italic"))
        return Group(*lines)
    reports = []
    for report in fact.reports:
        line = Text()
        if show_outlet:
            line.append(f"{report.outlet}: ", style="bold")
        line.append(f"“{report.text}”")
        if report.attributed_to:
            line.append(f" — per {report.attributed_to}", style="italic")
        reports.append(line)
    if reports:
        lines.append(_bullets(reports, marker="–"))
    return Group(*lines)


def _facts(groups: list[_view.FactGroup], *, headings: bool = True) -> RenderableType | None:
    if not groups:
        return None
    parts: list[RenderableType] = []
    for group in groups:
        if parts:
            parts.append(Text())
        if headings:
            parts.append(Text(f"{group.heading} ({len(group.facts)})", style="bold underline"))
        single = group.status == "single_source"
        parts.append(
            Padding(_bullets([_fact(f, show_outlet=not single) for f in group.facts]), (0, 0, 0, 1))
        )
    return Group(*parts)


def _framing(event: EventView) -> RenderableType | None:
    if not event.framing:
        return None
    table = Table(box=box.SIMPLE_HEAD, expand=True, pad_edge=False, show_edge=False)
    table.add_column("Actor", ratio=3, overflow="fold")
    table.add_column("Outlet", ratio=2, overflow="fold")
    table.add_column("In its own voice", ratio=4, overflow="fold")
    table.add_column("Quoting or citing others (whose words)", ratio=5, overflow="fold")
    for actor in event.framing:
        name = actor.name if actor.kind == "actor" else f"{actor.name} [{actor.kind}]"
        for row, outlet in enumerate(actor.by_outlet):
            own, others = actor.own(outlet), actor.others(outlet)
            table.add_row(
                Text(name if row == 0 else ""),
                Text(outlet),
                Text("\n".join(term.short() for term in own) or "—"),
                Text("\n".join(term.short() for term in others) or "—"),
                end_section=row == len(actor.by_outlet) - 1,
            )
    legend = Text(
        "own voice = the outlet's own words; quoting or citing = inside a quotation, or "
        "reported speech credited to the speaker in brackets",
        style="dim",
    )
    return Group(table, legend)


def _entities(event: EventView) -> RenderableType | None:
    if not event.entities:
        return None
    table = Table(box=box.SIMPLE_HEAD, expand=True, pad_edge=False, show_edge=False)
    table.add_column("Entity", ratio=3, overflow="fold")
    table.add_column("Type", ratio=1, overflow="fold")
    table.add_column("Aliases", ratio=4, overflow="fold")
    table.add_column("Mentions", ratio=3, overflow="fold")
    for entity in event.entities:
        mentions = ", ".join(f"{outlet} ×{count}" for outlet, count in entity.mentions.items())
        table.add_row(
            Text(entity.name),
            Text(entity.type or "—"),
            Text("; ".join(entity.aliases) or "—"),
            Text(mentions or "—"),
        )
    return table
