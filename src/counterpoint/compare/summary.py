"""A short neutral account of an event, every sentence citing its sources.

The summary is built from what the outlets agree on, in neutral wording: an
overview of who reported the event, the agreed figures as templated sentences,
then the agreed facts, each taken from the report with the fewest labels and
with any remaining label replaced by a neutral description. Conflicts are
stated side by side, never resolved.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from counterpoint.lexicon import is_loaded
from counterpoint.model import Analysis, Article, Fact, FigureGroup, Label, SummarySentence

MAX_FACTS = 3
NEUTRAL = {
    "actor": ("armed group", "armed groups"),
    "event": ("attack", "attacks"),
    "action": ("killed", "killed"),
}


def summarize(
    articles: Mapping[str, Article],
    analyses: Mapping[str, Analysis],
    facts: tuple[Fact, ...],
    figures: tuple[FigureGroup, ...],
) -> tuple[SummarySentence, ...]:
    sentences = [_overview(articles)]
    for group in figures:
        if group.status != "single_source":
            sentences.append(_figure_sentence(group, articles))
    agreed = [f for f in facts if f.status == "agreed"]
    agreed.sort(key=lambda f: (list(articles).index(f.reports[0].article), f.reports[0].start))
    for fact in agreed[:MAX_FACTS]:
        sentences.append(_fact_sentence(fact, analyses))
    return tuple(s for s in sentences if s is not None)


def _outlets(article_ids, articles: Mapping[str, Article]) -> str:
    names = sorted({articles[a].outlet for a in article_ids})
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _overview(articles: Mapping[str, Article]) -> SummarySentence:
    dates = sorted(a.published for a in articles.values() if a.published)
    when = ""
    if dates:
        when = (
            f" on {dates[0]:%Y-%m-%d}"
            if dates[0] == dates[-1]
            else f" between {dates[0]:%Y-%m-%d} and {dates[-1]:%Y-%m-%d}"
        )
    count = len(articles)
    noun = "article" if count == 1 else "articles"
    return SummarySentence(
        text=f"{count} {noun} from {_outlets(articles, articles)} reported this event{when}.",
        sources=tuple(articles),
    )


def _figure_sentence(group: FigureGroup, articles) -> SummarySentence:
    ids = tuple(dict.fromkeys(r.article for r in group.reports))
    whos = [r.who for r in group.reports if r.who]
    neutral = [w for w in whos if not is_loaded(w)]
    who = f" {(neutral or whos or [group.who])[0] or ''}".rstrip()
    citing = _citing(group, articles)
    if group.status == "agreed":
        text = f"{_outlets(ids, articles)} report {group.low:g}{who} {group.what}{citing}."
    else:
        parts = "; ".join(
            f"{articles[r.article].outlet} {r.qualifier + ' ' if r.qualifier else ''}{r.value:g}"
            for r in group.reports
        )
        text = f"Counts of{who} {group.what} differ: {parts}."
    return SummarySentence(text=text, sources=ids)


def _citing(group: FigureGroup, articles) -> str:
    """``, citing X`` when every report cites X; else who cites whom, outlet by outlet."""
    sources = [r.attributed_to for r in group.reports]
    if sources and all(sources) and len(set(sources)) == 1:
        return f", citing {sources[0]}"
    cites = sorted(
        {
            f"{articles[r.article].outlet} cites {r.attributed_to}"
            for r in group.reports
            if r.attributed_to
        }
    )
    return f" ({'; '.join(cites)})" if cites else ""


def _fact_sentence(fact: Fact, analyses: Mapping[str, Analysis]) -> SummarySentence:
    def loaded_in(report) -> list[Label]:
        return [
            l
            for l in analyses[report.article].labels
            if report.start <= l.start and l.end <= report.end and is_loaded(l.text)
        ]

    report = min(fact.reports, key=lambda r: (len(loaded_in(r)), r.end - r.start))
    text = report.text
    for label in sorted(loaded_in(report), key=lambda l: -l.start):
        if label.voice != "own":
            continue  # someone else's words, attributed as such in the sentence
        words = NEUTRAL[label.kind][1 if label.text.endswith("s") else 0]
        a, b = label.start - report.start, label.end - report.start
        text = text[:a] + words + text[b:]
    text = re.sub(r"\b([Aa]) (?=[aeiou])", r"\1n ", text)
    sources = tuple(dict.fromkeys(r.article for r in fact.reports))
    return SummarySentence(text=text, sources=sources)
