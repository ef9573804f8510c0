"""The details on which two reports of one fact can differ: number, place, date, agent.

Two outlets that report the same happening can still disagree on what matters:
how many were killed, where, on which day, and who did it. For the reports of one
fact (one sentence per article), each article's version of each detail is read
off its sentence:

- **number**: its figures (see :mod:`counterpoint.analyze.figures`); two differ when
  they count the same outcome for the same group and no count fits both wordings
  ("at least 130" and "135" agree; "about 200,000" and "150,000" do not);
- **place**: the capitalised names it locates the happening in ("in Aleppo", "near
  Idlib"); two differ when they name no place alike at any level, and are of the
  same level (two countries, or two places below a country: "Syria" and "Aleppo"
  nest, they do not conflict);
- **date**: the calendar days it names, leaving out the day a source spoke on
  ("reported Thursday"); two differ by more than a day;
- **agent**: who did it, named after a verb and "by" ("carried out by HTS", "killed
  by Israeli forces"); two differ when they follow the same verb, share no entity and
  no name word, and neither sentence names the other's agent anywhere.

Vague or missing details never conflict: an outlet that does not say where is not
contradicting one that does.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import cast

from counterpoint.compare.figures import VAGUE_RANGES, WHAT, admits, group_key, same_group
from counterpoint.model import Analysis, Difference, DifferenceKind, Ref, Span

AGENT_TYPES = ("ORG", "PERSON", "NORP", "GPE")
_AGENT = re.compile(
    r"\b(?P<verb>[a-z]+)\s+by\s+(?:the\s+|a\s+|an\s+)?"
    r"(?:(?:members|fighters|forces|militants|supporters)\s+(?:of|from)\s+(?:the\s+)?)?$",
    re.I,
)
_PLACE = re.compile(
    r"\b(?:in|at|near|outside|inside|across|around)\s+(?:the\s+)?"
    r"((?:[A-Z][\w’'-]*(?:\s+|$))*[A-Z][\w’'-]*)"
)
_NOT_PLACES = set(
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "I", "A", "An", "The", "This", "That", "These", "Those", "He", "She", "It", "We", "They", "His", "Her", "Its", "Their", "Our"]
)
_CUE_GAP = 30
"""Characters after a speech cue in which a day is the day of speaking ("said on Monday")."""
_GENERIC_PLACE_WORDS = {
    "province",
    "city",
    "town",
    "village",
    "district",
    "region",
    "state",
    "county",
    "governorate",
    "the",
    "of",
    "north",
    "south",
    "east",
    "west",
    "northern",
    "southern",
    "eastern",
    "western",
    "central",
}
COUNTRIES = frozenset(
    ["afghanistan", "albania", "algeria", "andorra", "angola", "argentina", "armenia", "australia", "austria", "azerbaijan", "bahamas", "bahrain", "bangladesh", "barbados", "belarus", "belgium", "belize", "benin", "bhutan", "bolivia", "bosnia", "botswana", "brazil", "brunei", "bulgaria", "burkina", "burundi", "cambodia", "cameroon", "canada", "chad", "chile", "china", "colombia", "comoros", "congo", "croatia", "cuba", "cyprus", "czechia", "czech", "denmark", "djibouti", "dominica", "ecuador", "egypt", "eritrea", "estonia", "eswatini", "ethiopia", "fiji", "finland", "france", "gabon", "gambia", "georgia", "germany", "ghana", "greece", "grenada", "guatemala", "guinea", "guyana", "haiti", "honduras", "hungary", "iceland", "india", "indonesia", "iran", "iraq", "ireland", "israel", "italy", "jamaica", "japan", "jordan", "kazakhstan", "kenya", "kiribati", "korea", "kosovo", "kuwait", "kyrgyzstan", "laos", "latvia", "lebanon", "lesotho", "liberia", "libya", "liechtenstein", "lithuania", "luxembourg", "madagascar", "malawi", "malaysia", "maldives", "mali", "malta", "mauritania", "mauritius", "mexico", "micronesia", "moldova", "monaco", "mongolia", "montenegro", "morocco", "mozambique", "myanmar", "burma", "namibia", "nauru", "nepal", "netherlands", "nicaragua", "niger", "nigeria", "norway", "oman", "pakistan", "palau", "palestine", "panama", "paraguay", "peru", "philippines", "poland", "portugal", "qatar", "romania", "russia", "rwanda", "samoa", "senegal", "serbia", "seychelles", "singapore", "slovakia", "slovenia", "somalia", "spain", "sudan", "suriname", "sweden", "switzerland", "syria", "taiwan", "tajikistan", "tanzania", "thailand", "togo", "tonga", "tunisia", "turkey", "turkiye", "turkmenistan", "tuvalu", "uganda", "ukraine", "uruguay", "uzbekistan", "vanuatu", "venezuela", "vietnam", "yemen", "zambia", "zimbabwe", "us", "usa", "u.s.", "america", "uk", "britain", "england", "scotland", "wales", "gaza"]
) | {
    "united states",
    "united kingdom",
    "great britain",
    "saudi arabia",
    "south africa",
    "south korea",
    "north korea",
    "south sudan",
    "new zealand",
    "sri lanka",
    "el salvador",
    "costa rica",
    "ivory coast",
    "united arab emirates",
    "west bank",
    "central african republic",
    "dominican republic",
    "democratic republic of the congo",
}


def differences(
    members: Sequence[tuple[str, Span]],
    analyses: Mapping[str, Analysis],
    entity_of: Mapping[tuple[str, int], str],
) -> tuple[Difference, ...]:
    """The details the reports of one fact (``(article id, claim)`` each: a claim or any
    span of the article) differ on. A place differs only between two countries: a town lies
    in its province and its country, and names alone cannot tell whether one place holds
    another."""
    found = []
    for kind, finder in (
        ("number", _number),
        ("date", _date),
        ("outcome", _outcome),
        ("place", _place),
        ("agent", _agent),
    ):
        values = finder(members, analyses, entity_of)
        if values:
            found.append(Difference(kind=cast(DifferenceKind, kind), values=values))
    return tuple(found)


def describe(found: Sequence[Difference], outlet_of: Mapping[str, str]) -> str:
    """``place: “Aleppo” (wire) vs “Idlib” (tehran-times)``, one clause per difference."""
    clauses = []
    for difference in found:
        versions = " vs ".join(
            f"“{v.text}” ({outlet_of.get(v.article, v.article)})" for v in difference.values
        )
        clauses.append(f"{difference.kind}: {versions}")
    return "; ".join(clauses)


def _inside(span, start: int) -> bool:
    return span.start <= start < span.end


OUTCOMES = (
    ({"pass", "approve", "adopt", "uphold", "confirm", "win"},
     {"fail", "reject", "defeat", "block", "veto", "overturn", "lose"}),
    ({"admit", "acknowledge", "accept"}, {"deny", "refuse", "decline", "dispute"}),
    ({"convict"}, {"acquit"}),
)
"""Predicates whose outcomes exclude each other ("the bill passed" / "the bill failed")."""


def _ref(article_id: str, span) -> Ref:
    return Ref(article=article_id, start=span.start, end=span.end, text=span.text)


def _number(members, analyses, entity_of) -> tuple[Ref, ...]:
    figures = [
        (article_id, f)
        for article_id, span in members
        for f in analyses[article_id].figures
        if _inside(span, f.number.start) and f.qualifier not in VAGUE_RANGES
    ]
    for i, (article_a, a) in enumerate(figures):
        for article_b, b in figures[i + 1 :]:
            if article_a == article_b or WHAT.get(a.what, a.what) != WHAT.get(b.what, b.what):
                continue
            if not same_group(group_key(a.who), group_key(b.who)):
                continue
            (low_a, high_a), (low_b, high_b) = admits(a.qualifier, a.value), admits(
                b.qualifier, b.value
            )
            if max(low_a, low_b) > min(high_a, high_b):  # no count fits both wordings
                return (_ref(article_a, a), _ref(article_b, b))
    return _beyond_the_whole(figures)


UMBRELLAS = {"shot", "struck", "hit", "casualties"}
"""Outcomes that hold both the killed and the wounded: "three people were shot"."""
PARTS = {"killed", "wounded"}


def _beyond_the_whole(figures) -> tuple[Ref, ...]:
    """A whole that another report's parts exceed: "four struck" against "six injured";
    "three shot" and "one killed, two wounded" agree. The parts are of one report and of the
    whole's group (a part that names no group, "two others", counts the same people)."""
    for article_a, whole in figures:
        if WHAT.get(whole.what, whole.what) not in UMBRELLAS:
            continue
        key = group_key(whole.who)
        for article_b in dict.fromkeys(a for a, _ in figures if a != article_a):
            parts = [
                f for a, f in figures
                if a == article_b and WHAT.get(f.what, f.what) in PARTS
                and (not group_key(f.who) or same_group(key, group_key(f.who)))
            ]
            if not parts:
                continue
            least = sum(admits(f.qualifier, f.value)[0] for f in parts)
            if least > admits(whole.qualifier, whole.value)[1]:
                return (_ref(article_a, whole), _ref(article_b, parts[0]))
    return ()


def _words(text: str) -> set[str]:
    words = re.findall(r"[a-z]+", text.lower().replace("’s", "").replace("'s", ""))
    return {w for w in words if w not in _GENERIC_PLACE_WORDS and len(w) > 2}


def _is_country(text: str) -> bool:
    """Whether a place names a country ("Syria", "the United States", "Shiite-majority Iran")."""
    lower = re.sub(r"^the\s+", "", text.lower().replace("’s", "").replace("'s", "")).strip()
    return lower in COUNTRIES or lower.rsplit(" ", 1)[-1] in COUNTRIES


def _disjoint(values, entity_of, named=None) -> tuple[Ref, ...]:
    """Two articles' versions that share no entity and no name word, else (). With
    ``named`` (per article, every name in its version's sentence), each version must
    also share nothing with the names of the other's sentence."""
    named = named or values
    articles = list(values)
    for i, a in enumerate(articles):
        for b in articles[i + 1 :]:
            if not _words_of(values[a]) or not _words_of(values[b]):
                continue
            if _share(a, values[a], b, named[b], entity_of) or _share(
                b, values[b], a, named[a], entity_of
            ):
                continue
            return (_ref(a, values[a][0]), _ref(b, values[b][0]))
    return ()


def _share(a: str, these, b: str, those, entity_of) -> bool:
    """Whether mentions ``these`` of article ``a`` and ``those`` of ``b`` share an entity or
    a name word."""
    ids_a = {entity_of.get((a, m.start)) for m in these} - {None}
    ids_b = {entity_of.get((b, m.start)) for m in those} - {None}
    return bool(ids_a & ids_b or _words_of(these) & _words_of(those))


def _words_of(spans) -> set[str]:
    return set().union(*(_words(m.text) for m in spans))


def _place(members, analyses, entity_of) -> tuple[Ref, ...]:
    located = {a: _located(span) for a, span in members}
    countries = {a: [p for p in places if _is_country(p.text)] for a, places in located.items()}
    countries = {a: places for a, places in countries.items() if places}
    found = _disjoint(countries, entity_of) if len(countries) > 1 else ()
    if found and not _share_a_place(located[found[0].article], located[found[1].article]):
        return found
    return ()


def _share_a_place(a: list[Span], b: list[Span]) -> bool:
    """Whether two reports name one place alike at any level ("in Syria" in both)."""
    return bool(set().union(*map(_words, (p.text for p in a)))
                & set().union(*map(_words, (p.text for p in b))))


def _located(sentence) -> list[Span]:
    """Capitalised names after "in", "at", "near" …: where the sentence places something.

    Read off the text rather than the tagger's names, which miss many towns.
    """
    places = []
    for match in _PLACE.finditer(sentence.text):
        words = match.group(1).split()
        while words and words[-1].strip(".,") in _NOT_PLACES:
            words.pop()
        if not words or words[0] in _NOT_PLACES:
            continue
        text = " ".join(words)
        start = sentence.start + match.start(1)
        places.append(Span(start=start, end=start + len(text), text=text))
    return places


def _agent(members, analyses, entity_of) -> tuple[Ref, ...]:
    """Who did it, per article: the names after "<verb> by", with the names that run on
    from them ("invited by House Speaker John Boehner" is one agent). Two versions differ
    only for the same verb ("killed by Hamas", "killed by Hezbollah"), and only when neither
    sentence names the other's agent anywhere."""
    runs: dict[str, dict[str, list[list]]] = {}  # article -> verb -> runs of names
    named: dict[str, list] = {}
    sentences = {}
    for article_id, span in members:
        analysis = analyses[article_id]
        sentence = sentences[article_id] = span
        names = named[article_id] = [
            m for m in analysis.mentions if _inside(span, m.start) and m.type in AGENT_TYPES
        ]
        last = None
        for m in names:
            if last and _NAME_RUN.fullmatch(_between(sentence, last[-1].end, m.start)):
                last.append(m)
            elif found := _AGENT.search(_between(sentence, sentence.start, m.start)):
                last = [m]
                verbs = runs.setdefault(article_id, {})
                verbs.setdefault(found.group("verb").lower(), []).append(last)
            else:
                last = None
    all_verbs = {v for found in runs.values() for v in found}
    for verb in sorted(all_verbs):
        agents = {
            a: [m for run in found[verb] for m in run] for a, found in runs.items() if verb in found
        }
        pair = _disjoint(agents, entity_of, named) if len(agents) > 1 else ()
        if pair:
            return tuple(_whole(ref, runs[ref.article][verb], sentences) for ref in pair)
    return ()


def _whole(ref: Ref, runs: list[list], sentences) -> Ref:
    """The agent ``ref`` starts, as the whole run of names: "House Speaker John Boehner"."""
    run = next(r for r in runs if r[0].start == ref.start)
    text = _between(sentences[ref.article], run[0].start, run[-1].end)
    return Ref(article=ref.article, start=run[0].start, end=run[-1].end, text=text)


_NAME_RUN = re.compile(r"(?:\s+[A-Z][\w.'’-]*)*\s+")
"""Between two names of one agent: capitalised words only ("House Speaker John Boehner")."""


def _between(sentence, start: int, end: int) -> str:
    """The sentence's text between two offsets of its article."""
    return sentence.text[max(0, start - sentence.start) : max(0, end - sentence.start)]


def _date(members, analyses, entity_of) -> tuple[Ref, ...]:
    days: dict[str, list] = {}
    for article_id, sentence in members:
        analysis = analyses[article_id]
        cues = [
            a.cue
            for a in analysis.attributions
            if sentence.start <= a.cue.start < sentence.end
        ]
        for time in analysis.times:
            if not (sentence.start <= time.start < sentence.end):
                continue
            if time.value is None or time.granularity != "day":
                continue
            if any(0 <= time.start - cue.end <= _CUE_GAP for cue in cues):
                continue  # the day someone spoke, not the day it happened
            days.setdefault(article_id, []).append(time)
    articles = list(days)
    for i, a in enumerate(articles):
        for b in articles[i + 1 :]:
            gaps = [abs((x.value - y.value).days) for x in days[a] for y in days[b]]
            if gaps and min(gaps) > 1:
                return (_ref(a, days[a][0]), _ref(b, days[b][0]))
    return ()


def _outcome(members, analyses, entity_of) -> tuple[Ref, ...]:
    """An assertion against its denial: the same predicate negated in one report only, or
    predicates of excluding outcomes ("passed" / "failed"). Only claims carry a predicate."""
    claims = [(a, c) for a, c in members if getattr(c, "predicate", "")]
    for i, (article_a, a) in enumerate(claims):
        for article_b, b in claims[i + 1 :]:
            if article_a == article_b or a.modal or b.modal:
                continue
            if a.patients and b.patients and not set(a.patients) & set(b.patients):
                continue  # "apologized to the men" is no denial of "apologized for it"
            same = a.predicate == b.predicate and a.negated != b.negated
            opposed = a.negated == b.negated and any(
                {a.predicate, b.predicate} <= yes | no
                and (a.predicate in yes) != (b.predicate in yes)
                for yes, no in OUTCOMES
            )
            if same or opposed:
                return (_ref(article_a, a), _ref(article_b, b))
    return ()
