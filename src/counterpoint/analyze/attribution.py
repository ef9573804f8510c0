"""Who says what: quotes, reported speech and "according to".

An attribution has a cue (the verb or phrase that signals speech), a content
span (what is said) and, usually, a source (who says it). The patterns, read
off the dependency parse:

- ``X said (that) C`` / ``X described Y as C``: the cue's subject is the source,
  its clausal complement the content;
- ``C, X reported Thursday``: the cue hangs off the content's main verb;
- ``according to X, C``;
- ``“C,” X said`` and ``X said: “C”``: the quoted text is the content.

A pronoun source ("it", "he") takes the nearest earlier named source.
"""

from __future__ import annotations

import re

from counterpoint.model import Attribution, Span

CUES = {
    "say",
    "tell",
    "report",
    "add",
    "claim",
    "state",
    "announce",
    "confirm",
    "describe",
    "accuse",
    "warn",
    "deny",
    "quote",
    "cite",
    "note",
    "insist",
    "allege",
    "argue",
    "believe",
    "estimate",
    "explain",
    "write",
    "suggest",
    "declare",
    "acknowledge",
    "admit",
    "assert",
    "call",
    "brand",
    "label",
    "term",
    "dub",
    "condemn",
    "predict",
    "reveal",
    "stress",
    "urge",
    "tweet",
    "post",
    "indicate",
    "maintain",
    "contend",
    "testify",
    "vow",
    "threaten",
    "blame",
}
PRONOUNS = {"it", "he", "she", "they", "we", "i", "you", "this", "who", "which", "that"}
_QUOTE = re.compile(r"[\"“”]([^\"“”]{1,800}?)[\"“”]")


def quote_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every quotation, quotation marks excluded."""
    spans = []
    for match in _QUOTE.finditer(text):
        opener = text[match.start()]
        if opener == "”":
            continue
        spans.append((match.start(1), match.end(1)))
    return spans


def find_attributions(doc, *, offset: int, mentions) -> list[Attribution]:
    found: list[Attribution] = []
    quotes = quote_spans(doc.text)
    last_speaker: str | None = None
    for sent in doc.sents:
        sent_quotes = [q for q in quotes if sent.start_char <= q[0] < sent.end_char]
        for token in sent:
            attribution = _from_cue(doc, token, sent, sent_quotes, offset, mentions, last_speaker)
            if attribution is not None:
                found.append(attribution)
            named = _named_subject(doc, token, offset, mentions)
            if named:
                last_speaker = named
    return found


def _named_subject(doc, token, offset, mentions) -> str | None:
    """The speaker a later pronoun can refer to: the named subject of a cue verb."""
    if token.lemma_.lower() not in CUES or token.pos_ not in ("VERB", "AUX"):
        return None
    for child in token.children:
        if child.dep_ == "nsubj" and child.lower_ not in PRONOUNS:
            sub = _subtree(child)
            s0, s1 = _trim(doc.text, sub.start_char, sub.end_char)
            return _speaker(doc.text[s0:s1], offset + s0, offset + s1, mentions)
    return None


def _from_cue(doc, token, sent, sent_quotes, offset, mentions, last_speaker):
    if token.lower_ == "according" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "to":
        objects = [c for c in doc[token.i + 1].children if c.dep_ == "pobj"]
        if not objects:
            return None
        source = _subtree(objects[0])
        cue = doc[token.i : token.i + 2]
        content = _rest_of_sentence(sent, exclude=(token.i, source.end))
        return _make(doc, cue, source, content, sent_quotes, offset, mentions, last_speaker)
    if token.pos_ not in ("VERB", "AUX") and token.lemma_ != "report":
        return None
    if token.lemma_.lower() not in CUES:
        return None
    subjects = [c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")]
    agents = [
        g for c in token.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"
    ]
    source_token = (agents or [s for s in subjects if s.dep_ == "nsubj"] or [None])[0]
    if (
        source_token is None
        and token.dep_ in ("advcl", "xcomp", "conj")
        and token.head.lemma_.lower() in CUES | {"link"}
    ):
        # "X reported, adding that …": the added clause has the head verb's source
        source_token = next((c for c in token.head.children if c.dep_ == "nsubj"), None)
    content = None
    for child in token.children:
        if child.dep_ == "ccomp" or (child.dep_ == "xcomp" and child.i > token.i):
            content = _subtree(child)
            break
        if (
            child.dep_ == "prep"
            and child.lower_ == "as"
            and token.lemma_ in ("describe", "brand", "label")
        ):
            content = _subtree(child)
            content = doc[content.start + 1 : content.end]
            break
        if child.dep_ == "dobj" and token.lemma_ in ("call", "brand", "label", "term", "dub"):
            content = _subtree(child)
    if (
        content is None
        and token.dep_ in ("parataxis", "ccomp", "advcl", "conj")
        and token.head.i < token.i
    ):
        head = token.head
        content = _span_without(doc, _subtree(head), _subtree(token))
    if content is None:
        content = _quote_near(doc, token, sent_quotes)
    if content is None or len(content) == 0:
        return None
    source = _subtree(source_token) if source_token is not None else None
    return _make(
        doc,
        doc[token.i : token.i + 1],
        source,
        content,
        sent_quotes,
        offset,
        mentions,
        last_speaker,
    )


def _make(doc, cue, source, content, sent_quotes, offset, mentions, last_speaker):
    content_start, content_end = _trim(doc.text, content.start_char, content.end_char)
    if content_end <= content_start:
        return None
    direct = any(q0 <= content_start and content_end <= q1 + 1 for q0, q1 in sent_quotes) or any(
        content_start <= q0
        and q1 <= content_end
        and (q1 - q0) >= 0.6 * (content_end - content_start)
        for q0, q1 in sent_quotes
    )
    source_span = None
    speaker = None
    if source is not None:
        s0, s1 = _trim(doc.text, source.start_char, source.end_char)
        source_span = Span(start=offset + s0, end=offset + s1, text=doc.text[s0:s1])
        speaker = _speaker(doc.text[s0:s1], offset + s0, offset + s1, mentions)
        if speaker is None or speaker.lower() in PRONOUNS:
            speaker = last_speaker
    c0, c1 = cue[0].idx, cue[-1].idx + len(cue[-1].text)
    return Attribution(
        source=source_span,
        cue=Span(start=offset + c0, end=offset + c1, text=doc.text[c0:c1]),
        content=Span(
            start=offset + content_start,
            end=offset + content_end,
            text=doc.text[content_start:content_end],
        ),
        direct=direct,
        speaker=speaker,
    )


def _speaker(source_text: str, start: int, end: int, mentions) -> str | None:
    """A name for the source: its longest named mention, else the phrase minus articles."""
    inside = [m for m in mentions if start <= m.start and m.end <= end and m.type != "NORP"]
    if inside:
        return max(inside, key=lambda m: m.end - m.start).text
    words = source_text.split()
    while words and words[0].lower() in ("the", "a", "an"):
        words = words[1:]
    text = " ".join(words[:6])
    return text or None


def _subtree(token):
    doc = token.doc
    return doc[token.left_edge.i : token.right_edge.i + 1]


def _span_without(doc, outer, inner):
    """The part of ``outer`` before ``inner`` (content before a trailing cue clause)."""
    if inner.start > outer.start:
        return doc[outer.start : inner.start]
    return doc[inner.end : outer.end]


def _rest_of_sentence(sent, *, exclude):
    doc = sent.doc
    lo, hi = exclude
    if lo - sent.start > sent.end - hi:
        return doc[sent.start : lo]
    return doc[hi : sent.end]


def _quote_near(doc, token, sent_quotes):
    """A quotation right before (``“…,” she said``) or right after (``said: “…”``) the cue."""
    cue_start = token.left_edge.idx if token.dep_ != "ROOT" else token.idx
    cue_end = token.idx + len(token.text)
    for q0, q1 in sent_quotes:
        before = 0 <= cue_start - q1 <= 4 or 0 <= token.idx - q1 <= 4
        after = 0 <= q0 - cue_end <= 4
        if before or after:
            span = doc.char_span(q0, q1, alignment_mode="expand")
            if span is not None:
                return span
    return None


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    junk = " \t\n,;:.\"“”'’"
    while start < end and text[start] in junk:
        start += 1
    while end > start and text[end - 1] in junk:
        end -= 1
    return start, end
