"""Claims: the clause-level propositions of each sentence, read off the dependency parse.

A sentence often says more than one checkable thing ("Grimm pleaded not guilty and was
released on bail"). Each independent clause is a claim: its span, its predicate (the clause
head's lemma), whether it is negated, its modality ("may", "plans to"), the words of its
participants (who did it, to whom) and, when it stands in reported speech or a quotation, who
said it. The comparison aligns claims, not whole sentences, so that two sentences about the
same people that say different things can stay apart.

A clause is independent when it is the sentence's root or a verb coordinated with it that has
a subject of its own; a semicolon also ends a clause. Everything else (relative clauses,
reported content) stays inside the claim whose head governs it. A named mention described in
apposition ("Pour Hashemi, a senior military advisor") or in a relative clause ("Pour Hashemi,
who was killed in Syria") makes a claim of its own as well, which overlaps the clause it stands
in. The comparison reads the clause without them (:mod:`counterpoint.compare.facts`): a
relative clause's claim is a report of its own; a description in apposition is not compared.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from counterpoint.model import Attribution, Claim, Sentence

SUBJECTS = {"nsubj", "nsubjpass", "csubj", "expl"}
OBJECTS = {"dobj", "pobj", "attr", "oprd", "dative", "obj"}
MODALS = {"may", "might", "could", "would", "should", "can", "must"}
INTENT = {"plan", "expect", "want", "hope", "threaten", "intend", "seek", "try", "vow", "aim",
          "propose", "consider", "promise", "pledge"}
NEGATIONS = {"not", "n't", "never", "no"}
_TRIM = " \t\n,;:-–—"
_TAIL = re.compile(r"(?:[\s,;:–—-]+(?:and|but|or|yet|while|whereas))?[\s,;:–—-]*$")
"""What ends a clause before the next: punctuation and the conjunction joining them."""
CONTENT_POS = {"NOUN", "PROPN", "VERB", "ADJ", "NUM"}


def lemmas(span) -> tuple[str, ...]:
    """The content lemmas of a span of the parse: what aligning statements compares."""
    return tuple(
        t.lemma_.lower()
        for t in span
        if t.pos_ in CONTENT_POS and not t.is_stop and (t.is_alpha or t.like_num)
    )


def find_claims(
    doc, *, offset: int, sentences: Sequence[Sentence], attributions: Sequence[Attribution]
) -> list[Claim]:
    """The claims of every sentence, in order; each sentence yields at least one."""
    claims: list[Claim] = []
    for index, sentence in enumerate(sentences):
        span = doc.char_span(
            sentence.start - offset, sentence.end - offset, alignment_mode="expand"
        )
        heads = _clause_heads(span) if span is not None and len(span) else []
        bounds = _bounds(span, heads, offset, sentence) if heads else [(sentence.start,
                                                                         sentence.end, None)]
        for start, end, head in bounds:
            text = doc.text[start - offset : end - offset]
            piece = doc.char_span(start - offset, end - offset, alignment_mode="expand")
            claim = _claim(text, start, end, index, head, attributions)
            claims.append(replace(claim, lemmas=lemmas(piece) if piece is not None else ()))
        if span is not None:
            claims += [_described(doc, offset, index, name, noun, attributions)
                       for name, noun in _appositions(span)]
            claims += [_told_of(doc, offset, index, name, verb, attributions)
                       for name, verb in _relatives(span)]
    return sorted(claims, key=lambda c: (c.sentence, c.start, -c.end))


def _appositions(span):
    """(name, description) for each named mention the sentence describes in apposition:
    "Kioumars Pour Hashemi, a senior military advisor of the IRGC"."""
    for token in span:
        if (token.dep_ == "appos" and token.pos_ == "NOUN" and token.head.pos_ == "PROPN"
                and token.head.i < token.i and len(list(token.subtree)) > 1):
            yield token.head, token


def _relatives(span):
    """(name, verb) for each named mention a relative clause tells something of: "X, who
    was killed in Syria this week"."""
    for token in span:
        if token.dep_ != "relcl" or token.pos_ not in ("VERB", "AUX") or not any(
            c.dep_ in SUBJECTS and c.lower_ in ("who", "which", "that") for c in token.children
        ):
            continue
        name = token.head
        if name.pos_ == "NOUN" and name.dep_ == "appos":
            name = name.head  # "X, a senior advisor, who was killed": told of X
        if name.pos_ == "PROPN":
            yield name, token


def _told_of(doc, offset: int, index: int, name, verb, attributions) -> Claim:
    """The claim a relative clause makes of a name ("X, who was killed in Syria": X was
    killed in Syria), from the name to the clause's end, with the clause's predicate."""
    first, last = min(name.left_edge.i, name.i), verb.right_edge.i
    start, end = offset + doc[first].idx, offset + doc[last].idx + len(doc[last].text)
    claim = _claim(doc.text[start - offset : end - offset], start, end, index, verb,
                   attributions)
    return replace(claim, lemmas=lemmas(doc[first : last + 1]))


def _described(doc, offset: int, index: int, name, noun, attributions) -> Claim:
    """The claim an apposition makes ("X, a senior advisor": X is a senior advisor): its own,
    so that a report that only describes X the same way pairs with it, not with what the
    sentence tells of X."""
    first = min(name.left_edge.i, name.i)
    last = noun.right_edge.i
    clauses = [c.left_edge.i for c in noun.children if c.dep_ == "relcl"]
    if clauses:  # "a senior advisor, who was killed": the clause is a claim of its own
        last = min(clauses) - 1
        while last > noun.i and doc[last].is_punct:
            last -= 1
    words = [t.text for t in doc[first : last + 1]]
    if words.count("(") > words.count(")") and last + 1 < len(doc) and doc[last + 1].text == ")":
        last += 1  # "(IRGC)"
    start, end = offset + doc[first].idx, offset + doc[last].idx + len(doc[last].text)
    text = doc.text[start - offset : end - offset]
    claim = _claim(text, start, end, index, None, attributions)
    described = tuple(dict.fromkeys(
        t.lower_ for t in name.subtree
        if (t.i < noun.left_edge.i or t.i > noun.right_edge.i) and t.is_alpha and not t.is_stop
    ))
    return replace(claim, predicate="be", agents=described, patients=_words([noun]),
                   lemmas=lemmas(doc[first : last + 1]))


def _clause_heads(span) -> list:
    """The heads of the sentence's independent clauses, in text order."""
    roots = [t for t in span if t.dep_ == "ROOT" or t.head.i < span.start or t.head.i >= span.end]
    heads = []
    for root in roots[:1]:
        heads.append(root)
        stack = [root]
        while stack:
            head = stack.pop()
            for child in head.children:
                if child.dep_ == "conj" and child.pos_ in ("VERB", "AUX") and _has_subject(child):
                    heads.append(child)
                    stack.append(child)
    return sorted(heads, key=lambda t: t.i)


def _has_subject(token) -> bool:
    return any(c.dep_ in SUBJECTS for c in token.children)


def _bounds(span, heads, offset: int, sentence: Sentence) -> list[tuple[int, int, object]]:
    """Character bounds of each clause: a clause runs from its subject's left edge to the
    next clause's; a semicolon between two tokens of a clause splits it too."""
    cuts = [sentence.start]
    for head in heads[1:]:
        left = min([head.left_edge.i] + [c.left_edge.i for c in head.children
                                          if c.dep_ in SUBJECTS])
        cuts.append(offset + span.doc[left].idx)
    for token in span:
        if token.text == ";" and token.i + 1 < span.end:
            cuts.append(offset + span.doc[token.i + 1].idx)
    cuts = sorted({c for c in cuts if sentence.start <= c < sentence.end})
    bounds = []
    for k, start in enumerate(cuts):
        end = cuts[k + 1] if k + 1 < len(cuts) else sentence.end
        text = sentence.text[start - sentence.start : end - sentence.start]
        stripped = _TAIL.sub("", text) if k + 1 < len(cuts) else text.rstrip()
        lead = len(stripped) - len(stripped.lstrip(_TRIM))
        if not stripped[lead:].strip():
            continue
        inside = [h for h in heads if start <= offset + h.idx < end]
        bounds.append((start + lead, start + len(stripped), inside[0] if inside else None))
    if len(bounds) < 2:
        return [(sentence.start, sentence.end, heads[0])]
    return bounds


SPEECH = {"say", "tell", "report", "add", "state", "announce", "claim", "write", "note",
          "explain", "insist", "argue", "warn", "confirm", "according"}
"""Verbs of speech: the claim of "X said the bill failed" is the content's."""


def _claim(text, start, end, index, head, attributions) -> Claim:
    predicate, negated, modal = "", False, None
    agents: tuple[str, ...] = ()
    patients: tuple[str, ...] = ()
    if head is not None and head.lemma_.lower() in SPEECH:
        content = [c for c in head.children if c.dep_ in ("ccomp", "xcomp")]
        head = content[0] if content else head
    if head is not None:
        predicate = head.lemma_.lower()
        negated = any(c.dep_ == "neg" or c.lower_ in NEGATIONS for c in head.children)
        modal = next((c.lower_ for c in head.children if c.lower_ in MODALS), None)
        if modal is None and head.lemma_.lower() in INTENT:
            modal = head.lemma_.lower()
        agents = _words(c for c in head.children if c.dep_ in SUBJECTS)
        patients = _words(
            g
            for c in head.children
            if c.dep_ in OBJECTS or c.dep_ == "prep"
            for g in ([c] if c.dep_ in OBJECTS else [x for x in c.children if x.dep_ == "pobj"])
        )
    speaker = None
    for attribution in attributions:
        c = attribution.content
        if attribution.kind == "speech" and attribution.speaker and c.start <= start < c.end:
            speaker = attribution.speaker
            break
        if attribution.kind == "speech" and attribution.speaker and start <= c.start < end:
            speaker = attribution.speaker
    return Claim(
        start=start,
        end=end,
        text=text,
        sentence=index,
        predicate=predicate,
        negated=negated,
        modal=modal,
        agents=agents,
        patients=patients,
        speaker=speaker,
    )


def _words(tokens) -> tuple[str, ...]:
    """Lower-case content words of the participants' phrases (their whole subtrees)."""
    words = []
    for token in tokens:
        for t in token.subtree:
            if (t.is_alpha or t.like_num) and not t.is_stop and t.pos_ in ("NOUN", "PROPN", "NUM"):
                words.append(t.lemma_.lower() if t.pos_ == "NOUN" else t.lower_)
    return tuple(dict.fromkeys(words))
