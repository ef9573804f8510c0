"""Resolve mentions across the articles of one event into entities with aliases.

Two mentions name the same entity when

1. their keys are equal: case, titles ("Brigadier General", "Mr."), articles,
   "al-" prefixes, nicknames in quotes, "Jr." and "Corp.", spaces, hyphens and
   apostrophes removed (Pourhashemi = Pour Hashemi, Mt Cook = Mount Cook);
2. the text introduced one as the other (``IRGC`` after ``Revolutionary Guards``,
   ``also known as Haji Hashem``), or a nickname given inside a name is the other
   (Luis Gerardo "Jerry" Ortiz, Jerry Ortiz);
3. one is the acronym of the other (HTS = Hayat Tahrir al-Sham);
4. their keys are transliteration variants (Araghchi / Araqchi, Heydar / Heidar)
   or near-identical spellings;
5. one is a short form of the other: a person's surname or given name (Assad,
   Lindsay), the last word of an organisation's name or its one opening word
   (Saints, Morningside), a place without its generic word (Mediterranean for
   Mediterranean Sea), or the same person with more or fewer given names (Fred
   LaRue, Frederick C. LaRue).

A short form joins the full name its own article gave (within one article
"Thomas" is the "Pierre Thomas" it named, even where another article speaks of a
"David Thomas"); elsewhere, the one person, organisation or place the event's
longer names allow, or the one of them the event names far more often than any
other. Two names of people that cannot be the same person (John Smith, Jane
Smith) never end up in one entity through short forms or spellings.

The tagger's ``NORP`` mentions take part too (it tags some surnames so), but only
those that join a name become mentions of an entity. Last, the event's names are
looked for in its articles' sentences: a name one article's tagger found is a
mention wherever another article's tagger missed it, or ran it into a heading
("Colts Beat Chiefs").
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from functools import lru_cache

from counterpoint.lexicon import (
    CONNECTORS,
    INSTITUTIONS,
    NAME_TYPES,
    PLACE_WORDS,
    core_words,
    in_longer_name,
    initials,
    is_acronym,
    is_heading,
    name_key,
    name_words,
    nickname_key,
)
from counterpoint.model import Analysis, Entity, Mention, Ref, stable_id

FUZZY_MIN = 0.93
DOMINANT = 3
"""A short name that fits several people joins one only if it is this many times as common."""
# The tagger calls some names of people NORP ("Klitschko"): they may join a name.
_LINKED_TYPES = (*NAME_TYPES, "NORP")
_ORG_TYPES = ("ORG", "FAC")
# Two names glued by a hyphen ("Obama-Biden"); not "al-Assad"
_GLUED = re.compile(r"\b[A-Z][a-z]+-[A-Z]")


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
    mentions: list[tuple[str, Mention]] = [  # NORP too: the tagger calls some people so
        (article_id, m)
        for article_id, analysis in analyses.items()
        for m in analysis.mentions
        if m.type in _LINKED_TYPES
    ]
    if not mentions:
        return ()
    keys = [name_key(m.text) for _, m in mentions]
    groups = [
        members
        for members in _link(mentions, keys)
        if any(mentions[i][1].type in NAME_TYPES for i in members)
    ]
    found, replaced = _missed_mentions(mentions, groups, analyses)
    for g, mention in found:
        groups[g].append(len(mentions))
        mentions.append(mention)
    # a group whose only name was replaced (a heading's "Americans Turn", cut to the
    # nationality "Americans") is no entity, as a group that never had one is not
    groups = [
        kept
        for members in groups
        if (kept := [i for i in members if (mentions[i][0], mentions[i][1].start,
                                            mentions[i][1].end) not in replaced])
        and any(mentions[i][1].type in NAME_TYPES for i in kept)
    ]
    return tuple(
        sorted(
            (_entity(event_id, [mentions[i] for i in members]) for members in groups),
            key=lambda e: (-len(e.mentions), e.name),
        )
    )


def _missed_mentions(
    mentions: Sequence[tuple[str, Mention]],
    groups: Sequence[list[int]],
    analyses: Mapping[str, Analysis],
) -> tuple[list[tuple[int, tuple[str, Mention]]], set[tuple[str, int, int]]]:
    """Uses of the event's names that the tagger missed in some article, as
    ``(group, (article, mention))``, and the mentions they replace, as ``(article, start, end)``.

    One article's tagger run misses "Colts" where another's found it, tags only
    "Indianapolis" of "Indianapolis Colts", or runs a heading's words together
    ("Colts Beat Chiefs"). A name is looked for where it names one entity only, a
    single word only if the event's articles never write it in lower case
    ("Police" no, "Colts" yes), and in capitals on a line in capitals ("COLTS").
    """
    owner, shouted = _findable_names(mentions, groups, analyses)
    if not owner:
        return [], set()
    # the names the tagger found in running text stand, even where a heading repeats them
    known = {m.text for a, m in mentions if not _in_heading((a, m), analyses)}
    names = sorted(owner, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w'’.-])(?:" + "|".join(map(re.escape, names)) + r")(?![\w-])")
    types = [Counter(mentions[i][1].type for i in members) for members in groups]
    found: list[tuple[int, tuple[str, Mention]]] = []
    replaced: set[tuple[str, int, int]] = set()
    for article_id, analysis in analyses.items():
        taken = {(m.start, m.end) for m in analysis.mentions}
        fixed = {(m.start, m.end) for m in analysis.mentions if m.text in known}
        for number, sentence in enumerate(analysis.sentences):
            for match in pattern.finditer(sentence.text):
                line = _line_at(sentence.text, match.start())
                heading = is_heading(line)
                if (match.group() in shouted and line != line.upper()) or (
                    not heading and in_longer_name(sentence.text, *match.span())
                ):
                    continue
                span = (sentence.start + match.start(), sentence.start + match.end())
                gone = _replaceable(span, taken, heading=heading, fixed=fixed)
                if gone is None:
                    continue
                taken = (taken - gone) | {span}
                replaced |= {(article_id, a, b) for a, b in gone}
                g = owner[match.group()]
                kind = types[g].most_common(1)[0][0]
                mention = Mention(start=span[0], end=span[1], text=match.group(), type=kind,
                                  sentence=number)
                found.append((g, (article_id, mention)))
    return found, replaced


def _replaceable(
    span: tuple[int, int], taken, *, heading: bool, fixed
) -> set[tuple[int, int]] | None:
    """The mentions a found name replaces, or None where it must not go: in running text
    a name may hold shorter mentions ("Indianapolis" in "Indianapolis Colts"), in a
    heading lie inside a longer one ("Colts" in "Colts Beat Chiefs") unless that one is
    a name the event's running text uses; it never cuts across one."""
    start, end = span
    gone = set()
    for a, b in taken:
        if b <= start or end <= a:
            continue
        holds = not heading and start <= a and b <= end and b - a < end - start
        inside = heading and a <= start and end <= b and end - start < b - a
        inside = inside and (a, b) not in fixed
        if not (holds or inside):
            return None
        gone.add((a, b))
    return gone


def _findable_names(mentions, groups, analyses) -> tuple[dict[str, int], set[str]]:
    """Names worth looking for in the event's text, each with the one group it names,
    and which of them are written in capitals only here ("COLTS" for "Colts").
    Names tagged in headings are not among them: there the tagger runs words together."""
    lower: set[str] = set()
    for analysis in analyses.values():
        for sentence in analysis.sentences:
            lower.update(w for w in re.findall(r"[^\W\d_]+", sentence.text) if w.islower())
    owners: dict[str, set[int]] = defaultdict(set)
    shouted: dict[str, set[int]] = defaultdict(set)
    for g, members in enumerate(groups):
        for i in members:
            text = mentions[i][1].text
            if _looks_like_a_name(text, lower) and not _in_heading(mentions[i], analyses):
                owners[text].add(g)
                if len(text) >= 4:
                    shouted[text.upper()].add(g)
    for name, gs in shouted.items():
        owners.setdefault(name, gs)
    owner = {name: next(iter(gs)) for name, gs in owners.items() if len(gs) == 1}
    return owner, set(shouted) - {mentions[i][1].text for members in groups for i in members}


def _looks_like_a_name(text: str, lower: set[str]) -> bool:
    """Capitalised words, or joining words between them ("Gulf of Aden", not "Thompson in");
    a single word only if the event never writes it in lower case."""
    words = text.split()
    return (
        len(text) >= 3
        and "\n" not in text
        and words[0][0].isupper()
        and words[-1][0].isupper()
        and all(w[0].isupper() or w.lower() in CONNECTORS for w in words)
        and (len(words) > 1 or text.lower() not in lower)
    )


def _in_heading(mention: tuple[str, Mention], analyses: Mapping[str, Analysis]) -> bool:
    article_id, m = mention
    sentences = analyses[article_id].sentences
    if not 0 <= m.sentence < len(sentences):
        return False
    sentence = sentences[m.sentence]
    return is_heading(_line_at(sentence.text, max(0, m.start - sentence.start)))


def _line_at(text: str, index: int) -> str:
    return text[:index].rsplit("\n", 1)[-1] + text[index:].split("\n", 1)[0]


def _link(mentions: Sequence[tuple[str, Mention]], keys: list[str]) -> list[list[int]]:
    uf = _UnionFind(len(mentions))
    anchored = _anchor_in_articles(mentions)
    for i, owners in anchored.items():
        for j in owners:
            uf.union(i, j)
    # a lone surname stands for its article's person only; longer names are unambiguous
    anchored = {i: o for i, o in anchored.items() if len(core_words(mentions[i][1].text)) == 1}
    by_key: dict[str, int] = {}
    at: dict[tuple[str, int, int], int] = {}
    for i, (article_id, m) in enumerate(mentions):
        if keys[i] and i not in anchored:
            uf.union(i, by_key.setdefault(keys[i], i))
        at[(article_id, m.start, m.end)] = i
    for i, (_, m) in enumerate(mentions):  # Luis Gerardo "Jerry" Ortiz = Jerry Ortiz
        short = nickname_key(m.text) if m.type == "PERSON" else None
        if short in by_key:
            uf.union(i, by_key[short])
    for i, (article_id, m) in enumerate(mentions):  # aliases the text introduced
        if m.alias_of is not None:
            target = at.get((article_id, *m.alias_of))
            if target is not None:
                uf.union(i, target)
    names = {
        keys[i]: i
        for i, (_, m) in enumerate(mentions)
        if not is_acronym(m.text.replace(".", "")) and keys[i]
    }
    by_initials: dict[str, list[int]] = defaultdict(list)
    for i in names.values():
        if len(name_words(mentions[i][1].text)) >= 2:
            by_initials[initials(mentions[i][1].text)].append(i)
    for i, (_, m) in enumerate(mentions):  # acronyms, dotted too (U.S. = United States)
        letters = m.text.replace(".", "")
        if is_acronym(letters):
            expansions = by_initials.get(letters.rstrip("s").lower(), [])
            if len({uf.find(j) for j in expansions}) == 1:
                uf.union(i, expansions[0])
    _link_spelling_variants(mentions, keys, uf, skip=anchored.keys())
    _link_partial_names(mentions, keys, uf, skip=anchored.keys())
    clusters: dict[int, list[int]] = defaultdict(list)
    for i in range(len(mentions)):
        clusters[uf.find(i)].append(i)
    return list(clusters.values())


def _anchor_in_articles(mentions) -> dict[int, list[int]]:
    """Short names of people and the full names they stand for in their own article.

    A writer gives a person's full name first and a surname or given name after it:
    within one article "Thomas" is the "Pierre Thomas" it named, even where another
    article of the event speaks of a "David Thomas". Where the article itself
    names two people it could be, the one it named first (its subject) wins.
    """
    by_article: dict[str, list[int]] = defaultdict(list)
    for i, (article_id, _) in enumerate(mentions):
        by_article[article_id].append(i)
    anchored: dict[int, list[int]] = {}
    for members in by_article.values():
        words = {i: core_words(mentions[i][1].text) for i in members}
        full = [
            i
            for i in members
            if mentions[i][1].type == "PERSON"
            and len(words[i]) >= 2
            and not _GLUED.search(mentions[i][1].text)
        ]
        for i in members:
            m = mentions[i][1]
            if not words[i] or is_acronym(m.text) or m.alias_of is not None:
                continue
            owners = [
                j
                for j in full
                if len(words[j]) > len(words[i]) and _same_person(words[i], words[j])
            ]
            if owners and all(_same_person(words[a], words[b]) for a in owners for b in owners):
                anchored[i] = owners
            elif before := [j for j in owners if mentions[j][1].start < m.start]:
                anchored[i] = [min(before, key=lambda j: mentions[j][1].start)]
    return anchored


def _link_partial_names(mentions, keys, uf: _UnionFind, *, skip=frozenset()) -> None:
    """Short forms join the one person, organisation or place whose longer names hold them;
    then full names of one person with more or fewer given names join."""
    names = _Names(mentions, keys, uf, skip=skip)
    for short in sorted(names.words, key=lambda k: (-len(names.words[k]), k)):
        owners = names.owners(short)
        for k in owners:
            names.join(short, k)
    for group in names.by_surname().values():  # Fred LaRue, Frederick C. LaRue
        for a in group:
            fits = [b for b in group if b != a and _same_person(names.words[a], names.words[b])]
            if all(_same_person(names.words[b], names.words[c]) for b in fits for c in fits):
                for b in fits:
                    names.join(a, b)


class _Names:
    """The distinct names of an event (by key) and what their clusters say of them."""

    def __init__(self, mentions, keys, uf: _UnionFind, *, skip) -> None:
        self.uf = uf
        self.words: dict[str, tuple[str, ...]] = {}  # key -> core words
        self.first: dict[str, int] = {}  # key -> a mention with it
        for i, (_, m) in enumerate(mentions):
            if keys[i] and not is_acronym(m.text) and keys[i] not in self.words and i not in skip:
                self.words[keys[i]] = core_words(m.text)
                self.first[keys[i]] = i
        # two names glued by a hyphen own neither part: Evansville-Indiana State, Obama-Biden
        self.glued = {k for k, i in self.first.items() if _GLUED.search(mentions[i][1].text)}
        self.types = _cluster_types(mentions, uf)
        self.count = Counter(keys)  # how often the event writes each name
        # in the order the event first writes them (a dict, not a set: a short name that
        # joins several of them joins them in an order that is the same on every run)
        self.people = dict.fromkeys(k for k in self.words if self.type_of(k)["PERSON"])
        self.orgs = dict.fromkeys(k for k in self.words if _mostly_org(self.type_of(k)))
        self.places = dict.fromkeys(k for k in self.words if not _not_a_place(self.type_of(k)))

    def type_of(self, key: str) -> Counter[str]:
        return self.types[self.uf.find(self.first[key])]

    def owners(self, short: str) -> list[str]:
        """The longer names ``short`` stands for: those of one person, organisation or place;
        of several, only the one whose names the event writes far more often."""
        words, types = self.words[short], self.type_of(short)
        person = short in self.people or bool(types["NORP"])
        place = not _not_a_place(types)
        for pool, same in (
            (self.people if person else {}, _same_person),
            (self.orgs if not place else {}, _nested),
            (self.places if place else {}, _same_place),
        ):
            owners = [
                k
                for k in pool
                if k not in self.glued
                and len(self.words[k]) > len(words)
                and same(words, self.words[k])
            ]
            if owners:
                break
        if all(same(self.words[a], self.words[b]) or self.root(a) == self.root(b)
               for a in owners for b in owners):
            return owners
        return self._dominant(owners)

    def root(self, key: str) -> int:
        return self.uf.find(self.first[key])

    def _dominant(self, owners: list[str]) -> list[str]:
        by_root: dict[int, list[str]] = defaultdict(list)
        for k in owners:
            by_root[self.root(k)].append(k)
        size = {r: sum(self.count[k] for k in ks) for r, ks in by_root.items()}
        ranked = sorted(by_root, key=lambda r: -size[r])
        if len(ranked) >= 2 and size[ranked[0]] < DOMINANT * size[ranked[1]]:
            return []
        return by_root[ranked[0]]

    def join(self, a: str, b: str) -> None:
        """Join the clusters of two names unless they hold the names of two different people."""
        ra, rb = self.root(a), self.root(b)
        if ra == rb:
            return
        full_a = [w for k, w in self.words.items() if len(w) >= 2 and k in self.people
                  and self.root(k) == ra]
        full_b = [w for k, w in self.words.items() if len(w) >= 2 and k in self.people
                  and self.root(k) == rb]
        if all(_same_person(x, y) for x in full_a for y in full_b):
            self.uf.union(ra, rb)

    def by_surname(self) -> dict[str, list[str]]:
        groups: dict[str, list[str]] = defaultdict(list)
        for k in self.people:
            if len(self.words[k]) >= 2:
                groups[self.words[k][-1]].append(k)
        return groups


def _mostly_org(types: Counter[str]) -> bool:
    org = sum(types[t] for t in _ORG_TYPES)
    return org > 0 and org >= types["PERSON"]


def _not_a_place(types: Counter[str]) -> bool:
    """Whether a name is more often a person's or organisation's than a place or people's
    ("Morningside" may be short for Morningside Recovery, "Boston" not for the Red Sox)."""
    return sum(types[t] for t in ("ORG", "FAC", "PERSON")) > sum(
        types[t] for t in ("GPE", "LOC", "NORP")
    )


def _cluster_types(mentions, uf: _UnionFind) -> dict[int, Counter[str]]:
    types: dict[int, Counter[str]] = defaultdict(Counter)
    for i, (_, m) in enumerate(mentions):
        types[uf.find(i)][m.type] += 1
    return types


@lru_cache(maxsize=100_000)  # asked of every pair of an article's names
def _same_person(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Whether two people's names (core words) may name one person.

    A surname or a given name alone fits a longer name that holds it there
    (Assad, Lindsay for Lindsay Lohan); two full names fit when they end alike and a given name of
    one fits the other's (Fred / Frederick, J. / John, Regina M. / Regina).
    """
    a, b = _without_numeral(a), _without_numeral(b)
    if len(a) > len(b):
        a, b = b, a
    if len(a) >= 3 and a[-1] == b[-1] and tuple(a[1:-1]) != tuple(b[1:-1]):
        return False  # George W. Bush is not George H. W. Bush
    if tuple(b[len(b) - len(a) :]) == tuple(a):
        return True
    if len(a) == 1:  # a given name alone, for a plain "given surname" name
        return len(b) == 2 and a[0] == b[0]
    return a[-1] == b[-1] and any(_given_fits(a[0], w) for w in b[:-1])


def _without_numeral(words: tuple[str, ...]) -> tuple[str, ...]:
    """A person's name without a generation numeral: Anthony LaCalamita III."""
    return words[:-1] if len(words) > 1 and words[-1] in ("ii", "iii", "iv") else words


GIVEN_NAMES = {
    "chuck": "charles", "charlie": "charles", "bob": "robert", "bobby": "robert",
    "bill": "william", "billy": "william", "will": "william", "liz": "elizabeth",
    "beth": "elizabeth", "betty": "elizabeth", "dick": "richard", "rick": "richard",
    "jim": "james", "jimmy": "james", "mike": "michael", "tom": "thomas", "ted": "edward",
    "ed": "edward", "joe": "joseph", "dan": "daniel", "dave": "david", "steve": "steven",
    "pat": "patrick", "tony": "anthony", "andy": "andrew", "chris": "christopher",
    "nick": "nicholas", "ben": "benjamin", "sam": "samuel", "kate": "katherine",
    "kathy": "katherine", "peggy": "margaret", "maggie": "margaret", "hank": "henry",
    "harry": "henry", "jack": "john", "johnny": "john", "larry": "lawrence", "jerry": "gerald",
}
"""English short forms of given names (Chuck Schumer is Charles Schumer)."""


def _given_fits(a: str, b: str) -> bool:
    if GIVEN_NAMES.get(a, a) == GIVEN_NAMES.get(b, b):
        return True
    if len(a) > len(b):
        a, b = b, a
    return a == b or (b.startswith(a) and (len(a) == 1 or len(a) >= 3))


def _same_place(a: Sequence[str], b: Sequence[str]) -> bool:
    """Whether one place's name is the other's with a generic word after it
    (Mediterranean Sea, Mount Cook National Park)."""
    if len(a) > len(b):
        a, b = b, a
    return tuple(b[: len(a)]) == tuple(a) and all(w in PLACE_WORDS for w in b[len(a) :])


def _nested(a: Sequence[str], b: Sequence[str]) -> bool:
    """Whether one organisation's name ends the other's (Saints, New Orleans Saints), or is
    the one word that opens it (Morningside, Morningside Recovery); a longer opening
    is often a parent body (United Nations, United Nations Development Programme)."""
    if len(a) > len(b):
        a, b = b, a
    if len(a) == 1 and a[0] in INSTITUTIONS:
        return False  # "House" is not the "White House"
    return tuple(b[len(b) - len(a) :]) == tuple(a) or (len(a) == 1 and b[0] == a[0])


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
    ("ey", "ei"),
    ("e", "i"),
)


def transliteration_key(key: str) -> str:
    for spelling, sound in TRANSLITERATIONS:
        key = key.replace(spelling, sound)
    return key


def _link_spelling_variants(mentions, keys, uf: _UnionFind, *, skip=frozenset()) -> None:
    """Transliteration variants and near-identical spellings of the same type.

    Mentions in ``skip`` already stand for a full name of their article: a surname
    shared by two people must not join them.
    """
    from rapidfuzz.distance import JaroWinkler

    by_sound: dict[tuple[str, str], int] = {}
    for i, (_, m) in enumerate(mentions):
        if len(keys[i]) >= 5 and not is_acronym(m.text) and i not in skip:
            uf.union(i, by_sound.setdefault((m.type, transliteration_key(keys[i])), i))
    distinct: dict[tuple[str, str], int] = {}
    for i, (_, m) in enumerate(mentions):
        if len(keys[i]) >= 6 and not is_acronym(m.text) and i not in skip:
            distinct.setdefault((m.type, keys[i]), i)
    items = sorted(distinct.items())
    for a in range(len(items)):
        (type_a, key_a), i = items[a]
        for b in range(a + 1, len(items)):
            (type_b, key_b), j = items[b]
            if type_a != type_b or abs(len(key_a) - len(key_b)) > 2:
                continue
            if key_a[:3] == key_b[:3] and JaroWinkler.similarity(key_a, key_b) >= FUZZY_MIN:
                words_a, words_b = core_words(mentions[i][1].text), core_words(mentions[j][1].text)
                if type_a == "PERSON" and not _same_person(words_a, words_b):
                    continue  # George H. W. Bush is no misspelling of George W. Bush
                uf.union(i, j)


def _entity(event_id: str, members: list[tuple[str, Mention]]) -> Entity:
    texts = Counter(m.text for _, m in members)
    introduced = {m.text for _, m in members if m.alias_of is not None}
    full_names = (
        [t for t in texts if not is_acronym(t) and t not in introduced]
        or [t for t in texts if not is_acronym(t)]
        or list(texts)
    )
    # the most used name of two words or more: "Lindsay Lohan", not "Actress Lindsay Lohan"
    name = max(
        full_names,
        key=lambda t: (len(name_words(t)) >= 2, texts[t], len(name_words(t)), -len(t), t),
    )
    # an acronym is rarely a person's name, whatever the tagger says; full names vote first
    voters = [m for _, m in members if m.type in NAME_TYPES]
    voters = [m for m in voters if len(core_words(m.text)) >= 2 or is_acronym(m.text)] or voters
    types = Counter("ORG" if m.type == "PERSON" and is_acronym(m.text) else m.type for m in voters)
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
