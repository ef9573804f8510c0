"""Plain text -> Article, reading an optional `` date 2024-11-29 TEHRAN - `` prefix, or a
headline on the first line with a blank line under it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from counterpoint.errors import InputError
from counterpoint.model import Article, stable_id

from .decode import decode_file
from .urls import canonical_url

_PREFIX = re.compile(
    r"\s*date[ \t]+(?P<date>\d{4}-\d{2}-\d{2})[ \t]+(?P<place>[^\n]{1,60}?)[ \t]+[-\u2013][ \t]+"
)
_PLACE = re.compile(r"[^\W\d_](?:[^\W\d_]|[.'\u2019-]| (?=[^\W\d_]))*")
_HEADLINE = re.compile(r"[ \t]*(?P<title>[^\n]+?)[ \t]*\r?\n[ \t]*\r?\n")
HEADLINE_CHARACTERS = 200
_BYLINE = re.compile(r"by\s", re.IGNORECASE)


@dataclass(frozen=True, slots=True, kw_only=True)
class Prefix:
    """What a `` date YYYY-MM-DD PLACE - `` prefix says, and where the body starts."""

    published: date
    dateline: str
    end: int


def parse_prefix(text: str) -> Prefix | None:
    """The date-and-dateline prefix at the start of ``text``, if there is a valid one."""
    found = _PREFIX.match(text)
    if found is None:
        return None
    place = found.group("place")
    if not _PLACE.fullmatch(place) or place != place.upper():
        return None
    try:
        published = date.fromisoformat(found.group("date"))
    except ValueError:
        return None
    return Prefix(published=published, dateline=place, end=found.end())


def headline(text: str) -> str | None:
    """The first line of ``text`` when it stands alone as a headline: a blank line under it,
    body text after, two words or more but at most ``HEADLINE_CHARACTERS`` characters, not
    ending as a sentence or clause does (``.``, ``,``, ``;``, ``:``), and not a byline
    ("By Jane Doe")."""
    found = _HEADLINE.match(text)
    if found is None or not text[found.end() :].strip():
        return None
    title = found.group("title")
    if len(title) > HEADLINE_CHARACTERS or title.endswith((".", ",", ";", ":")):
        return None
    if len(title.split()) < 2 or _BYLINE.match(title):
        return None
    if parse_prefix(text) is not None:
        return None
    return title


def article_id(text: str, *, url: str | None = None) -> str:
    """A stable id: from the canonical URL when known, else from the text."""
    if url:
        return stable_id("art", canonical_url(url))
    return stable_id("art", text)


MAX_ARTICLE_CHARS = 1_000_000
"""The longest article text read by default (about 1 MB); the ``max_article_chars`` setting
(``COUNTERPOINT_MAX_ARTICLE_CHARS``, see :mod:`counterpoint.config`) changes it."""
_SURROGATE = re.compile("[\ud800-\udfff]")


def check_text(text: str, *, source: str, max_article_chars: int = MAX_ARTICLE_CHARS) -> None:
    """Raise :class:`InputError` for a text no article can be made of, or one longer than
    ``max_article_chars``."""
    if len(text) > max_article_chars:
        raise InputError(
            f"the article text is {len(text):,} characters, over the limit of "
            f"{max_article_chars:,}; split it into articles, or raise the limit with "
            "COUNTERPOINT_MAX_ARTICLE_CHARS",
            source=source,
        )
    if (bad := _SURROGATE.search(text)) is not None:
        raise InputError(
            f"the text holds an invalid code point U+{ord(bad.group()):04X} (a lone surrogate) "
            f"at character {bad.start()}; remove it or fix the encoder that wrote it",
            source=source,
        )
    if not any(c.isalpha() for c in text):
        raise InputError(
            "no text to analyse: the article has no letters (only digits, punctuation or "
            "invisible characters); give it the article's words",
            source=source,
        )


def article_from_text(
    text: str,
    *,
    source: str,
    outlet: str,
    title: str | None = None,
    published: date | None = None,
    url: str | None = None,
    id: str | None = None,
    max_article_chars: int = MAX_ARTICLE_CHARS,
) -> Article:
    """An Article holding ``text`` exactly; an explicit ``published`` beats the prefix date.

    Refused, with the reason: an empty text, one with no letters ("no text to analyse"), one
    longer than ``max_article_chars``, and one holding a lone surrogate (a code point no
    UTF-8 text can hold)."""
    if not text.strip():
        raise InputError("the article text is empty; give it some text", source=source)
    check_text(text, source=source, max_article_chars=max_article_chars)
    prefix = parse_prefix(text)
    if prefix is not None and not text[prefix.end :].strip():
        raise InputError(
            f"only a date prefix {text!r} and no article text after it; "
            "add the article body after the prefix",
            source=source,
        )
    return Article(
        id=id or article_id(text, url=url),
        text=text,
        outlet=outlet,
        source=source,
        title=title,
        published=published or (prefix.published if prefix else None),
        dateline=prefix.dateline if prefix else None,
        url=url,
        body_start=prefix.end if prefix else 0,
    )


def read_txt(
    path: Path, *, source: str, outlet: str, max_article_chars: int = MAX_ARTICLE_CHARS
) -> Article:
    """One ``.txt`` file: its whole decoded text is the article text, and a headline on its
    first line (:func:`headline`) is also its title."""
    text = decode_file(path.read_bytes(), source=source)
    return article_from_text(text, source=source, outlet=outlet, title=headline(text),
                             max_article_chars=max_article_chars)
