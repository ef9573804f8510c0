"""Named mentions: the tagger's entities, cleaned, plus aliases the text introduces.

The small English tagger cuts names oddly ("the Hayat Tahrir al-Sham (HTS",
"Tahrir al-Sham" without "Hayat", "Martyrs' Hall for Brigadier"). The cleaning
here is general: drop leading articles and trailing titles, split a trailing
parenthesised acronym off, and extend a name left over adjacent proper nouns.
Aliases come from two patterns writers use to introduce them: ``Name (ACRONYM)``
and ``Name, also known as Other``.
"""

from __future__ import annotations

import re

from counterpoint.lexicon import MINISTRIES, TITLES, is_designation
from counterpoint.model import Mention

KEEP = {"PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT", "NORP"}
_ACRONYM = re.compile(r"\(\s*([A-Z][A-Za-z]{0,2}[A-Z]{1,6}s?)\s*\)")
_KNOWN_AS = re.compile(
    r",?\s*(?:also known as|better known as|known as|a\.k\.a\.|aka|nicknamed|dubbed)\s+",
    re.IGNORECASE,
)
_LEAD_TRIM = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_TAIL_TRIM = re.compile(r"(?:['’]s|['’])$")


def find_mentions(doc, *, offset: int, sentence_of) -> list[Mention]:
    """Mentions of people, organisations and places, with introduced aliases linked."""
    text = doc.text
    spans: dict[tuple[int, int], str] = {}
    taken = set()
    for ent in doc.ents:
        taken.update(range(ent.start, ent.end))
    for ent in doc.ents:
        if ent.label_ not in KEEP:
            continue
        for start, end in _clean(doc, ent, taken):
            spans.setdefault((start, end), ent.label_)
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


def _clean(doc, ent, taken) -> list[tuple[int, int]]:
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
    # drop trailing titles ("… Hall for Brigadier") and the words that join them
    while end_token - start_token > 1 and doc[end_token - 1].lower_.rstrip(".") in TITLES:
        end_token -= 1
        while end_token - start_token > 1 and doc[end_token - 1].is_stop:
            end_token -= 1
    span = doc[start_token:end_token]
    start, end = span.start_char, span.end_char
    piece = doc.text[start:end]
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
