"""Labels: the words an article uses to characterise actors and acts, and whose words they are.

Two kinds of words become labels:

- *designations* from the lexicon in :mod:`counterpoint.lexicon` ("terrorists",
  "rebel groups", "Islamist militants", "martyred"), widened to the modifiers that
  belong to them ("Takfiri terrorists", "foreign-backed terrorists"), neutral and
  loaded alike, so that a reader can compare them across outlets;
- *loaded wording* found by the model in :mod:`counterpoint.analyze.loaded`
  ("fierce criticism", "caved", "phony"), kind ``loaded``.

Each label's voice comes from :mod:`counterpoint.analyze.voice`: ``quoted`` inside
quotation marks that give someone's words (scare quotes do not), ``attributed`` in
the content of reported speech, ``own`` otherwise; the speaker is the source of the
quotation or reported speech.
"""

from __future__ import annotations

from counterpoint.analyze.loaded import LoadedModel, default_model
from counterpoint.analyze.voice import quotations, voice_of
from counterpoint.lexicon import ACTION_TERMS, ACTOR_TERMS, EVENT_TERMS, is_designation, is_loaded
from counterpoint.model import Attribution, Label, LabelKind, Mention, Span

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
    sentence_of,
    model: LoadedModel | None = None,
    states=None,
) -> list[Label]:
    """The labels of a parsed article body; ``offset`` is where the body starts.
    ``states`` are the body's MiniLM token states (computed when not given)."""
    model = model or default_model()
    if states is False:  # no encoder: the word features alone, at their own thresholds
        model = model.features_only
    quotes = quotations(doc.text, doc=doc)
    scores = model.word_scores(doc, states=states)

    def label(span, kind: LabelKind) -> Label:
        start, end = offset + span.start_char, offset + span.end_char
        voicing = voice_of(
            span.start_char, span.end_char, text=doc.text, quotes=quotes,
            attributions=attributions, offset=offset,
        )
        score = max(scores[span.start : span.end], default=0.0)
        return Label(
            start=start,
            end=end,
            text=span.text,
            voice=voicing.voice,
            speaker=voicing.speaker,
            kind=kind,
            target=_target(doc, span, offset, mentions, kind=kind, speaker=voicing.speaker),
            sentence=sentence_of(start),
            loaded=is_loaded(span.text) or score >= model.threshold,
            score=round(score, 3),
        )

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
        labels.append(label(span, kind))
    # Words of the designation lexicon stay designations (found above or deliberately not).
    used.update(t.i for t in doc if is_designation(t.text) or is_loaded(t.text))
    for found in model.spans(doc, scores=scores):
        for start, end in _outside(doc, found.start, found.end, used):
            if max(scores[start:end]) >= model.threshold:
                labels.append(label(doc[start:end], "loaded"))
    return sorted(labels, key=lambda lb: (lb.start, lb.end))


def _outside(doc, start: int, end: int, used: set[int]):
    """The parts of tokens ``start:end`` outside designations, trimmed of joining words
    and punctuation at their ends ("brutal" of "brutal regime")."""

    def joining(i: int) -> bool:
        return doc[i].lower_ in ("and", "or") or not any(c.isalpha() for c in doc[i].text)

    part: list[int] = []
    for i in [*range(start, end), None]:
        if i is not None and i not in used:
            part.append(i)
            continue
        while part and joining(part[-1]):
            part.pop()
        while part and joining(part[0]):
            part.pop(0)
        if part:
            yield part[0], part[-1] + 1
        part = []


def _kind(token) -> LabelKind | None:
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


PRONOUNS = {
    "he": "PERSON", "him": "PERSON", "his": "PERSON", "she": "PERSON", "her": "PERSON",
    "hers": "PERSON", "himself": "PERSON", "herself": "PERSON",
    "it": "ORG", "its": "ORG", "they": "ORG", "them": "ORG", "their": "ORG",
}
"""Pronouns a label's actor may be, and the kind of name they stand for."""
_SUBJECTS = ("nsubj", "nsubjpass", "agent", "csubj")


def _target(
    doc, span, offset, mentions, *, kind: str = "loaded", speaker: str | None = None
) -> Span | None:
    """The named mention the label characterises or whose act it describes.

    In order: a name inside the label or attached to it (``HTS terrorist group``,
    ``militants from HTS``, an apposition); for a verb (``stormed``, ``railed``,
    ``was martyred``), its subject; for a predicate (``X is a terrorist group``, ``X was
    defiant``), the subject of the clause; for a modifier (``his lavish lifestyle``), the
    owner or name of the phrase it modifies; else the subject of the clause the label
    stands in. A pronoun stands for the nearest name of its kind before it.

    A designation of an actor or an act (``Takfiri terrorists``, ``terror attacks``) names
    its own referent, not the subject of its clause ("he was killed by terrorists"): it
    is tied to a name attached to it, or as a predicate to its subject, else left for the
    comparison to tie across the event. Only a person or an organisation is an actor, and
    the speaker of the words is not what they describe: such a match leaves the label
    unlinked rather than tied to the wrong actor.
    """
    found = _attached(doc, span, offset, mentions, kind=kind)
    if found is not None:
        return found
    if kind in ("actor", "event") and span.root.dep_ not in ("attr", "oprd", "acomp"):
        return None
    if span.root.dep_ == "relcl" or span.root.head.dep_ == "relcl" and span.root.dep_ != "nsubj":
        relative = span.root if span.root.dep_ == "relcl" else span.root.head
        if any(c.lower_ in ("who", "whom", "whose") for c in relative.children):
            before = offset + relative.left_edge.idx
            people = [m for m in mentions if m.end <= before and m.type == "PERSON"]
            if people:
                return _as_span(people[-1])
    said_by = {w.lower() for w in (speaker or "").split() if len(w) > 2}
    for token in _actor_tokens(span):
        found = _named(doc, token, offset, mentions)
        if found is not None:
            if said_by & {w.lower().strip("’'s") for w in found.text.split()}:
                return None  # the speaker, not whom the words are about
            return found
    return None


def _attached(doc, span, offset, mentions, *, kind: str) -> Span | None:
    head = span.root
    if head.pos_ == "VERB":
        return None
    lo, hi = offset + span.start_char, offset + span.end_char
    # a nationality inside names the actor of an act ("Israeli aggression"), not of a
    # designation of people ("Islamist militants")
    skip = ("NORP", "GPE") if kind == "actor" else ()
    inside = [m for m in mentions if lo <= m.start and m.end <= hi and m.type not in skip]
    if inside:  # "HTS terrorists"
        return _as_span(inside[0])
    candidates = list(head.children)
    if head.dep_ == "appos":
        candidates.append(head.head)
    for child in head.children:
        if child.dep_ == "prep" and child.lower_ in ("from", "of", "with", "in", "belonging"):
            candidates.extend(c for c in child.children if c.dep_ == "pobj")
    for token in candidates:
        if token.dep_ in ("relcl", "acl"):
            continue  # a clause about the phrase, not a name of it
        sub = doc[token.left_edge.i : token.right_edge.i + 1]
        lo, hi = offset + sub.start_char, offset + sub.end_char
        inside = [
            m for m in mentions if lo <= m.start and m.end <= hi and m.type not in ("NORP", "GPE")
        ]
        if inside:
            return _as_span(min(inside, key=lambda m: m.start))
    return None


def _actor_tokens(span):
    """Tokens that may name the label's actor, nearest first."""
    head = span.root
    seen = 0
    while head.dep_ in ("amod", "compound", "advmod", "npadvmod", "det", "nummod", "poss",
                        "conj", "acomp", "attr", "dobj", "pobj", "prep", "oprd", "xcomp",
                        "ccomp", "advcl", "aux", "neg", "prt") and seen < 6:
        if head.pos_ in ("VERB", "AUX") and head.dep_ not in ("xcomp", "conj", "amod"):
            break
        if head.dep_ in ("amod", "compound", "poss", "det", "nummod") and head.head.pos_ in (
            "NOUN", "PROPN"
        ):
            noun = head.head
            yield from (c for c in noun.children if c.dep_ == "poss")
            yield from (c for c in noun.children if c.dep_ == "compound")
        if head.dep_ == "relcl":
            break
        head = head.head
        seen += 1
    if head.dep_ == "relcl":  # "… who was martyred": the one it is said of
        yield head.head
    for verb in (head, head.head):
        subjects = [c for c in verb.children if c.dep_ in _SUBJECTS]
        for subject in subjects:
            yield subject
            yield from (c for c in subject.children if c.dep_ == "pobj")
        if subjects:
            return


def _named(doc, token, offset, mentions) -> Span | None:
    """The name ``token``'s phrase holds, or that a pronoun ``token`` stands for."""
    kind = PRONOUNS.get(token.lower_)
    if kind is not None:
        before = offset + token.idx
        wanted = ("PERSON",) if kind == "PERSON" else ("ORG", "NORP")
        earlier = [m for m in mentions if m.end <= before and m.type in wanted]
        return _as_span(earlier[-1]) if earlier else None
    sub = doc[token.left_edge.i : token.right_edge.i + 1]
    lo, hi = offset + sub.start_char, offset + sub.end_char
    people = [m for m in mentions if lo <= m.start and m.end <= hi and m.type in ("PERSON", "ORG")]
    if not people:
        return None
    at = offset + token.idx
    return _as_span(min(people, key=lambda m: (not m.start <= at < m.end, abs(m.start - at))))


def _as_span(mention) -> Span:
    return Span(start=mention.start, end=mention.end, text=mention.text)
