"""Framing: the labels each outlet gives each actor, and in whose voice."""

from __future__ import annotations

from collections.abc import Mapping

from counterpoint.model import Analysis, Entity, Framing


def framing(analyses: Mapping[str, Analysis], entities: tuple[Entity, ...]) -> tuple[Framing, ...]:
    """One item per label, linked to the entity of the mention it characterises."""
    by_mention = {(m.article, m.start): e for e in entities for m in e.mentions}
    items = []
    for article_id, analysis in analyses.items():
        for label in analysis.labels:
            entity = by_mention.get((article_id, label.target.start)) if label.target else None
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
