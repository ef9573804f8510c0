"""The cue rules: each looks at one word of the parse and, if it is a cue, drafts an
attribution with its source and content.

- :func:`verb_cue`: ``said``, ``warned``, ``accused`` … with the frames of
  :data:`~counterpoint.analyze.attribution.cues.CUE_VERBS`; ``seems``/``appears``;
- :func:`adjective_cue`: ``is eager to``, ``has been critical of``;
- :func:`noun_cue`: ``Trump's claim that``, ``her criticism of``;
- :func:`according_to`;
- :func:`colon_lines`: ``PENCE: …`` at the head of a paragraph.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from counterpoint.analyze.attribution.cues import (
    ADJECTIVES,
    CUE_VERBS,
    HEARER,
    LEMMA_FIXES,
    NOUNS,
    RAISING,
    STANCE,
)
from counterpoint.analyze.attribution.spans import Context, Draft, Range, cue_span, subtree

RELATIVE = {"who", "which", "that", "whom"}
AUDIENCES = {"reporter", "journalist", "audience", "crowd", "voter", "supporter", "viewer",
             "listener", "reader", "people", "member", "official", "lawmaker", "host",
             "interviewer"}
"""Nouns for the people spoken to (``told reporters``), not for what is said."""
OBJECT_PREPS = {"of", "for", "as", "about", "with", "to", "over", "on", "against", "from"}
"""Prepositions that carry a direct-object content on: ``accused Y of C``."""
MAX_GAP = 6
"""Characters of punctuation and space allowed between a quotation and its cue."""
_GLUE = re.compile(r"^[\s,:;—–-]*$")
_COLON = re.compile(r"([A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,4}): +(?=\S)")

Content = tuple[list[Range], list[int], str]
"""Content ranges, the quotations they come from, and the frame that gave them."""
NOTHING: Content = ([], [], "")


def lemma(token) -> str:
    return LEMMA_FIXES.get(token.lower_, token.lemma_.lower())


# --- verbs ---------------------------------------------------------------------------------


def verb_cue(ctx: Context, token) -> Draft | None:
    """``X said C``, ``"C," X said``, ``X accused Y of C``, ``C was reported by X`` …"""
    if token.pos_ not in ("VERB", "AUX") and not (token.pos_ == "NOUN" and token.lower_ == "says"):
        return None
    word = lemma(token)
    if word in RAISING:
        return raising(ctx, token)
    if word not in CUE_VERBS:
        return None
    frames, preps = CUE_VERBS[word]
    passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in token.children)
    para = ctx.paragraph(token.idx)
    source_token = source_of(token, passive)
    if source_token is not None and not para[0] <= source_token.idx < para[1]:
        source_token = None
    content, quotes, frame = verb_content(ctx, token, word, frames, preps, source_token, passive)
    if token.dep_ == "acl" and frame not in ("c", "q"):
        return None  # "a group seeking to …", "also known as …": a description, not speech
    if not quotes:
        content = ctx.clip(content, para)
    if not content:
        return None
    if source_token is None and not passive and (
        token.dep_ not in ("xcomp", "advcl", "conj", "acl", "relcl")
        and (token.dep_ != "ROOT" or token.tag_ == "VB")
    ):
        return None  # a bare verb with no one behind it ("Take a look at …")
    source = ctx.clip([subtree(source_token)], para)[:1] if source_token is not None else []
    relative = source_token is not None and source_token.lower_ in RELATIVE
    cue = cue_span(token, content)
    saying = as_saying(token)
    if saying is not None and saying.idx > cue[1]:  # "quoted him as saying"
        cue = (cue[0], saying.idx + len(saying.text))
    return Draft(cue=cue, source=source[0] if source else None, content=content, head=token.i,
                 relative_to=token.head.i if relative and token.dep_ == "relcl" else None,
                 direct=bool(quotes), quotes=quotes,
                 stance=frame in ("o", "p", "rel") and word in STANCE)


def verb_content(ctx: Context, token, word, frames, preps, source_token, passive) -> Content:
    """What the verb introduces, trying its frames in turn."""
    para = ctx.paragraph(token.idx)
    children = [c for c in token.children if para[0] <= c.idx < para[1]]
    quote = adjacent_quote(ctx, token, source_token)
    saying = as_saying(token)
    if saying is not None:  # "quoted him as saying …": what is said is the content
        frames, preps = "cq", frozenset()
        children = [c for c in children if c.dep_ != "dobj"]
        children += [c for c in saying.children if c.dep_ == "ccomp"]
    objects = [c for c in children if c.dep_ in ("dobj", "dative")]
    if word in HEARER:  # "told reporters", "asked her": the hearer, not what is said
        objects = [o for o in objects if o.dep_ == "dobj" and not is_hearer(o)]
    return (
        ("c" in frames or "q" in frames) and clause_content(ctx, children, quote)
        or "x" in frames and to_content(ctx, children, objects, frames, passive)
        or "q" in frames and quote is not None and (ctx.quote_range(quote), [quote], "q")
        or passive and ("o" in frames or "c" in frames) and passive_content(ctx, children)
        or "o" in frames and object_content(ctx, children, objects)
        or "r" in frames and predicate_content(ctx, children)
        or prep_content(ctx, children, preps)
        or "q" in frames and host_content(ctx, token, children)
        or relative_content(ctx, token)
        or NOTHING
    )


def clause_content(ctx: Context, children, quote: int | None) -> Content | None:
    """``said (that) C``; a clause inside the quotation next to the cue gives the quotation."""
    for child in children:
        if child.dep_ == "ccomp":
            span = subtree(child)
            k = ctx.quote_at(span[0]) if quote is None else quote
            if k is not None and ctx.quotes[k].start - 2 <= span[0] and (
                span[1] <= ctx.quotes[k].end + 2
            ):
                return ctx.quote_range(k), [k], "q"
            return ctx.without(span), [], "c"
    return None


def to_content(ctx: Context, children, objects, frames, passive) -> Content | None:
    """``vowed to C``, ``urged Congress to C``; ``C1 is expected to C2`` keeps C1 too."""
    xcomps = [c for c in children if c.dep_ == "xcomp"]
    if not xcomps:
        return None
    start, end = subtree(xcomps[0])
    if objects and objects[0].i < xcomps[0].i and "o" not in frames:
        start = subtree(objects[0])[0]
    subjects = [c for c in children if c.dep_ == "nsubjpass"] if passive else []
    before = ctx.phrase(subjects[0]) if subjects else []
    return before + ctx.without((start, end)), [], "x"


def passive_content(ctx: Context, children) -> Content | None:
    """``C was reported by X``."""
    subjects = [c for c in children if c.dep_ == "nsubjpass"]
    if subjects and any(c.dep_ == "agent" for c in children):
        return ctx.phrase(subjects[0]), [], "o"
    return None


def object_content(ctx: Context, children, objects) -> Content | None:
    """``criticized C``, ``accused C1 of C2``, ``described C1 as C2``, ``called C1 C2``."""
    if not objects:
        return None
    obj = objects[-1]
    start, end = subtree(obj)
    for child in children:
        if child.i > obj.i and (
            child.dep_ == "prep" and child.lower_ in OBJECT_PREPS
            or child.dep_ in ("oprd", "xcomp", "ccomp", "acomp")
        ):
            end = max(end, subtree(child)[1])
    return ctx.without((start, end)), [], "o"


def predicate_content(ctx: Context, children) -> Content | None:
    for child in children:
        if child.dep_ in ("oprd", "attr", "acomp"):
            return ctx.phrase(child), [], "r"
    return None


def prep_content(ctx: Context, children, preps) -> Content | None:
    """``talked about C``, ``referred to C``, ``pointed out that C``."""
    for child in children:
        if child.dep_ == "prep" and child.lower_ in preps:
            objects = [c for c in child.children if c.dep_ in ("pobj", "pcomp")]
            if objects:
                return ctx.phrase(objects[0]), [], "p"
        if child.dep_ == "prt" and child.lower_ in preps:
            for other in children:
                if other.dep_ == "prep" and other.i > child.i:
                    return ctx.phrase(other), [], "p"
    return None


def host_content(ctx: Context, token, children) -> Content | None:
    """``the plan, he said, is dead`` / ``the plan is dead, he said`` / ``as he noted, …``:
    the clause the cue interrupts."""
    head = token.head
    if head.pos_ not in ("VERB", "AUX"):
        return None
    before = head.i < token.i
    if not (
        token.dep_ == "parataxis"
        or token.dep_ == "conj" and before
        or token.dep_ == "ccomp" and before and set_off(token)
        or token.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ == "as" for c in children)
    ):
        return None
    hole = subtree(token)
    subjects = [c for c in children if c.dep_ == "nsubj"]
    if len(subjects) > 1 and subjects[0].i < token.i < subjects[-1].i:
        hole = (subtree(subjects[0])[1], hole[1])  # "The plan, said the mayor, will …"
    pieces = ctx.without(subtree(head), [hole])
    return drop_leading_conjunction(ctx, pieces), [], "q"


def relative_content(ctx: Context, token) -> Content | None:
    """``a step they believe could unify the party``: the noun is what they believe."""
    if token.dep_ == "relcl" and token.head.pos_ in ("NOUN", "PROPN"):
        noun = token.head
        return ctx.without((noun.left_edge.idx, noun.idx + len(noun.text))), [], "rel"
    return None


def as_saying(token):
    """The ``saying`` of ``quoted him as saying``, if the cue has one."""
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ == "as":
            for grandchild in child.children:
                if grandchild.lemma_ == "say":
                    return grandchild
    return None


def set_off(token) -> bool:
    """A clause set off by punctuation: ``, he said`` / ``— he said —``."""
    doc = token.doc
    before, after = token.left_edge.i - 1, token.right_edge.i + 1
    marks = (",", "—", "--", "–", "”", '"', "''", "(", ")", ".")
    return (before >= 0 and doc[before].text in marks) or (
        after < len(doc) and doc[after].text in marks
    )


def drop_leading_conjunction(ctx: Context, pieces: list[Range]) -> list[Range]:
    """``But those voters will …``: a content does not begin with the word joining it on."""
    if not pieces:
        return pieces
    start, end = pieces[0]
    words = ctx.text[start:end].split(" ", 1)
    if len(words) == 2 and words[0].lower() in ("but", "and", "so", "yet", "or"):
        rest = ctx.trim(start + len(words[0]), end)
        return ([rest] if rest else []) + pieces[1:]
    return pieces


def is_hearer(token) -> bool:
    return (
        token.pos_ in ("PRON", "PROPN")
        or token.ent_type_ in ("PERSON", "ORG", "NORP", "GPE")
        or token.lemma_.lower() in AUDIENCES
    )


def adjacent_quote(ctx: Context, token, source_token) -> int | None:
    """A quotation right before (``"…," she said``) or right after (``said: "…"``) the cue."""
    if not ctx.quotes or ctx.quote_at(token.idx) is not None:
        return None
    text = ctx.text
    clause0 = token.idx if source_token is None else min(token.idx, source_token.left_edge.idx)
    k = bisect_right(ctx.quote_starts, token.idx) - 1
    if k >= 0 and ctx.quotes[k].end <= clause0:
        gap = text[ctx.quotes[k].end : clause0]
        if len(gap) <= MAX_GAP and _GLUE.match(_unquoted(gap)):
            return k
    if k + 1 < len(ctx.quotes):
        q = ctx.quotes[k + 1]
        right = token.idx + len(token.text)
        for child in token.children:  # "told reporters:", "said in a statement:"
            if child.i > token.i and child.dep_ in (
                "dobj", "dative", "prep", "npadvmod", "advmod", "prt", "nsubj"
            ):
                right = max(right, subtree(child)[1])
        gap = _unquoted(text[right : q.start])
        if 0 <= q.start - right <= MAX_GAP and (
            _GLUE.match(gap)
            or gap.strip() == "."  # "… said in a statement. “…”"
            and not any(c.dep_ in ("ccomp", "xcomp", "dobj") for c in token.children)
        ):
            return k + 1
    return None


def _unquoted(gap: str) -> str:
    return gap.replace("“", "").replace("”", "").replace('"', "").replace("'", "")


def raising(ctx: Context, token) -> Draft | None:
    """``X seems to …`` / ``X appears ready``: no source unless ``to me``."""
    children = list(token.children)
    subjects = [c for c in children if c.dep_ == "nsubj"]
    rest = [c for c in children if c.dep_ in ("xcomp", "acomp", "oprd", "attr", "ccomp")]
    if not subjects or not rest or subjects[0].lower_ in ("it", "there"):
        return None
    if token.lemma_ == "look" and rest[0].dep_ not in ("xcomp", "acomp"):
        return None
    source = None
    for child in children:
        if child.dep_ == "prep" and child.lower_ == "to":
            objects = [c for c in child.children if c.dep_ == "pobj"]
            if objects:
                source = ctx.trim(*subtree(objects[0]))
    return Draft(cue=(token.idx, token.idx + len(token.text)), source=source,
                 content=ctx.phrase(subjects[0]) + ctx.phrase(rest[0]), head=token.i)


# --- who -----------------------------------------------------------------------------------


def source_of(token, passive: bool):
    """Who: the agent of a passive, else the subject, else the subject of the verb this one
    hangs off (``…, adding that``; ``refused to …``; ``demands X and refuses Y``)."""
    current = token
    for _ in range(4):
        children = list(current.children)
        if passive or current is not token:
            agents = [g for c in children if c.dep_ == "agent" for g in c.children
                      if g.dep_ == "pobj"]
            if agents:
                return agents[0]
        subjects = [c for c in children if c.dep_ == "nsubj"]
        if len(subjects) > 1 and current is token and subjects[-1].i > token.i:
            # "The plan, said the mayor, will cost millions": the parse gives the cue both
            # nouns as subjects; the one after it speaks
            return subjects[-1]
        if subjects:
            if subjects[0].lower_ in ("it", "there") and _extraposed(current):
                return None
            return subjects[0]
        if any(c.dep_ == "nsubjpass" for c in children) or (passive and current is token):
            return None
        if current.dep_ in ("xcomp", "advcl", "conj"):
            current = current.head
        elif current.dep_ == "pcomp" and current.head.dep_ == "prep":
            current = current.head.head
        elif current.dep_ == "acl" and current.head.pos_ in ("NOUN", "PROPN", "PRON"):
            return current.head  # "a statement saying …"
        else:
            return neighbour(current) if current is token else None
    return None


def neighbour(token):
    """A parse that lost the subject (``…, former president Bill Clinton said``): the name
    or noun right before the cue, or the name right after it (``said Jon Doggett``)."""
    doc = token.doc
    i = token.i - 1
    while i >= 0 and doc[i].text == ",":
        i -= 1
    if i >= 0:
        candidate = doc[i]
        if candidate.pos_ in ("PROPN", "NOUN", "PRON") and candidate.dep_ in (
            "appos", "conj", "npadvmod", "dep", "nsubj", "compound", "pobj", "dobj", "ROOT"
        ) and not candidate.is_sent_end:
            while candidate.dep_ == "compound" and candidate.head.i > candidate.i:
                candidate = candidate.head
            if candidate.i < token.i and subtree(candidate)[1] <= token.idx:
                return candidate
    j = token.i + 1
    if j < len(doc) and doc[j].pos_ == "PROPN" and doc[j].dep_ not in ("dobj", "dative"):
        candidate = doc[j]
        while candidate.dep_ == "compound" and candidate.head.i > candidate.i:
            candidate = candidate.head
        return candidate
    return None


def _extraposed(verb) -> bool:
    """``it is clear that …`` / ``there is …``: a dummy subject."""
    return verb.lemma_ == "be" or any(c.dep_ in ("acomp", "attr") for c in verb.children)


# --- adjectives, nouns, "according to", transcripts ------------------------------------------


def adjective_cue(ctx: Context, token) -> Draft | None:
    """``X is eager to …``, ``X has been critical of …``."""
    preps = ADJECTIVES.get(token.lower_) if token.pos_ == "ADJ" else None
    verb = token.head
    if preps is None or token.dep_ not in ("acomp", "oprd") or verb.pos_ not in ("AUX", "VERB"):
        return None
    if lemma(verb) in RAISING:
        return None  # "seems ready to …" is read whole by raising()
    content: list[Range] = []
    stance = False
    for child in token.children:
        if child.dep_ in ("xcomp", "ccomp"):
            content = ctx.phrase(child)
            break
        objects = [c for c in child.children if c.dep_ in ("pobj", "pcomp")]
        if child.dep_ == "prep" and child.lower_ in preps and objects:
            content, stance = ctx.phrase(objects[0]), True  # "critical of the deal"
            break
    content = ctx.clip(content, ctx.paragraph(token.idx))
    source_token = source_of(verb, False)
    if not content or source_token is None or source_token.lower_ in ("it", "there"):
        return None
    relative = source_token.lower_ in RELATIVE and verb.dep_ == "relcl"
    return Draft(cue=(cue_span(verb, content)[0], cue_span(token, content)[1]),
                 source=ctx.trim(*subtree(source_token)), content=content, head=token.i,
                 relative_to=verb.head.i if relative else None, stance=stance)


def noun_cue(ctx: Context, token) -> Draft | None:
    """``Trump's claim that …``, ``her criticism of …``, ``my impression is that …``."""
    preps = NOUNS.get(token.lemma_.lower()) if token.pos_ == "NOUN" else None
    if preps is None:
        return None
    content: list[Range] = []
    source = None
    clause = False
    for child in token.children:
        objects = [c for c in child.children if c.dep_ in ("pobj", "pcomp")]
        if child.dep_ in ("acl", "ccomp", "relcl") and child.i > token.i and any(
            g.dep_ == "mark" and g.lower_ == "that" or g.dep_ == "aux" and g.lower_ == "to"
            for g in child.children
        ):
            content, clause = ctx.phrase(child), True
        elif child.dep_ == "prep" and child.lower_ in preps and objects and not content:
            content = ctx.phrase(objects[0])
        elif child.dep_ == "poss":
            source = ctx.trim(*subtree(child))
        elif child.dep_ == "prep" and child.lower_ in ("by", "from") and objects:
            source = ctx.trim(*subtree(objects[0]))
    verb = token.head
    if not content and token.dep_ == "nsubj" and verb.lemma_ == "be" and source is not None:
        for child in verb.children:  # "my impression is that …", "his advice was to …"
            if child.i > verb.i and child.dep_ in ("ccomp", "xcomp", "attr", "acomp"):
                content, clause = ctx.phrase(child), True
                break
    content = ctx.clip(content, ctx.paragraph(token.idx))
    if not content or source is None and not clause:
        return None  # "the criticism of X" names no one; "fears that X" says what is feared
    return Draft(cue=(token.idx, token.idx + len(token.text)), source=source, content=content,
                 head=token.i, stance=not clause)


def according_to(ctx: Context, token) -> Draft | None:
    """``according to X, C`` / ``C, according to X``."""
    doc = ctx.doc
    if token.lower_ != "according" or token.i + 1 >= len(doc) or doc[token.i + 1].lower_ != "to":
        return None
    to = doc[token.i + 1]
    objects = [c for c in to.children if c.dep_ == "pobj"] or [
        c for c in token.children if c.dep_ == "pobj"
    ]
    if not objects:
        return None
    phrase = (token.idx, max(subtree(objects[0])[1], to.idx + len(to.text)))
    host = token.head
    if token.dep_ != "ROOT" and host.pos_ in ("VERB", "AUX"):
        outer = subtree(host)
    else:
        outer = (token.sent.start_char, token.sent.end_char)
    content = ctx.clip(ctx.without(outer, [phrase]), ctx.paragraph(token.idx))
    if not content:
        return None
    return Draft(cue=(token.idx, to.idx + len(to.text)), source=ctx.trim(*subtree(objects[0])),
                 content=content, head=token.i)


def colon_lines(ctx: Context, taken: set[int]) -> list[Draft]:
    """``PENCE: Well, look …`` and ``Issa: Clinton’s honesty is in question``."""
    out = []
    start = 0
    for paragraph in ctx.text.split("\n"):
        match = _COLON.match(paragraph)
        if match and len(paragraph) > match.end() + 3:
            s0, colon = start + match.start(1), start + match.end(1)
            k = bisect_right(ctx.token_starts, colon) - 1
            content = ctx.trim(start + match.end(), start + len(paragraph))
            if (
                k >= 0 and k not in taken and ctx.doc[k].text == ":" and content
                and names_speaker(ctx, s0, colon)
            ):
                out.append(Draft(cue=(colon, colon + 1), source=(s0, colon), content=[content],
                                 head=k))
        start += len(paragraph) + 1
    return out


def names_speaker(ctx: Context, start: int, end: int) -> bool:
    """The words before a paragraph's colon name someone: a name the tagger knows, or a
    surname in capitals as transcripts print them (``PENCE:``)."""
    words = ctx.text[start:end]
    if len(words) > 2 and words.isupper():
        return True
    i = max(0, bisect_right(ctx.token_starts, start) - 1)
    while i < len(ctx.doc) and ctx.doc[i].idx < end:
        if ctx.doc[i].ent_type_ in ("PERSON", "ORG", "GPE", "NORP"):
            return True
        i += 1
    return False
