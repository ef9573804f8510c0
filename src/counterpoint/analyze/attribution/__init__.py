"""Who says what: quotations, reported speech, "according to", thoughts and stances.

An attribution has a cue (the words that signal it), a content (what is said,
thought or wanted) and usually a source (who). They are read off spaCy's
dependency parse, cue by cue (:mod:`.rules`, with the word lists of :mod:`.cues`):

- ``X said (that) C``, ``X told Y C``, ``X warned that C``: the cue's subject is
  the source and its clause the content; ``vowed to C``, ``accused Y of C``,
  ``talked about C``, ``is critical of C``, ``Trump's claim that C`` likewise;
- ``"C," X said`` and ``X said: "C"``: the quotation next to the cue is the
  content, and the quotations that carry on after it are more pieces of it: the
  rest of the paragraph, the next paragraph when the quotation was left open
  (news reopens a quotation that runs over a paragraph break), and a following
  paragraph that is all quotation with no cue of its own;
- ``C, X said`` / ``C, he added`` / ``as X noted, C``: the clause the cue interrupts;
- ``according to X, C``;
- ``C was reported by X``; ``C is expected to …`` and ``C seems …`` have no source;
- ``NAME: C`` at the head of a paragraph (transcripts, headlines).

An attribution whose content only names what the source is for, against or
about (``criticized the plan``, ``her support for Cruz``) has ``kind`` "stance":
its words are the writer's, not the source's.

Speech reported inside reported speech (``the army said the rebels claimed …``),
and a cue inside a quotation or inside the description of a source, is kept with
``depth`` 1 or more, so that a figure or a word can be traced through every voice
it passes; the article's own reporting has depth 0.

The speaker is the source as a name: the longest named mention in it; a pronoun
takes the nearest earlier named source, ``who`` the noun it refers to.

It costs a few milliseconds an article on top of the parse (one pass over the
tokens, no model of its own). On PolNeAR (``benchmarks/attribution.py``) it finds
about seven in ten annotated attributions, and about 85% of what it finds is
annotated; see docs/benchmarks-history.md.
"""

from __future__ import annotations

from counterpoint.analyze.attribution.quotes import Quote, find_quotes, quote_spans
from counterpoint.analyze.attribution.rules import (
    according_to,
    adjective_cue,
    colon_lines,
    noun_cue,
    verb_cue,
)
from counterpoint.analyze.attribution.spans import Context, Draft
from counterpoint.model import Attribution, Span

__all__ = ["Quote", "find_attributions", "find_quotes", "quote_spans"]

PRONOUNS = {"it", "he", "she", "they", "we", "i", "you", "this", "who", "which", "that",
            "him", "her", "them", "us", "me", "one", "some", "others", "many"}


def find_attributions(doc, *, offset: int, mentions) -> list[Attribution]:
    """Every attribution in a parsed body, in text order; offsets are ``offset`` plus
    offsets into ``doc``; ``mentions`` (article offsets) name the speakers."""
    ctx = Context(doc)
    drafts: dict[int, Draft] = {}
    for token in doc:
        draft = (
            according_to(ctx, token)
            or verb_cue(ctx, token)
            or adjective_cue(ctx, token)
            or noun_cue(ctx, token)
        )
        if draft is not None and draft.head not in drafts:
            drafts[draft.head] = draft
    found = list(drafts.values()) + colon_lines(ctx, set(drafts))
    found.sort(key=lambda d: d.cue)
    _carry_quotes_on(ctx, found)
    _set_depths(ctx, found)
    return _finish(ctx, found, offset, mentions)


def _carry_quotes_on(ctx: Context, found: list[Draft]) -> None:
    """A direct quotation goes on in the quotations after it that no other cue claims: the
    rest of its paragraph, and the next paragraph when it is left open or has no cue."""
    outside = [d for d in found if ctx.quote_at(d.cue[0]) is None]  # cues not themselves quoted
    claimed = {k for d in outside for k in d.quotes}
    cue_paragraphs = {ctx.paragraph_number(d.cue[0]) for d in outside}
    for i, draft in enumerate(outside):
        if not draft.quotes:
            continue
        limit = outside[i + 1].cue[0] if i + 1 < len(outside) else len(ctx.text)
        last = ctx.quotes[draft.quotes[-1]]
        k = draft.quotes[-1] + 1
        while k < len(ctx.quotes) and k not in claimed:
            q = ctx.quotes[k]
            same = q.paragraph == last.paragraph
            following = q.paragraph == last.paragraph + 1 and (
                last.carries_on or q.paragraph not in cue_paragraphs
            )
            if not (same or following) or (q.start > limit and not same):
                break
            draft.content.extend(ctx.quote_range(k))
            draft.quotes.append(k)
            claimed.add(k)
            last = q
            k += 1


def _set_depths(ctx: Context, found: list[Draft]) -> None:
    """How many other contents a cue stands in (at least 1 inside a quotation or a source)."""
    for draft in found:
        c0 = draft.cue[0]
        depth = sum(
            1 for other in found
            if other is not draft
            and any(a <= c0 < b for a, b in other.content)
            and not any(a <= other.cue[0] < b for a, b in draft.content)
        )
        if depth == 0 and (ctx.quote_at(c0) is not None or any(
            other.source is not None and other.source[0] <= c0 < other.source[1]
            for other in found if other is not draft
        )):
            depth = 1
        draft.depth = depth


def _finish(ctx: Context, found: list[Draft], offset: int, mentions) -> list[Attribution]:
    text = ctx.text
    out = []
    last_speaker: str | None = None

    def span(a: int, b: int) -> Span:
        return Span(start=offset + a, end=offset + b, text=text[a:b])

    for draft in found:
        pieces = sorted(set(draft.content))
        source = speaker = None
        if draft.source is not None:
            source = span(*draft.source)
            speaker = _speaker(source.text, source.start, source.end, mentions)
            if draft.relative_to is not None:  # "Clinton, who said …"
                noun = ctx.doc[draft.relative_to]
                named = span(noun.left_edge.idx, noun.idx + len(noun.text))
                speaker = _speaker(named.text, named.start, named.end, mentions)
            elif speaker is None or speaker.lower() in PRONOUNS:
                speaker = last_speaker
            elif draft.depth == 0:
                last_speaker = speaker
        out.append(
            Attribution(
                source=source,
                cue=span(*draft.cue),
                content=span(*pieces[0]),
                direct=draft.direct,
                speaker=speaker,
                parts=tuple(span(a, b) for a, b in pieces) if len(pieces) > 1 else (),
                depth=draft.depth,
                kind="stance" if draft.stance else "speech",
            )
        )
    return out


SPEAKER_WORDS = 8
"""The longest source phrase given whole as a speaker ("more than a half-dozen House and
Senate Democrats"); a longer one is named by its longest name, or cut."""


def _speaker(source_text: str, start: int, end: int, mentions) -> str | None:
    """A name for the source: the name that ends its phrase ("Secretary of State John Kerry",
    "the UK-based Syrian Observatory"; an apposition after a comma aside), else the phrase
    itself, minus articles ("U.S. and Iranian officials", not "U.S.")."""
    core = source_text.split(",")[0].rstrip()
    inside = [m for m in mentions if start <= m.start and m.end <= end and m.type != "NORP"]
    heads = [m for m in inside if m.end == start + len(core)]
    if heads:
        return max(heads, key=lambda m: m.end - m.start).text
    words = core.split()
    while words and words[0].lower() in ("the", "a", "an"):
        words = words[1:]
    if inside and len(words) > SPEAKER_WORDS:
        return max(inside, key=lambda m: m.end - m.start).text
    return " ".join(words[:SPEAKER_WORDS]) or None
