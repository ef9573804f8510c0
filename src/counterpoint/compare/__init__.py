"""Compare the articles of one event: facts, figures, framing and a neutral summary."""

from __future__ import annotations

from collections.abc import Mapping

from counterpoint.compare.facts import Embed, align
from counterpoint.compare.figures import reconcile
from counterpoint.compare.framing import framing
from counterpoint.compare.same import Models
from counterpoint.compare.summary import headline, summarize
from counterpoint.model import Analysis, Article, Comparison, Entity, Event

__all__ = ["Embed", "compare"]


def compare(
    event: Event,
    articles: Mapping[str, Article],
    analyses: Mapping[str, Analysis],
    entities: tuple[Entity, ...],
    *,
    embed: Embed | None = None,
    models: Models | None = None,
) -> Comparison:
    """The fact-by-fact comparison of ``event``'s articles (looked up by id).

    ``entities`` are the event's resolved entities (see :func:`counterpoint.resolve.resolve`).
    ``embed`` encodes sentences as unit vectors so that facts align by meaning as well as by
    shared words, names, numbers and days; without it they align on the latter alone.
    ``models`` are the same-claim models (the shipped ones by default).
    """
    members = {a: articles[a] for a in event.article_ids}
    analysed = {a: analyses[a] for a in event.article_ids}
    entity_of = {(m.article, m.start): e.id for e in entities for m in e.mentions}
    facts = align(
        event.id, members, analysed, entity_of, embed=embed, copies=event.copies, models=models
    )
    figures = reconcile(analysed, members)
    return Comparison(
        title=headline(facts, members, analysed) or event.title,
        event=event,
        articles=tuple(members.values()),
        entities=entities,
        facts=facts,
        figures=figures,
        framing=framing(analysed, entities),
        summary=summarize(members, analysed, facts, figures),
    )
