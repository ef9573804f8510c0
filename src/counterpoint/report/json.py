"""The comparison as the public JSON document (schema version 1, see DESIGN.md)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from counterpoint.model import Article, Comparison, Event, Ref

SCHEMA_VERSION = "1"


def to_document(comparisons: Iterable[Comparison]) -> dict:
    """``{"schema_version": "1", "events": [...]}`` for the given comparisons."""
    return {"schema_version": SCHEMA_VERSION, "events": [event_json(c) for c in comparisons]}


def dumps(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2)


def event_listing(event: Event, articles: Sequence[Article]) -> dict:
    """What a list of events shows of one, from its articles alone: ``id``, ``title``,
    ``article_count``, ``independent_sources`` (outlets with an article that is not a copy),
    ``date_range`` (of publication) and ``outlets``."""
    dates = sorted(a.published for a in articles if a.published)
    return {
        "id": event.id,
        "title": event.title,
        "article_count": len(articles),
        "independent_sources": len({a.outlet for a in articles if a.id not in event.copies}),
        "date_range": [dates[0].isoformat(), dates[-1].isoformat()] if dates else [None, None],
        "outlets": sorted({a.outlet for a in articles}, key=str.lower),
    }


def event_json(c: Comparison) -> dict:
    listing = event_listing(c.event, c.articles)
    del listing["outlets"]  # the articles name them
    listing["title"] = c.title or listing["title"]
    return {
        **listing,
        "articles": [_article(a, c.event.copies.get(a.id)) for a in c.articles],
        "entities": [
            {
                "id": e.id,
                "name": e.name,
                "type": e.type,
                "aliases": list(e.aliases),
                "mentions": [_span(m) for m in e.mentions],
            }
            for e in c.entities
        ],
        "facts": [
            {
                "id": f.id,
                "text": f.text,
                "status": f.status,
                "differs_on": f.differs_on,
                "note": f.note,
                "reports": [_span(r) | {"attributed_to": r.attributed_to} for r in f.reports],
                "differences": [
                    {"kind": d.kind, "values": [_span(v) for v in d.values]}
                    for d in f.differences
                ],
                "omitted_by": list(f.omitted_by),
            }
            for f in c.facts
        ],
        "figures": [
            {
                "what": g.what,
                "who": g.who,
                "low": _number(g.low),
                "high": _number(g.high),
                "best": None if g.best is None else _number(g.best),
                "status": g.status,
                "scope": g.scope,
                "differences": list(g.differences),
                "sources": list(g.sources),
                "reports": [
                    _span(r)
                    | {
                        "value": _number(r.value),
                        "qualifier": r.qualifier,
                        "who": r.who,
                        "attributed_to": r.attributed_to,
                        "includes": list(r.includes),
                        "chain": list(r.chain),
                        "low": None if r.low is None else _number(r.low),
                        "high": None if r.high is None else _number(r.high),
                    }
                    for r in g.reports
                ],
            }
            for g in c.figures
        ],
        "framing": [
            {
                "entity": f.entity,
                "entity_name": f.entity_name,
                "article": f.article,
                "term": f.term,
                "voice": f.voice,
                "wording": f.wording,
                "speaker": f.speaker,
                "start": f.start,
                "end": f.end,
                "kind": f.kind,
            }
            for f in c.framing
        ],
        "summary": [{"text": s.text, "sources": list(s.sources)} for s in c.summary],
        "omissions": [
            {"article": a.id, "facts": [f.id for f in c.facts if a.id in f.omitted_by]}
            for a in c.articles
        ],
    }


def _article(a: Article, copy_of: str | None) -> dict:
    return {
        "id": a.id,
        "outlet": a.outlet,
        "title": a.title,
        "published": a.published.isoformat() if a.published else None,
        "source": a.url or a.source,
        "text": a.text,
        "dateline": a.dateline,
        "url": a.url,
        "copy_of": copy_of,
    }


def _span(ref: Ref) -> dict:
    return {"article": ref.article, "start": ref.start, "end": ref.end, "text": ref.text}


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value
