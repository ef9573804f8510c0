"""What the event page shows, worked out from a comparison and its articles' analyses.

The report helpers (:mod:`counterpoint.report._view`) give the ordered view records
(facts conflicting first, figures, framing by actor); this module adds what only the web
page has: the article texts with every span marked (:mod:`.highlight`), a small chart of
each figure's range across sources, and a timeline of the articles and the dates they
mention.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from markupsafe import Markup

from counterpoint.model import Analysis, Comparison
from counterpoint.report import _view
from counterpoint.report.json import event_json

from .highlight import Mark, highlight

OUTLET_COLOURS = 6
TIMELINE_WINDOW = timedelta(days=120)
"""Mentioned dates further than this from the articles' own dates are listed, not drawn."""


@dataclass(slots=True)
class ArticlePanel:
    view: _view.ArticleView
    colour: int
    body: Markup
    link: str | None


def event_page(comparison: Comparison, analyses: dict[str, Analysis]) -> dict[str, Any]:
    """Everything the event template needs."""
    document = event_json(comparison)
    view = _view.event_view(document)
    colours = {a.id: i % OUTLET_COLOURS for i, a in enumerate(view.articles)}
    marks = _marks(document, view, analyses)
    bodies = {a.id: a for a in comparison.articles}
    panels = [
        ArticlePanel(
            view=article,
            colour=colours[article.id],
            body=highlight(
                article.text, marks.get(article.id, []), body_start=bodies[article.id].body_start
            ),
            link=_view.safe_url(article.url),
        )
        for article in view.articles
    ]
    outlet_colours = {a.outlet: colours[a.id] for a in view.articles}
    return {
        "view": view,
        "document": document,
        "articles": panels,
        "outlet_colours": outlet_colours,
        "charts": [figure_chart(f, outlet_colours) for f in view.figures],
        "timeline": timeline(view, analyses, colours),
        "facts_by_status": _fact_counts(document),
    }


def _fact_counts(document: dict) -> dict[str, int]:
    counts = {status: 0 for status in _view.STATUS_LABELS}
    for fact in document["facts"]:
        counts[fact["status"]] = counts.get(fact["status"], 0) + 1
    return counts


# --- marks ----------------------------------------------------------------------------------


def _marks(
    document: dict, view: _view.EventView, analyses: dict[str, Analysis]
) -> dict[str, list[Mark]]:
    out: dict[str, list[Mark]] = {}

    def add(article: str, mark: Mark) -> None:
        out.setdefault(article, []).append(mark)

    for entity in document["entities"]:
        note = f"{entity['name']} · {entity['type']}"
        for m in entity["mentions"]:
            add(m["article"], Mark(m["start"], m["end"], "entity", entity["id"], note))
    for figure in view.figures:
        raws = document["figures"][figure.index]["reports"]
        for raw, shown in zip(raws, figure.reports, strict=True):
            who = f" {figure.who}" if figure.who else ""
            per = f", per {shown.attributed_to}" if shown.attributed_to else ""
            note = f"{figure.what}{who}: {shown.value}{per}"
            key = f"fig-{figure.index}"
            add(raw["article"], Mark(raw["start"], raw["end"], "figure", key, note))
    for index, frame in enumerate(document["framing"]):
        speaker = f": {frame['speaker']}" if frame["speaker"] and frame["voice"] != "own" else ""
        note = f"label “{frame['term']}” ({frame['voice']}{speaker})"
        add(frame["article"], Mark(frame["start"], frame["end"], "label", f"label-{index}", note,
                                   frame["voice"]))
    for fact in document["facts"]:
        note = f"{_view.STATUS_LABELS.get(fact['status'], fact['status'])} fact"
        for r in fact["reports"]:
            add(r["article"], Mark(r["start"], r["end"], "fact", fact["id"], note))
    for article_id, analysis in analyses.items():
        for mark in _attribution_marks(article_id, analysis):
            add(article_id, mark)
        for number, time in enumerate(analysis.times):
            when = time.value.isoformat() if time.value else "date not resolved"
            add(article_id, Mark(time.start, time.end, "time", f"time-{article_id}-{number}",
                                 f"date: {when}"))
    return out


def _attribution_marks(article_id: str, analysis: Analysis) -> list[Mark]:
    marks = []
    for number, attribution in enumerate(analysis.attributions):
        key = f"said-{article_id}-{number}"
        who = attribution.speaker or "an unnamed source"
        note = f"{'quoted' if attribution.direct else 'reported'} speech of {who}"
        for span in (attribution.source, attribution.cue):
            if span is not None:
                marks.append(Mark(span.start, span.end, "attribution", key, note))
    return marks


# --- figure charts -------------------------------------------------------------------------


def figure_chart(figure: _view.FigureView, outlet_colours: dict[str, int]) -> dict[str, Any]:
    """Positions (0–100 %) of each report's value on an axis from 0 to the largest value."""
    values = [v for v in (_value(r.value) for r in figure.reports) if v is not None]
    top = max(values, default=0) or 1
    low, high = (min(values), max(values)) if values else (0, 0)
    return {
        "max": _view.number(top),
        "low": round(100 * low / top, 2),
        "high": round(100 * high / top, 2),
        "points": [
            {
                "x": round(100 * v / top, 2),
                "outlet": r.outlet,
                "colour": outlet_colours.get(r.outlet, 0),
                "label": f"{r.outlet}: {r.value}",
            }
            for r, v in ((r, _value(r.value)) for r in figure.reports)
            if v is not None
        ],
    }


def _value(shown: str | None) -> float | None:
    """The number in a report's shown value ("at least 1,200" -> 1200.0)."""
    for word in reversed((shown or "").split()):
        try:
            return float(word.replace(",", ""))
        except ValueError:
            continue
    return None


# --- timeline ------------------------------------------------------------------------------


def timeline(
    view: _view.EventView, analyses: dict[str, Analysis], colours: dict[str, int]
) -> dict[str, Any] | None:
    """Each article's publication date, its date for the happening, and the dates it mentions.

    Dates of a day or a week are drawn on one axis; a month or a year, or a date far from
    the articles' own, is listed under its article instead ("also mentions").
    """
    anchors = [date.fromisoformat(a.published) for a in view.articles if a.published]
    anchors += [x.event_date for x in analyses.values() if x.event_date]
    if not anchors:
        return None
    centre = sorted(anchors)[len(anchors) // 2]
    rows = []
    for article in view.articles:
        analysis = analyses.get(article.id)
        rows.append(_timeline_row(article, analysis, centre, colours.get(article.id, 0)))
    drawn = [p["date"] for row in rows for p in row["points"]]
    drawn += [p["end"] for row in rows for p in row["points"] if p.get("end")]
    first, last = min(drawn) - timedelta(days=1), max(drawn) + timedelta(days=1)
    span = (last - first).days or 1

    def x(day: date) -> float:
        return round(100 * (day - first).days / span, 2)

    for row in rows:
        for point in row["points"]:
            point["x"] = x(point["date"])
            point["width"] = round(x(point["end"]) - point["x"], 2) if point.get("end") else 0
    step = max(1, span // 6)
    ticks = [
        {"x": x(first + timedelta(days=d)), "label": (first + timedelta(days=d)).isoformat()}
        for d in range(1, span, step)
    ]
    return {"rows": rows, "ticks": ticks, "first": first, "last": last}


def _timeline_row(article, analysis: Analysis | None, centre: date, colour: int) -> dict:
    points: list[dict[str, Any]] = []
    listed: list[str] = []
    if article.published:
        day = date.fromisoformat(article.published)
        points.append({"date": day, "kind": "published", "label": f"published {day}"})
    if analysis and analysis.event_date:
        day = analysis.event_date
        label = f"the happening, as this article dates it: {day}"
        points.append({"date": day, "kind": "happened", "label": label})
    for number, time in enumerate(analysis.times if analysis else ()):
        key = f"time-{article.id}-{number}"
        if time.value is None:
            continue
        near = abs(time.value - centre) <= TIMELINE_WINDOW
        if time.granularity in ("day", "week") and near:
            end = time.value + timedelta(days=7) if time.granularity == "week" else None
            points.append({"date": time.value, "end": end, "kind": "mention", "key": key,
                           "label": f"“{time.text}”: {time.value}"})
        else:
            coarse = _coarse(time.value, time.granularity)
            listed.append(time.text if coarse == time.text else f"{time.text} ({coarse})")
    return {
        "outlet": article.outlet,
        "article": article.id,
        "colour": colour,
        "points": points,
        "listed": list(dict.fromkeys(listed)),
    }


def _coarse(day: date, granularity: str) -> str:
    if granularity == "year":
        return str(day.year)
    if granularity == "month":
        return day.strftime("%B %Y")
    return day.isoformat()
