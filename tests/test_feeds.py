"""RSS and Atom feeds: entries read from the XML, each entry's page fetched as an article."""

from __future__ import annotations

import http.server
import threading
import time
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from counterpoint.cli import main
from counterpoint.errors import InputError
from counterpoint.ingest.feeds import entries, feed_paths, is_feed
from counterpoint.store import Store

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Local Gazette</title>
<item><title>Bridge reopens</title><link>{base}/story</link>
  <pubDate>Mon, 02 Dec 2024 08:00:00 GMT</pubDate></item>
<item><title>Gone</title><link>{base}/missing</link></item>
<item><title>No link</title></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title>
<entry><title>Port strike ends</title>
  <link rel="self" href="https://wire.example/api/1"/>
  <link rel="alternate" href="https://wire.example/port-strike"/>
  <published>2024-12-03T10:00:00Z</published></entry>
</feed>"""

PAGE = (b"<html><head><title>Bridge reopens</title></head><body><article><h1>Bridge reopens"
        b"</h1><p>The old bridge over the river reopened on Monday after two years of "
        b"repairs, the city council said in a statement.</p><p>About 30,000 vehicles are "
        b"expected to cross it every day.</p></article></body></html>")


def test_rss_and_atom_entries_give_link_title_and_date():
    rss = entries(RSS.replace(b"{base}", b"https://gazette.example"), source="feed.rss")
    assert [(e.link, e.title, e.published) for e in rss] == [
        ("https://gazette.example/story", "Bridge reopens", date(2024, 12, 2)),
        ("https://gazette.example/missing", "Gone", None),
    ]  # the entry without a link is left out
    (atom,) = entries(ATOM, source="wire.atom")
    assert (atom.link, atom.title, atom.published) == (
        "https://wire.example/port-strike", "Port strike ends", date(2024, 12, 3))
    assert is_feed(ATOM) and is_feed(RSS) and not is_feed(PAGE)


@pytest.mark.parametrize(("data", "says"), [
    (b"<rss><channel><item>", "not well-formed"),
    (b"<html><body>a page</body></html>", "not an RSS or Atom feed"),
    (b"<rss><channel><item><title>t</title></item></channel></rss>", "no entry"),
])
def test_what_is_not_a_feed_is_named(data, says):
    with pytest.raises(InputError, match=says) as caught:
        entries(data, source="news.rss")
    assert caught.value.source == "news.rss"


def test_entity_expansion_is_refused_at_once():
    laughs = b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "lol">'
    for n in range(1, 10):
        laughs += f'<!ENTITY {chr(97 + n)} "{("&" + chr(96 + n) + ";") * 10}">'.encode()
    laughs += b"]><rss><channel><item><title>&j;</title><link>https://x.example/</link>"
    laughs += b"</item></channel></rss>"
    began = time.perf_counter()
    with pytest.raises(InputError, match="not well-formed"):
        entries(laughs, source="bomb.rss")
    assert time.perf_counter() - began < 5


@pytest.fixture()
def site():
    """A local site with a feed, a page it lists, and a page that is gone."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            base = f"http://127.0.0.1:{self.server.server_address[1]}".encode()
            body, kind, status = {
                "/feed.rss": (RSS.replace(b"{base}", base), "application/rss+xml", 200),
                "/story": (PAGE, "text/html; charset=utf-8", 200),
            }.get(self.path, (b"gone", "text/plain", 404))
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _ingest(feed: str, db: Path, *more: str):
    return CliRunner().invoke(main, ["ingest", feed, "--db", str(db), *more])


def test_a_feed_address_brings_each_entry_and_names_the_one_that_failed(site, tmp_path):
    db = tmp_path / "news.duckdb"
    refused = _ingest(site + "/feed.rss", db)  # a loopback address, not allowed by default
    assert refused.exit_code == 1 and "loopback" in refused.stderr
    result = _ingest(site + "/feed.rss", db, "--allow-fetch", "127.0.0.1/32")
    assert result.exit_code == 1, result.output  # one entry failed
    assert f"{site}/missing" in result.stderr and "an entry of the feed" in result.stderr
    assert "1 articles added" in result.stderr
    with Store(db) as store:
        (article,) = store.articles()
    assert article.url == f"{site}/story" and article.title == "Bridge reopens"
    assert article.published == date(2024, 12, 2)  # the page has no date; the feed has
    assert "reopened on Monday" in article.text


def test_a_feed_file_is_read_and_its_entries_fetched(site, tmp_path):
    feed = tmp_path / "gazette.xml"
    feed.write_bytes(RSS.replace(b"{base}", site.encode()))
    (tmp_path / "notes.xml").write_text("<notes>not a feed</notes>")
    assert feed_paths([feed, tmp_path / "notes.xml"]) == [feed]
    result = _ingest(str(feed), tmp_path / "news.duckdb", "--allow-fetch", "127.0.0.1/32")
    assert "1 articles added" in result.stderr and f"{site}/missing" in result.stderr
