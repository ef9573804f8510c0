"""What every renderer shows, worked out once from the contract document.

The renderers (:mod:`.text`, :mod:`.markdown`, :mod:`.html`) take the JSON contract
document (``{"schema_version": "1", "events": [...]}``) and differ only in how they lay
things out. This module turns one event of that document into plain, ordered view records:
article ids replaced by outlet names, facts in reading order (conflicting, agreed, then
single-source grouped by outlet), framing grouped by actor and outlet. Fields beyond the
contract (``article_count``, ``independent_sources``, ``date_range``, ``dateline``, ``url``,
``note``, ``includes``, ``entity_name``, ``kind``) are used when present, never required.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

STATUS_LABELS = {
    "conflicting": "conflicting",
    "agreed": "agreed",
    "single_source": "single source",
    "background": "background",
}
VOICES = ("own", "quoted", "attributed")
VOICE_LABELS = {
    "own": "outlet's own voice",
    "quoted": "inside a quotation",
    "attributed": "attributed to a source",
}
UNLINKED = "(unlinked)"


def safe_url(url: Any) -> str | None:
    """``url`` when it is a plain http(s) address, else None (no ``javascript:`` links)."""
    if isinstance(url, str) and url.strip().lower().startswith(("http://", "https://")):
        return url.strip()
    return None


def templates(folder: Path) -> jinja2.Environment:
    """A Jinja environment over ``folder``: autoescaped, strict about missing values, with
    the ``safe_url`` filter."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["safe_url"] = safe_url
    return env


@dataclass(slots=True)
class ArticleView:
    id: str
    outlet: str
    """The outlet's name, made unique within the event ("Reuters (2)")."""
    title: str | None
    published: str | None
    dateline: str | None
    url: str | None
    source: str | None
    text: str
    copy_of: str | None = None
    """The outlet name of the article this one is a near-duplicate copy of."""

    def label(self) -> str:
        """Title (or else URL or source), noting a near-duplicate copy."""
        label = self.title or self.url or self.source or "—"
        return f"{label} (copy of {self.copy_of})" if self.copy_of else label


@dataclass(slots=True)
class ReportView:
    """One outlet's report of a fact or figure."""

    outlet: str
    article: str
    text: str
    attributed_to: str | None
    value: str | None = None
    """For figures: the value with its qualifier, e.g. "at least 130"."""
    includes: list[str] = field(default_factory=list)
    chain: list[str] = field(default_factory=list)
    """Who the figure comes from, outermost first ("Reuters", "Syrian Observatory …")."""

    def via(self) -> str:
        """``Reuters ← Syrian Observatory`` for a chain, ``own voice`` for none."""
        chain = self.chain or ([self.attributed_to] if self.attributed_to else [])
        return "citing " + ", citing ".join(chain) if chain else "own voice"


@dataclass(slots=True)
class DifferenceView:
    kind: str
    """"number", "place", "date" or "agent"."""
    values: list[tuple[str, str]]
    """(outlet, its version) pairs."""


@dataclass(slots=True)
class FactView:
    id: str
    text: str
    status: str
    note: str | None
    reports: list[ReportView]
    differences: list[DifferenceView] = field(default_factory=list)
    omitted_by: list[str] = field(default_factory=list)
    """Outlets that do not report the fact."""


@dataclass(slots=True)
class FactGroup:
    heading: str
    """"Conflicting", "Agreed" or "Only in <outlet>"."""
    status: str
    facts: list[FactView]


@dataclass(slots=True)
class FigureView:
    index: int
    what: str
    who: str | None
    range: str
    status: str
    reports: list[ReportView]
    best: str | None = None
    """The best estimate where the sources allow one."""
    sources: list[str] = field(default_factory=list)
    """The independent origins of the figure."""
    scope: str = "event"
    """``background`` for history and other happenings: shown after the event's own."""
    differences: list[str] = field(default_factory=list)
    """Groups only some reports' breakdowns include."""

    @property
    def status_text(self) -> str:
        """``agreed; breakdowns differ: civilians``."""
        text = STATUS_LABELS.get(self.status, self.status)
        if self.differences:
            text += f"; breakdowns differ: {', '.join(self.differences)}"
        return text


@dataclass(slots=True)
class TermView:
    term: str
    voice: str
    speaker: str | None
    count: int

    def short(self) -> str:
        """``“terrorists” (Syrian army) ×2``: the term, whose words they are, how often."""
        who = f" ({self.speaker})" if self.speaker and self.voice != "own" else ""
        times = f" ×{self.count}" if self.count > 1 else ""
        return f"“{self.term}”{who}{times}"

    def label(self) -> str:
        """``"terrorists" (quoted: Syrian army) ×2``; in reported speech the words are the
        outlet's: ``"HTS terrorists" (attributed: Observatory, outlet's wording)``."""
        who = f": {self.speaker}" if self.speaker and self.voice != "own" else ""
        wording = ", outlet's wording" if self.voice == "attributed" else ""
        times = f" ×{self.count}" if self.count > 1 else ""
        return f"“{self.term}” ({self.voice}{who}{wording}){times}"


@dataclass(slots=True)
class ActorFraming:
    name: str
    kind: str
    by_outlet: dict[str, list[TermView]]
    """Outlet name -> its terms, outlets in the event's article order."""

    def own(self, outlet: str) -> list[TermView]:
        """The outlet's own words for the actor."""
        return [t for t in self.by_outlet.get(outlet, []) if t.voice == "own"]

    def others(self, outlet: str) -> list[TermView]:
        """Words the outlet quotes or attributes to someone else."""
        return [t for t in self.by_outlet.get(outlet, []) if t.voice != "own"]


@dataclass(slots=True)
class EntityView:
    id: str
    name: str
    type: str
    aliases: list[str]
    mentions: dict[str, int]
    """Outlet name -> number of mentions."""


@dataclass(slots=True)
class SummaryView:
    text: str
    sources: list[str]


@dataclass(slots=True)
class EventView:
    id: str
    title: str
    articles: list[ArticleView]
    outlets: list[str]
    dates: str | None
    article_count: int
    independent_sources: int | None
    summary: list[SummaryView]
    figures: list[FigureView]
    fact_groups: list[FactGroup]
    framing: list[ActorFraming]
    entities: list[EntityView]
    raw: dict[str, Any]
    """The event exactly as in the document, for renderers that need the spans."""

    @property
    def brief_groups(self) -> list[FactGroup]:
        """What a reader needs first: conflicts, then what each outlet alone reports."""
        return [g for g in self.fact_groups if g.status != "agreed"]

    @property
    def agreed_groups(self) -> list[FactGroup]:
        return [g for g in self.fact_groups if g.status == "agreed"]


def events(document: dict[str, Any]) -> list[EventView]:
    """The document's events as view records, in document order."""
    return [event_view(event) for event in document.get("events") or []]


def event_view(event: dict[str, Any]) -> EventView:
    articles = _articles(event.get("articles") or [])
    outlet_of = {article.id: article.outlet for article in articles}
    entity_names = {e.get("id"): e.get("name") for e in event.get("entities") or []}
    return EventView(
        id=str(event.get("id", "")),
        title=str(event.get("title") or "Untitled event"),
        articles=articles,
        outlets=_unique(_base_outlet(a) for a in event.get("articles") or []),
        dates=_dates(event, articles),
        article_count=int(event.get("article_count", len(articles))),
        independent_sources=_optional_int(event.get("independent_sources")),
        summary=[
            SummaryView(
                text=str(s.get("text", "")),
                sources=_unique(_outlet(outlet_of, a) for a in s.get("sources") or []),
            )
            for s in event.get("summary") or []
        ],
        figures=sorted(
            (_figure(i, f, outlet_of) for i, f in enumerate(event.get("figures") or [])),
            key=lambda f: f.scope == "background",  # the event's own counts first
        ),
        fact_groups=_fact_groups(event.get("facts") or [], outlet_of, articles),
        framing=_framing(event.get("framing") or [], outlet_of, entity_names, articles),
        entities=[_entity(e, outlet_of) for e in event.get("entities") or []],
        raw=event,
    )


def number(value: Any) -> str:
    """``130`` for 130 or 130.0, ``2.5`` for 2.5, ``12,000`` for 12000."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{int(value):,}"


def date_span(first: str | None, last: str | None) -> str | None:
    """``2019-03-01 – 2019-03-04``, or the one day when both are the same; None if neither."""
    if first and last and first != last:
        return f"{first} – {last}"
    return first or last or None


def figure_range(low: Any, high: Any) -> str:
    if low == high or high is None:
        return number(low)
    if low is None:
        return number(high)
    return f"{number(low)}–{number(high)}"


def _base_outlet(article: dict[str, Any]) -> str:
    return str(article.get("outlet") or "Unknown outlet")


def _articles(raw: list[dict[str, Any]]) -> list[ArticleView]:
    totals = Counter(_base_outlet(a) for a in raw)
    seen: Counter[str] = Counter()
    views = []
    for article in raw:
        outlet = _base_outlet(article)
        seen[outlet] += 1
        if totals[outlet] > 1:
            outlet = f"{outlet} ({seen[outlet]})"
        views.append(
            ArticleView(
                id=str(article.get("id", "")),
                outlet=outlet,
                title=article.get("title") or None,
                published=article.get("published") or None,
                dateline=article.get("dateline") or None,
                url=article.get("url") or None,
                source=article.get("source") or None,
                text=str(article.get("text") or ""),
            )
        )
    outlet_of = {view.id: view.outlet for view in views}
    for view, article in zip(views, raw, strict=True):
        if article.get("copy_of"):
            view.copy_of = outlet_of.get(article["copy_of"], "another article")
    return views


def _outlet(outlet_of: dict[str, str], article_id: str) -> str:
    return outlet_of.get(article_id, "unknown article")


def _unique(items: Any) -> list[str]:
    return list(dict.fromkeys(items))


def _optional_int(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _dates(event: dict[str, Any], articles: list[ArticleView]) -> str | None:
    first, last = None, None
    date_range = event.get("date_range")
    if isinstance(date_range, list | tuple) and len(date_range) == 2:
        first, last = date_range
    if not first and not last:
        published = sorted(a.published for a in articles if a.published)
        if published:
            first, last = published[0], published[-1]
    return date_span(first, last)


def _report(
    report: dict[str, Any], outlet_of: dict[str, str], *, figure: bool = False
) -> ReportView:
    value = None
    if figure:
        qualifier = report.get("qualifier")
        value = number(report.get("value"))
        vague = report.get("low") is not None and report.get("low") != report.get("high")
        value = qualifier if vague and qualifier else f"{qualifier} {value}" if qualifier else value
    return ReportView(
        outlet=_outlet(outlet_of, report.get("article", "")),
        article=str(report.get("article", "")),
        text=str(report.get("text", "")),
        attributed_to=report.get("attributed_to") or None,
        value=value,
        includes=[str(i) for i in report.get("includes") or []],
        chain=[str(c) for c in report.get("chain") or []],
    )


def _figure(index: int, figure: dict[str, Any], outlet_of: dict[str, str]) -> FigureView:
    return FigureView(
        index=index,
        what=str(figure.get("what") or ""),
        who=figure.get("who") or None,
        range=figure_range(figure.get("low"), figure.get("high")),
        status="background" if figure.get("scope") == "background"
        else str(figure.get("status") or ""),
        scope=str(figure.get("scope") or "event"),
        differences=[str(d) for d in figure.get("differences") or []],
        reports=[_report(r, outlet_of, figure=True) for r in figure.get("reports") or []],
        best=None if figure.get("best") is None else number(figure.get("best")),
        sources=[str(s) for s in figure.get("sources") or []],
    )


def _fact_groups(
    facts: list[dict[str, Any]], outlet_of: dict[str, str], articles: list[ArticleView]
) -> list[FactGroup]:
    views = [
        FactView(
            id=str(f.get("id", "")),
            text=str(f.get("text", "")),
            status=str(f.get("status", "")),
            note=f.get("note") or None,
            reports=[_report(r, outlet_of) for r in f.get("reports") or []],
            differences=[
                DifferenceView(
                    kind=str(d.get("kind", "")),
                    values=[
                        (_outlet(outlet_of, v.get("article", "")), str(v.get("text", "")))
                        for v in d.get("values") or []
                    ],
                )
                for d in f.get("differences") or []
            ],
            omitted_by=[_outlet(outlet_of, a) for a in f.get("omitted_by") or []],
        )
        for f in facts
    ]
    groups = [
        FactGroup(
            heading="Where they differ",
            status="conflicting",
            facts=[f for f in views if f.status == "conflicting"],
        )
    ]
    single: dict[str, list[FactView]] = {a.outlet: [] for a in articles}
    for fact in views:
        if fact.status not in ("conflicting", "agreed"):
            outlet = fact.reports[0].outlet if fact.reports else "unknown article"
            single.setdefault(outlet, []).append(fact)
    groups += [
        FactGroup(heading=f"Only in {outlet}", status="single_source", facts=facts)
        for outlet, facts in single.items()
    ]
    groups.append(
        FactGroup(
            heading="What they agree on",
            status="agreed",
            facts=[f for f in views if f.status == "agreed"],
        )
    )
    return [group for group in groups if group.facts]


def _framing(
    items: list[dict[str, Any]],
    outlet_of: dict[str, str],
    entity_names: dict[Any, Any],
    articles: list[ArticleView],
) -> list[ActorFraming]:
    actors: dict[tuple[str, str], dict[str, Counter[tuple[str, str, str | None]]]] = {}
    for item in items:
        name = item.get("entity_name") or entity_names.get(item.get("entity")) or UNLINKED
        kind = str(item.get("kind") or "actor")
        outlet = _outlet(outlet_of, item.get("article", ""))
        terms = actors.setdefault((str(name), kind), {}).setdefault(outlet, Counter())
        terms[(str(item.get("term", "")), str(item.get("voice", "")), item.get("speaker"))] += 1
    order = {a.outlet: i for i, a in enumerate(articles)}
    result = []
    for (name, kind), by_outlet in actors.items():
        outlets = sorted(by_outlet, key=lambda o: order.get(o, len(order)))
        result.append(
            ActorFraming(
                name=name,
                kind=kind,
                by_outlet={
                    outlet: [
                        TermView(term=term, voice=voice, speaker=speaker or None, count=count)
                        for (term, voice, speaker), count in by_outlet[outlet].items()
                    ]
                    for outlet in outlets
                },
            )
        )
    # Linked actors first, then unlinked terms; actors before event and action terms.
    kinds = {"actor": 0, "event": 1, "action": 2}
    result.sort(key=lambda a: (a.name == UNLINKED, kinds.get(a.kind, 3)))
    return result


def _entity(entity: dict[str, Any], outlet_of: dict[str, str]) -> EntityView:
    mentions: Counter[str] = Counter(
        _outlet(outlet_of, m.get("article", "")) for m in entity.get("mentions") or []
    )
    return EntityView(
        id=str(entity.get("id", "")),
        name=str(entity.get("name", "")),
        type=str(entity.get("type") or ""),
        aliases=[str(a) for a in entity.get("aliases") or [] if a != entity.get("name")],
        mentions=dict(mentions),
    )
