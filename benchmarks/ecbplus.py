"""Read the ECB+ corpus (``../shared/eval/ecbplus``) as plain-text documents.

Each ``ECB+/<topic>/<topic>_<n>ecb.xml`` or ``..._<n>ecbplus.xml`` file holds
one news document as ``<token t_id sentence number>`` elements. A document's
gold event is its subtopic: ``"<topic>_ecb"`` or ``"<topic>_ecbplus"`` (two
different real-world events of the same kind per topic). See FORMAT.md there.

The text is detokenised: tokens joined by spaces, except before closing
punctuation and clitics (``, . ; : ! ? ) n't 's``...) and after opening ones
(``( $ “``); sentences are separated by newlines. In ``*ecbplus.xml`` files
sentence 0 is the source URL and is dropped.

On request, each document also carries its gold markables (:class:`GoldMention`): the
annotated mentions of events, participants, places and times, with character
offsets into the detokenised text and their cross-document cluster (the
``instance_id`` a ``CROSS_DOC_COREF`` relation links them to). A mention in no
cross-document relation gets a cluster of its own document: its
``INTRA_DOC_COREF`` chain when it has one, else itself.
:func:`validated_sentences` reads the list of fully annotated sentences.

The data stays where it is: this module reads it, it never copies it.
"""

from __future__ import annotations

import csv
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from counterpoint.ingest import article_from_text
from counterpoint.model import Article

__all__ = [
    "Doc",
    "GoldMention",
    "detokenize",
    "detokenize_spans",
    "load",
    "to_articles",
    "validated_sentences",
]

NAME = re.compile(r"^(?P<topic>\d+)_(?P<n>\d+)(?P<component>ecb|ecbplus)\.xml$")

# Attach to the token before (no space before them).
_CLOSING = {",", ".", ";", ":", "!", "?", "%", ")", "]", "}", "''", "”", "’", "...", "…"}
_CLITICS = {"n't", "'s", "'re", "'m", "'ve", "'ll", "'d", "s", "t", "m", "re", "ve", "ll", "d"}
# Attach to the token after (no space after them).
_OPENING = {"(", "[", "{", "$", "``", "“", "‘", "#"}
_APOSTROPHES = {"'", "’"}
_JOINERS = {"-", "/"}  # inside a word or number: "year-old", "20-13", "09/2013", "and/or"


@dataclass(frozen=True, slots=True, kw_only=True)
class GoldMention:
    """One annotated mention (a markable with token anchors) of an ECB+ document."""

    id: str  # the markable's m_id, unique within its document
    tag: str  # e.g. "HUMAN_PART_PER", "LOC_GEO", "ACTION_OCCURRENCE"
    start: int  # end-exclusive character offsets into Doc.text
    end: int
    text: str  # Doc.text[start:end]
    words: tuple[str, ...]  # its tokens, as in the XML
    spans: tuple[tuple[int, int], ...]  # each token's offsets into Doc.text
    sentence: int  # the XML sentence number
    first: bool  # whether its first token opens its sentence
    cluster: str  # cross-document instance id, or "<doc name>#..." for a local chain


@dataclass(frozen=True, slots=True, kw_only=True)
class Doc:
    """One ECB+ document: its file name, gold topic and subtopic, and detokenised text."""

    name: str  # e.g. "1_1ecbplus.xml"
    topic: str  # e.g. "1"
    subtopic: str  # "1_ecb" or "1_ecbplus"
    path: Path
    text: str
    mentions: tuple[GoldMention, ...] = ()


def load(path: str | Path, *, limit: int | None = None, mentions: bool = False) -> list[Doc]:
    """The documents under ``path`` (the ecbplus folder, its ``ECB+`` folder, a topic
    folder, or any folder holding ECB+ XML files), sorted by topic, number, component;
    only the first ``limit`` of them when given; with their gold markables if ``mentions``."""
    root = Path(path)
    if root.is_file():
        files = [root]
    else:
        files = [f for f in root.rglob("*.xml") if NAME.match(f.name)]
    if not files:
        raise FileNotFoundError(
            f"No ECB+ XML files (<topic>_<n>ecb.xml or <topic>_<n>ecbplus.xml) under {str(root)!r}; "
            "pass the ecbplus folder, e.g. ../shared/eval/ecbplus"
        )
    return [read_doc(f, mentions=mentions) for f in sorted(files, key=_sort_key)[:limit]]


def read_doc(file: Path, *, mentions: bool = False) -> Doc:
    """One ECB+ XML file as a :class:`Doc`, with its gold markables if ``mentions``."""
    found = NAME.match(file.name)
    if found is None:
        raise ValueError(f"{file.name!r} is not an ECB+ file name like '1_1ecb.xml'")
    topic, component = found.group("topic"), found.group("component")
    root = ET.parse(file).getroot()
    sentences: dict[int, list[tuple[str, str]]] = {}  # sentence -> [(t_id, token)]
    for token in root.iter("token"):
        sentences.setdefault(int(token.get("sentence", "0")), []).append(
            (token.get("t_id", ""), token.text or "")
        )
    if component == "ecbplus":
        sentences.pop(0, None)  # the source URL, tokenised
    lines: list[str] = []
    spans: dict[str, tuple[int, int, int, bool]] = {}  # t_id -> start, end, sentence, first
    offset = 0
    for number, tokens in sorted(sentences.items()):
        line, token_spans = detokenize_spans([t for _, t in tokens])
        if not line:
            continue
        if lines:
            offset += 1  # the newline between sentences
        for index, ((t_id, _), span) in enumerate(zip(tokens, token_spans) if mentions else ()):
            if span is not None:
                spans[t_id] = (offset + span[0], offset + span[1], number, index == 0)
        lines.append(line)
        offset += len(line)
    text = "\n".join(lines)
    return Doc(
        name=file.name,
        topic=topic,
        subtopic=f"{topic}_{component}",
        path=file,
        text=text,
        mentions=_gold_mentions(root, file.name, text, spans) if mentions else (),
    )


def _gold_mentions(root, name: str, text: str, spans) -> tuple[GoldMention, ...]:
    """The anchored markables of a document, with offsets and clusters."""
    words = {token.get("t_id", ""): token.text or "" for token in root.iter("token")}
    clusters: dict[str, str] = {}
    relations = root.find("Relations")
    for kind in ("INTRA_DOC_COREF", "CROSS_DOC_COREF"):  # cross-document ids win
        for relation in relations.iter(kind) if relations is not None else ():
            if kind == "CROSS_DOC_COREF" and relation.get("note"):
                cluster = relation.get("note", "")
            else:
                cluster = f"{name}#{kind}{relation.get('r_id')}"
            for source in relation.iter("source"):
                clusters[source.get("m_id", "")] = cluster
    markables = root.find("Markables")
    found = []
    for markable in markables if markables is not None else ():
        anchors = [a.get("t_id", "") for a in markable.iter("token_anchor")]
        placed = [spans[t] for t in anchors if t in spans]
        if not anchors or len(placed) != len(anchors):
            continue  # an instance (no anchors), or a mention in the dropped URL line
        start, end = min(p[0] for p in placed), max(p[1] for p in placed)
        m_id = markable.get("m_id", "")
        found.append(
            GoldMention(
                id=m_id,
                tag=markable.tag,
                start=start,
                end=end,
                text=text[start:end],
                words=tuple(words[t].strip() for t in anchors),
                spans=tuple(p[:2] for p in placed),
                sentence=placed[0][2],
                first=min(placed)[3],
                cluster=clusters.get(m_id, f"{name}#{m_id}"),
            )
        )
    return tuple(sorted(found, key=lambda m: (m.start, m.end, m.id)))


def validated_sentences(path: str | Path) -> set[tuple[str, int]]:
    """The fully annotated ``(document name, sentence number)`` pairs.

    ``path`` is the ecbplus folder (holding ``ECBplus_coreference_sentences.csv``)
    or that file itself.
    """
    file = Path(path)
    if file.is_dir():
        file = file / "ECBplus_coreference_sentences.csv"
    if not file.is_file():
        raise FileNotFoundError(
            f"No {file.name!r} at {str(file.parent)!r}; pass the ecbplus folder, "
            "e.g. ../shared/eval/ecbplus"
        )
    rows = csv.DictReader(file.read_text(encoding="utf-8").splitlines())
    return {(f"{r['Topic']}_{r['File']}.xml", int(r["Sentence Number"])) for r in rows}


def detokenize(tokens: Sequence[str]) -> str:
    """Tokens back to running text (a heuristic inverse of PTB-style tokenisation)."""
    return detokenize_spans(tokens)[0]


def detokenize_spans(tokens: Sequence[str]) -> tuple[str, list[tuple[int, int] | None]]:
    """The running text and, for each input token, its ``(start, end)`` in it.

    A blank token gets ``None``; two quote tokens merged into one share its span.
    """
    spans: list[tuple[int, int] | None] = [None] * len(tokens)
    kept = [(i, t.strip()) for i, t in enumerate(tokens) if t.strip()]
    merged = _merge_quote_pairs([t for _, t in kept])
    owners: list[tuple[int, ...]] = []  # the input tokens behind each merged token
    position = 0
    for token in merged:
        if token in ("''", "``") and kept[position][1] != token:
            owners.append((kept[position][0], kept[position + 1][0]))
            position += 2
        else:
            owners.append((kept[position][0],))
            position += 1
    tokens = merged
    length = 0
    out: list[str] = []
    glue = True  # no space before the next token
    open_double = open_single = False  # inside a straight "..." or '...' pair
    for i, token in enumerate(tokens):
        prev = out[-1] if out else ""
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        attach_left = False
        attach_right = False
        if token == '"':
            attach_left, attach_right = open_double, not open_double
            open_double = not open_double
        elif token in ("``", "''"):
            attach_left, attach_right = token == "''", token == "``"
            token = '"'
        elif token in _APOSTROPHES and prev[-1:].isalnum() and nxt.lower() in _CLITICS:
            attach_left = attach_right = True  # "I ’ m" -> "I’m"
        elif token == "'" and (open_single or prev.endswith("s")):
            attach_left = True  # a closing quote, or a plural possessive: "Pictures'"
            open_single = False
        elif token == "'":
            attach_right = open_single = True
        elif token in _CLITICS and token.startswith("'") or token.lower() == "n't":
            attach_left = True
        elif token in _JOINERS and prev[-1:].isalnum() and nxt[:1].isalnum():
            attach_left = attach_right = True
        elif token == ":" and prev.isdigit() and nxt.isdigit():
            attach_left = attach_right = True  # "4 : 59" -> "4:59"
        elif token in _CLOSING:
            attach_left = True
        elif token in _OPENING:
            attach_right = True
        if out and not glue and not attach_left:
            out.append(" ")
            length += 1
        out.append(token)
        for owner in owners[i]:
            spans[owner] = (length, length + len(token))
        length += len(token)
        glue = attach_right
    return "".join(out), spans


def _merge_quote_pairs(tokens: list[str]) -> list[str]:
    """Two single quote tokens in a row are one double quote: "' '" -> "''"."""
    out: list[str] = []
    for token in tokens:
        if out and token in ("'", "`") and out[-1] == token:
            out[-1] = "''" if token == "'" else "``"
        else:
            out.append(token)
    return out


def to_articles(docs: Iterable[Doc]) -> list[Article]:
    """Articles for counterpoint, one per document; the outlet is the document name."""
    return [article_from_text(doc.text, source=str(doc.path), outlet=doc.name) for doc in docs]


def _sort_key(file: Path) -> tuple[int, int, str]:
    found = NAME.match(file.name)
    assert found is not None
    return int(found.group("topic")), int(found.group("n")), found.group("component")
