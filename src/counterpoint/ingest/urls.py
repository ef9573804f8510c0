"""Canonical URLs, so that the same page always gets the same article id."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit


def canonical_url(url: str) -> str:
    """Lowercase scheme and host, drop the fragment, ``utm_*`` parameters and a trailing slash."""
    parts = urlsplit(url.strip())
    if not parts.scheme or not parts.netloc:
        return url.strip()
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not key.lower().startswith("utm_")
    ]
    return urlunsplit(
        (parts.scheme.lower(), parts.netloc.lower(), parts.path.rstrip("/"), urlencode(query), "")
    )


def url_host(url: str) -> str | None:
    """The host of ``url`` without a leading ``www.``, or None when it has none."""
    host = urlsplit(url.strip()).hostname
    return host.removeprefix("www.") if host else None
