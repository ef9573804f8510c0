"""Quotations, read paragraph by paragraph the way news prints them.

A paragraph is a line that is not blank. Curly marks open (``“``) and close
(``”``). Straight marks, ``"`` and the doubled apostrophes some papers use
(``''It is over,''``), open unless a quotation is already open, in which case
they close it. A quotation still open when its paragraph ends runs to the end of
the paragraph and ``carries_on``: by convention the next paragraph reopens it
with a fresh opening mark. A closing mark with no opening one before it in the
paragraph (``”``, or a straight mark right after a word: ``We lost," she said``)
closes a quotation that began with the paragraph.

This is the one reader of quotation marks: attributions take their direct
quotations from it, and :mod:`counterpoint.analyze.voice` its quoted words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["PARAGRAPH", "Quote", "find_quotes", "quote_spans"]

_MARKS = re.compile(r"“|”|\"|''|``")
PARAGRAPH = re.compile(r"[^\n]*\S[^\n]*")
"""A paragraph: a line that is not blank."""
_STRAIGHT = ('"', "''")


@dataclass(frozen=True, slots=True, kw_only=True)
class Quote:
    """Quoted text from ``start`` to ``end`` (marks excluded), in paragraph ``paragraph``
    (counting the lines that are not blank, from 0)."""

    start: int
    end: int
    paragraph: int
    carries_on: bool = False
    """Left open at the end of its paragraph: the next paragraph's quotation continues it."""
    leading: bool = False
    """Begins its paragraph (or carries on from the paragraph before)."""


def find_quotes(text: str) -> list[Quote]:
    """Every quotation in ``text``, in order."""
    quotes: list[Quote] = []
    for number, paragraph in enumerate(PARAGRAPH.finditer(text)):
        quotes.extend(_paragraph_quotes(text, paragraph.start(), paragraph.end(), number))
    return quotes


def _paragraph_quotes(text: str, lo: int, hi: int, number: int) -> list[Quote]:
    out: list[Quote] = []
    opened: int | None = None
    leading = False
    for mark in _MARKS.finditer(text, lo, hi):
        m = mark.group()
        if opened is not None:
            if m != "“":
                if mark.start() > opened:
                    out.append(Quote(start=opened, end=mark.start(), paragraph=number,
                                     leading=leading))
                opened = None
            continue
        if m == "”" or m in _STRAIGHT and _looks_closing(text, mark.start(), mark.end(), lo, hi):
            if not out:  # a quotation carried over from the paragraph before
                start = lo + len(text[lo : mark.start()]) - len(text[lo : mark.start()].lstrip())
                if mark.start() > start:
                    out.append(Quote(start=start, end=mark.start(), paragraph=number,
                                     leading=True))
            continue
        opened = mark.end()
        leading = not text[lo : mark.start()].strip()
    if opened is not None and hi > opened:
        out.append(Quote(start=opened, end=hi, paragraph=number, carries_on=True,
                         leading=leading))
    return out


def _looks_closing(text: str, start: int, end: int, lo: int, hi: int) -> bool:
    """A straight mark right after a word or punctuation and before a space or the end."""
    before = text[start - 1] if start > lo else " "
    after = text[end] if end < hi else " "
    return not before.isspace() and before not in "([{" and (after.isspace() or after in ",.;:)")


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
