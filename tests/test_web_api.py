"""The web app's JSON API and pages, through an ASGI client, over a database of the seeds."""

from __future__ import annotations

import contextlib
import html
import http.server
import re
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.conftest import EXAMPLES

import counterpoint.web.app as web_app
from counterpoint import pipeline
from counterpoint.cli import main
from counterpoint.config import Settings
from counterpoint.errors import InputError, StoreError
from counterpoint.ingest.fetch import fetch, networks
from counterpoint.model import Entity
from counterpoint.store import Store
from counterpoint.web import create_app
from counterpoint.web.catalog import EntityIndex
from counterpoint.web.highlight import Mark, highlight
from counterpoint.web.jobs import Pasted, from_pasted, safe_name

BASE = "http://127.0.0.1"
XSS_TEXT = (
    "<script>window.__xss = 1</script> Rebels seized the airport of Hama on Friday, the "
    'army said. <img src=x onerror="window.__xss = 2"> At least 20 people were killed.'
)


@pytest.fixture(scope="module")
def seed_db(tmp_path_factory) -> Path:
    """A database file holding the two seed articles, grouped into one event."""
    path = tmp_path_factory.mktemp("web") / "seed.duckdb"
    with Store(path) as store:
        report = pipeline.ingest([EXAMPLES], store)
    assert len(report.added) == 2 and not report.failures
    return path


@pytest.fixture(scope="module")
def api(seed_db):
    """A client over the seed database, for tests that only read."""
    with TestClient(create_app(str(seed_db)), base_url=BASE) as client:
        yield client


@pytest.fixture()
def fresh(seed_db, tmp_path):
    """A client over a copy of the seed database, for tests that write."""
    copy = tmp_path / "copy.duckdb"
    shutil.copy(seed_db, copy)
    with TestClient(create_app(str(copy)), base_url=BASE) as client:
        yield client


@pytest.fixture(scope="module")
def event(api) -> dict:
    (row,) = api.get("/api/events").json()["events"]
    return api.get(f"/api/events/{row['id']}").json()["events"][0]


def error_of(response) -> dict:
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["message"]
    return body["error"]


# --- reading -------------------------------------------------------------------------------


def test_events_list_says_how_far_outlets_agree(api):
    body = api.get("/api/events").json()
    assert (body["total"], body["page"], body["pages"]) == (1, 1, 1)
    (row,) = body["events"]
    assert row["outlets"] == ["tehran-times", "wire"]
    assert row["article_count"] == 2 and row["independent_sources"] == 2
    assert row["date_range"] == ["2024-11-29", "2024-11-29"]
    counts = row["facts"]
    assert counts["agreed"] >= 1 and sum(counts.values()) >= 5
    assert sum(row["agreement"].values()) == pytest.approx(1, abs=0.01)


def test_an_ingested_event_is_listed_with_its_stored_agreement(api):
    page = api.get("/").text
    assert "data-agreement" not in page and "seg seg-agreed" in page


@pytest.fixture()
def uncompared(tmp_path):
    """A client over the seeds stored without their comparison (as ``batch`` stores them)."""
    path = tmp_path / "uncompared.duckdb"
    with Store(path) as store:
        pipeline.ingest([EXAMPLES], store, compare_events=False)
    with TestClient(create_app(str(path)), base_url=BASE) as client:
        yield client


def test_events_page_comes_before_the_comparisons_and_their_agreement_follows(uncompared):
    fresh = uncompared
    page = fresh.get("/").text
    (path,) = re.findall(r'data-agreement="([^"]+)"', page)  # a bar still to be filled in
    assert "counting facts" in page
    catalog = fresh.app.state.catalog
    event = catalog.event(path.split("/")[3])
    assert not catalog.compared(event)  # the list did not compare the event
    agreement = fresh.get(path).json()
    assert catalog.compared(event)
    (row,) = fresh.get("/api/events").json()["events"]  # the API lists what the page fetches
    assert path == f"/api/events/{row['id']}/agreement"
    assert agreement == {"id": row["id"], "facts": row["facts"], "agreement": row["agreement"]}
    assert sum(agreement["facts"].values()) >= 5
    again = fresh.get("/").text  # once compared, the bar comes with the page
    assert "data-agreement" not in again and "seg seg-agreed" in again


@pytest.mark.parametrize(
    ("params", "found"),
    [
        ({"q": "aleppo"}, 1),
        ({"q": "no such words here"}, 0),
        ({"outlet": "WIRE"}, 1),
        ({"outlet": "reuters"}, 0),
        ({"since": "2024-11-29"}, 1),
        ({"since": "2024-11-30"}, 0),
        ({"until": "2024-11-28"}, 0),
        ({"since": "", "until": ""}, 1),  # an empty form field means no filter
        ({"min_sources": "2"}, 1),  # the wire and Tehran Times
        ({"min_sources": "3"}, 0),
        ({"min_sources": ""}, 1),
        ({"entity": "Hayat Tahrir"}, 1),
        ({"entity": "hts"}, 1),
        ({"entity": "Nobody Atall"}, 0),
        ({"per_page": 1, "page": 2}, 0),
    ],
)
def test_events_search(api, params, found):
    body = api.get("/api/events", params=params).json()
    assert len(body["events"]) == found
    assert body["total"] == (1 if "page" in params else found)


def test_event_follows_the_contract_with_exact_spans(api, event):
    assert {"id", "title", "articles", "entities", "facts", "figures", "framing",
            "summary"} <= set(event)
    texts = {a["id"]: a["text"] for a in event["articles"]}
    spans = [m for e in event["entities"] for m in e["mentions"]]
    spans += [r for f in event["facts"] + event["figures"] for r in f["reports"]]
    assert spans
    for span in spans:
        assert texts[span["article"]][span["start"]:span["end"]] == span["text"]
    for frame in event["framing"]:
        assert texts[frame["article"]][frame["start"]:frame["end"]] == frame["term"]
    by_prefix = api.get(f"/api/events/{event['id'][:10]}").json()
    assert by_prefix["schema_version"] == "1" and by_prefix["events"][0]["id"] == event["id"]


def test_entity_has_aliases_events_and_labels(api, event):
    hts = next(e for e in event["entities"] if "HTS" in e["aliases"] + [e["name"]])
    body = api.get(f"/api/entities/{hts['id']}").json()
    assert body["id"] == hts["id"] and body["name"] == hts["name"]
    assert set(hts["aliases"]) <= set(body["aliases"])
    assert [e["id"] for e in body["events"]] == [event["id"]]
    outlets = {a["id"]: a["outlet"] for a in event["articles"]}
    expected = sorted((outlets[f["article"]], f["term"], f["voice"])
                      for f in event["framing"] if f["entity"] == hts["id"])
    assert expected, "the seeds label HTS"
    shown = sorted((x["outlet"], x["term"], x["voice"]) for x in body["labels"]
                   for _ in range(x["count"]))
    assert shown == expected


def test_every_listed_entity_can_be_opened(api, event):
    for entity in event["entities"]:
        response = api.get(f"/api/entities/{entity['id']}")
        assert response.status_code == 200 and response.json()["name"] == entity["name"]


def test_openapi_documents_every_route(api):
    schema = api.get("/api/openapi.json").json()
    assert {"/api/events", "/api/events/{event_id}", "/api/entities/{entity_id}",
            "/api/articles", "/api/jobs/{job_id}"} <= set(schema["paths"])
    post = schema["paths"]["/api/articles"]["post"]
    assert {"application/json", "multipart/form-data"} <= set(post["requestBody"]["content"])
    assert {"IngestIn", "ArticleIn", "ErrorOut"} <= set(schema["components"]["schemas"])
    assert "422" in schema["paths"]["/api/events"]["get"]["responses"]


# --- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url", "kwargs", "status", "code"),
    [
        ("GET", "/api/events/evt_nothing_here", {}, 404, "not_found"),
        ("GET", "/api/events/evt_nothing_here/agreement", {}, 404, "not_found"),
        ("GET", "/api/entities/ent_nothing_here", {}, 404, "not_found"),
        ("GET", "/api/jobs/job_nothing_here", {}, 404, "not_found"),
        ("GET", "/api/nothing", {}, 404, "not_found"),
        ("GET", "/api/events/" + "e" * 200, {}, 422, "invalid_request"),
        ("DELETE", "/api/events", {}, 405, "method_not_allowed"),
        ("GET", "/api/events?since=yesterday", {}, 422, "invalid_request"),
        ("GET", "/api/events?min_sources=two", {}, 422, "invalid_request"),
        ("GET", "/api/events?min_sources=-1", {}, 422, "invalid_request"),
        ("GET", "/api/events?per_page=1000", {}, 422, "invalid_request"),
        ("GET", "/api/events?page=0", {}, 422, "invalid_request"),
        ("GET", "/api/events?q=" + "x" * 400, {}, 422, "invalid_request"),
        ("POST", "/api/articles", {"content": b"hello"}, 415, "unsupported_media_type"),
        ("POST", "/api/articles", {"content": b"{", "headers": {"content-type":
                                                                "application/json"}},
         422, "invalid_request"),
        ("POST", "/api/articles", {"json": {"articles": []}}, 422, "invalid_request"),
        ("POST", "/api/articles", {"json": {"articles": [{"outlet": "x"}]}}, 422,
         "invalid_request"),
        ("POST", "/api/articles", {"json": {"articles": [{"text": "x", "colour": 1}]}}, 422,
         "invalid_request"),
        ("POST", "/api/articles", {"json": {"articles": [{"text": "x", "published": "soon"}]}},
         422, "invalid_request"),
        ("POST", "/api/articles", {"json": {"urls": ["x"] * 21}}, 422, "invalid_request"),
        ("POST", "/api/articles", {"json": {"articles": [], "urls": []}}, 422, "invalid_request"),
        ("POST", "/api/articles", {"content": b"--x--", "headers": {
            "content-type": "multipart/form-data; boundary=x"}}, 422, "invalid_request"),
    ],
)
def test_errors_have_one_shape(api, method, url, kwargs, status, code):
    response = api.request(method, url, **kwargs)
    assert response.status_code == status
    assert error_of(response)["code"] == code


@pytest.mark.parametrize(
    ("failure", "status", "code"),
    [(StoreError("Cannot read 'x.duckdb': disk gone"), 500, "store_error"),
     (RuntimeError("a bug"), 500, "internal")],
)
def test_server_failures_keep_the_shape(seed_db, monkeypatch, failure, status, code):
    app = create_app(str(seed_db))

    def fail(*args, **kwargs):
        raise failure

    monkeypatch.setattr(app.state.catalog, "find", fail)
    with TestClient(app, base_url=BASE, raise_server_exceptions=False) as client:
        response = client.get("/api/events")
        page = client.get("/")
    assert response.status_code == status and error_of(response)["code"] == code
    assert "a bug" not in response.text  # no internals in the answer
    assert page.status_code == status and page.headers["content-type"].startswith("text/html")


def test_missing_text_names_the_field(api):
    response = api.post("/api/articles", json={"articles": [{"outlet": "x"}]})
    assert "articles.0.text" in error_of(response)["message"]


def test_requests_over_the_size_limit_are_refused(api, monkeypatch):
    monkeypatch.setattr(web_app, "MAX_BODY_BYTES", 1000)
    body = {"articles": [{"text": "word " * 400}]}
    response = api.post("/api/articles", json=body)
    assert response.status_code == 413 and error_of(response)["code"] == "too_large"

    def chunks():  # no Content-Length: the limit counts what arrives
        yield b'{"articles": [{"text": "'
        yield b"x" * 2000
        yield b'"}]}'

    response = api.post("/api/articles", content=chunks(),
                        headers={"content-type": "application/json"})
    assert response.status_code == 413 and error_of(response)["code"] == "too_large"


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"Origin": "http://elsewhere.example"}, 403),
        ({"Sec-Fetch-Site": "cross-site"}, 403),
        ({"Host": "elsewhere.example"}, 400),
    ],
)
def test_cross_site_writes_and_other_hosts_are_refused(api, headers, status):
    response = api.post("/api/articles", json={"articles": [{"text": "Some text."}]},
                        headers=headers)
    assert response.status_code == status
    if status == 403:
        assert error_of(response)["code"] == "forbidden"
    assert api.get("/api/events", headers=headers).status_code == (400 if status == 400 else 200)


def test_writes_need_the_token_when_one_is_set(seed_db, tmp_path):
    copy = tmp_path / "copy.duckdb"
    shutil.copy(seed_db, copy)
    article = {"articles": [{"text": "Rain fell in Oslo on Monday, the weather office said."}]}
    with TestClient(create_app(str(copy), host="0.0.0.0", token="s3cret"),
                    base_url="http://newsroom.example") as client:
        assert client.get("/api/events").status_code == 200  # reading needs no token
        refused = client.post("/api/articles", json=article)
        assert refused.status_code == 401 and error_of(refused)["code"] == "unauthorized"
        assert "token" in error_of(refused)["message"]
        wrong = client.post("/api/articles", json=article,
                            headers={"Authorization": "Bearer guess"})
        assert wrong.status_code == 401
        bearer = client.post("/api/articles?wait=true", json=article,
                             headers={"Authorization": "Bearer s3cret"})
        assert bearer.status_code == 200, bearer.text
        # a browser opens a page once with ?token= and keeps it as a cookie
        opened = client.get("/?token=s3cret")
        assert "counterpoint_token=s3cret" in opened.headers["set-cookie"]
        assert "HttpOnly" in opened.headers["set-cookie"]
        assert client.post("/api/articles?wait=true", json=article).status_code == 200


def test_serving_beyond_loopback_makes_a_token(monkeypatch, seed_db):
    said, served = [], {}
    monkeypatch.setattr("uvicorn.run", lambda app, **kw: served.update(app=app, **kw))
    web_app.serve(str(seed_db), host="0.0.0.0", port=8123, say=said.append)
    (line,) = said
    token = re.search(r"\?token=(\S+)", line).group(1)
    with TestClient(served["app"], base_url="http://203.0.113.9:8123") as client:
        assert client.post("/api/articles", json={"articles": []}).status_code == 401
        ok = client.post("/api/articles", json={"articles": []},
                         headers={"Authorization": f"Bearer {token}"})
        assert ok.status_code == 422  # past the token: the empty request itself is refused
    said.clear()
    web_app.serve(str(seed_db), host="127.0.0.1", port=8123, say=said.append)
    assert said == []


def test_a_same_origin_write_is_accepted(fresh):
    response = fresh.post("/api/articles?wait=true", headers={"Origin": BASE},
                          json={"articles": [{"text": "Rain fell in Oslo on Monday, "
                                              "officials said.", "outlet": "Nordic"}]})
    assert response.status_code == 200, response.text


# --- ingest ------------------------------------------------------------------------------


def test_ingest_json_then_again_changes_nothing(fresh):
    article = {"text": XSS_TEXT, "outlet": "Agency", "title": "Hama airport",
               "published": "2024-11-30"}
    first = fresh.post("/api/articles?wait=true", json={"articles": [article]})
    assert first.status_code == 200
    job = first.json()["job"]
    assert job["state"] == "done" and job["finished"]
    assert len(job["report"]["added"]) == 1 and job["report"]["failures"] == []
    (event,) = job["report"]["events"]
    stored = fresh.get(f"/api/events/{event['id']}").json()["events"][0]
    assert any(a["text"] == XSS_TEXT and a["outlet"] == "Agency" for a in stored["articles"])
    assert fresh.get("/api/events", params={"outlet": "agency"}).json()["total"] == 1
    again = fresh.post("/api/articles?wait=true", json={"articles": [article]}).json()["job"]
    assert again["report"]["added"] == [] and again["report"]["known"] == job["report"]["added"]


def test_what_was_sent_is_sent_again_until_the_store_changes(fresh, monkeypatch):
    catalog = fresh.app.state.catalog
    (row,) = fresh.get("/api/events").json()["events"]
    urls = ["/api/events", f"/api/events/{row['id']}", f"/events/{row['id']}", "/"]
    first = [fresh.get(url) for url in urls]
    assert all(r.status_code == 200 for r in first)

    def read(*args, **kwargs):
        raise AssertionError("a kept body was made again")

    monkeypatch.setattr(catalog, "find", read)
    monkeypatch.setattr(catalog, "comparison", read)
    again = [fresh.get(url) for url in urls]
    assert [r.content for r in again] == [r.content for r in first]
    assert [r.headers["content-type"] for r in again] == [r.headers["content-type"] for r in first]
    monkeypatch.undo()
    article = {"text": "Floods closed the main road to Porto on Tuesday, the mayor said.",
               "outlet": "Lusa", "published": "2024-12-03"}
    assert fresh.post("/api/articles?wait=true", json={"articles": [article]}).status_code == 200
    assert len(catalog.bodies) == 0  # the ingest changed the store: nothing kept is current
    assert fresh.get("/api/events").json()["total"] == 2
    assert "Porto" in fresh.get("/").text


def test_ingest_runs_in_the_background_and_reports_progress(fresh):
    response = fresh.post("/api/articles", json={"articles": [
        {"text": "Floods closed the main road to Porto on Tuesday, the mayor said.",
         "outlet": "Lusa"}]})
    assert response.status_code in (200, 202)
    job = response.json()["job"]
    assert response.headers["location"] == f"/api/jobs/{job['id']}"
    ingester = fresh.app.state.ingester
    ingester.wait(ingester.get(job["id"]), timeout=120)
    polled = fresh.get(response.headers["location"]).json()["job"]
    assert polled["state"] == "done" and polled["done"] == polled["total"] == 1
    assert "1 added" in polled["message"]


def test_upload_names_never_become_paths(fresh, tmp_path):
    files = [
        ("file", ("../../escape attempt.txt", b"Storms hit the coast of Kerala on Sunday, "
                                               b"officials said, and 12 people died.")),
        ("file", ("notes.pdf", b"%PDF-1.4")),
        ("file", ("bad.txt", b"caf\xe9 au lait is not UTF-8 here")),
    ]
    response = fresh.post("/api/articles?wait=true", files=files, data={"outlet": "Desk"})
    report = response.json()["job"]["report"]
    assert len(report["added"]) == 1
    failures = {f["source"]: f["message"] for f in report["failures"]}
    assert set(failures) == {"notes.pdf", "bad.txt"}
    assert "unsupported file type" in failures["notes.pdf"]
    assert "not UTF-8" in failures["bad.txt"] and "/tmp" not in failures["bad.txt"]
    event = fresh.get(f"/api/events/{report['events'][0]['id']}").json()["events"][0]
    (article,) = [a for a in event["articles"] if a["id"] == report["added"][0]]
    assert article["source"] == "escape attempt.txt" and article["outlet"] == "Desk"
    assert not (tmp_path.parent / "escape attempt.txt").exists()


@pytest.mark.parametrize(
    ("name", "safe"),
    [("../../etc/passwd", "passwd"), ("..\\win\\x.txt", "x.txt"), (".hidden.txt", "hidden.txt"),
     ("", "upload"), ("..", "upload"), ("a<b>.txt", "a_b_.txt"), ("x" * 300 + ".txt",
                                                                   "x" * 96 + ".txt")],
)
def test_safe_name(name, safe):
    assert safe_name(name) == safe


@pytest.fixture()
def page_server():
    """A local web server with one article page, for fetching by URL."""
    page = (b"<html><head><title>Bridge reopens</title>"
            b'<meta property="og:site_name" content="Local Gazette"></head><body><article>'
            b"<h1>Bridge reopens</h1><p>The old bridge over the river reopened on Monday after "
            b"two years of repairs, the city council said in a statement.</p>"
            b"<p>About 30,000 vehicles are expected to cross it every day.</p>"
            b"</article></body></html>")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            port = self.server.server_address[1]
            hops = {"/hop": "/story", "/loop": "/loop",  # redirects, one to the machine's
                    "/elsewhere": f"http://127.0.0.2:{port}/story"}  # own other address
            if self.path in hops:
                self.send_response(302)
                self.send_header("Location", hops[self.path])
                self.end_headers()
                return
            self.send_response(200 if self.path == "/story" else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(page if self.path == "/story" else b"gone")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.mark.parametrize("url", [
    "http://localhost/", "http://127.0.0.1:9/", "http://[::1]/", "http://[::ffff:127.0.0.1]/",
    "http://169.254.169.254/latest/meta-data/", "http://10.1.2.3/", "http://192.168.0.1/",
    "http://172.16.0.9/", "http://100.64.0.1/", "http://0.0.0.0/", "http://224.0.0.1/",
    "http://2130706433/",  # 127.0.0.1 written as one number
])
def test_pages_on_the_machines_own_network_are_refused(url):
    with pytest.raises(InputError, match=r"refused: .* address; only public web pages"):
        fetch(url)


def test_a_fetch_checks_every_redirect_and_caps_size(page_server):
    with pytest.raises(InputError, match="refused: 127.0.0.1 is 127.0.0.1, a loopback"):
        fetch(page_server + "/story")
    allowed = networks(["127.0.0.1/32"])
    assert b"Bridge reopens" in fetch(page_server + "/hop", allowed=allowed).data
    assert fetch(page_server + "/hop", allowed=allowed).url == page_server + "/story"
    with pytest.raises(InputError, match="refused: 127.0.0.2 is 127.0.0.2, a loopback"):
        fetch(page_server + "/elsewhere", allowed=allowed)
    with pytest.raises(InputError, match="more than 5 redirects"):
        fetch(page_server + "/loop", allowed=allowed)
    with pytest.raises(InputError, match="larger than"):
        fetch(page_server + "/story", allowed=allowed, max_bytes=100)
    with pytest.raises(InputError, match="not an IP address or network"):
        networks(["intranet"])


def test_the_command_line_ingests_a_page_by_url(page_server, tmp_path):
    runner = CliRunner()
    db = str(tmp_path / "news.duckdb")
    refused = runner.invoke(main, ["ingest", page_server + "/story", "--db", db])
    assert refused.exit_code == 1 and "loopback" in refused.stderr
    assert "no article went through" in refused.stderr
    added = runner.invoke(main, ["ingest", page_server + "/story", str(EXAMPLES), "--db", db,
                                 "--allow-fetch", "127.0.0.1"])
    assert added.exit_code == 0, added.output
    assert "3 articles added" in added.stderr
    with Store(db) as store:
        urls = {a.url for a in store.articles()}
    assert page_server + "/story" in urls


def test_the_app_refuses_to_fetch_from_loopback(fresh, page_server):
    job = fresh.post("/api/articles?wait=true", json={"urls": [page_server + "/story"]}).json()
    (failure,) = job["job"]["report"]["failures"]
    assert "refused" in failure["message"] and "loopback" in failure["message"]


@pytest.fixture()
def intranet(seed_db, tmp_path):
    """A client whose app may fetch pages from loopback (as from an allowed intranet)."""
    copy = tmp_path / "copy.duckdb"
    shutil.copy(seed_db, copy)
    allowed = networks(["127.0.0.1"])
    with TestClient(create_app(str(copy), fetch_allowed=allowed), base_url=BASE) as client:
        yield client


def test_ingest_fetches_a_page_by_url(intranet, page_server):
    urls = [f"{page_server}/story", f"{page_server}/missing", "file:///etc/passwd"]
    job = intranet.post("/api/articles?wait=true", json={"urls": urls}).json()["job"]
    report = job["report"]
    assert len(report["added"]) == 1
    messages = [f["message"] for f in report["failures"]]
    assert any("404" in m for m in messages) and any("not an http(s) address" in m
                                                      for m in messages)
    event = intranet.get(f"/api/events/{report['events'][0]['id']}").json()["events"][0]
    article = next(a for a in event["articles"] if a["id"] == report["added"][0])
    assert article["url"] == f"{page_server}/story" and article["outlet"] == "Local Gazette"
    assert article["title"] == "Bridge reopens" and "30,000 vehicles" in article["text"]


# --- pages -----------------------------------------------------------------------------------


def test_pages_render(api, event):
    entity = event["entities"][0]
    (listed,) = api.get("/api/events").json()["events"]
    for url, marker in [
        ("/", listed["title"][:30]),
        (f"/events/{event['id']}", 'class="hl'),
        (f"/entities/{entity['id']}", entity["name"]),
        ("/add", 'enctype="multipart/form-data"'),
    ]:
        response = api.get(url)
        assert response.status_code == 200 and marker in html.unescape(response.text), url
        assert "default-src 'self'" in response.headers["content-security-policy"]


def test_event_page_shows_articles_side_by_side_with_labels_by_voice(api, event):
    page = api.get(f"/events/{event['id']}").text
    assert page.count('class="card article') == 2 and "side-by-side" in page
    voices = set(re.findall(r'class="hl[^"]*\blabel\b[^"]*" [^>]*data-voice="(\w+)"', page))
    assert voices == {f["voice"] for f in event["framing"]}
    for fact in event["facts"]:
        assert f'data-key="{fact["id"]}"' in page


@pytest.mark.parametrize(
    ("url", "status"),
    [("/events/evt_nothing_here", 404), ("/entities/ent_nothing", 404), ("/jobs/job_x", 404),
     ("/nothing/here", 404), ("/?since=someday", 422)],
)
def test_page_errors_are_pages(api, url, status):
    response = api.get(url)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert "Back to the events" in response.text


def test_add_form_redirects_to_the_job_and_shows_problems(fresh):
    response = fresh.post("/add", data={"text": "Snow closed schools in Quebec on Monday.",
                                        "outlet": "CBC", "published": "2024-12-02"},
                          files={"file": ("", b"")}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/jobs/")
    job_id = response.headers["location"].rsplit("/", 1)[1]
    fresh.app.state.ingester.wait(fresh.app.state.ingester.get(job_id), timeout=120)
    page = fresh.get(response.headers["location"]).text
    assert "1 article added" in page and "/events/evt_" in page
    empty = fresh.post("/add", data={"text": "  "}, files={"file": ("", b"")})
    assert empty.status_code == 422 and "Nothing to ingest" in empty.text


def test_article_markup_is_shown_as_text(fresh):
    nasty = '<img src=x onerror="alert(1)">'
    job = fresh.post("/api/articles?wait=true", json={"articles": [
        {"text": XSS_TEXT, "outlet": nasty, "title": "<script>alert(2)</script>",
         "url": "javascript:alert(3)"}]}).json()["job"]
    event_id = job["report"]["events"][0]["id"]
    for url in ["/", f"/events/{event_id}", f"/jobs/{job['id']}", "/?outlet=" + nasty]:
        page = fresh.get(url).text
        assert "<script>window" not in page and "<script>alert" not in page, url
        assert "<img src=x" not in page and 'href="javascript:' not in page, url
    page = fresh.get(f"/events/{event_id}").text
    assert "&lt;script&gt;window.__xss = 1&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=" in page


def test_static_files_come_from_memory(api):
    css = api.get("/static/app.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    again = api.get("/static/app.css", headers={"If-None-Match": css.headers["etag"]})
    assert again.status_code == 304
    for url in ["/static/nothing.css", "/static/..%2Fapp.py", "/static/%2e%2e%2f__init__.py"]:
        assert api.get(url).status_code == 404


# --- pieces ----------------------------------------------------------------------------------


def test_serve_command_defaults_to_localhost():
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    assert "counterpoint serve --db" in result.output and "127.0.0.1" in result.output


def test_serve_command_serves_the_database(seed_db, tmp_path):
    copy = tmp_path / "served.duckdb"
    shutil.copy(seed_db, copy)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-c", "from counterpoint.cli import main; main()", "serve",
               "--db", str(copy), "--port", str(port)]
    server = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(300):  # up to 30 s for the server to start listening
            with contextlib.suppress(subprocess.TimeoutExpired):
                server.wait(timeout=0.1)
            assert server.returncode is None, server.stderr.read()
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port)):
                break
        body = httpx.get(f"http://127.0.0.1:{port}/api/events", timeout=30).json()
        assert body["total"] == 1
    finally:
        server.terminate()
        server.wait(timeout=30)
        server.stderr.close()


def _plain(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


@settings(max_examples=80, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from("ab <>&\"'\n"), min_size=1, max_size=40),
    raw=st.lists(st.tuples(st.integers(0, 40), st.integers(1, 10),
                           st.sampled_from(["entity", "label", "fact", "time"])), max_size=6),
)
def test_highlight_keeps_the_text_and_marks_every_span(text, raw):
    marks = [Mark(s, min(s + n, len(text)), kind, f"k{i}", "note <b>", "own")
             for i, (s, n, kind) in enumerate(raw) if s < len(text)]
    markup = str(highlight(text, marks))
    assert _plain(markup) == text  # nothing lost, nothing added, all escaped
    assert "<b>" not in markup
    for mark in marks:
        pieces = re.findall(rf'<span class="[^"]*" [^>]*data-{mark.kind}="[^"]*\b{mark.key}\b[^"]*"'
                            rf'[^>]*>([^<]*)</span>', markup)
        assert html.unescape("".join(pieces)) == text[mark.start:mark.end]


def test_the_ingests_of_the_web_app_take_its_settings(tmp_path):
    app = create_app(str(tmp_path / "news.duckdb"), settings=Settings(max_article_chars=40))
    article = {"text": "Rain fell in Oslo on Monday, officials said in a statement.",
               "outlet": "Nordic"}
    with TestClient(app, base_url=BASE) as client:
        job = client.post("/api/articles?wait=true", json={"articles": [article]}).json()["job"]
    assert job["state"] == "failed" and job["report"]["added"] == []
    (failure,) = job["report"]["failures"]
    assert "over the limit of 40" in failure["message"]


def test_a_pasted_text_takes_its_headline_as_title_unless_one_is_given():
    text = "Quake kills 23 in Valdoria\n\nA strong earthquake struck on Tuesday."
    assert from_pasted(Pasted(text=text)).title == "Quake kills 23 in Valdoria"
    assert from_pasted(Pasted(text=text, title="Given")).title == "Given"
    assert from_pasted(Pasted(text="One paragraph. No headline.")).title is None


def test_the_entity_index_reads_events_in_runs_of_about_so_many_articles():
    from counterpoint.model import Event
    from counterpoint.web.catalog import _batches

    events = [Event(id=f"evt_{n}", article_ids=("a",) * size, title="")
              for n, size in enumerate([3, 1, 1, 5, 2])]
    runs = [[e.id for e in run] for run in _batches(events, 4)]
    assert runs == [["evt_0", "evt_1"], ["evt_2", "evt_3"], ["evt_4"]]  # no event is cut
    assert list(_batches([], 4)) == []


def test_other_requests_go_on_while_the_entity_index_is_built(fresh, monkeypatch):
    from counterpoint.web import catalog as catalog_module

    building, release = threading.Event(), threading.Event()
    real_entities = catalog_module.event_entities

    def slow_entities(*args):
        building.set()
        assert release.wait(timeout=60)
        return real_entities(*args)

    monkeypatch.setattr(catalog_module, "event_entities", slow_entities)
    found: list[int] = []
    search = threading.Thread(
        target=lambda: found.append(len(fresh.get("/api/events?entity=hts").json()["events"]))
    )
    search.start()
    try:
        assert building.wait(timeout=60)  # the index is being built
        served: list[int] = []
        other = threading.Thread(target=lambda: served.append(fresh.get("/api/events").status_code))
        other.start()
        other.join(timeout=30)
        assert served == [200]  # not held up behind the index
    finally:
        release.set()
        search.join(timeout=60)
    assert found == [1]


def test_an_entity_index_built_while_the_store_changed_is_built_again(fresh, monkeypatch):
    from counterpoint.web import catalog as catalog_module

    catalog = fresh.app.state.catalog
    real_entities = catalog_module.event_entities
    builds: list[list[str]] = []

    def entities_during_an_ingest(store, events):
        builds.append([e.id for e in events])
        if len(builds) == 1:
            catalog.changed()  # as an ingest that ends while the index is built
        return real_entities(store, events)

    monkeypatch.setattr(catalog_module, "event_entities", entities_during_an_ingest)
    first = catalog.entities()
    assert catalog.entities() is not first and len(builds) == 2  # built again
    assert catalog.entities() is catalog.entities() and len(builds) == 2  # then kept
    assert first.by_id.keys() == catalog.entities().by_id.keys()


def test_the_entity_index_reads_stored_comparisons_and_resolves_only_the_rest(uncompared):
    from counterpoint.web import catalog as catalog_module

    catalog = uncompared.app.state.catalog
    with Store(catalog.path) as store:
        (event,) = store.events()
        fresh_entities = catalog_module.event_entities(store, [event])[event.id]  # resolved
        pipeline.compare_event(store, event)  # now stored
        stored = store.comparison(event.id, pipeline.comparison_key(event))
        assert catalog_module.event_entities(store, [event])[event.id] == stored.entities
    assert fresh_entities == stored.entities  # the same entities either way


def test_an_entity_is_found_by_its_name_with_or_without_accents():
    index = EntityIndex()
    for event_id, name in (("evt_a", "São Paulo"), ("evt_b", "Recep Tayyip Erdogan")):
        index.add(event_id, Entity(id=f"ent_{event_id}", name=name, type="GPE", aliases=(),
                                   mentions=()))
    assert index.search("Sao Paulo") == {"evt_a"}
    assert index.search("São Paulo") == {"evt_a"}
    assert index.search("Recep Tayyip Erdoğan") == {"evt_b"}
    assert index.search("Lisbon") == set()
