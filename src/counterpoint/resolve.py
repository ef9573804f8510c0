"""Resolve mentions across the articles of one event into entities with aliases.

Two mentions name the same entity when

1. their keys are equal: case, titles ("Brigadier General"), articles, "al-"
   prefixes, spaces, hyphens and apostrophes removed (Pourhashemi = Pour Hashemi);
2. the text introduced one as the other (``IRGC`` after ``Revolutionary Guards``,
   ``also known as Haji Hashem``);
3. one is the acronym of the other (HTS = Hayat Tahrir al-Sham);
4. one is the trailing part of exactly one longer person name (Pour Hashemi,
   Assad);
5. their keys are transliteration variants (Araghchi / Araqchi) or near-identical
   spellings.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

from counterpoint.lexicon import NAME_TYPES, TITLES, initials, is_acronym, name_key, name_words
from counterpoint.model import Analysis, Entity, Mention, Ref, stable_id

FUZZY_MIN = 0.93


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def resolve(event_id: str, analyses: Mapping[str, Analysis]) -> tuple[Entity, ...]:
    """Entities of an event, from the mentions of its articles (``article id -> analysis``)."""
    mentions: list[tuple[str, Mention]] = [
        (article_id, m)
        for article_id, analysis in analyses.items()
        for m in analysis.mentions
        if m.type in NAME_TYPES
    ]
    if not mentions:
        return ()
    keys = [name_key(m.text) for _, m in mentions]
    groups = _link(mentions, keys)
    return tuple(
        sorted(
            (_entity(event_id, [mentions[i] for i in members]) for members in groups),
            key=lambda e: (-len(e.mentions), e.name),
        )
    )


def _link(mentions: Sequence[tuple[str, Mention]], keys: list[str]) -> list[list[int]]:
    uf = _UnionFind(len(mentions))
    by_key: dict[str, int] = {}
    at: dict[tuple[str, int, int], int] = {}
    for i, (article_id, m) in enumerate(mentions):
        if keys[i]:
            uf.union(i, by_key.setdefault(keys[i], i))
        at[(article_id, m.start, m.end)] = i
    for i, (article_id, m) in enumerate(mentions):  # aliases the text introduced
        if m.alias_of is not None:
            target = at.get((article_id, *m.alias_of))
            if target is not None:
                uf.union(i, target)
    names = {keys[i]: i for i, (_, m) in enumerate(mentions) if not is_acronym(m.text) and keys[i]}
    by_initials: dict[str, list[int]] = defaultdict(list)
    for i in names.values():
        if len(name_words(mentions[i][1].text)) >= 2:
            by_initials[initials(mentions[i][1].text)].append(i)
    for i, (_, m) in enumerate(mentions):  # acronyms
        if is_acronym(m.text):
            expansions = by_initials.get(m.text.rstrip("s").lower(), [])
            if len({uf.find(j) for j in expansions}) == 1:
                uf.union(i, expansions[0])
    _link_partial_names(mentions, keys, uf)
    _link_spelling_variants(mentions, keys, uf)
    clusters: dict[int, list[int]] = defaultdict(list)
    for i in range(len(mentions)):
        clusters[uf.find(i)].append(i)
    return list(clusters.values())


def _link_partial_names(mentions, keys, uf: _UnionFind) -> None:
    """``Pour Hashemi`` or ``Assad`` joins the one longer person name it ends."""
    people = {keys[i]: i for i, (_, m) in enumerate(mentions) if m.type == "PERSON" and keys[i]}
    full = [(key, i) for key, i in people.items() if len(name_words(mentions[i][1].text)) >= 2]
    for key, i in people.items():
        words = name_words(mentions[i][1].text)
        while len(words) > 1 and words[0] in TITLES:
            words = words[1:]
        if not words:
            continue
        tail = "".join(words)
        owners = {
            uf.find(j)
            for other, j in full
            if other != key and other.endswith(tail) and len(other) > len(tail)
        }
        if len(owners) == 1:
            uf.union(i, owners.pop())


# Letters that transliterations of one sound alternate between (Araghchi / Araqchi).
TRANSLITERATIONS = (
    ("gh", "q"),
    ("kh", "k"),
    ("ou", "u"),
    ("ee", "i"),
    ("ph", "f"),
    ("dh", "d"),
    ("j", "y"),
    ("w", "v"),
    ("e", "i"),
)


def transliteration_key(key: str) -> str:
    for spelling, sound in TRANSLITERATIONS:
        key = key.replace(spelling, sound)
    return key


def _link_spelling_variants(mentions, keys, uf: _UnionFind) -> None:
    """Transliteration variants and near-identical spellings of the same type."""
    from rapidfuzz.distance import JaroWinkler

    by_sound: dict[tuple[str, str], int] = {}
    for i, (_, m) in enumerate(mentions):
        if len(keys[i]) >= 5 and not is_acronym(m.text):
            uf.union(i, by_sound.setdefault((m.type, transliteration_key(keys[i])), i))
    distinct: dict[tuple[str, str], int] = {}
    for i, (_, m) in enumerate(mentions):
        if len(keys[i]) >= 6 and not is_acronym(m.text):
            distinct.setdefault((m.type, keys[i]), i)
    items = sorted(distinct.items())
    for a in range(len(items)):
        (type_a, key_a), i = items[a]
        for b in range(a + 1, len(items)):
            (type_b, key_b), j = items[b]
            if type_a != type_b or abs(len(key_a) - len(key_b)) > 2:
                continue
            if key_a[:3] == key_b[:3] and JaroWinkler.similarity(key_a, key_b) >= FUZZY_MIN:
                uf.union(i, j)


def _entity(event_id: str, members: list[tuple[str, Mention]]) -> Entity:
    texts = Counter(m.text for _, m in members)
    introduced = {m.text for _, m in members if m.alias_of is not None}
    full_names = (
        [t for t in texts if not is_acronym(t) and t not in introduced]
        or [t for t in texts if not is_acronym(t)]
        or list(texts)
    )
    name = max(full_names, key=lambda t: (len(name_words(t)), texts[t], -len(t), t))
    # an acronym is rarely a person's name, whatever the tagger says
    types = Counter(
        "ORG" if m.type == "PERSON" and is_acronym(m.text) else m.type for _, m in members
    )
    type_ = max(types, key=lambda t: (types[t], -NAME_TYPES.index(t)))
    mentions = tuple(
        Ref(article=article_id, start=m.start, end=m.end, text=m.text)
        for article_id, m in sorted(members, key=lambda am: (am[0], am[1].start))
    )
    return Entity(
        id=stable_id("ent", event_id, name_key(name)),
        name=name,
        type=type_,
        aliases=tuple(sorted(t for t in texts if t != name)),
        mentions=mentions,
    )
