"""Compare the articles of one event: facts, figures, framing and a neutral summary."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping
from pathlib import Path

from counterpoint.analyze.figures import redate, reference_day
from counterpoint.compare.facts import Embed, align
from counterpoint.compare.figures import reconcile
from counterpoint.compare.framing import framing
from counterpoint.compare.same import Models
from counterpoint.compare.summary import headline, summarize
from counterpoint.model import Analysis, Article, Comparison, Entity, Event

__all__ = ["Embed", "compare", "version"]

_SHAPING = ("compare", "analyze/figures.py", "analyze/cross.py", "analyze/data/claim_pairs.npz",
            "resolve.py", "lexicon.py", "model.py")
"""What a comparison is made from, below the package root: this package (code and model
files), name resolution, the lexicon and the records."""


@functools.cache
def version() -> str:
    """A digest of the code and model files that shape a comparison: a stored comparison
    made under another version is made again when it is next read. Derived, never typed."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for name in _SHAPING:
        path = root / name
        for file in sorted(path.rglob("*") if path.is_dir() else [path]):
            if file.is_file() and file.suffix in (".py", ".json", ".npz", ".txt"):
                digest.update(file.relative_to(root).as_posix().encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


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
    analysed = _dated({a: analyses[a] for a in event.article_ids}, members)
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


def _dated(analyses: dict[str, Analysis], articles: Mapping[str, Article]) -> dict[str, Analysis]:
    """The analyses with the figures of articles that name no day of their own dated by the
    latest day the others are dated by: an event's reports are of the same days."""
    days = [
        day
        for a, analysis in analyses.items()
        if (day := reference_day(articles[a].published, analysis.event_date, analysis.times))
    ]
    if not days:
        return analyses
    return {a: redate(x, articles[a].published, max(days)) for a, x in analyses.items()}
