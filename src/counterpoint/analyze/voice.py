"""Voice: whose words a span of an article is, and who the speaker is.

A span is

- ``quoted`` when every word of it stands inside quotation marks,
- ``attributed`` when it stands in the content of reported speech
  (``the army said the terrorists had fled``),
- ``own`` otherwise: the outlet's own words.

Quotations are read paragraph by paragraph, the way news is written: curly marks
open and close; a straight mark opens unless it closes an open quotation; a
quotation still open at the end of a paragraph runs to its end (the next paragraph
reopens it by convention); a closing mark with no opening one closes a quotation
that began with the paragraph. Scare quotes count as quotations.

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

from counterpoint.model import Attribution, Voice

__all__ = ["Quotation", "Voicing", "quotations", "voice_of"]

_OPEN = "“"
_CLOSE = "”"
_STRAIGHT = '"'
_PARAGRAPH = re.compile(r"[^\n]+")
_WORD = re.compile(r"\w")
NEAR = 40
"""Characters between a quotation and a cue that still tie them (``"…," the mayor said``)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Quotation:
    """Quoted text from ``start`` to ``end`` (marks excluded), in paragraph ``paragraph``."""

    start: int
    end: int
    paragraph: int
    leading: bool
    """Whether the quotation begins its paragraph (or carries on from the paragraph before)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Voicing:
    voice: Voice
    speaker: str | None
    source: str | None = None
    """The source as written ("Lis Smith, a spokeswoman for the Obama campaign")."""


def quotations(text: str) -> list[Quotation]:
    """Every quotation in ``text``, in order; offsets are into ``text``."""
    found: list[Quotation] = []
    for number, paragraph in enumerate(_PARAGRAPH.finditer(text)):
        found.extend(_paragraph_quotations(text, paragraph.start(), paragraph.end(), number))
    return found


def _paragraph_quotations(text: str, lo: int, hi: int, number: int) -> list[Quotation]:
    out = []
    opened_at: int | None = None
    for i in range(lo, hi):
        char = text[i]
        if char not in (_OPEN, _CLOSE, _STRAIGHT):
            continue
        closing = char == _CLOSE or (char == _STRAIGHT and opened_at is not None)
        if char == _STRAIGHT and opened_at is None and _looks_closing(text, i, lo, hi):
            closing = True
        if not closing:
            if opened_at is None:
                opened_at = i + 1
            continue
        if opened_at is not None:
            out.append(_quotation(text, lo, opened_at, i, number))
        elif not out:  # a quotation carried over from the paragraph before
            start = lo + len(text[lo:i]) - len(text[lo:i].lstrip())
            if i > start:
                out.append(Quotation(start=start, end=i, paragraph=number, leading=True))
        opened_at = None
    if opened_at is not None and hi > opened_at:
        out.append(_quotation(text, lo, opened_at, hi, number))
    return out


def _quotation(text: str, lo: int, start: int, end: int, number: int) -> Quotation:
    leading = not text[lo : start - 1].strip()
    return Quotation(start=start, end=end, paragraph=number, leading=leading)


def _looks_closing(text: str, i: int, lo: int, hi: int) -> bool:
    """A straight mark right after a word or punctuation and before a space or the end."""
    before = text[i - 1] if i > lo else " "
    after = text[i + 1] if i + 1 < hi else " "
    return not before.isspace() and before not in "([{" and (after.isspace() or after in ",.;:)")


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
        if a.content.start - 1 <= start + offset and end + offset <= a.content.end + 1
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
