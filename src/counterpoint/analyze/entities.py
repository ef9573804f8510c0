"""Named mentions: the tagger's entities, cleaned, plus aliases the text introduces.

The small English tagger cuts names oddly ("the Hayat Tahrir al-Sham (HTS",
"Tahrir al-Sham" without "Hayat", "Martyrs' Hall for Brigadier"). The cleaning
here is general: drop leading articles and trailing titles, split a trailing
parenthesised acronym off, extend a name left over adjacent proper nouns, and
never run a name across a line break.

In a title-case heading ("Lindsay Lohan Checks Into Rehab") the tagger cannot
tell names from capitalised words, so a heading's names are cut to the names
the article's running text holds ("Lindsay Lohan"); a name that glues two of
them together ("Lopez and Carrasquillo", "Evansville-Indiana State") is split
the same way. The tagger also misses many repeats of a name it found once:
later uses of a name, of a person's surname and of the last word of an
organisation's name ("Colts" after "Indianapolis Colts") become mentions too.

Aliases come from two patterns writers use to introduce them: ``Name (ACRONYM)``
and ``Name, also known as Other``.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from counterpoint.lexicon import (
    CONNECTORS,
    MINISTRIES,
    SUFFIXES,
    TITLES,
    in_longer_name,
    is_designation,
    is_heading,
)
from counterpoint.model import Mention

KEEP = {"PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT", "NORP"}
_ACRONYM = re.compile(r"\(\s*([A-Z][A-Za-z]{0,2}[A-Z]{1,6}s?)\s*\)")
_KNOWN_AS = re.compile(
    r",?\s*(?:also known as|better known as|known as|a\.k\.a\.|aka|nicknamed|dubbed)\s+",
    re.IGNORECASE,
)
_LEAD_TRIM = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_TAIL_TRIM = re.compile(r"(?:['’]s|['’])$")
_NAMES = {"PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT"}


def find_mentions(doc, *, offset: int, sentence_of) -> list[Mention]:
    """Mentions of people, organisations and places, with introduced aliases linked."""
    text = doc.text
    spans: dict[tuple[int, int], str] = {}
    taken: set[int] = set()
    for ent in doc.ents:
        taken.update(range(ent.start, ent.end))
    for ent in doc.ents:
        if ent.label_ not in KEEP:
            continue
        for start, end in _clean(doc, ent, taken, text):
            spans.setdefault((start, end), ent.label_)
    spans = _cut_to_known_names(text, spans)
    others = [(ent.start_char, ent.end_char) for ent in doc.ents if ent.label_ not in KEEP]
    repeats, replaced = _name_repeats(text, spans, others)
    for span in replaced:
        del spans[span]
    for (start, end), label in repeats.items():
        spans.setdefault((start, end), label)
    acronyms = _acronym_aliases(text, spans)
    aliases = _known_as_aliases(text, spans)
    for (start, end), (label, _) in {**acronyms, **aliases}.items():
        spans.setdefault((start, end), label)
    for (start, end), label in _repeats(text, spans, acronyms).items():
        spans.setdefault((start, end), label)
    links = {key: target for key, (_, target) in {**acronyms, **aliases}.items()}
    mentions = []
    for (start, end), label in sorted(spans.items()):
        target = links.get((start, end))
        mentions.append(
            Mention(
                start=offset + start,
                end=offset + end,
                text=text[start:end],
                type=label,
                sentence=sentence_of(offset + start),
                alias_of=(offset + target[0], offset + target[1]) if target else None,
            )
        )
    return mentions


def _clean(doc, ent, taken, text: str) -> list[tuple[int, int]]:
    start_token, end_token = ent.start, ent.end
    # extend left over adjacent proper nouns the tagger missed ("Hayat" + "Tahrir al-Sham")
    while (
        start_token > 0
        and doc[start_token - 1].pos_ == "PROPN"
        and doc[start_token - 1].is_title
        and start_token - 1 not in taken
        and doc[start_token - 1].lower_.rstrip(".") not in TITLES
        and not doc[start_token - 1].is_sent_start
    ):
        start_token -= 1
    # drop trailing titles ("… Hall for Brigadier") and the words that join them, where the
    # title belongs to a name after the span ("Brigadier General X"), not "Billy King said"
    follows_name = end_token < len(doc) and doc[end_token].is_title
    while (
        follows_name
        and end_token - start_token > 1
        and doc[end_token - 1].lower_.rstrip(".") in TITLES
    ):
        end_token -= 1
        while end_token - start_token > 1 and doc[end_token - 1].is_stop:
            end_token -= 1
    span = doc[start_token:end_token]
    parts: list[tuple[int, int]] = []
    for start, end in _lines(text, span.start_char, span.end_char):
        parts.extend(_clean_piece(doc, text, start, end))
    return parts


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The pieces of ``text[start:end]`` between line breaks, without surrounding spaces."""
    pieces = []
    for match in re.finditer(r"[^\n]+", text[start:end]):
        a = start + match.start() + len(match.group()) - len(match.group().lstrip())
        b = start + match.start() + len(match.group().rstrip())
        if b > a:
            pieces.append((a, b))
    return pieces


def _clean_piece(doc, text: str, start: int, end: int) -> list[tuple[int, int]]:
    piece = text[start:end]
    parts = []
    paren = piece.find("(")
    if paren > 0:
        inner = re.match(r"\(\s*([A-Za-z][\w.-]*)\s*\)?", piece[paren:])
        if inner:
            a = start + paren + inner.start(1)
            parts.append((a, a + len(inner.group(1))))
        piece = piece[:paren]
    lead = _LEAD_TRIM.match(piece)
    if lead:
        start += lead.end()
        piece = piece[lead.end() :]
    piece = piece.rstrip(" ,;:-–—")
    tail = _TAIL_TRIM.search(piece)
    if tail:
        piece = piece[: tail.start()]
    if piece and piece[0].isalpha() and not piece.islower() and _is_name(doc, start, piece):
        parts.insert(0, (start, start + len(piece)))
    return parts


def _is_name(doc, start: int, piece: str) -> bool:
    """Not a capitalised common noun ("Observers") nor a bare designation ("Takfiri")."""
    words = piece.split()
    if all(is_designation(w) for w in words) or all(
        w.lower().rstrip(".") in TITLES | MINISTRIES for w in words
    ):
        return False
    span = doc.char_span(start, start + len(piece), alignment_mode="expand")
    return span is None or any(t.pos_ == "PROPN" or t.is_upper for t in span)


def _acronym_aliases(text: str, spans) -> dict[tuple[int, int], tuple[str, tuple[int, int]]]:
    """``Islamic Revolution Guards Corps (IRGC)``: the acronym is an alias of the name."""
    found = {}
    for match in _ACRONYM.finditer(text):
        before = [(s, e) for (s, e) in spans if e <= match.start() and match.start() - e <= 2]
        if not before:
            continue
        name = max(before, key=lambda se: se[1])
        found[(match.start(1), match.end(1))] = (spans[name], name)
    return found


def _known_as_aliases(text: str, spans) -> dict[tuple[int, int], tuple[str, tuple[int, int]]]:
    """``Kioumars Pourhashemi, also known as Haji Hashem``."""
    found = {}
    for match in _KNOWN_AS.finditer(text):
        before = [(s, e) for (s, e) in spans if e <= match.start() and match.start() - e <= 1]
        if not before:
            continue
        name = max(before, key=lambda se: se[1])
        alias = re.match(
            r"(?:the\s+)?[\"“']?((?:[A-Z][\w'’.-]*)(?:\s+(?:al-|bin\s+|[A-Z])[\w'’.-]*)*)",
            text[match.end() :],
        )
        if alias:
            a = match.end() + alias.start(1)
            found[(a, a + len(alias.group(1)))] = (spans[name], name)
    return found


def _repeats(text: str, spans, acronyms) -> dict[tuple[int, int], str]:
    """Later uses of an acronym the text defined, where the tagger missed them."""
    found = {}
    for (start, end), (label, _) in acronyms.items():
        acronym = text[start:end]
        for match in re.finditer(rf"(?<![\w-]){re.escape(acronym)}(?![\w-])", text):
            key = (match.start(), match.end())
            if not any(s <= key[0] < e or key[0] <= s < key[1] for s, e in spans):
                found[key] = label
    return found


def _headings(text: str) -> list[tuple[int, int]]:
    return [
        (m.start(), m.end()) for m in re.finditer(r"[^\n]+", text) if is_heading(m.group())
    ]


def _inside(span: tuple[int, int], ranges: list[tuple[int, int]]) -> bool:
    return any(a <= span[0] and span[1] <= b for a, b in ranges)


def _known_names(text: str, spans, headings) -> dict[str, str]:
    """Names the running text holds (outside headings), with their most used type."""
    types: dict[str, Counter[str]] = defaultdict(Counter)
    for (start, end), label in spans.items():
        if label in _NAMES and not _inside((start, end), headings):
            types[text[start:end]][label] += 1
    return {name: counts.most_common(1)[0][0] for name, counts in types.items()}


def _cut_to_known_names(text: str, spans: dict[tuple[int, int], str]) -> dict[tuple[int, int], str]:
    """Heading names cut to the known names inside them; "A and B" split into A and B."""
    headings = _headings(text)
    known = _known_names(text, spans, headings)
    out: dict[tuple[int, int], str] = {}
    for (start, end), label in spans.items():
        piece = text[start:end]
        heading = _inside((start, end), headings)
        glued = not heading and re.search(r"\s(?:and|&)\s|\b[A-Z][a-z]+-[A-Z]", piece)
        if not (glued or (heading and piece not in known)):
            out.setdefault((start, end), label)
            continue
        names = {**_with_short_forms(known), **known}
        names.pop(piece, None)
        found = _find_names(piece, names)
        if glued and len(found) < 2:
            found = []
        for a, b in found or [(0, len(piece))]:
            out.setdefault((start + a, start + b), names.get(piece[a:b], label))
    return out


def _find_names(piece: str, names) -> list[tuple[int, int]]:
    """Where the given names occur in ``piece`` as whole words, longest first, apart;
    a hyphen may bound them ("Evansville-Indiana State")."""
    found: list[tuple[int, int]] = []
    for name in sorted(names, key=len, reverse=True):
        for a, b in _occurrences(piece, name, hyphens=True):
            if not any(x < b and a < y for x, y in found):
                found.append((a, b))
    return sorted(found)


def _occurrences(text: str, name: str, *, hyphens: bool = False) -> list[tuple[int, int]]:
    """Where ``name`` stands in ``text`` as whole words (not inside "Thompsons", "al-Assad",
    unless ``hyphens``)."""
    glue_before, glue_after = ("_'’.", "_") if hyphens else ("_'’.-", "_-")
    spans = []
    start = text.find(name)
    while start >= 0:
        end = start + len(name)
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        glued = before.isalnum() or before in glue_before or after.isalnum() or after in glue_after
        if not glued:
            spans.append((start, end))
        start = text.find(name, start + 1)
    return spans


def _with_short_forms(known: dict[str, str]) -> dict[str, str]:
    """The short forms of the known names, with the type of the name they shorten."""
    forms: dict[str, str] = {}
    for name, label in known.items():
        for form in _short_forms(name, label):
            forms.setdefault(form, label)
    return forms


def _short_forms(name: str, label: str) -> list[str]:
    """A person's surname; the last word of an organisation's name ("Colts")."""
    words = name.split()
    while len(words) > 1 and words[-1].lower().rstrip(".") in SUFFIXES:
        words = words[:-1]
    if len(words) < 2 or not re.fullmatch(r"[A-Z][\w'’-]+", words[-1]):
        return []
    if label == "PERSON" or (
        label == "ORG"
        and len(words[-1]) >= 4
        and not any(w.lower() in CONNECTORS or not w[:1].isupper() for w in words)
    ):
        return [words[-1]]
    return []


def _name_repeats(text: str, spans, others) -> tuple[dict[tuple[int, int], str], set]:
    """Uses of the article's names, surnames and short organisation names the tagger missed,
    and the shorter names that some of them hold ("Indianapolis" in "Indianapolis Colts")."""
    headings = _headings(text)
    known = _known_names(text, spans, headings)
    wanted = {**_with_short_forms(known), **known}
    found: dict[tuple[int, int], str] = {}
    replaced: set[tuple[int, int]] = set()
    names = sorted((n for n in wanted if len(n) >= 3 and n[0].isupper()), key=len, reverse=True)
    for name in names:
        for a, b in _occurrences(text, name):
            held = {s for s in spans if a <= s[0] and s[1] <= b and s[1] - s[0] < b - a}
            if " " not in name:
                held = set()
            if any(s[0] < b and a < s[1] for s in [*spans, *others, *found] if s not in held):
                continue
            if not _inside((a, b), headings) and in_longer_name(text, a, b):
                continue
            found[(a, b)] = wanted[name]
            replaced |= held
    return found, replaced
