"""Fetch one web page for ingest, refusing what a public news page never is.

A page to fetch comes from whoever can reach the web app, so the fetch must not become a
way into the machine's own network (server-side request forgery):

- only ``http`` and ``https`` addresses;
- the host is resolved first and every address it resolves to must be public (not
  loopback, private, link-local, shared, multicast or reserved); the connection then goes
  to that checked address, so a second lookup cannot point elsewhere;
- redirects are followed by hand, at most ``MAX_REDIRECTS``, each checked the same way;
- at most ``MAX_PAGE_BYTES`` and ``FETCH_TIMEOUT_S`` seconds in all, redirects included.

``allowed`` names networks to fetch from even though they are not public (an intranet's
news system, or a test's loopback server).
"""

from __future__ import annotations

import ipaddress
import re
import socket
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit

from counterpoint.errors import InputError
from counterpoint.ingest.text import MAX_ARTICLE_CHARS
from counterpoint.model import Article

FETCH_TIMEOUT_S = 15.0
MAX_PAGE_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
_ADDRESS = re.compile(r"https?://[^/\s]+", re.IGNORECASE)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True, slots=True)
class Page:
    url: str
    """The address the page came from, after redirects."""
    data: bytes
    kind: str
    """The content type, lower case, without parameters."""


def networks(values: Iterable[str]) -> tuple[Network, ...]:
    """Networks from ``10.0.0.0/8`` or single addresses; a bad one is an InputError."""
    out = []
    for value in values:
        try:
            out.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise InputError(f"{value!r} is not an IP address or network; write it as "
                             "10.0.0.0/8 or 192.168.1.20", source="allowed networks") from None
    return tuple(out)


def fetch(url: str, *, allowed: tuple[Network, ...] = (), timeout: float = FETCH_TIMEOUT_S,
          max_bytes: int = MAX_PAGE_BYTES) -> Page:
    """The page at ``url``, or an InputError that says why not and what to do instead."""
    import httpx

    deadline = time.monotonic() + timeout
    current = url.strip()
    with httpx.Client(follow_redirects=False, timeout=timeout, trust_env=False,
                      headers={"User-Agent": "counterpoint"}) as client:
        for _ in range(MAX_REDIRECTS + 1):
            target, host = _checked(current, allowed, source=url)
            try:
                with client.stream("GET", target, headers={"Host": host},
                                   timeout=_left(deadline, url),
                                   extensions={"sni_hostname": urlsplit(current).hostname}
                                   ) as response:
                    if response.is_redirect:
                        location = response.headers.get("location", "")
                        current = urljoin(current, location)
                        continue
                    response.raise_for_status()
                    data = _body(response, deadline, max_bytes, url)
                    kind = response.headers.get("content-type", "").split(";")[0]
                    return Page(url=current, data=data, kind=kind.strip().lower())
            except httpx.HTTPError as exc:
                raise InputError(
                    f"cannot fetch it ({exc or type(exc).__name__}); check the address and the "
                    "network, or save the page and upload the file", source=url) from None
    raise InputError(f"more than {MAX_REDIRECTS} redirects; open the page in a browser, save "
                     "it and upload the file", source=url)


def _checked(url: str, allowed: tuple[Network, ...], *, source: str) -> tuple[str, str]:
    """(the URL with its host replaced by a checked address, the Host header)."""
    if not _ADDRESS.match(url):
        raise InputError("not an http(s) address; give one such as https://example.org/story",
                         source=source)
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, ValueError, UnicodeError) as exc:
        raise InputError(f"cannot find the host {host!r} ({exc}); check the address",
                         source=source) from None
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in found]
    for address in addresses:
        refused = _refused(address, allowed)
        if refused:
            raise InputError(f"refused: {host} is {address}, {refused}; only public web pages "
                             "are fetched", source=source)
    first = str(addresses[0])
    netloc = f"[{first}]" if ":" in first else first
    if parts.port:
        netloc += f":{parts.port}"
    header = host if not parts.port else f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, "")), header


def _refused(address: ipaddress.IPv4Address | ipaddress.IPv6Address,
             allowed: tuple[Network, ...]) -> str | None:
    """Why ``address`` is not fetched from, or None when it may be."""
    mapped = getattr(address, "ipv4_mapped", None)
    if mapped is not None:
        address = mapped
    if any(address.version == n.version and address in n for n in allowed):
        return None
    for reason, test in (("a loopback address", address.is_loopback),
                         ("a link-local address", address.is_link_local),
                         ("a private address", address.is_private),
                         ("a multicast address", address.is_multicast),
                         ("an unspecified address", address.is_unspecified),
                         ("a reserved address", address.is_reserved)):
        if test:
            return reason
    return None if address.is_global else "not a public address"


def _left(deadline: float, source: str) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise InputError(f"the page took longer than {FETCH_TIMEOUT_S:g} s; save it and upload "
                         "the file", source=source)
    return left


def _body(response, deadline: float, max_bytes: int, source: str) -> bytes:
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise InputError(f"the page is larger than {max_bytes // 2**20} MiB; save the "
                             "article and upload it", source=source)
        _left(deadline, source)
        chunks.append(chunk)
    return b"".join(chunks)


def fetch_article(url: str, *, outlet: str | None = None,
                  allowed: tuple[Network, ...] = (),
                  max_article_chars: int = MAX_ARTICLE_CHARS) -> Article:
    """Fetch a page and read its article, as ingest reads a saved page."""
    return article_from_page(fetch(url, allowed=allowed), url, outlet=outlet,
                             max_article_chars=max_article_chars)


def article_from_page(page: Page, url: str, *, outlet: str | None = None,
                      max_article_chars: int = MAX_ARTICLE_CHARS) -> Article:
    """The article of a page fetched from ``url``, read as ingest reads a saved page."""
    from counterpoint.ingest import article_from_text, read_paths
    from counterpoint.ingest.urls import url_host

    with tempfile.TemporaryDirectory(prefix="counterpoint-page-") as folder:
        path = Path(folder) / ("page.txt" if page.kind == "text/plain" else "page.html")
        path.write_bytes(page.data)
        result = read_paths([path], outlet=outlet, max_article_chars=max_article_chars)
    if result.failures:
        raise InputError(result.failures[0].reason.replace(str(path), url), source=url)
    article = result.articles[0]
    read_from_page = article.outlet not in ("page", "")
    return article_from_text(
        article.text,
        source=url,
        outlet=outlet or (article.outlet if read_from_page else url_host(page.url) or "web"),
        title=article.title,
        published=article.published,
        url=article.url or page.url,
        max_article_chars=max_article_chars,
    )
