"""Figures: counted quantities such as "at least 130 people have been killed".

A figure is a number (digits, number words, or vague amounts such as "dozens")
that counts a group ("people", "members of the HTS"), the thing that happened to
the group ("killed"), an optional qualifier ("at least", "over") and the groups
it breaks down into ("including 65 members …, 18 allied fighters …"). Sums of
money and durations count too, with their ``unit`` ("$750,000", "lasted 35 days",
"five years in prison"). Numbers that count no group (years, ages, percentages,
spans of time such as "two years ago") are left out, and so are
vague amounts ("dozens", "hundreds": the article printed no number), fractions
("two-thirds") and numbers that stand for nothing counted ("called 911", "one
another").

A figure told about history or another happening ("since 2011", "decades ago", a
year before the article's) has ``scope`` ``background`` (:func:`mark_background`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from counterpoint.analyze.times import resolve
from counterpoint.model import Analysis, Figure, Span, TimeExpression

WORD_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "thousand": 1000,
    "dozen": 12,
}
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
# Vague amounts: the lowest value the word admits, qualifier "at least"-like.
VAGUE = {
    "dozens": 24,
    "scores": 40,
    "hundreds": 200,
    "thousands": 2_000,
    "millions": 2_000_000,
    "tens": 20,
    "several": 3,
    "dozen": 12,
}
QUALIFIERS = (
    "at least",
    "more than",
    "over",
    "nearly",
    "almost",
    "about",
    "around",
    "up to",
    "some",
    "roughly",
    "approximately",
    "fewer than",
    "less than",
    "as many as",
    "at most",
    "close to",
    "upwards of",
    "an estimated",
    "estimated",
)
OUTCOMES = {
    "kill": "killed",
    "die": "killed",
    "dead": "killed",
    "death": "killed",
    "fatality": "killed",
    "slay": "killed",
    "murder": "killed",
    "massacre": "killed",
    "martyr": "killed",
    "execute": "killed",
    "behead": "killed",
    "shoot": "shot",
    "wound": "wounded",
    "injure": "wounded",
    "hurt": "wounded",
    "injury": "wounded",
    "casualty": "casualties",
    "arrest": "arrested",
    "detain": "arrested",
    "capture": "captured",
    "kidnap": "abducted",
    "abduct": "abducted",
    "hold": "held",
    "free": "released",
    "release": "released",
    "displace": "displaced",
    "flee": "displaced",
    "evacuate": "evacuated",
    "uproot": "displaced",
    "miss": "missing",
    "missing": "missing",
    "rescue": "rescued",
}
SKIP_NOUNS = {
    "year",
    "month",
    "week",
    "day",
    "hour",
    "minute",
    "percent",
    "%",
    "time",
    "age",
    "dollar",
    "euro",
    "pound",
    "point",
    "km",
    "kilometre",
    "kilometer",
    "mile",
    "meter",
    "metre",
    "second",
    "decade",
    "century",
    "round",
    "term",
    "case",
}
_NUMERIC = re.compile(r"^\d{1,3}(?:[,.]\d{3})*(?:\.\d+)?$|^\d+(?:\.\d+)?$")


FRACTIONS = {"half", "halves", "third", "thirds", "quarter", "quarters", "fifth", "fifths",
             "tenth", "tenths"}
_PAST = re.compile(
    r"\bsince (?:the )?(?:19|20)\d\d\b|\b(?:decades?|years|centuries) ago\b|"
    r"\bover (?:the )?(?:past |last )?(?:\w+ )?(?:years|decades)\b|\bin (?:19|20)\d\d\b|"
    r"\b(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)?\d\d)? (?:war|election|attack|earthquake|quake|"
    r"flood|storm|hurricane|tsunami|shooting|bombing|crisis)\b",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_STANDING = re.compile(
    r"\b(?:population of|home to|(?:town|city|village|island|country|nation) of)"
    r"(?:\s+(?:about|around|some|roughly|nearly|almost|more than|over|an estimated))?\s*$",
    re.IGNORECASE,
)
"""Words before a count that make it a standing fact (a population), not the event's."""
RESIDENTS = {"resident", "residents", "inhabitant", "inhabitants"}
BACKGROUND_DAYS = 45
"""A day this long before the article's date is another time than the event's."""


def find_figures(doc, *, offset: int, sentence_of) -> list[Figure]:
    figures: list[Figure] = []
    outcomes = set(OUTCOMES.values())
    for token in doc:
        parsed = _number(doc, token)
        if parsed is None or token.lower_ in VAGUE and token.lower_ != "dozen":
            continue
        value, number_span = parsed
        if _fraction_or_idiom(doc, number_span[1]):
            continue
        amount = _amount(doc, token, value, number_span, offset, sentence_of)
        if amount is not None:
            figures.append(amount)
            continue
        noun = _counted_noun(token)
        if noun in (None, token) and number_span[1] - number_span[0] > 1:
            noun = _counted_noun(doc[number_span[1] - 1]) or noun  # "26, 000 people"
        if noun is None or noun.lemma_.lower() in SKIP_NOUNS or noun.ent_type_ in ("DATE", "MONEY"):
            continue
        qualifier, first = _qualifier(doc, number_span[0], token.lower_)
        what, verb = _outcome(noun)
        if what is None or (noun.i == token.i and what not in outcomes):
            continue  # a bare number stands for a group only when it died, was hurt …
        group = _group_span(doc, noun, number_span[1])
        end_token = group.end
        if (
            verb is not None
            and 0 < verb.i - group.end < 4
            and not any(t.like_num or t.is_punct for t in doc[group.end : verb.i])
        ):
            end_token = verb.i + 1  # "130 people have been killed"
        figures.append(
            _figure(
                doc, (first, end_token), number_span, offset, sentence_of,
                value=float(value),
                qualifier=qualifier,
                what=what,
                who=group.text if len(group) else None,
                includes=tuple(_includes(noun, verb)),
                parent=_parent(noun, figures, offset),
            )
        )
    return _with_breakdowns(figures)


def _figure(doc, tokens, number_span, offset: int, sentence_of, **fields) -> Figure:
    """A figure over the tokens ``tokens`` (start, end), its number over ``number_span``."""
    start_char = doc[tokens[0]].idx
    end_char = doc[tokens[1] - 1].idx + len(doc[tokens[1] - 1].text)
    n0 = doc[number_span[0]].idx
    n1 = doc[number_span[1] - 1].idx + len(doc[number_span[1] - 1].text)
    return Figure(
        start=offset + start_char,
        end=offset + end_char,
        text=doc.text[start_char:end_char],
        number=Span(start=offset + n0, end=offset + n1, text=doc.text[n0:n1]),
        sentence=sentence_of(offset + start_char),
        **fields,
    )


CURRENCIES = {"$": "dollars", "€": "euros", "£": "pounds", "dollars": "dollars",
              "euros": "euros", "pounds": "pounds"}
DURATIONS = {"day": "days", "week": "weeks", "month": "months", "year": "years"}
_DURATION_VERBS = {"last", "spend", "serve", "face", "sentence", "take", "wait", "hold", "stay",
                   "get", "receive", "give", "remain", "run", "continue"}


def _amount(doc, token, value, number_span, offset, sentence_of) -> Figure | None:
    """A sum of money ("$750,000", "2 million euros") or a duration an act lasted or a
    sentence runs ("lasted 35 days", "five years in prison"): ``what`` is the verb
    ("spent", "faces"), ``who`` the unit ("dollars", "years"). Other spans of time ("three
    days ago", "two years later") are dates, not counts."""
    first, last = number_span[0], number_span[1]
    before = doc[first - 1].text if first > 0 else ""
    after = doc[last] if last < len(doc) else None
    unit = CURRENCIES.get(before) or (CURRENCIES.get(after.lower_) if after is not None else None)
    if unit is None and after is not None and after.lemma_.lower() in DURATIONS:
        following = doc[last + 1].lower_ if last + 1 < len(doc) else ""
        verb = after.head if after.dep_ in ("dobj", "npadvmod", "pobj", "attr") else None
        if verb is not None and verb.dep_ == "prep":
            verb = verb.head
        if following in ("ago", "later", "earlier", "after", "before", "old") or verb is None:
            return None
        if verb.lemma_.lower() not in _DURATION_VERBS:
            return None
        unit = DURATIONS[after.lemma_.lower()]
    if unit is None:
        return None
    verb = token.head
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
        verb = verb.head
    what = verb.lower_ if verb.pos_ in ("VERB", "AUX") else "amount"
    qualifier, start_token = _qualifier(doc, first, token.lower_)
    if before in CURRENCIES and start_token == first:
        start_token = first - 1
    end_token = last + (1 if after is not None and (after.lower_ in CURRENCIES
                                                     or after.lemma_.lower() in DURATIONS) else 0)
    return _figure(
        doc, (start_token, end_token), number_span, offset, sentence_of,
        value=float(value), qualifier=qualifier, what=what, who=unit, unit=unit,
    )


MEASURES = {"gmt", "utc", "est", "edt", "pst", "pdt", "bst", "hkt", "a.m.", "p.m.", "am", "pm",
            "km", "kilometres", "kilometers", "miles", "mph", "magnitude", "-strength"}
"""Words after a number that make it a time of day or a measurement, not a count."""


def _fraction_or_idiom(doc, end: int) -> bool:
    """Whether the number ending before token ``end`` is a fraction ("two-thirds", "one
    half"), an idiom ("one another") or picks one out ("one of the candidates")."""
    following = [t.lower_ for t in doc[end : end + 2]]
    if following[:1] and (following[0] in MEASURES or following[0].startswith("-strength")):
        return True
    if following[:1] == ["."] and end + 1 < len(doc) and doc[end + 1].text[:1].isdigit():
        return True  # "6. 7": a decimal split by a feed, a measurement
    if doc[end - 1].lower_ == "one" and following[:1] == ["of"]:
        return True  # "one of the candidates" picks one out, it counts nothing
    if following[:1] == ["-"]:
        following = following[1:]
    return bool(following) and (following[0] in FRACTIONS or following[0] == "another")


def mark_background(figures, sentences, times, published) -> list[Figure]:
    """Each figure with ``scope`` ``background`` when its sentence tells of another time: a
    day more than :data:`BACKGROUND_DAYS` before ``published`` (the article's date, or the
    event's), or words such as "since 2011", "decades ago", "in 2019" naming an earlier year;
    and when it counts a population ("a town of 15,000 people").

    With no date at all to go by (``published`` None: the article names no day either), a
    sentence that names a year ("in December 2003", "the 2005 quake") is taken to tell of
    another time: the article's own news would have named its day. A month alone is not
    ("In July, 212,672 people were apprehended" is the news of a monthly count); with a day
    to go by, it is dated by that day ("In February", in an article that names April 10)."""
    out = []
    for figure in figures:
        sentence = sentences[figure.sentence] if figure.sentence < len(sentences) else None
        if sentence is not None and (
            _tells_past(sentence, times, published) or _standing(figure, sentence)
        ):
            figure = replace(figure, scope="background")
        out.append(figure)
    return out


def reference_day(
    published: date | None, happened: date | None, times: Sequence[TimeExpression]
) -> date | None:
    """The day an article's figures are dated by: its publication date, else the day its
    lead names (``happened``), else the latest day it names anywhere; None when it names no
    day at all."""
    named = [t.value for t in times if t.value is not None and t.granularity == "day"]
    return published or happened or (max(named) if named else None)


def redate(analysis: Analysis, published: date | None, day: date | None) -> Analysis:
    """``analysis`` with its figures dated by ``day`` (the event's) when its article
    (published on ``published``) names no day of its own: "In February" in an undated report
    of a November quake is history."""
    if day is None or reference_day(published, analysis.event_date, analysis.times):
        return analysis
    figures = mark_background(list(analysis.figures), analysis.sentences, analysis.times, day)
    return replace(analysis, figures=tuple(figures))


def _standing(figure, sentence) -> bool:
    """A population: "has a population of 100,000", "a town of 15,000 people", "200,000
    residents"."""
    before = sentence.text[: max(0, figure.start - sentence.start)]
    who = (figure.who or "").lower().split()
    return bool(_STANDING.search(before)) or bool(who and who[-1] in RESIDENTS)


def _tells_past(sentence, times, published) -> bool:
    for time in times:
        if not sentence.start <= time.start < sentence.end:
            continue
        if published is None and _YEAR.search(time.text):
            return True  # undated: a named year is history (see mark_background)
        # a time the article could not date by itself is dated by the day it names
        value = time.value if time.value is not None or published is None \
            else resolve(time.text, published)[0]
        if published is not None and value is not None \
                and (published - value).days > BACKGROUND_DAYS:
            return True
    for match in _PAST.finditer(sentence.text):
        years = [int(y) for y in re.findall(r"(?:19|20)\d\d", match.group(0))]
        if not years or published is None or min(years) < published.year:
            return True
    return False


def _with_breakdowns(figures: list[Figure]) -> list[Figure]:
    """A figure's ``includes`` lists the groups of the figures that break it down."""
    out = list(figures)
    for index, figure in enumerate(figures):
        parts = [f.who or f.text for f in figures if f.parent == index]
        if parts:
            out[index] = replace(figure, includes=tuple(parts))
        elif figure.parent is not None:
            out[index] = replace(figure, includes=())
    return out


def _number(doc, token) -> tuple[float, tuple[int, int]] | None:
    """The value of a number starting at ``token`` and its token span."""
    lower = token.lower_
    if token.i > 0 and (doc[token.i - 1].like_num or doc[token.i - 1].lower_ in WORD_NUMBERS):
        return None  # inside a longer number
    if (
        token.i > 1
        and doc[token.i - 1].text == ","
        and re.fullmatch(r"\d{3}", token.text)
        and re.fullmatch(r"\d{1,3}", doc[token.i - 2].text)
    ):
        return None  # the thousands of "1, 500"
    if lower in VAGUE and token.tag_ in ("NNS", "NN", "JJ", "CD"):
        if lower == "dozen" and token.i > 0 and doc[token.i - 1].lower_ in ("a", "one"):
            return 12.0, (token.i, token.i + 1)
        return float(VAGUE[lower]), (token.i, token.i + 1)
    if _NUMERIC.match(token.text) and token.like_num:
        try:
            value = float(token.text.replace(",", ""))
        except ValueError:  # "18.591.93", a version or an address, is no count
            return None
        if 1900 <= value <= 2100 and "," not in token.text and token.ent_type_ == "DATE":
            return None
        if value == 0 and set(token.text) <= {"0"}:
            return None  # "000": the tail of a number written "26, 000"
        end = token.i + 1
        # "26, 000" (thousands after a comma and a space, as some feeds print them)
        while (
            end + 1 < len(doc)
            and doc[end].text == ","
            and re.fullmatch(r"\d{3}", doc[end + 1].text)
            and len(token.text) <= 3
            and (end + 2 >= len(doc) or doc[end + 2].text != ",")
        ):
            value = value * 1000 + float(doc[end + 1].text)
            end += 2
        if end > token.i + 1:
            return value, (token.i, end)
    elif lower in WORD_NUMBERS and token.pos_ == "NUM":
        value = float(WORD_NUMBERS[lower])
    else:
        return None
    end = token.i + 1
    while end < len(doc) and doc[end].lower_ in SCALES:
        value *= SCALES[doc[end].lower_]
        end += 1
    if not math.isfinite(value):  # more digits than a float holds: no count
        return None
    return value, (token.i, end)


def _qualifier(doc, first: int, number_word: str) -> tuple[str | None, int]:
    if number_word in VAGUE and number_word != "dozen":
        return number_word, first
    words = [t.lower_ for t in doc[max(0, first - 3) : first]]
    for phrase in sorted(QUALIFIERS, key=len, reverse=True):
        parts = phrase.split()
        if words[-len(parts) :] == parts:
            return phrase, first - len(parts)
    return None, first


def _counted_noun(token):
    """The noun the number counts: ``130 people`` -> people; ``65 of the fighters`` -> fighters."""
    head = token
    while head.dep_ in ("compound", "quantmod") and head.head is not head:
        head = head.head
    if head.dep_ == "nummod" and head.head.pos_ in ("NOUN", "PROPN"):
        return head.head
    if head.pos_ in ("NOUN", "PROPN") and head is not token and head.dep_ != "nummod":
        return head
    if head.pos_ == "NUM" or head is token:
        for child in head.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                objects = [c for c in child.children if c.dep_ == "pobj"]
                if objects and objects[0].pos_ in ("NOUN", "PROPN"):
                    return objects[0]
        if head.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj", "conj", "appos", "attr"):
            return head  # "130 were killed": the number stands for the group
    return None


def _to_death(verb) -> bool:
    """Whether a verb says its act killed: "shot to death", "beaten to death"."""
    return any(
        child.dep_ == "prep" and child.lower_ == "to"
        and any(g.lemma_.lower() == "death" for g in child.children)
        for child in verb.children
    )


def _outcome(noun):
    """What happened to the counted group, and the word that says so."""
    lemma = noun.lemma_.lower()
    if lemma in OUTCOMES:
        return OUTCOMES[lemma], noun
    for child in noun.children:
        if child.dep_ in ("acl", "relcl", "amod") and child.lemma_.lower() in OUTCOMES:
            return OUTCOMES[child.lemma_.lower()], child
    current = noun
    for _ in range(4):
        if (
            current.dep_ in ("nsubj", "nsubjpass", "dobj", "attr")
            or current.dep_ == "pobj"
            and current.head.lower_ in ("among", "including", "for")
        ):
            verb = current.head
            if current.dep_ == "pobj":
                verb = current.head.head
            if _to_death(verb):
                return "killed", verb  # "shot to death one person"
            if verb.lemma_.lower() in OUTCOMES:
                return OUTCOMES[verb.lemma_.lower()], verb
            for child in verb.children:
                if child.dep_ in ("acomp", "attr", "xcomp") and child.lemma_.lower() in OUTCOMES:
                    return OUTCOMES[child.lemma_.lower()], child
            if current.dep_ == "pobj":
                current = verb
                continue
            if verb.pos_ == "VERB" and current.dep_ in ("nsubjpass", "dobj"):
                word = verb.lower_ if verb.tag_ in ("VBN", "VBD") else verb.lemma_.lower()
                return word, verb
            return None, None
        if current.dep_ in ("conj", "appos", "pobj") or (
            current.dep_ == "prep" and current.lower_ == "of"
        ):
            current = current.head
            continue
        break
    return None, None


def _group_span(doc, noun, number_end: int):
    """The counted group as written: ``members of the HTS``, ``Syrian government soldiers``."""
    end = noun.i + 1
    for child in noun.children:
        if child.dep_ == "prep" and child.lower_ == "of" and child.i == noun.i + 1:
            end = child.right_edge.i + 1
    start = max(number_end, noun.left_edge.i)
    while start < noun.i and (doc[start].is_punct or doc[start].lower_ in ("of", "the")):
        start += 1
    return doc[start:end]


def _parent(noun, figures: list[Figure], offset: int) -> int | None:
    """The figure this one breaks down (``130 killed, including 65 members …``), if any."""
    current = noun
    for _ in range(5):
        head = current.head
        if head is current:
            return None
        if head.lower_ in ("including", "among"):
            before = offset + head.idx
            for index in range(len(figures) - 1, -1, -1):
                figure = figures[index]
                if (
                    figure.end <= before
                    and figure.parent is None
                    and figure.start >= offset + noun.sent.start_char
                ):
                    return index
            return None
        current = head
    return None


def _includes(noun, verb) -> list[str]:
    """The groups listed after ``including``."""
    groups = []
    heads = [noun] + ([verb] if verb is not None and verb is not noun else [])
    for child in (c for h in heads for c in h.children):
        if child.dep_ == "prep" and child.lower_ in ("including", "among"):
            for obj in child.children:
                if obj.dep_ == "pobj":
                    groups.extend(_conjuncts(obj))
    return groups


def _conjuncts(token) -> list[str]:
    items = [token] + list(token.conjuncts)
    names = []
    for item in items:
        skip = {t.i for c in item.children if c.dep_ in ("conj", "cc", "punct") for t in c.subtree}
        words = [t.i for t in item.subtree if t.i not in skip]
        names.append(item.doc[min(words) : max(words) + 1].text)
    return names
