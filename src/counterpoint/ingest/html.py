"""HTML page -> Article, with trafilatura finding the main text, title, date and site name."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from counterpoint.errors import InputError
from counterpoint.model import Article

from .decode import declared_charset, decode_file
from .names import stem_of
from .text import MAX_ARTICLE_CHARS, article_from_text
from .urls import url_host

MIN_WORDS = 10
"""Fewer words than this is boilerplate (a menu, a cookie banner), not an article."""


def read_html(
    path: Path, *, source: str, outlet: str | None, max_article_chars: int = MAX_ARTICLE_CHARS
) -> Article:
    """One ``.html`` file; ``outlet`` beats the site name, then the URL's host, then the stem."""
    return article_from_html(
        path.read_bytes(), source=source, outlet=outlet, fallback_outlet=stem_of(path),
        max_article_chars=max_article_chars,
    )


def article_from_html(
    data: bytes,
    *,
    source: str,
    outlet: str | None = None,
    url: str | None = None,
    charset: str | None = None,
    published: date | None = None,
    fallback_outlet: str | None = None,
    max_article_chars: int = MAX_ARTICLE_CHARS,
) -> Article:
    """An HTML page as bytes (a file, a web archive record) -> its article.

    The page's own canonical URL beats ``url`` (where it was fetched from); ``charset``
    (say, from an HTTP header) beats a ``<meta>`` declaration; the page's own date beats
    ``published``. The outlet is ``outlet``, else the site name, else the URL's host, else
    ``fallback_outlet``.
    """
    page = decode_file(data, source=source, charset=charset or declared_charset(data))
    found = _extract(page)
    text = (found.text or "") if found is not None else ""
    _check_text(text, source=source)
    url = found.url or url or None
    return article_from_text(
        text,
        source=source,
        outlet=outlet
        or found.sitename
        or (url_host(url) if url else None)
        or fallback_outlet
        or "unknown",
        title=found.title or None,
        published=_parse_date(found.date) or published,
        url=url,
        max_article_chars=max_article_chars,
    )


def _extract(page: str) -> Any:
    import trafilatura  # imported here: it takes a second to load

    return trafilatura.bare_extraction(
        page,
        with_metadata=True,
        # no guessing from dates anywhere in the page text ("Updated March 3", a sidebar...)
        date_extraction_params={
            "original_date": True,
            "extensive_search": False,
            "max_date": date.today().isoformat(),
        },
    )


def _check_text(text: str, *, source: str) -> None:
    words = len(text.split())
    if words >= MIN_WORDS:
        return
    found = f"only {text.strip()!r}" if words else "nothing"
    raise InputError(
        f"no article text in this HTML page (found {found}); save the article page itself, "
        "not an index or login page, or paste the article into a .txt file",
        source=source,
    )


def _parse_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).date()
    except ValueError:
        return None
