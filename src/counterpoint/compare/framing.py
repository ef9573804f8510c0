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
    terrorists", "militants from HTS"), the unnamed ones are tied to it too. A label of an
    act that names a place's people in its own words ("Israeli aggression", where the event
    names Israel) is that place's, never the dominant actor's.
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
    places = {
        name.lower(): e
        for e in entities
        if e.type in ("GPE", "NORP", "LOC")
        for name in (e.name, *e.aliases)
    }
    items = []
    for article_id, analysis in analyses.items():
        for label in analysis.labels:
            entity = by_mention.get((article_id, label.target.start)) if label.target else None
            if entity is None and label.target is None:
                # an act's nationality names its actor ("Israeli aggression"); a designation
                # of people does not name its state ("Syrian opposition forces")
                entity = _demonym_of(label.text, places) if label.kind != "actor" else None
                if entity is None and label.kind in ("actor", "event"):
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


_DEMONYM = ("ians", "ian", "ese", "ish", "is", "i", "ns", "n")
"""Endings that make a place's people of its name (Israel-i, Syria-n, Leban-ese)."""


def _demonym_of(term: str, places: Mapping[str, Entity]) -> Entity | None:
    """The place whose people a capitalised word of ``term`` names ("Israeli" → Israel)."""
    for word in term.replace("-", " ").split():
        if not word[:1].isupper():
            continue
        lower = word.lower()
        for ending in _DEMONYM:
            if lower.endswith(ending) and lower[: -len(ending)] in places:
                return places[lower[: -len(ending)]]
            if lower.endswith(ending) and lower[: -len(ending)] + "a" in places:
                return places[lower[: -len(ending)] + "a"]  # Syrian: Syria
    return None
