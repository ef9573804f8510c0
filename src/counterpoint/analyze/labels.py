"""Labels: the words an article uses to characterise actors and acts, and whose words they are.

A label is a term from the designation lexicon below ("terrorists", "rebel
groups", "Islamist militants", "martyred"), widened to the modifiers that belong
to it ("Takfiri terrorists", "foreign-backed terrorists"). Its voice is

- ``quoted`` when it stands inside quotation marks,
- ``attributed`` when it stands in the content of reported speech,
- ``own`` otherwise: the outlet's own words.

The speaker is the source of the quotation or reported speech.
"""

from __future__ import annotations

from counterpoint.lexicon import ACTION_TERMS, ACTOR_TERMS, EVENT_TERMS, is_designation
from counterpoint.model import Attribution, Label, Mention, Span

_TERM_TAGS = {"NOUN", "PROPN", "ADJ", "VERB"}
# Nouns a designation can head: "terrorist group", "rebel forces", "terror attacks".
GROUP_NOUNS = {
    "group",
    "force",
    "faction",
    "organization",
    "organisation",
    "outfit",
    "cell",
    "network",
    "movement",
    "army",
    "unit",
    "member",
    "element",
    "operation",
    "attack",
    "assault",
    "camp",
    "leader",
    "commander",
    "coalition",
    "alliance",
    "offensive",
    "activity",
    "act",
    "plot",
    "campaign",
    "violence",
    "threat",
    "insurgency",
    "government",
    "state",
    "sympathizer",
    "supporter",
    "ideology",
    "propaganda",
}
# Designations that, as modifiers of other nouns, usually describe things, not actors
# ("fighter jets", "opposition positions").
WEAK_MODIFIERS = {
    "fighter",
    "opposition",
    "resistance",
    "militia",
    "rebel",
    "gang",
    "criminal",
    "radical",
}


def find_labels(
    doc,
    *,
    offset: int,
    attributions: list[Attribution],
    mentions: list[Mention],
    quotes: list[tuple[int, int]],
    sentence_of,
) -> list[Label]:
    labels: list[Label] = []
    used: set[int] = set()
    for token in doc:
        if token.i in used or token.pos_ not in _TERM_TAGS:
            continue
        kind = _kind(token)
        if kind is None:
            continue
        span = _widen(doc, token) if kind != "action" else doc[token.i : token.i + 1]
        if span is None:
            continue
        used.update(range(span.start, span.end))
        start, end = offset + span.start_char, offset + span.end_char
        voice, speaker = _voice(start, end, offset, attributions, quotes)
        labels.append(
            Label(
                start=start,
                end=end,
                text=span.text,
                voice=voice,
                speaker=speaker,
                kind=kind,
                target=_target(doc, span, offset, mentions),
                sentence=sentence_of(start),
            )
        )
    return labels


def _kind(token) -> str | None:
    lemma = token.lemma_.lower()
    lower = token.lower_
    if token.pos_ == "VERB":
        return "action" if lemma in ACTION_TERMS or lower in ACTION_TERMS else None
    if token.ent_type_ in ("PERSON", "GPE", "LOC", "FAC", "ORG") and token.pos_ == "PROPN":
        return None
    words = {lemma, lower, lower.rstrip("s"), lower.removesuffix("es")}
    if words & ACTOR_TERMS:
        return "actor"
    if words & EVENT_TERMS:
        return "event"
    return None


def _widen(doc, token):
    """The term with its own modifiers: head noun plus adjectives and compounds before it."""
    head = token
    if (
        token.dep_ in ("amod", "compound")
        and token.head.pos_ in ("NOUN", "PROPN")
        and token.head.i > token.i
    ):
        noun = token.head
        if noun.lemma_.lower() in GROUP_NOUNS or is_designation(noun.text):
            head = noun
        elif token.lemma_.lower() in WEAK_MODIFIERS or token.lower_ in WEAK_MODIFIERS:
            return None
    start = head.i
    for child in sorted(head.lefts, key=lambda t: -t.i):
        if child.i != start - 1:
            break
        if child.dep_ in ("amod", "compound", "npadvmod") and (
            child.ent_type_ in ("", "NORP") or is_designation(child.text)
        ):
            start = child.i
            while start > 0 and doc[start - 1].text == "-" and start - 2 >= 0:
                start -= 2
        else:
            break
    while start < head.i and (doc[start].is_punct or doc[start].like_num):
        start += 1
    return doc[start : head.i + 1]


def _voice(start: int, end: int, offset: int, attributions, quotes):
    """Quoted, attributed or own; the speaker is that of the innermost speech around the term."""
    around = [x for x in attributions if x.content.start - 1 <= start and end <= x.content.end + 1]
    speaker = min(around, key=lambda x: x.content.end - x.content.start).speaker if around else None
    if any(offset + q0 <= start and end <= offset + q1 for q0, q1 in quotes):
        return "quoted", speaker
    if around:
        return "attributed", speaker
    return "own", None


def _target(doc, span, offset, mentions) -> Span | None:
    """The named mention the label characterises: ``HTS terrorist group``, ``militants from HTS``."""
    head = span.root
    if head.pos_ == "VERB":  # "… who was martyred": the one it happened to
        subjects = [c for c in head.children if c.dep_ in ("nsubjpass", "nsubj")]
        if head.dep_ == "relcl":
            subjects = [head.head]
        head = subjects[0] if subjects else head
        if head is span.root:
            return None
        sub = doc[head.left_edge.i : head.right_edge.i + 1]
        lo, hi = offset + sub.start_char, offset + sub.end_char
        people = [m for m in mentions if lo <= m.start and m.end <= hi and m.type == "PERSON"]
        return (
            Span(start=people[0].start, end=people[0].end, text=people[0].text) if people else None
        )
    lo, hi = offset + span.start_char, offset + span.end_char
    inside = [
        m for m in mentions if lo <= m.start and m.end <= hi and m.type not in ("NORP", "GPE")
    ]
    if inside:  # "HTS terrorists"
        return Span(start=inside[0].start, end=inside[0].end, text=inside[0].text)
    candidates = list(head.children)
    if head.dep_ == "appos":
        candidates.append(head.head)
    for child in head.children:
        if child.dep_ == "prep" and child.lower_ in ("from", "of", "with", "in", "belonging"):
            candidates.extend(c for c in child.children if c.dep_ == "pobj")
    for token in candidates:
        sub = doc[token.left_edge.i : token.right_edge.i + 1]
        lo, hi = offset + sub.start_char, offset + sub.end_char
        inside = [
            m for m in mentions if lo <= m.start and m.end <= hi and m.type not in ("NORP", "GPE")
        ]
        if inside:
            first = min(inside, key=lambda m: m.start)
            return Span(start=first.start, end=first.end, text=first.text)
    return None
