"""Reconcile figures across outlets into ranges with who reported them.

Reports join one figure when they count the same thing happening to the same
group: the same outcome ("killed") and a matching group, compared on a key that
ignores the outlet's choice of words for the same role ("troops" = "soldiers";
"members of the HTS" = "HTS terrorists"). A figure is ``agreed`` when every
outlet gives the same number, ``conflicting`` when numbers differ (shown side by
side as low/high, never summed), ``single_source`` when one outlet alone gives it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from counterpoint.model import Analysis, Figure, FigureGroup, FigureReport

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
}
STOP = {"the", "of", "a", "an", "and", "its", "their", "his", "her", "some", "other"}


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


def reconcile(analyses: Mapping[str, Analysis]) -> tuple[FigureGroup, ...]:
    """Figure groups across the articles of one event, article order kept."""
    groups: list[list[tuple[str, Figure]]] = []
    for article_id, analysis in analyses.items():
        for figure in analysis.figures:
            target = _find_group(groups, article_id, figure)
            if target is None:
                groups.append([(article_id, figure)])
            else:
                target.append((article_id, figure))
    return tuple(_figure_group(members) for members in groups)


def _find_group(groups, article_id: str, figure: Figure):
    key = group_key(figure.who)
    best = None
    for members in groups:
        first = members[0][1]
        if first.what != figure.what or not same_group(group_key(first.who), key):
            continue
        same_article = [f for a, f in members if a == article_id]
        if same_article and all(f.value != figure.value for f in same_article):
            continue
        if best is None or any(f.value == figure.value for _, f in members):
            best = members
    return best


def _figure_group(members: list[tuple[str, Figure]]) -> FigureGroup:
    values = [f.value for _, f in members]
    articles = {a for a, _ in members}
    if len(articles) == 1:
        status = "single_source"
    elif len(set(values)) == 1:
        status = "agreed"
    else:
        status = "conflicting"
    reports = tuple(
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
        )
        for a, f in members
    )
    first = members[0][1]
    return FigureGroup(
        what=first.what,
        who=first.who,
        low=min(values),
        high=max(values),
        status=status,
        reports=reports,
    )
