"""Reconcile figures across outlets into ranges with who reported them, UCDP style.

Reports join one figure when they count the same thing happening to the same
group: the same outcome ("killed") and a matching group, compared on a key that
ignores the outlet's choice of words for the same role ("troops" = "soldiers";
"members of the HTS" = "HTS terrorists"). Breakdowns ("including 65 members …")
stay figures of their own: counts are never added up.

Each report carries the range its wording admits ("dozens" is 24–99) and its
attribution chain, outermost first: an outlet that cites Reuters, which cites the
Syrian Observatory, gives ``("Reuters", "Syrian Observatory …")``. A figure's
``low``/``high`` span every report; ``best`` is the value most independent sources
give (the innermost source of each chain, or the outlet in its own voice; an
exact count before a rounded one on a tie), left empty when sources still tie or
only vague amounts are given. A figure is ``agreed`` when one count fits every
report's wording ("at least 130" and "over 130"; "about 200,000" and "212,672"),
``conflicting`` when none does (shown side by side, never averaged or summed),
``single_source`` when one outlet alone gives it.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping

from counterpoint.model import (
    Analysis,
    Article,
    Attribution,
    Figure,
    FigureGroup,
    FigureReport,
    Status,
)

ROLES = {
    "soldier": "soldier",
    "troop": "soldier",
    "serviceman": "soldier",
    "servicemen": "soldier",
    "personnel": "soldier",
    "officer": "soldier",
    "people": "people",
    "person": "people",
    "individual": "people",
    "member": "fighter",
    "fighter": "fighter",
    "militant": "fighter",
    "terrorist": "fighter",
    "rebel": "fighter",
    "insurgent": "fighter",
    "jihadist": "fighter",
    "gunman": "fighter",
    "gunmen": "fighter",
    "combatant": "fighter",
    "militiamen": "fighter",
    "extremist": "fighter",
    "civilian": "civilian",
    "resident": "civilian",
    "villager": "civilian",
    "child": "child",
    "children": "child",
    "kid": "child",
    "minor": "child",
    "migrant": "migrant",
    "immigrant": "migrant",
    "refugee": "migrant",
    # a count of the outcome itself ("200,000 arrests", "40 deaths") counts people
    "arrest": "people",
    "death": "people",
    "casualty": "people",
    "casualties": "people",
    "fatality": "people",
    "fatalities": "people",
    "injury": "people",
    "injuries": "people",
}
WHAT = {"apprehended": "arrested", "detained": "arrested", "dead": "killed", "died": "killed"}
"""Outcomes that count the same thing under another verb."""
LOWER_BOUNDS = {"at least", "more than", "over", "upwards of"}
UPPER_BOUNDS = {"nearly", "almost", "up to", "fewer than", "less than", "at most"}
APPROXIMATE = {"about", "around", "some", "roughly", "approximately", "close to",
               "an estimated", "estimated", "as many as"}
TOLERANCE = 0.1
"""How far an approximate count ("about 200,000") may stand from an exact one and agree."""
STOP = {"the", "of", "a", "an", "and", "its", "their", "his", "her", "some", "other"}
# The range a vague amount admits (its value is the low end, see analyze.figures).
VAGUE_RANGES = {
    "several": (3, 9),
    "tens": (20, 90),
    "dozens": (24, 99),
    "scores": (40, 99),
    "hundreds": (200, 999),
    "thousands": (2_000, 9_999),
    "millions": (2_000_000, 9_999_999),
}
_CITING = re.compile(r"\b(?:citing|quoting)\s+(?:the\s+|a\s+|an\s+)?([^,;.]{2,80})")


def group_key(who: str | None) -> frozenset[str]:
    """``Syrian government troops`` -> {syrian, government, soldier}."""
    if not who:
        return frozenset()
    words = re.findall(r"[a-z]+", who.lower())
    key = set()
    for word in words:
        if word in STOP:
            continue
        singular = word[:-1] if word.endswith("s") and not word.endswith("ss") else word
        key.add(ROLES.get(word, ROLES.get(singular, singular)))
    return frozenset(key)


def same_group(a: frozenset[str], b: frozenset[str]) -> bool:
    if a == b:
        return True
    roles = set(ROLES.values())
    if not (a & b & roles):
        return False
    return len(a & b) / len(a | b) >= 0.5


def reconcile(
    analyses: Mapping[str, Analysis], articles: Mapping[str, Article] | None = None
) -> tuple[FigureGroup, ...]:
    """Figure groups across the articles of one event, article order kept.

    ``articles`` (by id) name the outlets that give a figure in their own voice.
    """
    groups: list[list[tuple[str, Figure]]] = []
    for article_id, analysis in analyses.items():
        for figure in analysis.figures:
            target = _find_group(groups, article_id, figure)
            if target is None:
                groups.append([(article_id, figure)])
            else:
                target.append((article_id, figure))
    outlet = {a: (articles[a].outlet if articles and a in articles else a) for a in analyses}
    return tuple(_figure_group(members, analyses, outlet) for members in groups)


def _find_group(groups, article_id: str, figure: Figure):
    key = group_key(figure.who)
    best = None
    for members in groups:
        first = members[0][1]
        if _what(first) != _what(figure) or not same_group(group_key(first.who), key):
            continue
        if first.scope != figure.scope or first.unit != figure.unit:
            continue
        if figure.unit is not None and any(f.value != figure.value for _, f in members):
            continue  # sums and durations join only the same amount: what they are of is
            # not read, so two different ones may well be of two different things
        same_article = [f for a, f in members if a == article_id]
        if same_article and all(f.value != figure.value for f in same_article):
            continue
        if best is None or any(f.value == figure.value for _, f in members):
            best = members
    return best


def _what(figure: Figure) -> str:
    return WHAT.get(figure.what, figure.what)


def admits(qualifier: str | None, value: float) -> tuple[float, float]:
    """The true counts a report's wording allows: "at least 130" -> (130, inf)."""
    if qualifier in VAGUE_RANGES:
        low, high = VAGUE_RANGES[qualifier]
        return float(low), float(high)
    if qualifier in LOWER_BOUNDS:
        return value, math.inf
    if qualifier in UPPER_BOUNDS:
        return value * (1 - TOLERANCE), value
    if qualifier in APPROXIMATE:
        return value * (1 - TOLERANCE), value * (1 + TOLERANCE)
    return value, value


def report_range(figure: Figure) -> tuple[float, float]:
    """The range a figure's wording admits: ``dozens`` -> (24, 99); ``at least 130`` -> 130."""
    if figure.qualifier in VAGUE_RANGES:
        low, high = VAGUE_RANGES[figure.qualifier]
        return float(low), float(high)
    return figure.value, figure.value


def chain(figure: Figure, analysis: Analysis) -> tuple[str, ...]:
    """Who the figure comes from, outermost first.

    Every reported speech whose content holds the figure's number adds its speaker,
    the widest first (``Reuters reported that the Observatory said …``); a ``citing X``
    or ``quoting X`` in the figure's sentence adds X last. A stance ("X praised the
    200,000 jobs") adds nobody: its content is the writer's words.
    """
    holding: list[Attribution] = [
        a
        for a in analysis.attributions
        if a.speaker
        and a.kind == "speech"
        and a.content.start <= figure.number.start < a.content.end
    ]
    holding.sort(key=lambda a: (a.content.start - a.content.end, a.content.start))
    names = [a.speaker for a in holding if a.speaker]
    if 0 <= figure.sentence < len(analysis.sentences):
        sentence = analysis.sentences[figure.sentence]
        for match in _CITING.finditer(sentence.text):
            names.append(_cited(match, sentence.start, analysis))
    if figure.attributed_to and figure.attributed_to not in names:
        names.insert(0, figure.attributed_to)
    return tuple(dict.fromkeys(n for n in names if n))


def _cited(match: re.Match[str], offset: int, analysis: Analysis) -> str:
    """The name cited: the longest named mention in the cited phrase, else the phrase."""
    start, end = offset + match.start(1), offset + match.end(1)
    inside = [m for m in analysis.mentions if start <= m.start and m.end <= end]
    if inside:
        return max(inside, key=lambda m: m.end - m.start).text
    return " ".join(match.group(1).split()[:6])


def _figure_group(
    members: list[tuple[str, Figure]], analyses: Mapping[str, Analysis], outlet: Mapping[str, str]
) -> FigureGroup:
    reports = []
    for a, f in members:
        low, high = report_range(f)
        reports.append(
            FigureReport(
                article=a,
                start=f.start,
                end=f.end,
                text=f.text,
                attributed_to=f.attributed_to,
                value=f.value,
                qualifier=f.qualifier,
                who=f.who,
                includes=f.includes,
                chain=chain(f, analyses[a]),
                low=low,
                high=high,
            )
        )
    articles = {r.article for r in reports}
    bounds = [admits(r.qualifier, r.value) for r in reports]
    fits = max(low for low, _ in bounds) <= min(high for _, high in bounds)
    status: Status
    if len(articles) == 1:
        status = "single_source"
    else:
        status = "agreed" if fits else "conflicting"
    origins = {r.article: r.chain[-1] if r.chain else outlet[r.article] for r in reports}
    first = members[0][1]
    if first.scope == "background" and status == "conflicting":
        status = "single_source" if len(articles) == 1 else "agreed" if fits else status
    return FigureGroup(
        scope=first.scope,
        differences=_breakdown_differences(reports),
        what=_what(first),
        who=first.who,
        low=min(r.low for r in reports if r.low is not None),
        high=max(r.high for r in reports if r.high is not None),
        status=status,
        reports=tuple(reports),
        best=_best(reports, origins),
        sources=tuple(dict.fromkeys(origins.values())),
    )


def _breakdown_differences(reports: list[FigureReport]) -> tuple[str, ...]:
    """The groups that only some of the reports' breakdowns include: one outlet counts
    "civilians" among the dead, the breakdown another gives has none. Two groups match when
    their words or roles meet ("soldiers" and "Syrian government troops", "terrorists" and
    "allied fighters")."""
    broken = [r for r in reports if r.includes]
    if len({r.article for r in broken}) < 2:
        return ()
    keys = [[(g, group_key(g)) for g in r.includes] for r in broken]
    uneven = {
        group
        for k, own in enumerate(keys)
        for group, key in own
        if any(not any(key & other for _, other in theirs) for theirs in keys[:k] + keys[k + 1:])
    }
    return tuple(sorted(uneven))


def _best(reports: list[FigureReport], origins: Mapping[str, str]) -> float | None:
    """The value most independent sources give, an exact count before a rounded one on a
    tie; None on a remaining tie or with vague amounts only."""
    support: dict[float, set[str]] = {}
    exact: Counter[float] = Counter()
    for r in reports:
        if r.qualifier not in VAGUE_RANGES:
            support.setdefault(r.value, set()).add(origins[r.article])
            exact[r.value] += r.qualifier is None
    if not support:
        return None
    ranked = sorted(support, key=lambda v: (len(support[v]), exact[v] > 0), reverse=True)
    top = [(len(support[v]), exact[v] > 0) for v in ranked[:2]]
    if len(top) > 1 and top[0] == top[1]:
        return None
    return ranked[0]
