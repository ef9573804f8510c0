"""Align claims across the articles of one event into facts.

Each claim (an independent clause, see :mod:`counterpoint.analyze.claims`) of each article is
a report. Two reports of different articles state the same fact when the trained pair model
(:mod:`counterpoint.compare.same`) gives them a probability of at least its ``strict``
threshold, chosen for precision: a false "agreed" misleads a reader more than a missed one.
Quotes or reported speech of different speakers never pair, nor do an assertion and its
denial. Candidates are the pairs whose sentence embeddings are close enough for the model to
matter, so an event of a few dozen articles still compares in seconds.

Pairs are joined best first into facts that hold at most one report per article, and only
when every pair of reports of the joined fact passes the threshold (complete link): a fact
never holds two reports that do not say the same thing.

A fact reported by two or more independent articles (a near-duplicate copy does not count
twice) is ``agreed``, or ``conflicting`` when the reports differ on a detail (see
:mod:`counterpoint.compare.details`). Two reports left alone that have the same predicate and
participants and differ on a number, a day or an outcome ("the bill passed" / "the bill
failed", "charged" / "not charged") are a conflicting fact too. A fact reported by one article
alone is ``single_source``. ``omitted_by`` lists the articles that leave it out.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

import numpy as np

from counterpoint.compare.details import OUTCOMES, describe, differences
from counterpoint.compare.same import (
    PREFILTER,
    Models,
    Unit,
    default_models,
    event_rows,
    same_act,
    unit,
)
from counterpoint.model import Analysis, Article, Claim, Fact, Ref, Status, stable_id

Embed = Callable[[Sequence[str]], np.ndarray]
"""Texts -> unit vectors, one row per text."""

CROSS_PER_CLAIM = 4
"""How many pairs per claim the cross-encoder reads at most (a pair it does not read is not
linked)."""
CROSS_PAIRS = 300
"""How many pairs of one event the cross-encoder reads at most, the likeliest first: it keeps
comparing an event of a few dozen articles to seconds."""
CONFLICT_PROBABILITY = 0.2
"""The least model probability for two reports that differ on a detail to be checked as a
conflict: they must still be about the same thing."""

Member = tuple[str, Claim]
"""(article id, claim): one report."""


def align(
    event_id: str,
    articles: Mapping[str, Article],
    analyses: Mapping[str, Analysis],
    entity_of: Mapping[tuple[str, int], str],
    *,
    embed: Embed | None = None,
    copies: Mapping[str, str] | None = None,
    models: Models | None = None,
) -> tuple[Fact, ...]:
    """Facts of an event. ``entity_of`` maps (article id, mention start) to an entity id.

    ``embed`` encodes claims for alignment by meaning; ``copies`` maps an article to the
    article it is a near-duplicate copy of (see :class:`~counterpoint.model.Event`).
    """
    models = models or default_models()
    members = claims_of(articles, analyses)
    units = [_unit(m, analyses) for m in members]
    probability = pair_probabilities(members, units, embed=embed, models=models)
    linkable = np.where(_speakers_differ(units), 0.0, probability)
    clusters = _cluster(members, units, linkable, models.strict)
    clusters = _conflicts(clusters, members, units, probability, analyses, entity_of)
    copies = copies or {}
    facts = [
        _fact(event_id, [members[i] for i in group], articles, analyses, entity_of, copies)
        for group in clusters
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


def claims_of(articles: Mapping[str, Article], analyses: Mapping[str, Analysis]) -> list[Member]:
    """Every claim of the articles' bodies that has content words, in article order. An
    analysis stored before claims were read has its sentences stand for them."""
    members = []
    for article_id, analysis in analyses.items():
        claims = analysis.claims or tuple(
            Claim(start=s.start, end=s.end, text=s.text, sentence=i, predicate="",
                  lemmas=analysis.lemmas[i])
            for i, s in enumerate(analysis.sentences)
        )
        body = articles[article_id].body_start
        members += [
            (article_id, c)
            for c in claims
            if c.start >= body and c.lemmas and not _dateline(c, analysis)
            and not _described_within(c, claims)
        ]
    return members


def _nested(claim: Claim, claims: Sequence[Claim]) -> bool:
    """Whether a claim lies inside another of its sentence: what an apposition or a relative
    clause tells of a name in it."""
    return any(
        o is not claim and o.start <= claim.start and claim.end <= o.end
        and (o.start, o.end) != (claim.start, claim.end)
        for o in claims
    )


def _described_within(claim: Claim, claims: Sequence[Claim]) -> bool:
    """Whether a claim is an apposition's description inside another claim ("X, a senior
    advisor" in "a ceremony was held for X, a senior advisor"): two outlets that describe one
    person alike or differently do not report one happening, so it is not compared."""
    return claim.predicate == "be" and _nested(claim, claims)


def _without_descriptions(claim: Claim, claims: Sequence[Claim]) -> Claim:
    """The claim as it is compared: without what the appositions and relative clauses in it
    tell of a name ("a ceremony was held for X", not that X was a senior advisor, nor that X
    was killed). Only what the pair model reads is cut; the report keeps the claim's span."""
    cuts = sorted(
        (
            (o.start + len(o.text.split(",")[0]), o.end, o)
            for o in claims
            if o is not claim and claim.start <= o.start and o.end <= claim.end
            and (o.start, o.end) != (claim.start, claim.end)
        ),
        key=lambda cut: cut[:2],
    )
    if not cuts:
        return claim
    kept, removed, names, at = [], set(), set(), claim.start
    for cut_from, cut_to, inner in cuts:
        names |= set(inner.text.split(",")[0].lower().split())
        removed |= set(inner.lemmas)
        if cut_from > at:
            kept.append(claim.text[at - claim.start : cut_from - claim.start])
        at = max(at, cut_to)
    kept.append(claim.text[at - claim.start :])
    return replace(claim, text=" ".join("".join(kept).split()),
                   lemmas=tuple(w for w in claim.lemmas if w not in removed or w in names))


_DATELINE_WORDS = frozenset({"posted", "updated", "last", "published", "first", "on", "at",
                             "gmt", "utc", "bst", "est", "edt", "am", "pm"})


def _dateline(claim: Claim, analysis: Analysis) -> bool:
    """Whether a claim is only a day or a time ("Apr 12, 2007", "Updated 11/27/2005 3:41
    PM"): when a report was filed, not what it reports."""
    text = list(claim.text)
    for time in analysis.times:
        if claim.start <= time.start < claim.end:
            for k in range(time.start - claim.start, min(time.end, claim.end) - claim.start):
                text[k] = " "
    words = re.findall(r"[a-z]+", "".join(text).lower())
    return bool(text) and all(w in _DATELINE_WORDS for w in words)


def _unit(member: Member, analyses) -> Unit:
    article_id, claim = member
    analysis = analyses[article_id]
    return unit(analysis, (_without_descriptions(claim, analysis.claims),))


def pair_probabilities(
    members: Sequence[Member],
    units: Sequence[Unit],
    *,
    embed: Embed | None,
    models: Models,
) -> np.ndarray:
    """P(same claim) for every candidate pair (a square matrix; 0 for same-article pairs and
    pairs too far apart to be candidates)."""
    n = len(members)
    if n == 0:
        return np.zeros((0, 0))
    if embed is not None:
        vectors = np.asarray(embed([u.text for u in units]), dtype=np.float64)
    else:
        vectors = _lemma_vectors(units)
    cosine = vectors @ vectors.T
    number = {a: k for k, a in enumerate(dict.fromkeys(a for a, _ in members))}
    article = np.array([number[a] for a, _ in members])
    rows, cols, table = event_rows(units, article, cosine)
    probability = np.zeros((n, n))
    if len(rows) == 0:
        return probability
    p = models.event.probability(table)
    if models.staged:
        p = _second_stage(units, rows, cols, table, p, models)
    probability[rows, cols] = p
    probability[cols, rows] = p
    return probability


def _second_stage(units, rows, cols, table, first: np.ndarray, models: Models) -> np.ndarray:
    """The second stage's probability for the pairs the first gives at least
    :data:`~counterpoint.compare.same.PREFILTER` (at most :data:`CROSS_PER_CLAIM` a claim and
    :data:`CROSS_PAIRS` in all, the likeliest first), 0 for the others: the cross-encoder
    reads each of them once."""
    assert models.claim is not None and models.cross is not None
    near = np.nonzero(first >= PREFILTER)[0]
    budget = min(CROSS_PER_CLAIM * len(units), CROSS_PAIRS)
    if len(near) > budget:
        near = near[np.argsort(-first[near], kind="stable")[:budget]]
    out = np.zeros(len(first))
    if len(near) == 0:
        return out
    logits = models.cross.logits([(units[rows[k]].text, units[cols[k]].text) for k in near])
    out[near] = models.claim.probability(np.hstack([table[near], logits[:, None]]))
    return out


def _speakers_differ(units: Sequence[Unit]) -> np.ndarray:
    """True for two reports of speech by speakers who share no name word: different claims,
    even in the same words (they may still conflict)."""
    words = [set(u.speaker.lower().split()) if u.speaker else set() for u in units]
    n = len(units)
    differ = np.zeros((n, n), dtype=bool)
    for i in range(n):
        for j in range(i + 1, n):
            if words[i] and words[j] and not words[i] & words[j]:
                differ[i, j] = differ[j, i] = True
    return differ


def _lemma_vectors(units: Sequence[Unit]) -> np.ndarray:
    """Unit vectors of IDF-weighted lemma counts: the meaning signal with no embedder."""
    counts: Counter[str] = Counter(w for u in units for w in u.lemmas)
    index = {w: i for i, w in enumerate(counts)}
    total = len(units)
    vectors = np.zeros((total, max(1, len(index))))
    for row, u in enumerate(units):
        for w in u.lemmas:
            vectors[row, index[w]] = math.log((1 + total) / (1 + counts[w])) + 1.0
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-9)


def _cluster(members, units, probability: np.ndarray, threshold: float) -> list[list[int]]:
    """Join the likeliest cross-article pairs first; a fact holds one report per article and
    every pair of its reports passes ``threshold``; an assertion never joins its denial."""
    negated = np.array([u.negated for u in units])
    agree = negated[:, None] == negated[None, :]
    rows, cols = np.nonzero(np.triu((probability >= threshold) & agree, k=1))
    order = np.argsort(-probability[rows, cols], kind="stable")
    cluster_of = {i: [i] for i in range(len(members))}
    for k in order:
        left, right = cluster_of[int(rows[k])], cluster_of[int(cols[k])]
        if left is right or {members[i][0] for i in left} & {members[i][0] for i in right}:
            continue
        if (probability[np.ix_(left, right)] * agree[np.ix_(left, right)]).min() < threshold:
            continue
        left.extend(right)
        for i in right:
            cluster_of[i] = left
    unique = {id(c): c for c in cluster_of.values()}
    return sorted(unique.values(), key=min)


def _conflicts(clusters, members, units, probability, analyses, entity_of) -> list[list[int]]:
    """Pair up reports left alone that are about one act and differ on a detail."""
    alone = {c[0] for c in clusters if len(c) == 1}
    rows, cols = np.nonzero(np.triu(probability >= CONFLICT_PROBABILITY, k=1))
    order = np.argsort(-probability[rows, cols], kind="stable")
    joined: dict[int, list[int]] = {}
    for k in order:
        i, j = int(rows[k]), int(cols[k])
        if i not in alone or j not in alone or i in joined or j in joined:
            continue
        if not _one_act(units[i], units[j]):
            continue
        if differences([members[i], members[j]], analyses, entity_of):
            joined[i] = joined[j] = [i, j]
    kept = [c for c in clusters if not (len(c) == 1 and c[0] in joined)]
    kept += list({id(c): c for c in joined.values()}.values())
    return sorted(kept, key=min)


def _one_act(a: Unit, b: Unit) -> bool:
    """Whether two reports name the same act with the same participants: one predicate (not
    a light verb), or two of excluding outcomes, and a shared name or participant word."""
    opposed = any({a.predicate, b.predicate} <= yes | no for yes, no in OUTCOMES)
    return same_act(a, b) or (opposed and bool(a.names & b.names))


def _fact(event_id: str, group, articles, analyses, entity_of, copies) -> Fact:
    position = {article_id: i for i, article_id in enumerate(analyses)}
    members = sorted(group, key=lambda m: (position[m[0]], m[1].start))
    reports = tuple(_report(m) for m in members)
    independent = {copies.get(r.article, r.article) for r in reports}
    found = differences(members, analyses, entity_of) if len(independent) > 1 else ()
    status: Status
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


def _report(member: Member) -> Ref:
    article_id, claim = member
    return Ref(
        article=article_id,
        start=claim.start,
        end=claim.end,
        text=claim.text,
        attributed_to=claim.speaker,
    )
