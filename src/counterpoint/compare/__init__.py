"""Compare the articles of one event: facts, figures, framing and a neutral summary."""

from __future__ import annotations

from collections.abc import Mapping

from counterpoint.compare.facts import align
from counterpoint.compare.figures import reconcile
from counterpoint.compare.framing import framing
from counterpoint.compare.summary import summarize
from counterpoint.model import Analysis, Article, Comparison, Entity, Event

__all__ = ["compare"]


def compare(
    event: Event,
    articles: Mapping[str, Article],
    analyses: Mapping[str, Analysis],
    entities: tuple[Entity, ...],
) -> Comparison:
    """The fact-by-fact comparison of ``event``'s articles (looked up by id).

    ``entities`` are the event's resolved entities (see :func:`counterpoint.resolve.resolve`).
    """
    members = {a: articles[a] for a in event.article_ids}
    analysed = {a: analyses[a] for a in event.article_ids}
    entity_of = {(m.article, m.start): e.id for e in entities for m in e.mentions}
    facts = align(event.id, members, analysed, entity_of)
    figures = reconcile(analysed)
    return Comparison(
        event=event,
        articles=tuple(members.values()),
        entities=entities,
        facts=facts,
        figures=figures,
        framing=framing(analysed, entities),
        summary=summarize(members, analysed, facts, figures),
    )
