"""Character ranges read off the parse, and the draft an attribution starts as.

Everything here works in offsets into the parsed text (``doc.text``); the
article offset is added only when the final records are made.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field

from counterpoint.analyze.attribution.quotes import PARAGRAPH, find_quotes

Range = tuple[int, int]

JUNK = " \t\r\n,;:.\"“”'’‘—–-"
"""What a source, cue or content never begins or ends with."""


@dataclass(slots=True)
class Draft:
    """An attribution before speakers and article offsets are settled."""

    cue: Range
    source: Range | None
    content: list[Range]
    head: int
    """Token index of the cue's main word (one attribution per cue word)."""
    relative_to: int | None = None
    """Token index of the noun a relative-pronoun source (``who``) refers to."""
    direct: bool = False
    stance: bool = False
    """The content only names what the source is for, against or about."""
    depth: int = 0
    quotes: list[int] = field(default_factory=list)
    """Indices of the quotations that make up the content."""


class Context:
    """What every cue rule needs: the text, its quotations and paragraphs."""

    def __init__(self, doc) -> None:
        self.doc = doc
        self.text = doc.text  # spaCy rebuilds doc.text on every access: read it once
        self.quotes = find_quotes(self.text)
        self.quote_starts = [q.start for q in self.quotes]
        self.token_starts = [t.idx for t in doc]
        self.breaks = [i for i, ch in enumerate(self.text) if ch == "\n"]
        self.paragraph_starts = [m.start() for m in PARAGRAPH.finditer(self.text)]

    def paragraph(self, char: int) -> Range:
        """The paragraph (line) holding ``char``; the parser does not stop at line breaks."""
        k = bisect_right(self.breaks, char)
        start = self.breaks[k - 1] + 1 if k > 0 else 0
        end = self.breaks[k] if k < len(self.breaks) else len(self.text)
        return start, end

    def paragraph_number(self, char: int) -> int:
        """The number of the paragraph holding ``char``, as :class:`Quote` counts them."""
        return bisect_right(self.paragraph_starts, char) - 1

    def quote_at(self, char: int) -> int | None:
        """Index of the quotation holding ``char``, if any."""
        k = bisect_right(self.quote_starts, char) - 1
        if k >= 0 and self.quotes[k].start <= char < self.quotes[k].end:
            return k
        return None

    def quote_range(self, k: int) -> list[Range]:
        q = self.quotes[k]
        r = self.trim(q.start, q.end)
        return [r] if r else []

    def trim(self, start: int, end: int) -> Range | None:
        """The range without surrounding space and punctuation; None if nothing is left."""
        text = self.text
        while start < end and text[start] in JUNK:
            start += 1
        while end > start and text[end - 1] in JUNK:
            end -= 1
        return (start, end) if start < end else None

    def clip(self, ranges: list[Range], bounds: Range) -> list[Range]:
        """The parts of ``ranges`` inside ``bounds``, trimmed."""
        lo, hi = bounds
        clipped = (self.trim(max(a, lo), min(b, hi)) for a, b in ranges if a < hi and lo < b)
        return [r for r in clipped if r]

    def without(self, outer: Range, holes: Sequence[Range] = ()) -> list[Range]:
        """``outer`` minus the ``holes``, trimmed, as a list of ranges."""
        pieces, start = [], outer[0]
        for h0, h1 in sorted(holes):
            if h1 <= start or h0 >= outer[1]:
                continue
            if h0 > start:
                pieces.append((start, h0))
            start = max(start, h1)
        if start < outer[1]:
            pieces.append((start, outer[1]))
        return [r for r in (self.trim(a, b) for a, b in pieces) if r]

    def phrase(self, token) -> list[Range]:
        """A token's subtree as trimmed ranges."""
        return self.without(subtree(token))


def subtree(token) -> Range:
    """Character range of a token's subtree."""
    left, right = token.left_edge, token.right_edge
    return left.idx, right.idx + len(right.text)


def cue_span(token, content: list[Range]) -> Range:
    """The cue's words: the word with the auxiliaries, negation and adverbs right before it
    (``has also said``), and a particle or preposition right after it that introduces the
    content (``pointed out``, ``talked about``)."""
    doc = token.doc
    start = token.i
    lefts = {c.i for c in token.children if c.dep_ in ("aux", "auxpass", "neg", "advmod")}
    while start - 1 in lefts:
        start -= 1
    end = token.i
    c0 = content[0][0] if content else -1
    while end + 1 < len(doc) and doc[end + 1].head.i == token.i:
        after = doc[end + 1]
        close = after.idx + len(after.text)
        if not (after.dep_ == "prt" or after.dep_ == "prep" and close < c0 <= close + 1):
            break
        end += 1
    last = doc[end]
    return doc[start].idx, last.idx + len(last.text)
