"""RSS and Atom feeds: each entry's page, fetched and read as an article.

A feed (RSS 2.0, RSS 1.0/RDF or Atom; a file or an http(s) address) lists stories, not
their text: every entry's link is fetched with the limits of :func:`.fetch.fetch` (public
addresses only, 5 MiB, 15 s each) and read as a saved page is. The feed gives an article
the title and the date its page does not. At most :data:`MAX_ENTRIES` entries are read
from one feed, in the feed's order; an entry that cannot be fetched or read is reported
with its link, and the others go through.

Feeds are parsed with the standard library's expat parser, which resolves no external
entity and stops entity expansion that grows out of proportion (a "billion laughs").
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

from counterpoint.errors import InputError
from counterpoint.ingest.fetch import MAX_PAGE_BYTES, Network, Page, article_from_page, fetch
from counterpoint.ingest.text import MAX_ARTICLE_CHARS
from counterpoint.model import Article

MAX_ENTRIES = 100
FEED_SUFFIXES = (".rss", ".atom")
_FEED_ROOTS = ("rss", "feed", "RDF")


@dataclass(frozen=True, slots=True)
class Entry:
    link: str
    title: str | None = None
    published: date | None = None


def is_feed(data: bytes) -> bool:
    """Whether ``data`` is an RSS or Atom document (by its root element)."""
    head = data[:2048].lstrip()
    match = re.search(rb"<(?![?!])([\w.-]+:)?([\w.-]+)", head)
    return match is not None and match.group(2).decode() in _FEED_ROOTS


def entries(data: bytes, *, source: str) -> list[Entry]:
    """The entries of the feed ``data``, in its order, with an http(s) link each."""
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise InputError(f"the feed is not well-formed XML ({exc}); check that the address "
                         "gives an RSS or Atom feed", source=source) from exc
    if _local(root.tag) not in _FEED_ROOTS:
        raise InputError(f"the document is <{_local(root.tag)}>, not an RSS or Atom feed",
                         source=source)
    found = []
    for item in root.iter():
        if _local(item.tag) not in ("item", "entry"):
            continue
        link = _link(item)
        if link and re.match(r"https?://", link, re.IGNORECASE):
            found.append(Entry(link=link, title=_text(item, "title"), published=_date(item)))
    if not found:
        raise InputError("the feed lists no entry with an http(s) link", source=source)
    return found[:MAX_ENTRIES]


def read_feed(feed: str | Path, *, outlet: str | None = None,
              allowed: tuple[Network, ...] = (),
              max_article_chars: int = MAX_ARTICLE_CHARS,
              progress: Callable[[int, int], None] | None = None,
              page: Page | None = None) -> tuple[list[Article], list[InputError]]:
    """The articles of a feed's entries, fetched, and an error for each one that failed.

    ``feed`` is a file or an http(s) address (``page``: the feed already fetched from it).
    Raises :class:`InputError` when the feed itself cannot be read."""
    source = str(feed)
    if page is not None:
        data = page.data
    elif isinstance(feed, Path):
        try:
            size = feed.stat().st_size
            if size > MAX_PAGE_BYTES:
                raise InputError(f"the feed is {size:,} bytes, over the limit of "
                                 f"{MAX_PAGE_BYTES:,}", source=source)
            data = feed.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read the feed ({exc.strerror})", source=source) from exc
    else:
        data = fetch(feed, allowed=allowed).data
    listed = entries(data, source=source)
    articles, failures = [], []
    for done, entry in enumerate(listed):
        if progress:
            progress(done, len(listed))
        try:
            article = article_from_page(fetch(entry.link, allowed=allowed), entry.link,
                                        outlet=outlet, max_article_chars=max_article_chars)
        except InputError as exc:
            failures.append(InputError(f"{exc.reason} (an entry of the feed {source})",
                                       source=entry.link))
            continue
        articles.append(replace(article, title=article.title or entry.title,
                                published=article.published or entry.published))
    return articles, failures


def feed_paths(paths: Sequence[Path]) -> list[Path]:
    """The files among ``paths`` that are feeds: by suffix (.rss, .atom), or an .xml file
    whose root element is a feed's."""
    found = []
    for path in paths:
        suffix = path.suffix.lower()
        if suffix in FEED_SUFFIXES:
            found.append(path)
        elif suffix == ".xml" and path.is_file():
            with path.open("rb") as file:
                if is_feed(file.read(2048)):
                    found.append(path)
    return found


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(item, name: str):
    return [c for c in item if _local(c.tag) == name]


def _text(item, name: str) -> str | None:
    for child in _children(item, name):
        text = " ".join("".join(child.itertext()).split())
        if text:
            return text
    return None


def _link(item) -> str | None:
    """RSS: the text of <link> (else a permalink <guid>); Atom: the href of the alternate
    <link>, or of the first one without a rel."""
    for child in _children(item, "link"):
        href = child.get("href")
        if href and child.get("rel", "alternate") == "alternate":
            return href.strip()
        if not href and (child.text or "").strip():
            return (child.text or "").strip()
    for child in _children(item, "guid"):
        if child.get("isPermaLink", "true") != "false" and (child.text or "").strip():
            return (child.text or "").strip()
    return None


def _date(item) -> date | None:
    for name in ("pubDate", "published", "updated", "date"):
        text = _text(item, name)
        if not text:
            continue
        try:
            return parsedate_to_datetime(text).date()  # RSS: RFC 822
        except (TypeError, ValueError, IndexError):
            pass
        try:
            return datetime.fromisoformat(text.replace("Z", "+00:00")).date()  # Atom, Dublin Core
        except ValueError:
            pass
    return None
