"""HTML page -> Article, with trafilatura finding the main text, title, date and site name."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from counterpoint.errors import InputError
from counterpoint.model import Article

from .decode import declared_charset, decode_file
from .names import stem_of
from .text import article_from_text
from .urls import url_host

MIN_WORDS = 10
"""Fewer words than this is boilerplate (a menu, a cookie banner), not an article."""


def read_html(path: Path, *, source: str, outlet: str | None) -> Article:
    """One ``.html`` file; ``outlet`` beats the site name, then the URL's host, then the stem."""
    data = path.read_bytes()
    page = decode_file(data, source=source, charset=declared_charset(data))
    found = _extract(page)
    text = (found.text or "") if found is not None else ""
    _check_text(text, source=source)
    url = found.url or None
    return article_from_text(
        text,
        source=source,
        outlet=outlet or found.sitename or (url_host(url) if url else None) or stem_of(path),
        title=found.title or None,
        published=_parse_date(found.date),
        url=url,
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
