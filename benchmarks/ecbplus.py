"""Read the ECB+ corpus (``../shared/eval/ecbplus``) as plain-text documents.

Each ``ECB+/<topic>/<topic>_<n>ecb.xml`` or ``..._<n>ecbplus.xml`` file holds
one news document as ``<token t_id sentence number>`` elements. A document's
gold event is its subtopic: ``"<topic>_ecb"`` or ``"<topic>_ecbplus"`` (two
different real-world events of the same kind per topic). See FORMAT.md there.

The text is detokenised: tokens joined by spaces, except before closing
punctuation and clitics (``, . ; : ! ? ) n't 's``...) and after opening ones
(``( $ “``); sentences are separated by newlines. In ``*ecbplus.xml`` files
sentence 0 is the source URL and is dropped.

The data stays where it is: this module reads it, it never copies it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from counterpoint.ingest import article_from_text
from counterpoint.model import Article

__all__ = ["Doc", "detokenize", "load", "to_articles"]

NAME = re.compile(r"^(?P<topic>\d+)_(?P<n>\d+)(?P<component>ecb|ecbplus)\.xml$")

# Attach to the token before (no space before them).
_CLOSING = {",", ".", ";", ":", "!", "?", "%", ")", "]", "}", "''", "”", "’", "...", "…"}
_CLITICS = {"n't", "'s", "'re", "'m", "'ve", "'ll", "'d", "s", "t", "m", "re", "ve", "ll", "d"}
# Attach to the token after (no space after them).
_OPENING = {"(", "[", "{", "$", "``", "“", "‘", "#"}
_APOSTROPHES = {"'", "’"}
_JOINERS = {"-", "/"}  # inside a word or number: "year-old", "20-13", "09/2013", "and/or"


@dataclass(frozen=True, slots=True, kw_only=True)
class Doc:
    """One ECB+ document: its file name, gold topic and subtopic, and detokenised text."""

    name: str  # e.g. "1_1ecbplus.xml"
    topic: str  # e.g. "1"
    subtopic: str  # "1_ecb" or "1_ecbplus"
    path: Path
    text: str


def load(path: str | Path, *, limit: int | None = None) -> list[Doc]:
    """The documents under ``path`` (the ecbplus folder, its ``ECB+`` folder, a topic
    folder, or any folder holding ECB+ XML files), sorted by topic, number, component;
    only the first ``limit`` of them when given."""
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
    return [read_doc(f) for f in sorted(files, key=_sort_key)[:limit]]


def read_doc(file: Path) -> Doc:
    """One ECB+ XML file as a :class:`Doc`."""
    found = NAME.match(file.name)
    if found is None:
        raise ValueError(f"{file.name!r} is not an ECB+ file name like '1_1ecb.xml'")
    topic, component = found.group("topic"), found.group("component")
    sentences: dict[int, list[str]] = {}
    for token in ET.parse(file).getroot().iter("token"):
        sentences.setdefault(int(token.get("sentence", "0")), []).append(token.text or "")
    if component == "ecbplus":
        sentences.pop(0, None)  # the source URL, tokenised
    lines = [detokenize(tokens) for _, tokens in sorted(sentences.items())]
    return Doc(
        name=file.name,
        topic=topic,
        subtopic=f"{topic}_{component}",
        path=file,
        text="\n".join(line for line in lines if line),
    )


def detokenize(tokens: Sequence[str]) -> str:
    """Tokens back to running text (a heuristic inverse of PTB-style tokenisation)."""
    tokens = _merge_quote_pairs([t.strip() for t in tokens if t.strip()])
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
        out.append(token)
        glue = attach_right
    return "".join(out)


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
