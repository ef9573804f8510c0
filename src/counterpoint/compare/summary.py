"""A short neutral account of an event, every sentence citing its sources.

The summary is built from what the outlets agree on, in neutral wording: the
agreed figures of the event itself (counts that share their outcome and their source
told in one sentence; background figures stay out), where the outlets differ (side
by side, never resolved), then the agreed facts that most outlets report. Each
sentence cites exactly the articles whose reports support it.

A fact is told as what its outlets report ("wire and tehran-times report: …"), in
the words of the report with the fewest labels of the outlet's own, and a claim made
in reported speech keeps its speaker ("…, according to the Syrian army"). Any label
left that is not inside a quotation gives way to a neutral description: "Islamist
militants" and "Takfiri terrorists" become "fighters", "allied rebel groups" becomes
"allied armed groups", "martyred" becomes "killed"; a loaded word with no neutral
stand-in is put in quotation marks, so it never stands as the summary's own. Words
inside quotation marks stay: they are someone else's, and the sentence says whose.

:func:`headline` gives the event a neutral title from its main agreed claim.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from counterpoint.lexicon import is_designation, is_loaded
from counterpoint.model import Analysis, Article, Fact, FigureGroup, Label, SummarySentence

MAX_FACTS = 3
MAX_CONFLICTS = 3
NEUTRAL = {
    "actor": ("fighter", "fighters"),
    "event": ("attack", "attacks"),
    "action": ("killed", "killed"),
}
KEEP = {"fighter", "opposition", "gunman", "gunmen", "militia", "militiaman", "militiamen"}
"""Designations that describe without taking a side; the summary keeps them."""
GROUP_NOUNS = {
    "group",
    "faction",
    "outfit",
    "organization",
    "organisation",
    "movement",
    "cell",
    "network",
}
LOWER_BOUNDS = {"at least", "over", "more than", "upwards of"}


def summarize(
    articles: Mapping[str, Article],
    analyses: Mapping[str, Analysis],
    facts: tuple[Fact, ...],
    figures: tuple[FigureGroup, ...],
) -> tuple[SummarySentence, ...]:
    figures = tuple(g for g in figures if g.scope == "event")
    sentences = _agreed_figures([g for g in figures if g.status == "agreed"], articles)
    for group in figures:
        if group.status == "conflicting":
            sentences.append(_conflicting_figure(group, articles))
    conflicting = [f for f in facts if f.status == "conflicting" and f.note]
    for fact in conflicting[:MAX_CONFLICTS]:
        sentences.append(_conflict_sentence(fact, articles))
    for fact in main_facts(facts, articles, analyses)[:MAX_FACTS]:
        sentences.append(_fact_sentence(fact, analyses, articles))
    return tuple(s for s in sentences if s is not None)


def main_facts(facts, articles: Mapping[str, Article], analyses) -> list[Fact]:
    """The agreed facts, most outlets first, then acts before descriptions ("X was a senior
    advisor"), then those told without side-taking labels, then the nearest the articles'
    leads."""
    agreed = [f for f in facts if f.status == "agreed"]
    return sorted(
        agreed,
        key=lambda f: (
            -len({r.article for r in f.reports}),
            _describes(f, analyses),
            len(_labels_in(_told(f, analyses), analyses)) > 1,
            _quotes_loaded(_told(f, analyses), analyses),
            min(r.start / max(1, len(articles[r.article].text)) for r in f.reports),
        ),
    )


def _describes(fact: Fact, analyses) -> bool:
    """Whether a report of a fact is a description: a claim whose predicate is "be"."""
    return any(
        any(c.start == r.start and c.end == r.end and c.predicate == "be"
            for c in analyses[r.article].claims)
        for r in fact.reports
    )


HEADLINE_WORDS = 16


def headline(facts, articles: Mapping[str, Article], analyses) -> str | None:
    """A neutral title from the event's main agreed claim (its labels neutral, cut to a
    headline's length at a word), or None when the outlets agree on nothing."""
    found = main_facts(facts, articles, analyses)
    if not found:
        return None
    report = _told(found[0], analyses)
    text = _neutral_text(report, analyses).strip().rstrip(".")
    words = text.split()
    if len(words) > HEADLINE_WORDS:
        text = " ".join(words[:HEADLINE_WORDS]).rstrip(",;:") + " …"
    return text[:1].upper() + text[1:]


def _outlets(article_ids, articles: Mapping[str, Article]) -> str:
    names = sorted({articles[a].outlet for a in article_ids})
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _neutral_who(group: FigureGroup) -> str:
    whos = [r.who for r in group.reports if r.who]
    neutral = [w for w in whos if not is_loaded(w)]
    return (neutral or [neutral_words(w) for w in whos] or [group.who or ""])[0] or ""


def _agreed_figures(groups: list[FigureGroup], articles) -> list[SummarySentence]:
    """One sentence per outcome, source and set of outlets: "… report 65 X, 18 Y … killed"."""
    bundles: dict[tuple, list[FigureGroup]] = {}
    for group in groups:
        ids = tuple(dict.fromkeys(r.article for r in group.reports))
        key = (group.what, frozenset(ids), _citing(group, articles))
        bundles.setdefault(key, []).append(group)
    sentences = []
    for (what, ids, citing), members in bundles.items():
        counts = [f"{_amount(g)} {_neutral_who(g)}".rstrip() for g in members]
        listed = counts[0] if len(counts) == 1 else ", ".join(counts[:-1]) + " and " + counts[-1]
        ordered = tuple(a for a in articles if a in ids)
        sentences.append(
            SummarySentence(
                text=f"{_outlets(ordered, articles)} report {listed} {what}{citing}.",
                sources=ordered,
            )
        )
    return sentences


def _amount(group: FigureGroup) -> str:
    """``at least 130`` when every report gives a lower bound, else the best (or low) value."""
    value = _value(group.best if group.best is not None else group.low)
    if all(r.qualifier in LOWER_BOUNDS for r in group.reports):
        return f"at least {value}"
    return value


def _value(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:g}"


def _conflicting_figure(group: FigureGroup, articles) -> SummarySentence:
    ids = tuple(dict.fromkeys(r.article for r in group.reports))
    who = f" {_neutral_who(group)}".rstrip()
    parts = "; ".join(
        f"{articles[r.article].outlet} {r.qualifier + ' ' if r.qualifier else ''}{_value(r.value)}"
        + (f" (citing {r.chain[-1]})" if r.chain else "")
        for r in group.reports
    )
    return SummarySentence(text=f"Counts of{who} {group.what} differ: {parts}.", sources=ids)


def _conflict_sentence(fact: Fact, articles) -> SummarySentence:
    ids = tuple(dict.fromkeys(r.article for r in fact.reports))
    return SummarySentence(
        text=f"{_outlets(ids, articles)} differ on {fact.note}.", sources=ids
    )


def _citing(group: FigureGroup, articles) -> str:
    """``, citing X`` when every report cites X; else who cites whom, outlet by outlet."""
    sources = [r.chain[-1] if r.chain else r.attributed_to for r in group.reports]
    if sources and all(sources) and len(set(sources)) == 1:
        return f", citing {sources[0]}"
    cites = sorted(
        {
            f"{articles[r.article].outlet} cites {r.chain[-1] if r.chain else r.attributed_to}"
            for r in group.reports
            if r.chain or r.attributed_to
        }
    )
    return f" ({'; '.join(cites)})" if cites else ""


def neutral_words(term: str, kind: str = "actor") -> str:
    """A neutral description for a label: "Islamist militants" -> "fighters",
    "allied rebel groups" -> "allied armed groups", "martyred" -> "killed"."""
    words = term.split()
    plural = bool(words) and words[-1].lower().endswith("s")
    if kind not in NEUTRAL:  # a loaded word the model found: no neutral stand-in is known
        return term
    if kind != "actor":
        return NEUTRAL[kind][1 if plural else 0]
    kept = [w for w in words if not _takes_side(w)]
    if kept and _base(kept[-1]) in GROUP_NOUNS:
        if "armed" not in (w.lower() for w in kept):
            kept.insert(len(kept) - 1, "armed")
        return " ".join(kept)
    if kept and kept[-1] == words[-1]:
        return " ".join(kept)
    return " ".join(kept + [NEUTRAL["actor"][1 if plural else 0]])


def _base(word: str) -> str:
    lower = word.lower().strip(",.;:")
    return lower[:-1] if lower.endswith("s") and not lower.endswith("ss") else lower


def _takes_side(word: str) -> bool:
    bare = word.strip(",.;:\"“”")
    if not bare:
        return False
    if is_loaded(bare):
        return True
    return is_designation(bare) and _base(bare) not in KEEP and bare.lower() not in KEEP


def _labels_in(report, analyses: Mapping[str, Analysis]) -> list[Label]:
    """The labels of a report that take a side and stand outside quotation marks."""
    return [
        label
        for label in analyses[report.article].labels
        if report.start <= label.start
        and label.end <= report.end
        and label.voice != "quoted"
        and (is_loaded(label.text) or any(_takes_side(w) for w in label.text.split()))
    ]


def _quotes_loaded(report, analyses: Mapping[str, Analysis]) -> bool:
    """Whether a report quotes a side-taking word (kept verbatim, so told less readily)."""
    return any(
        report.start <= label.start and label.end <= report.end and is_loaded(label.text)
        for label in analyses[report.article].labels
        if label.voice == "quoted"
    )


def _told(fact: Fact, analyses: Mapping[str, Analysis]):
    """The report a fact is told in: the one with the fewest side-taking labels, then shortest."""
    return min(fact.reports, key=lambda r: (len(_labels_in(r, analyses)), r.end - r.start))


def _neutral_text(report, analyses: Mapping[str, Analysis]) -> str:
    """The report's words with its side-taking labels neutral, or quoted when no neutral
    word stands in for them."""
    text = report.text
    chosen: list[Label] = []
    for label in sorted(_labels_in(report, analyses), key=lambda found: found.start - found.end):
        if not any(label.start < c.end and c.start < label.end for c in chosen):
            chosen.append(label)  # longest first; a label inside it is replaced with it
    for label in sorted(chosen, key=lambda found: -found.start):  # right to left keeps offsets valid
        a, b = label.start - report.start, label.end - report.start
        neutral = neutral_words(label.text, label.kind)
        if neutral == label.text:
            neutral = f"“{label.text}”"
        text = text[:a] + neutral + text[b:]
    return re.sub(r"\b([Aa]) (?=[aeiou])", r"\1n ", text)


def _fact_sentence(fact: Fact, analyses: Mapping[str, Analysis], articles) -> SummarySentence:
    report = _told(fact, analyses)
    text = _neutral_text(report, analyses).strip()
    speakers = {r.attributed_to for r in fact.reports if r.attributed_to}
    if report.attributed_to and not _names_speaker(text, report.attributed_to):
        text = text.rstrip(".") + f", according to {report.attributed_to}."
    elif len(speakers) == 1 and not report.attributed_to:
        (speaker,) = speakers
        if not _names_speaker(text, speaker):
            text = text.rstrip(".") + f", according to {speaker}."
    sources = tuple(dict.fromkeys(r.article for r in fact.reports))
    outlets = _outlets(sources, articles)
    return SummarySentence(text=f"{outlets} report: {text}", sources=sources)


def _names_speaker(text: str, speaker: str) -> bool:
    """Whether the sentence already names who says it: a capitalised word of the speaker's
    name stands in it ("for" or "the" in "Syrian Observatory for Human Rights" do not)."""
    said = set(re.findall(r"[\w’'-]+", text))
    return any(w in said for w in re.findall(r"[\w’'-]+", speaker) if w[:1].isupper())
