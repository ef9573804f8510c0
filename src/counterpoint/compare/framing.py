"""Framing: the labels each outlet gives each actor, and in whose voice."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from counterpoint.model import Analysis, Entity, Framing

DOMINANT_SHARE = 0.6
"""The share of the event's named designations one entity must hold for the unnamed ones
("the attackers", "Takfiri terrorists") to be tied to it."""


def framing(analyses: Mapping[str, Analysis], entities: tuple[Entity, ...]) -> tuple[Framing, ...]:
    """One item per label, linked to the entity of the mention it characterises.

    A designation of an actor or of an act with no name attached ("Takfiri terrorists",
    "terror attacks") stands for the actor the event's designations name: when one entity
    holds most of the designations tied to a name across the event's articles ("HTS
    terrorists", "militants from HTS"), the unnamed ones are tied to it too.
    """
    by_mention = {(m.article, m.start): e for e in entities for m in e.mentions}
    named: Counter[str] = Counter()
    for article_id, analysis in analyses.items():
        for label in analysis.labels:
            if label.kind == "actor" and label.target is not None:
                entity = by_mention.get((article_id, label.target.start))
                if entity is not None:
                    named[entity.id] += 1
    dominant = None
    if sum(named.values()) >= 2:
        top, count = named.most_common(1)[0]
        if count / sum(named.values()) >= DOMINANT_SHARE:
            dominant = next(e for e in entities if e.id == top)
    items = []
    for article_id, analysis in analyses.items():
        for label in analysis.labels:
            entity = by_mention.get((article_id, label.target.start)) if label.target else None
            if entity is None and label.target is None and label.kind in ("actor", "event"):
                entity = dominant
            items.append(
                Framing(
                    entity=entity.id if entity else None,
                    entity_name=entity.name if entity else None,
                    article=article_id,
                    term=label.text,
                    voice=label.voice,
                    speaker=label.speaker,
                    start=label.start,
                    end=label.end,
                    kind=label.kind,
                )
            )
    return tuple(items)
