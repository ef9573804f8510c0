"""Voice: whose words a span of an article is, and who the speaker is.

A span is

- ``quoted`` when every word of it stands inside a quotation that gives someone's
  words,
- ``attributed`` when it stands in the content of reported speech
  (``the army said the terrorists had fled``),
- ``own`` otherwise: the outlet's own words. The content of a *stance*
  (``Republicans criticized the plan``) is in the writer's words too: it names
  what the source is against, it does not report what they said.

Quotation marks are read by :func:`counterpoint.analyze.attribution.find_quotes`.
Not every pair of marks holds someone's words. Given the parse, :func:`quotations`
leaves out two kinds of *mention*, where the writer holds a word up rather than
quoting a speaker:

- a scare quote: a single quoted word that does its work inside the writer's own
  sentence (``he "certainly" does not``, ``participating in a "scheme" that``,
  ``a political "cover-up" of``), unless the sentence names it as what was said
  or what someone was called (``called Biden "unhinged."``, ``referred to him as
  a "jackass."``, ``said "no"``);
- a quoted modifier of a noun outside the quotation (``on "religious freedom"
  grounds``): no one said the phrase; it names a kind of thing.

A word in a mention is voiced as if the marks were not there: ``attributed`` in
reported speech (``he said he "respects" Grassley``), ``own`` otherwise.

The speaker of a quotation is the source of the innermost reported speech around
the span, else of the speech whose content overlaps the quotation, else of a cue
right next to it (``"…," she said``); a paragraph that only continues a quotation
keeps the speaker of the paragraph before.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from counterpoint.analyze.attribution import Quote, find_quotes
from counterpoint.analyze.attribution.cues import CUE_VERBS
from counterpoint.model import Attribution, Voice

__all__ = ["Quotation", "Voicing", "is_mention", "quotations", "voice_of"]

Quotation = Quote
"""A quotation: quoted text from ``start`` to ``end`` (marks excluded)."""

_WORD = re.compile(r"\w")
_ONE_WORD = re.compile(r"\W*\w+(?:[-'’]\w+)*\W*")
NEAR = 40
"""Characters between a quotation and a cue that still tie them (``"…," the mayor said``)."""
NAMING = {"call", "dub", "label", "brand", "term", "name", "nickname", "describe",
          "characterize", "refer", "deem", "title", "christen", "declare", "pronounce"}
"""Verbs that name what someone or something is called: their quoted object is a quotation."""
_MODIFIER = ("compound", "amod", "nmod")
_MARKS = "“”\"'"
_SAID = ("dobj", "ccomp", "xcomp", "oprd", "attr", "acomp", "intj", "dep", "parataxis")


@dataclass(frozen=True, slots=True, kw_only=True)
class Voicing:
    voice: Voice
    speaker: str | None
    source: str | None = None
    """The source as written ("Lis Smith, a spokeswoman for the Obama campaign")."""


def quotations(text: str, *, doc=None) -> list[Quote]:
    """The quotations in ``text`` that give someone's words, in order; offsets are into
    ``text``. With ``doc``, the spaCy parse of ``text``, mentions are left out."""
    quotes = find_quotes(text)
    if doc is None:
        return quotes
    return [q for q in quotes if not is_mention(q, doc, text=text)]


def is_mention(quote: Quote, doc, *, text: str | None = None) -> bool:
    """Whether the writer holds the quoted words up rather than quoting someone: a scare
    quote or a quoted modifier (see the module's description). ``text`` is ``doc.text``,
    when the caller has it already."""
    text = doc.text if text is None else text
    span = doc.char_span(quote.start, quote.end, alignment_mode="expand")
    words = [t for t in span or () if quote.start <= t.idx < quote.end and not t.is_punct]
    if not words:
        return False
    inside = {t.i for t in words}
    roots = [t for t in words if t.head.i not in inside or t.head.i == t.i]
    heads = {t.head.i for t in roots}
    if len(heads) == 1 and all(t.dep_ in _MODIFIER for t in roots):
        head = roots[0].head
        if head.idx >= quote.end and head.pos_ in ("NOUN", "PROPN"):
            return True  # on "religious freedom" grounds
    if len(roots) != 1 or not _ONE_WORD.fullmatch(text[quote.start : quote.end]):
        return False
    root = roots[0]
    sentence = root.sent
    if not any(t.is_alpha for t in sentence if t.idx < quote.start - 1):
        return False  # a sentence of its own, or the one that opens it: “Never,” he said.
    return not _named(root) and not _said(root, quote) and not _listed(root, quote, text)


def _named(token) -> bool:
    """``called Biden "unhinged"``, ``referred to him as a "jackass"``, ``dismissed it as
    "garbage"``: the quoted word is what someone was called."""
    current = token
    for _ in range(4):
        if current.dep_ == "prep" and current.lower_ == "as":
            return True
        if current.pos_ in ("VERB", "AUX") and current is not token:
            return current.lemma_.lower() in NAMING
        if current.head.i == current.i:
            return False
        current = current.head
    return False


def _listed(token, quote: Quote, text: str) -> bool:
    """``were "standardless" and "recordless."``: one of a series of quoted words, which
    gives the speaker's wording rather than holding up the writer's."""
    others = [*(c for c in token.children if c.dep_ == "conj"),
              *([token.head] if token.dep_ == "conj" else [])]
    return any(
        not quote.start <= other.idx < quote.end
        and other.idx > 0 and text[other.idx - 1] in _MARKS
        for other in others
    )


def _said(token, quote: Quote) -> bool:
    """``she said "no"``, ``he replied: "Never."``: the quoted word is all that was said."""
    head = token.head
    lo, hi = token.left_edge.idx, token.right_edge.idx + len(token.right_edge.text)
    return (
        head.pos_ in ("VERB", "AUX") and head.lemma_.lower() in CUE_VERBS
        and token.dep_ in _SAID
        and quote.start - 1 <= lo and hi <= quote.end + 1
    )


def voice_of(
    start: int,
    end: int,
    *,
    text: str,
    quotes: Sequence[Quotation],
    attributions: Sequence[Attribution],
    offset: int = 0,
) -> Voicing:
    """The voice and speaker of ``text[start:end]``.

    ``quotes`` come from :func:`quotations` over ``text``; ``attributions`` and the
    returned speaker use article offsets, which are ``offset`` more than offsets into
    ``text`` (an article's body may start after a prefix).
    """
    around = [
        a for a in attributions
        if a.kind == "speech"
        and a.content.start - 1 <= start + offset and end + offset <= a.content.end + 1
    ]
    inner = min(around, key=lambda a: a.content.end - a.content.start) if around else None
    quote = _quotation_of(start, end, text, quotes)
    if quote is None:
        if inner is not None:
            return _voicing("attributed", inner)
        return Voicing(voice="own", speaker=None)
    if inner is None or inner.speaker is None:
        inner = _speech_of_quotation(quote, quotes, attributions, offset) or inner
    return _voicing("quoted", inner)


def _voicing(voice: Voice, attribution: Attribution | None) -> Voicing:
    if attribution is None:
        return Voicing(voice=voice, speaker=None)
    source = attribution.source.text if attribution.source is not None else None
    return Voicing(voice=voice, speaker=attribution.speaker, source=source)


def _quotation_of(start: int, end: int, text: str, quotes: Sequence[Quotation]):
    """The quotation holding every word character of the span, if there is one."""
    chars = [m.start() for m in _WORD.finditer(text, start, end)]
    if not chars or not quotes:
        return None
    starts = [q.start for q in quotes]
    first = None
    for char in (chars[0], chars[-1]):
        k = bisect.bisect_right(starts, char) - 1
        if k < 0 or not (quotes[k].start <= char < quotes[k].end):
            return None
        first = first if first is not None else quotes[k]
    # a span over two short quotations ("standardless" and "recordless"): every word inside one
    for char in chars:
        k = bisect.bisect_right(starts, char) - 1
        if k < 0 or not (quotes[k].start <= char < quotes[k].end):
            if not text[char].isalnum() or _is_joining_word(text, char):
                continue
            return None
    return first


def _is_joining_word(text: str, char: int) -> bool:
    """``and``/``or`` between two quotations: ``“standardless” and “recordless”``."""
    lo = char
    while lo > 0 and text[lo - 1].isalnum():
        lo -= 1
    hi = char
    while hi < len(text) and text[hi].isalnum():
        hi += 1
    return text[lo:hi].lower() in ("and", "or", "but", "nor")


def _speech_of_quotation(quote, quotes, attributions, offset) -> Attribution | None:
    """The reported speech a quotation belongs to (see the module's description)."""
    lo, hi = quote.start + offset, quote.end + offset
    overlapping = [
        a for a in attributions
        if a.speaker and a.content.start < hi and lo < a.content.end
    ]
    if overlapping:
        return max(overlapping, key=lambda a: min(hi, a.content.end) - max(lo, a.content.start))
    near = [
        a for a in attributions
        if a.speaker and (0 <= a.cue.start - hi <= NEAR or 0 <= lo - a.cue.end <= NEAR)
    ]
    if near:
        return min(near, key=lambda a: min(abs(a.cue.start - hi), abs(lo - a.cue.end)))
    if quote.leading:
        earlier = [q for q in quotes if q.paragraph == quote.paragraph - 1]
        if earlier:
            return _speech_of_quotation(earlier[-1], quotes, attributions, offset)
    return None
