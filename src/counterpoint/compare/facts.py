"""Align statements across the articles of one event into facts.

Each sentence of each article is a report. Two reports from different articles
state the same fact when they say the same thing by meaning and share its
specifics. The score of a pair adds two signals:

- **meaning**: the cosine of the two sentences' embeddings (all-MiniLM-L6-v2),
  taken above the event's background (sentences about one event all resemble
  each other a little, so only similarity beyond the event's average counts);
- **specifics**: an IDF-weighted cosine over content lemmas, the resolved entities
  the sentence names (``@entity``: people, groups, places), its figures
  (``#killed``, ``#130``) and its calendar days (``%2024-11-27``), so rare shared
  details weigh most.

Two reports that name the same kind of happening at the same place ("killed" and
"Aleppo") score a little more. Pairs are joined best first into facts that hold
at most one report per article; a report then left alone joins a fact it matches
much better than the threshold, beside its own article's report (one outlet may
say in two sentences what another says in one). Without an embedder (``embed=None``) the specifics alone decide, with
the threshold the lexical signal was tuned for.

A fact reported by two or more independent articles (a near-duplicate copy does
not count twice) is ``agreed``, or ``conflicting`` when the reports differ on a
detail (see :mod:`counterpoint.compare.details`); a fact reported by one article
alone is ``single_source``. ``omitted_by`` lists the articles that leave it out.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from counterpoint.compare.details import differences, describe
from counterpoint.model import Analysis, Article, Fact, Ref, stable_id

Embed = Callable[[Sequence[str]], np.ndarray]
"""Texts -> unit vectors, one row per text."""

LINK_THRESHOLD = 0.25
"""The least score for a link when the specifics alone decide (no embedder)."""
SEMANTIC_THRESHOLD = 0.30
"""The least score for a link with embeddings."""
SEMANTIC_WEIGHT = 0.6
LEXICAL_WEIGHT = 0.6
ATTACH_FACTOR = 1.6
"""A lone report joins a fact that already has its article when it scores this times the
threshold with one of the fact's reports."""
HAPPENING_BONUS = 0.1
"""Added to the score of two reports that say the same thing happened at the same place."""
ENTITY_BOOST = 1.5
DETAIL_BOOST = 1.5


# Words for what happens in news events; with a place they make a specific detail
# ("kill" + "aleppo": someone was killed in Aleppo), shared only by reports of one happening.
HAPPENINGS = frozenset(
    """kill die dead death wound injure injury attack assault strike airstrike bomb bombing
    shoot shooting arrest detain capture seize clash explode explosion blast crash raid
    destroy storm ambush execute abduct kidnap release flee evacuate displace earthquake quake
    tsunami flood hurricane fire burn protest riot elect resign sentence convict charge
    indict invade withdraw rescue murder stab hijack""".split()
)
PLACE_TYPES = ("GPE", "LOC", "FAC")
_DEMONYM = ("an", "ian", "ese", "ish", "i", "ic")


def align(
    event_id: str,
    articles: Mapping[str, Article],
    analyses: Mapping[str, Analysis],
    entity_of: Mapping[tuple[str, int], str],
    *,
    embed: Embed | None = None,
    copies: Mapping[str, str] | None = None,
) -> tuple[Fact, ...]:
    """Facts of an event. ``entity_of`` maps (article id, mention start) to an entity id.

    ``embed`` encodes sentences for alignment by meaning; ``copies`` maps an article
    to the article it is a near-duplicate copy of (see :class:`~counterpoint.model.Event`).
    """
    units = [
        (article_id, index)
        for article_id, analysis in analyses.items()
        for index, sentence in enumerate(analysis.sentences)
        if sentence.start >= articles[article_id].body_start and analysis.lemmas[index]
    ]
    scores = pair_scores(units, analyses, entity_of, embed=embed)
    threshold = SEMANTIC_THRESHOLD if embed is not None else LINK_THRESHOLD
    clusters = _cluster(units, scores, threshold)
    copies = copies or {}
    facts = [
        _fact(event_id, members, articles, analyses, entity_of, copies) for members in clusters
    ]
    order = {"conflicting": 0, "agreed": 1, "single_source": 2}
    position = {article_id: i for i, article_id in enumerate(analyses)}
    return tuple(
        sorted(
            facts,
            key=lambda f: (
                order[f.status],
                -len({r.article for r in f.reports}),
                position[f.reports[0].article],
                f.reports[0].start,
            ),
        )
    )


def pair_scores(
    units: Sequence[tuple[str, int]],
    analyses: Mapping[str, Analysis],
    entity_of: Mapping[tuple[str, int], str],
    *,
    embed: Embed | None = None,
) -> np.ndarray:
    """The link score of every pair of units (a square matrix; same-article pairs are 0)."""
    n = len(units)
    if n == 0:
        return np.zeros((0, 0))
    features = [_features(u, analyses, entity_of) for u in units]
    lexical = _lexical(features)
    number = {article_id: i for i, article_id in enumerate(dict.fromkeys(a for a, _ in units))}
    article = np.array([number[a] for a, _ in units])
    cross = article[:, None] != article[None, :]
    if embed is None:
        return np.where(cross, lexical, 0.0)
    texts = [analyses[a].sentences[i].text for a, i in units]
    vectors = np.asarray(embed(texts), dtype=np.float32)
    cosine = vectors @ vectors.T
    background = float(cosine[cross].mean()) if cross.any() else 0.0
    semantic = np.clip((cosine - background) / max(1e-6, 1.0 - background), 0.0, 1.0)
    score = SEMANTIC_WEIGHT * semantic + LEXICAL_WEIGHT * lexical
    score += HAPPENING_BONUS * _same_happening(units, analyses)
    return np.where(cross, score, 0.0)


def _features(unit, analyses, entity_of) -> frozenset[str]:
    """Content lemmas of a sentence, the entities it names, its figures and its days."""
    article_id, index = unit
    analysis = analyses[article_id]
    features = set(analysis.lemmas[index])
    features |= {
        "@" + entity_of[(article_id, m.start)]
        for m in analysis.mentions
        if m.sentence == index and (article_id, m.start) in entity_of
    }
    for figure in analysis.figures:
        if figure.sentence == index:
            features |= {f"#{figure.what}", f"#{figure.value:g}"}
    sentence = analysis.sentences[index]
    for time in analysis.times:
        if time.value and sentence.start <= time.start < sentence.end:
            features.add(f"%{time.value.isoformat()}")
    return frozenset(features)


def _same_happening(units, analyses) -> np.ndarray:
    """1 for two reports naming the same happening ("kill") at the same place ("aleppo")."""
    keys = []
    for article_id, index in units:
        analysis = analyses[article_id]
        happenings = HAPPENINGS.intersection(analysis.lemmas[index])
        keys.append({f"{h}:{p}" for h in happenings for p in _places(analysis, index)})
    vocabulary = {k: i for i, k in enumerate(set().union(*keys))}
    if not vocabulary:
        return np.zeros((len(units), len(units)))
    marks = np.zeros((len(units), len(vocabulary)), dtype=np.float32)
    for row, found in enumerate(keys):
        for key in found:
            marks[row, vocabulary[key]] = 1.0
    return (marks @ marks.T > 0).astype(np.float32)


def _places(analysis: Analysis, index: int) -> set[str]:
    """Lower-case words of the places a sentence names ("Aleppo", "Idlib Province")."""
    words: set[str] = set()
    for m in analysis.mentions:
        if m.sentence != index:
            continue
        if m.type in PLACE_TYPES or (m.type == "NORP" and not m.text.lower().endswith(_DEMONYM)):
            words |= {w for w in m.text.lower().split() if w.isalpha() and len(w) > 2}
    return words - {"province", "city", "the", "region", "state", "district", "county"}


def _weight(feature: str) -> float:
    if feature[0] == "@":
        return ENTITY_BOOST
    if feature[0] in "#%":
        return DETAIL_BOOST
    return 1.0


def _lexical(features: list[frozenset[str]]) -> np.ndarray:
    """IDF-weighted cosine of every pair of feature sets, as a matrix."""
    counts: Counter[str] = Counter(f for fs in features for f in fs)
    index = {f: i for i, f in enumerate(counts)}
    total = len(features)
    weights = np.zeros((total, len(index)), dtype=np.float32)
    for row, fs in enumerate(features):
        for f in fs:
            weights[row, index[f]] = (math.log((1 + total) / (1 + counts[f])) + 1.0) * _weight(f)
    norms = np.linalg.norm(weights, axis=1, keepdims=True)
    unit = weights / np.maximum(norms, 1e-9)
    return unit @ unit.T


def similarity(a: frozenset[str], b: frozenset[str], idf: Mapping[str, float]) -> float:
    """IDF-weighted cosine of two feature sets: 1.0 for the same features, 0.0 for none shared."""
    if not a or not b:
        return 0.0
    shared = sum(idf.get(f, 1.0) ** 2 for f in a & b)
    norm = math.sqrt(sum(idf.get(f, 1.0) ** 2 for f in a) * sum(idf.get(f, 1.0) ** 2 for f in b))
    return shared / norm if norm else 0.0


def _cluster(units, scores: np.ndarray, threshold: float) -> list[list[tuple[str, int]]]:
    """Join the best-scoring cross-article pairs first; a fact holds one report per article."""
    rows, cols = np.nonzero(np.triu(scores >= threshold, k=1))
    order = np.argsort(-scores[rows, cols], kind="stable")
    cluster_of = {u: [u] for u in units}
    for k in order:
        a, b = units[rows[k]], units[cols[k]]
        left, right = cluster_of[a], cluster_of[b]
        if left is right or {u[0] for u in left} & {u[0] for u in right}:
            continue
        left.extend(right)
        for unit in right:
            cluster_of[unit] = left
    # A report left alone that says what a fact says joins it, beside its own article's
    # report of it (one outlet may say in two sentences what another says in one).
    position = {u: i for i, u in enumerate(units)}
    for unit in units:
        if len(cluster_of[unit]) > 1:
            continue
        row = scores[position[unit]]
        best = int(np.argmax(row))
        if row[best] >= threshold * ATTACH_FACTOR and len(cluster_of[units[best]]) > 1:
            target = cluster_of[units[best]]
            target.append(unit)
            cluster_of[unit] = target
    unique = {id(c): c for c in cluster_of.values()}
    return sorted(unique.values(), key=lambda members: min(members))


def _fact(event_id: str, members, articles, analyses, entity_of, copies) -> Fact:
    position = {article_id: i for i, article_id in enumerate(analyses)}
    members = sorted(members, key=lambda u: (position[u[0]], u[1]))
    reports = tuple(_report(u, analyses) for u in members)
    independent = {copies.get(r.article, r.article) for r in reports}
    found = differences(members, analyses, entity_of) if len(independent) > 1 else ()
    if len(independent) == 1:
        status = "single_source"
    else:
        status = "conflicting" if found else "agreed"
    reporting = {r.article for r in reports}
    first = reports[0]
    return Fact(
        id=stable_id("fact", event_id, first.article, str(first.start)),
        text=first.text,
        status=status,
        reports=reports,
        note=describe(found, {a: articles[a].outlet for a in articles}) if found else None,
        differences=found,
        omitted_by=tuple(a for a in analyses if a not in reporting),
    )


def _report(unit, analyses) -> Ref:
    article_id, index = unit
    sentence = analyses[article_id].sentences[index]
    speaker = None
    best_overlap = 0
    for attribution in analyses[article_id].attributions:
        if attribution.kind != "speech":
            continue  # "X criticized the plan": the writer's words, not X's
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
