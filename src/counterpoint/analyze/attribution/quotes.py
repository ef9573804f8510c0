"""Quotations, read paragraph by paragraph the way news prints them.

Curly marks open (``“``) and close (``”``). Straight marks, ``"`` and the doubled
apostrophes some papers use (``''It is over,''``), open unless a quotation is
already open, in which case they close it. A quotation still open when its
paragraph ends runs to the end of the paragraph and ``carries_on``: by
convention the next paragraph reopens it with a fresh opening mark. A closing
mark with no opening one before it in the paragraph closes a quotation that
began with the paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Quote", "find_quotes", "quote_spans"]

_MARKS = re.compile(r"“|”|\"|''|``")


@dataclass(frozen=True, slots=True, kw_only=True)
class Quote:
    """Quoted text from ``start`` to ``end`` (marks excluded), in paragraph ``paragraph``."""

    start: int
    end: int
    paragraph: int
    carries_on: bool = False
    """Left open at the end of its paragraph: the next paragraph's quotation continues it."""


def find_quotes(text: str) -> list[Quote]:
    """Every quotation in ``text``, in order; paragraphs are lines."""
    quotes: list[Quote] = []
    start = 0
    for number, paragraph in enumerate(text.split("\n")):
        end = start + len(paragraph)
        opened: int | None = None
        for mark in _MARKS.finditer(text, start, end):
            m = mark.group()
            if opened is None:
                if m != "”":
                    opened = mark.end()
                elif not quotes or quotes[-1].paragraph != number:
                    quotes.append(Quote(start=start, end=mark.start(), paragraph=number))
            elif m != "“":
                if mark.start() > opened:
                    quotes.append(Quote(start=opened, end=mark.start(), paragraph=number))
                opened = None
        if opened is not None and end > opened:
            quotes.append(Quote(start=opened, end=end, paragraph=number, carries_on=True))
        start = end + 1
    return quotes


_PAIR = re.compile(r"[\"“”]([^\"“”]{1,800}?)[\"“”]")


def quote_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every pair of ``"``/``“``/``”`` marks read left to right over the
    whole text, marks excluded: the plain reading without the paragraph rules of
    :func:`find_quotes`, which benchmarks use as a baseline."""
    spans = []
    for match in _PAIR.finditer(text):
        if text[match.start()] != "”":
            spans.append((match.start(1), match.end(1)))
    return spans
