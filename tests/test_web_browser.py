"""The web app as a person uses it: real pages in headless Chromium, against a real server.

The server is Uvicorn on a free port of 127.0.0.1, over a database built from the seed
articles. Set ``COUNTERPOINT_SCREENSHOTS=docs/screenshots`` to save the README's pictures.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import threading
from pathlib import Path
from urllib.parse import quote

import pytest
from tests.conftest import EXAMPLES

from counterpoint import pipeline
from counterpoint.store import Store

CHROMIUM = Path(shutil.which("chromium") or "/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(
        f"Chromium is not installed ({CHROMIUM}); install it with `apt-get install chromium` "
        "(`make test` does this when run as root)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is not installed (requirements-dev.lock)"
)
import uvicorn  # noqa: E402

from counterpoint.web import create_app  # noqa: E402

WIDE = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
LIT = "rgb(255, 240, 138)"
TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Uvicorn serving the app over the seed articles; yields the base URL."""
    path = tmp_path_factory.mktemp("browser") / "seed.duckdb"
    with Store(path) as store:
        assert len(pipeline.ingest([EXAMPLES], store).added) == 2
    yield from _serve(path)


def _serve(path: Path):
    """Serve the app over the database ``path`` on a free loopback port; yield its URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(str(path)), log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    started = threading.Event()
    for _ in range(200):
        if server.started:
            started.set()
            break
        started.wait(0.05)
    assert server.started, "the server did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=30)
    sock.close()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        yield browser
        browser.close()


@pytest.fixture()
def page(browser):
    """A fresh 1280 px page; the test fails if the page logs a script error."""
    context = browser.new_context(viewport=WIDE)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    yield page
    context.close()
    assert problems == []


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = os.environ.get("COUNTERPOINT_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def open_event(page, server: str) -> None:
    page.goto(server + "/")
    page.locator("a.event-title").first.click()
    page.wait_for_url("**/events/evt_*")


def test_events_list_opens_the_event_with_outlets_side_by_side(page, server, shots):
    page.goto(server + "/")
    assert page.locator(".event-row").count() == 1
    assert "tehran-times" in page.locator(".event-outlets").inner_text()
    # the page comes before the event's comparison; its agreement bar is filled in after
    page.locator(".agreement:not(.pending) .agree-bar .seg").first.wait_for()
    assert page.locator(".agree-bar .seg").count() >= 2
    assert "agreed" in page.locator(".agree-text").inner_text()
    page.screenshot(path=shots / "events.png", full_page=True)
    open_event(page, server)
    columns = page.locator(".articles .article")
    assert columns.count() == 2
    boxes = [columns.nth(i).bounding_box() for i in range(2)]
    assert boxes[0]["x"] + boxes[0]["width"] <= boxes[1]["x"]  # side by side
    assert abs(boxes[0]["y"] - boxes[1]["y"]) < 2
    outlets = [columns.nth(i).locator("header .outlet").inner_text() for i in range(2)]
    assert sorted(outlets) == ["tehran-times", "wire"]
    for i in range(2):
        label = columns.nth(i).locator(".hl.label").first
        background = label.evaluate("el => getComputedStyle(el).backgroundColor")
        assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    own = page.locator(".article .hl.voice-own").first.evaluate(
        "el => getComputedStyle(el).backgroundColor")
    quoted = page.locator(".article .hl.voice-quoted").first.evaluate(
        "el => getComputedStyle(el).backgroundColor")
    assert own != quoted  # labels are coloured by voice
    page.screenshot(path=shots / "event.png")


def test_search_form_keeps_events_with_enough_sources(page, server):
    page.goto(server + "/")
    page.select_option("select[name=min_sources]", "3")
    page.locator("form.search button[type=submit]").click()
    page.wait_for_url("**min_sources=3")
    assert page.locator(".event-row").count() == 0
    assert "No event matches this search" in page.locator(".empty-state").inner_text()
    page.select_option("select[name=min_sources]", "2")
    page.locator("form.search button[type=submit]").click()
    page.wait_for_url("**min_sources=2")
    assert page.locator(".event-row").count() == 1
    assert page.locator("select[name=min_sources]").input_value() == "2"


def test_selecting_a_fact_lights_its_spans_in_every_article(page, server, shots):
    open_event(page, server)
    fact = page.locator(".fact-card.status-agreed-item").first
    fact.click()
    assert fact.get_attribute("aria-pressed") == "true"
    page.mouse.move(0, 0)  # selection, not hover, keeps it lit
    for i in range(2):
        lit = page.locator(".articles .article").nth(i).locator(".hl.lit")
        assert lit.count() >= 1
        assert lit.first.evaluate("el => getComputedStyle(el).backgroundColor") == LIT
    key = fact.get_attribute("data-key")
    assert all(key in el.split() for el in page.locator(".hl.lit").evaluate_all(
        "els => els.map(e => e.getAttribute('data-fact') || '')"))
    page.screenshot(path=shots / "event-fact-selected.png")
    fact.click()
    page.mouse.move(0, 0)
    assert page.locator(".hl.lit").count() == 0
    # a highlighted passage selects its fact in the list
    page.locator(".articles .hl.fact").first.click()
    assert page.locator('.fact-card[aria-pressed="true"]').count() >= 1


def test_entity_page_lists_aliases_events_and_labels(page, server, shots):
    open_event(page, server)
    page.locator("a", has_text="Hayat Tahrir al-Sham").first.click()
    page.wait_for_url("**/entities/ent_*")
    assert page.locator("h1").inner_text() == "Hayat Tahrir al-Sham"
    assert "HTS" in page.locator(".alias").all_inner_texts()
    assert page.locator("dl.labels dt").count() >= 1
    assert page.locator("table a[href^='/events/']").count() == 1
    page.screenshot(path=shots / "entity.png", full_page=True)


def test_uploading_an_article_adds_it_to_the_events(page, server, shots, tmp_path):
    story = tmp_path / "harbour-gazette.txt"
    story.write_text(
        "Dock workers in the port of Rotterdam began a 48-hour strike on Tuesday, the FNV "
        "union said. About 1,200 workers walked out over pay, and at least 40 ships were "
        "delayed, port authorities said.", encoding="utf-8")
    page.goto(server + "/add")
    page.screenshot(path=shots / "add.png", full_page=True)
    page.locator("#upload-form input[type=file]").set_input_files(str(story))
    page.locator("#upload-form button").click()
    page.wait_for_url("**/jobs/job_*")
    page.locator("text=1 article added").wait_for()
    page.screenshot(path=shots / "job.png")
    page.locator("a", has_text="See all events").click()
    page.wait_for_url(server + "/")
    assert page.locator(".event-row").count() == 2
    row = page.locator(".event-row", has_text="harbour-gazette")
    assert row.count() == 1 and "Rotterdam" in row.locator(".event-title").inner_text()


def test_article_markup_shows_as_text_and_never_runs(page, server):
    page.goto(server + "/add")
    form = page.locator("#paste-form")
    text = ("<script>window.__xss = 1</script> Protesters marched through Lima on Sunday, "
            'police said. <img src=x onerror="window.__xss = 2"> Nobody was hurt.')
    form.locator("textarea[name=text]").fill(text)
    form.locator("input[name=outlet]").fill('<img src=y onerror="window.__xss = 3">')
    form.locator("input[name=title]").fill("<b onmouseover=alert(1)>Lima</b>")
    form.locator("button").click()
    page.locator("text=1 article added").wait_for()
    page.locator(".job-events a").first.click()
    page.wait_for_url("**/events/evt_*")
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.locator("img").count() == 0 and page.locator(".body script").count() == 0
    body = page.locator(".article .body").first.inner_text()
    assert "<script>window.__xss = 1</script>" in body and 'onerror="window.__xss = 2"' in body
    assert '<img src=y onerror="window.__xss = 3">' in page.locator(".article header").inner_text()
    page.goto(server + "/")
    assert page.evaluate("typeof window.__xss") == "undefined"


def test_pages_fit_a_phone(browser, server, shots):
    context = browser.new_context(viewport=PHONE, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        for path in ["/", "/add"]:
            page.goto(server + path)
            assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"], path
        open_event(page, server)
        assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
        columns = page.locator(".articles .article")
        first, second = columns.nth(0).bounding_box(), columns.nth(1).bounding_box()
        assert first["x"] == second["x"] and second["y"] > first["y"]  # stacked
        assert first["width"] <= PHONE["width"]
        page.screenshot(path=shots / "event-phone.png")
    finally:
        context.close()


# --- hostile content on every page type ------------------------------------------------------

XSS_VECTORS = (  # after the OWASP XSS filter evasion cheat sheet; each would call alert()
    "<script>alert('XSS')</script>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
    "<a onmouseover=\"alert(document.cookie)\">xxs link</a>",
    "<IMG \"\"\"><SCRIPT>alert(\"XSS\")</SCRIPT>\"\\>",
    "<IMG SRC=/ onerror=\"alert(String.fromCharCode(88,83,83))\"></img>",
    "<img src=x onerror=\"&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114"
    "&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116"
    "&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041\">",
    "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
    "<SCRIPT/XSS SRC=\"/static/app.js\"></SCRIPT>",
    "<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert(\"XSS\")>",
    "<<SCRIPT>alert(\"XSS\");//\\<</SCRIPT>",
    "<iframe src=javascript:alert('XSS') <",
    "</TITLE><SCRIPT>alert(\"XSS\");</SCRIPT>",
    "<INPUT TYPE=\"IMAGE\" SRC=\"javascript:alert('XSS');\">",
    "<svg/onload=alert('XSS')>",
    "<STYLE>li {list-style-image: url(\"javascript:alert('XSS')\");}</STYLE><UL><LI>XSS</br>",
    "<DIV STYLE=\"background-image: url(javascript:alert('XSS'))\">",
    "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0;url=javascript:alert('XSS');\">",
    "'';!--\"<XSS>=&{()}",
    "\"><script>alert(2)</script>",
    "javascript:/*--></title></style></textarea></script></xmp><svg/onload='+/\"/+/"
    "onmouseover=1/+/[*/[]/+alert(1)//'>",
    "<details open ontoggle=alert(1)>",
    "<object data=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\"></object>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mtext></math>",
    "{{constructor.constructor('alert(1)')()}}",
    "<body onpageshow=alert(1)>",
    "<video><source onerror=\"alert(1)\"></video>",
)
HOSTILE_URLS = ("javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)",
                "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)")
STORIES = (
    "Rebels seized the airport of Hama on Friday, the Syrian army said. {vector} At least 20 "
    "people were killed in the fighting near Hama, according to the Syrian Observatory.",
    "Floods swept through the Peruvian city of Piura on Monday, officials said. {vector} Some "
    "3,000 families lost their homes in Piura, the regional government of Peru said.",
)
INJECTED = ("[onerror], [onload], [onmouseover], [ontoggle], [onpageshow], iframe, object, "
            "embed, meta[http-equiv], xss, math, video, input[type=image]")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """Uvicorn over a store whose titles, texts, outlets and URLs are XSS vectors."""
    folder = tmp_path_factory.mktemp("hostile")
    lines = []
    for number, vector in enumerate(XSS_VECTORS):
        lines.append({"id": f"hostile-{number}", "outlet": f"Outlet {number % 7} {vector}",
                      "title": f"{vector} report {number}", "published": "2024-03-01",
                      "url": HOSTILE_URLS[number % len(HOSTILE_URLS)],
                      "text": STORIES[number % 2].format(vector=vector)})
    source = folder / "hostile.jsonl"
    source.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    path = folder / "hostile.duckdb"
    with Store(path) as store:
        report = pipeline.ingest([source], store)
    assert len(report.added) == len(XSS_VECTORS) and not report.failures
    yield from _serve(path)


def test_every_page_type_shows_xss_vectors_as_inert_text(browser, hostile):
    import httpx

    context = browser.new_context(viewport=WIDE)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    ran: list[str] = []  # a dialog, a script error or a blocked script: anything that tried
    page.on("dialog", lambda d: (ran.append(f"dialog: {d.message}"), d.dismiss()))
    page.on("pageerror", lambda error: ran.append(str(error)))
    page.on("console", lambda m: ran.append(m.text) if m.type == "error"
            and "Failed to load resource" not in m.text else None)  # the 404 pages' own

    events = httpx.get(hostile + "/api/events?per_page=50").json()["events"]
    assert len(events) >= 2
    job = httpx.post(hostile + "/api/articles?wait=true", json={"articles": [
        {"text": STORIES[0].format(vector=XSS_VECTORS[0]), "title": XSS_VECTORS[5],
         "outlet": XSS_VECTORS[6], "url": HOSTILE_URLS[3]}]}, timeout=120).json()["job"]
    paths = ["/", "/add", f"/jobs/{job['id']}", "/?text=" + quote(XSS_VECTORS[0]),
             "/?outlet=" + quote(XSS_VECTORS[6]), "/events/" + quote(XSS_VECTORS[1]),
             "/entities/" + quote(XSS_VECTORS[15]), "/nowhere/" + quote(XSS_VECTORS[20])]
    for row in events:
        paths.append(f"/events/{row['id']}")
        comparison = httpx.get(f"{hostile}/api/events/{row['id']}").json()["events"][0]
        paths += [f"/entities/{e['id']}" for e in comparison["entities"][:3]]
    shown = ""
    for path in paths:
        response = page.goto(hostile + path)
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("style")[0]
        assert response.headers.get("x-content-type-options") == "nosniff", path
        page.wait_for_load_state("networkidle")
        page.mouse.move(200, 300)  # hover handlers, had any survived, would fire now
        assert page.locator(INJECTED).count() == 0, path
        scripts = page.evaluate("[...document.scripts].map(s => s.getAttribute('src'))")
        assert scripts == ["/static/app.js"], path
        hrefs = page.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.protocol)")
        assert set(hrefs) <= {"http:", "https:"}, (path, hrefs)
        shown += page.locator("body").inner_text()
    context.close()
    assert ran == []
    # the vectors are there, as text a reader can see
    for vector in ("<script>alert('XSS')</script>", "<svg/onload=alert('XSS')>",
                   "<details open ontoggle=alert(1)>"):
        assert vector in shown
