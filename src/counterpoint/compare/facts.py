"""Align statements across the articles of one event into facts.

Each sentence of each article is a report. Two reports from different articles
state the same fact when they share enough specific content: rare words (IDF
weighted over the event), the same resolved entities and the same numbers.
Each report links to its best match in every other article above the
threshold; linked reports form one fact.

A fact reported by two or more articles is ``agreed``, or ``conflicting`` when
the reports give different numbers for the same counted group; a fact reported
by one article alone is ``single_source``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping

from counterpoint.compare.figures import group_key, same_group
from counterpoint.model import Analysis, Article, Fact, Ref, stable_id

LINK_THRESHOLD = 0.25
ENTITY_BOOST = 1.5


def align(
    event_id: str,
    articles: Mapping[str, Article],
    analyses: Mapping[str, Analysis],
    entity_of: Mapping[tuple[str, int], str],
) -> tuple[Fact, ...]:
    """Facts of an event. ``entity_of`` maps (article id, mention start) to an entity id."""
    units = [
        (article_id, index)
        for article_id, analysis in analyses.items()
        for index, sentence in enumerate(analysis.sentences)
        if sentence.start >= articles[article_id].body_start and analysis.lemmas[index]
    ]
    features = {u: _features(u, analyses, entity_of) for u in units}
    idf = _idf(features.values())
    clusters = _cluster(units, features, idf)
    facts = [_fact(event_id, members, analyses) for members in clusters]
    order = {"conflicting": 0, "agreed": 1, "single_source": 2}
    return tuple(sorted(facts, key=lambda f: order[f.status]))


def _features(unit, analyses, entity_of) -> frozenset[str]:
    """Content lemmas of a sentence plus the entities it names (as ``@entity-id``)."""
    article_id, index = unit
    analysis = analyses[article_id]
    entities = {
        "@" + entity_of[(article_id, m.start)]
        for m in analysis.mentions
        if m.sentence == index and (article_id, m.start) in entity_of
    }
    return frozenset(analysis.lemmas[index]) | entities


def _idf(feature_sets) -> dict[str, float]:
    feature_sets = list(feature_sets)
    counts: Counter[str] = Counter(f for features in feature_sets for f in features)
    total = len(feature_sets)
    return {
        f: (math.log((1 + total) / (1 + n)) + 1.0) * (ENTITY_BOOST if f.startswith("@") else 1.0)
        for f, n in counts.items()
    }


def similarity(a: frozenset[str], b: frozenset[str], idf: Mapping[str, float]) -> float:
    """IDF-weighted cosine of two feature sets: 1.0 for the same features, 0.0 for none shared."""
    if not a or not b:
        return 0.0
    shared = sum(idf.get(f, 1.0) ** 2 for f in a & b)
    norm = math.sqrt(sum(idf.get(f, 1.0) ** 2 for f in a) * sum(idf.get(f, 1.0) ** 2 for f in b))
    return shared / norm if norm else 0.0


def _cluster(units, features, idf) -> list[list[tuple[str, int]]]:
    """Join the most similar cross-article pairs first; a fact holds one report per article."""
    pairs = sorted(
        (
            (similarity(features[a], features[b], idf), a, b)
            for i, a in enumerate(units)
            for b in units[i + 1 :]
            if a[0] != b[0]
        ),
        reverse=True,
    )
    cluster_of = {u: [u] for u in units}
    for score, a, b in pairs:
        if score < LINK_THRESHOLD:
            break
        left, right = cluster_of[a], cluster_of[b]
        if left is right or {u[0] for u in left} & {u[0] for u in right}:
            continue
        left.extend(right)
        for unit in right:
            cluster_of[unit] = left
    unique = {id(c): c for c in cluster_of.values()}
    return sorted(unique.values(), key=lambda members: min(members))


def _fact(event_id: str, members, analyses) -> Fact:
    position = {article_id: i for i, article_id in enumerate(analyses)}
    members = sorted(members, key=lambda u: (position[u[0]], u[1]))
    reports = tuple(_report(u, analyses) for u in members)
    articles = {r.article for r in reports}
    note = _conflict(members, analyses) if len(articles) > 1 else None
    status = "single_source" if len(articles) == 1 else ("conflicting" if note else "agreed")
    first = reports[0]
    return Fact(
        id=stable_id("fact", event_id, first.article, str(first.start)),
        text=first.text,
        status=status,
        reports=reports,
        note=note,
    )


def _report(unit, analyses) -> Ref:
    article_id, index = unit
    sentence = analyses[article_id].sentences[index]
    speaker = None
    best_overlap = 0
    for attribution in analyses[article_id].attributions:
        c = attribution.content
        overlap = min(c.end, sentence.end) - max(c.start, sentence.start)
        if overlap > best_overlap and overlap >= 0.5 * (sentence.end - sentence.start):
            speaker, best_overlap = attribution.speaker, overlap
    return Ref(
        article=article_id,
        start=sentence.start,
        end=sentence.end,
        text=sentence.text,
        attributed_to=speaker,
    )


def _conflict(members, analyses) -> str | None:
    """A note when two articles give different numbers for the same counted group."""
    figures = [
        (article_id, f)
        for article_id, index in members
        for f in analyses[article_id].figures
        if f.sentence == index
    ]
    for i, (article_a, a) in enumerate(figures):
        for article_b, b in figures[i + 1 :]:
            if article_a == article_b or a.what != b.what or a.value == b.value:
                continue
            if same_group(group_key(a.who), group_key(b.who)):
                return f"{a.what} {a.who or ''}: {_number(a)} vs {_number(b)}".replace("  ", " ")
    return None


def _number(figure) -> str:
    value = f"{figure.value:g}"
    return f"{figure.qualifier} {value}" if figure.qualifier else value
