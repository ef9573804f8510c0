"""The text, Markdown and HTML renderers, on a contract document built from the two seeds."""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from counterpoint.report.html import render_html
from counterpoint.report.markdown import render_markdown
from counterpoint.report.text import render_text

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
WIRE, TT = "art_0000398995f46da7", "art_00037cb011b6a521"
HOSTILE_SCRIPT = "<script>alert(1)</script>"
HOSTILE_IMG = "<img src=x onerror=alert(1)>"
MARKUP = "[/red] [bold]not markup[/bold] *stars* | pipe"


def ref(texts: dict[str, str], article: str, needle: str, *, after: str = "", **extra: Any) -> dict:
    """A report/mention of ``needle`` in ``article``, found after ``after``."""
    text = texts[article]
    start = text.find(needle, text.find(after) if after else 0)
    assert start >= 0, needle
    return {"article": article, "start": start, "end": start + len(needle), "text": needle, **extra}


def frame(texts: dict[str, str], article: str, term: str, voice: str, speaker: str | None,
          *, entity: str | None, name: str | None, kind: str = "actor", after: str = "") -> dict:
    span = ref(texts, article, term, after=after)
    return {"entity": entity, "entity_name": name, "kind": kind, "article": article, "term": term,
            "voice": voice, "speaker": speaker, "start": span["start"], "end": span["end"]}


def seed_document() -> dict[str, Any]:
    texts = {
        WIRE: (EXAMPLES / "wire.txt").read_text(encoding="utf-8"),
        TT: (EXAMPLES / "tehran-times.txt").read_text(encoding="utf-8"),
    }
    sohr = "Syrian Observatory for Human Rights"
    articles = [
        {"id": WIRE, "outlet": "Levant Wire", "published": "2024-11-28", "dateline": None,
         "title": "Senior IRGC commander killed in Syria's Aleppo province",
         "source": "examples/wire.txt", "url": None, "text": texts[WIRE]},
        {"id": TT, "outlet": "Tehran Times", "published": "2024-11-29", "dateline": "TEHRAN",
         "title": "Farewell ceremony held for IRGC advisor martyred in Syria",
         "source": "examples/tehran-times.txt",
         "url": "https://www.tehrantimes.com/news/506000", "text": texts[TT]},
    ]
    entities = [
        {"id": "ent_pourhashemi", "name": "Kioumars Pourhashemi", "type": "PERSON",
         "aliases": ["Kioumars Pour Hashemi", "Haji Hashem", "Pour Hashemi"],
         "mentions": [ref(texts, WIRE, "Kioumars Pourhashemi"), ref(texts, WIRE, "Haji Hashem"),
                      ref(texts, TT, "Kioumars Pour Hashemi"),
                      ref(texts, TT, "Pour Hashemi", after="General Pour Hashemi, widely")]},
        {"id": "ent_hts", "name": "Hayat Tahrir al-Sham", "type": "ORG", "aliases": ["HTS"],
         "mentions": [ref(texts, WIRE, "Hayat Tahrir al-Sham"),
                      ref(texts, WIRE, "HTS", after="65 members"),
                      ref(texts, TT, "Hayat Tahrir al-Sham")]},
        {"id": "ent_sohr", "name": sohr, "type": "ORG", "aliases": [],
         "mentions": [ref(texts, WIRE, sohr), ref(texts, TT, sohr)]},
    ]
    facts = [
        {"id": "fact_killed", "status": "agreed",
         "text": "Brigadier General Kioumars Pourhashemi, a senior IRGC military advisor, "
                 "was killed in Syria.",
         "reports": [
             ref(texts, WIRE, "Brigadier General Kioumars Pourhashemi, also known as Haji Hashem, "
                 "was a senior military advisor in Syria", attributed_to="Tasnim News"),
             ref(texts, TT, "Brigadier General Kioumars Pour Hashemi, a senior military advisor",
                 attributed_to=None)]},
        {"id": "fact_dead", "status": "conflicting",
         "text": "Who was among the dead in the fighting.",
         "note": "whether civilians were among those killed",
         "reports": [
             ref(texts, WIRE, "including 65 members of the HTS, 18 allied fighters, and 49 Syrian "
                 "government soldiers", attributed_to=sohr),
             ref(texts, TT, "130 people killed, including soldiers, terrorists, and civilians",
                 attributed_to=None)]},
        {"id": "fact_jets", "status": "single_source",
         "text": "Russian and Syrian jets bombarded opposition positions near the Turkish border.",
         "reports": [ref(texts, WIRE, "Russian warplanes, alongside Syrian fighter jets, have "
                         "bombarded opposition positions near the Turkish border",
                         attributed_to="Reuters")]},
        {"id": "fact_israel", "status": "single_source",
         "text": "The IRGC accused Israel of backing the attackers.",
         "reports": [ref(texts, TT, "accusing Tel Aviv of backing terrorist factions",
                         attributed_to="IRGC")]},
    ]
    figures = [
        {"what": "killed", "who": "people", "low": 130, "high": 130, "status": "agreed",
         "reports": [
             ref(texts, WIRE, "at least 130 people have been killed", value=130.0,
                 qualifier="at least", attributed_to=sohr,
                 includes=["members of the HTS", "allied fighters", "Syrian government soldiers"]),
             ref(texts, TT, "over 130 people killed", value=130, qualifier="over",
                 attributed_to=None, includes=["soldiers", "terrorists", "civilians"])]},
        {"what": "killed", "who": "Syrian government soldiers", "low": 49, "high": 49,
         "status": "agreed",
         "reports": [
             ref(texts, WIRE, "49 Syrian government soldiers", value=49, qualifier=None,
                 attributed_to=sohr),
             ref(texts, TT, "49 Syrian government troops", value=49, qualifier=None,
                 attributed_to=sohr)]},
        {"what": "targeted", "who": "areas controlled by the Syrian military", "low": 10,
         "high": 10, "status": "single_source",
         "reports": [ref(texts, TT, "over ten areas", value=10, qualifier="over",
                         attributed_to=None)]},
    ]
    hts = {"entity": "ent_hts", "name": "Hayat Tahrir al-Sham"}
    framing = [
        frame(texts, WIRE, "Islamist militants", "own", None, **hts),
        frame(texts, WIRE, "rebel groups", "own", None, entity=None, name=None),
        frame(texts, WIRE, "Takfiri terrorists", "quoted", "Tasnim News", **hts),
        frame(texts, WIRE, "terrorists", "quoted", "Syrian army", after='"terrorists"', **hts),
        frame(texts, WIRE, "US-Israeli design", "attributed", "Abbas Araghchi", entity=None,
              name=None, kind="event"),
        frame(texts, TT, "Takfiri terrorists", "own", None, **hts),
        frame(texts, TT, "terrorist group", "own", None, **hts),
        frame(texts, TT, "martyred", "own", None, entity="ent_pourhashemi",
              name="Kioumars Pourhashemi", kind="action"),
        frame(texts, TT, "a large-scale terrorist operation", "quoted", "Syrian forces",
              entity=None, name=None, kind="event"),
        frame(texts, TT, "terror attacks", "attributed", "IRGC", entity=None, name=None,
              kind="event"),
    ]
    summary = [
        {"text": "Brigadier General Kioumars Pourhashemi, a senior IRGC advisor, was killed near "
                 "Aleppo during an offensive led by Hayat Tahrir al-Sham.", "sources": [WIRE, TT]},
        {"text": "The Syrian Observatory for Human Rights counted at least 130 dead, including 49 "
                 "Syrian government soldiers.", "sources": [WIRE, TT]},
    ]
    event = {"id": "evt_aleppo_2024", "title": "IRGC general killed in HTS offensive near Aleppo",
             "article_count": 2, "independent_sources": 2,
             "date_range": ["2024-11-28", "2024-11-29"], "articles": articles,
             "entities": entities, "facts": facts, "figures": figures, "framing": framing,
             "summary": summary}
    return {"schema_version": "1", "events": [event]}


def hostile_document() -> dict[str, Any]:
    document = seed_document()
    event = document["events"][0]
    article = event["articles"][0]
    prefix = f"{HOSTILE_SCRIPT} {HOSTILE_IMG} & \"quotes\"\n"
    shift = len(prefix)
    article["text"] = prefix + article["text"]
    article["outlet"] = HOSTILE_IMG
    article["title"] = HOSTILE_SCRIPT
    article["url"] = "javascript:alert(1)"
    for items in (event["entities"], event["facts"], event["figures"]):
        for item in items:
            for span in item.get("mentions", item.get("reports", [])):
                if span["article"] == article["id"]:
                    span["start"] += shift
                    span["end"] += shift
    for item in event["framing"]:
        if item["article"] == article["id"]:
            item["start"] += shift
            item["end"] += shift
    event["title"] = HOSTILE_SCRIPT
    event["facts"][0]["text"] = HOSTILE_IMG
    event["entities"][0]["name"] = HOSTILE_SCRIPT
    event["summary"][0]["text"] = HOSTILE_SCRIPT
    event["framing"][0]["speaker"] = HOSTILE_IMG
    event["facts"][1]["text"] = MARKUP
    return document


def test_fixture_spans_hold():
    """The fixture itself keeps the contract: text[start:end] == text everywhere."""
    for document in (seed_document(), hostile_document()):
        event = document["events"][0]
        texts = {a["id"]: a["text"] for a in event["articles"]}
        spans = [m for e in event["entities"] for m in e["mentions"]]
        spans += [r for group in ("facts", "figures") for item in event[group]
                  for r in item["reports"]]
        for span in spans:
            assert texts[span["article"]][span["start"]:span["end"]] == span["text"]
        for item in event["framing"]:
            assert texts[item["article"]][item["start"]:item["end"]] == item["term"]


# --- text ------------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [100, 80, 60])
def test_text_fits_the_width(width):
    out = render_text(seed_document(), width=width)
    too_wide = [line for line in out.splitlines() if len(line) > width]
    assert not too_wide, too_wide


def test_text_reads_like_a_brief():
    out = render_text(seed_document())
    flat = " ".join(out.split())
    assert "\x1b[" not in out
    for expected in ("IRGC general killed in HTS offensive near Aleppo", "Levant Wire",
                     "Tehran Times", "2024-11-28 – 2024-11-29", "2 (2 independent sources)",
                     "at least 130", "over 130", "citing Syrian Observatory for Human Rights",
                     "includes soldiers, terrorists, civilians", "single source",
                     "whether civilians were among those killed", "Only in Levant Wire",
                     "Only in Tehran Times", "Kioumars Pour Hashemi", "(unlinked)",
                     "“terrorists” (Syrian army)", "“martyred”", "“terror attacks” (IRGC)",
                     "In its own voice", "Quoting or citing others"):
        assert expected in flat, expected
    assert "art_0000" not in out  # outlets by name, never raw article ids
    headings = ("SUMMARY", "FIGURES", "WHERE THEY DIFFER", "LABELS FOR EACH ACTOR",
                "WHAT THEY AGREE ON", "ENTITIES")
    order = [flat.index(h) for h in headings]
    assert order == sorted(order)
    # the brief: conflicts first, then what each outlet alone reports, then labels
    assert (flat.index("Where they differ (1)") < flat.index("Only in")
            < flat.index("LABELS FOR EACH ACTOR") < flat.index("WHAT THEY AGREE ON"))
    assert re.search(r"1\. Brigadier General .*\[Levant Wire; Tehran Times\]", flat)


def test_text_shows_hostile_text_literally():
    out = render_text(hostile_document())
    flat = " ".join(out.split())
    assert HOSTILE_SCRIPT in flat and MARKUP in flat


def test_text_statuses_in_figure_table():
    out = render_text(seed_document())
    rows = [line for line in out.splitlines() if line.startswith(("killed", "targeted"))]
    assert len(rows) == 3
    assert "130" in rows[0] and "agreed" in rows[0]
    assert "10" in rows[2] and "single source" in rows[2]


@pytest.mark.parametrize("render", [render_text, render_markdown, render_html])
def test_no_events(render):
    assert "No events" in render({"schema_version": "1", "events": []})


@pytest.mark.parametrize("render", [render_text, render_markdown, render_html])
def test_contract_fields_only(render):
    """Documents without the extra fields render too."""
    document = copy.deepcopy(seed_document())
    event = document["events"][0]
    for key in ("article_count", "independent_sources", "date_range"):
        del event[key]
    for article in event["articles"]:
        del article["dateline"], article["url"]
    for fact in event["facts"]:
        fact.pop("note", None)
    for figure in event["figures"]:
        for report in figure["reports"]:
            report.pop("includes", None)
    for item in event["framing"]:
        del item["entity_name"], item["kind"]
    out = render(document)
    assert "Tehran Times" in out
    assert "2024-11-28" in out and "2024-11-29" in out
    assert "Hayat Tahrir al-Sham" in out


@pytest.mark.parametrize("render", [render_text, render_markdown, render_html])
def test_copies_and_outlets_with_two_articles(render):
    """Two articles of one outlet get numbered names; a near-duplicate copy is marked."""
    document = seed_document()
    articles = document["events"][0]["articles"]
    articles[1]["outlet"] = "Levant Wire"
    articles[1]["copy_of"] = WIRE
    out = " ".join(render(document).split())
    assert "Levant Wire (1)" in out and "Levant Wire (2)" in out
    assert "copy of Levant Wire (1)" in out.replace("Near-duplicate copy", "copy")


# --- markdown --------------------------------------------------------------------------------


def test_markdown_headings_and_tables():
    out = render_markdown(seed_document())
    lines = out.splitlines()
    assert lines[0] == "# IRGC general killed in HTS offensive near Aleppo"
    headings = [line for line in lines if line.startswith("## ")]
    assert headings == ["## Summary", "## Figures",
                        "## Where they differ, and what only one outlet reports",
                        "## Labels for each actor", "## What they agree on", "## Entities"]
    assert "| What | Who | Low–high | Best | Status | Reports (source chain) |" in lines
    assert "|---|---|---|---|---|---|" in lines
    assert out.index("### Where they differ (1)") < out.index("### Only in")
    assert "### Only in Tehran Times (1)" in lines
    assert "**Levant Wire**: at least 130, citing Syrian Observatory for Human Rights" in out
    assert "**Tehran Times**: over 130, own voice; includes soldiers, terrorists, civilians" in out
    # every table row has as many cells as its header
    for block in re.findall(r"(?m)(?:^\|.*\|$\n?)+", out):
        rows = [re.split(r"(?<!\\)\|", row)[1:-1] for row in block.splitlines()]
        assert len({len(row) for row in rows}) == 1, block


def test_markdown_escapes():
    out = render_markdown(hostile_document())
    assert HOSTILE_SCRIPT not in out and HOSTILE_IMG not in out
    assert r"\<script\>alert(1)\</script\>" in out
    assert r"\[/red\] \[bold\]not markup\[/bold\] \*stars\* \| pipe" in out


# --- html ------------------------------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


class Checker(HTMLParser):
    """Records elements and checks that every tag is closed in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.scripts = 0
        self._capture: list[tuple[int, list[str]] | None] = []  # per open tag
        self.highlights: list[tuple[dict[str, str | None], str]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.elements.append((tag, attributes))
        self.scripts += tag == "script"
        if tag not in VOID:
            self.stack.append(tag)
            is_hl = tag == "span" and "hl" in (attributes.get("class") or "").split()
            self._capture.append((len(self.highlights), []) if is_hl else None)
            if is_hl:
                self.highlights.append((attributes, ""))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        self.stack.pop()
        captured = self._capture.pop()
        if captured is not None:
            index, texts = captured
            self.highlights[index] = (self.highlights[index][0], "".join(texts))

    def handle_data(self, data):
        for captured in self._capture:
            if captured is not None:
                captured[1].append(data)


def parse(page: str) -> Checker:
    checker = Checker()
    checker.feed(page)
    checker.close()
    assert not checker.errors, checker.errors[:5]
    assert checker.stack == [], checker.stack
    return checker


def highlighted_text(checker: Checker, kind: str, key: str) -> str:
    return "".join(text for attrs, text in checker.highlights
                   if key in (attrs.get(f"data-{kind}") or "").split())


def test_html_is_well_formed_and_self_contained():
    page = render_html(seed_document())
    checker = parse(page)
    assert page.startswith("<!DOCTYPE html>")
    assert checker.scripts == 1
    for tag, attrs in checker.elements:
        assert tag not in ("link", "iframe", "object", "embed")
        assert "src" not in attrs, (tag, attrs)
    assert not re.search(r"url\(|@import|https?://(?!www\.tehrantimes)", page)
    assert '<meta name="viewport"' in page and "@media (max-width: 600px)" in page


def test_html_highlights_every_span():
    document = seed_document()
    event = document["events"][0]
    checker = parse(render_html(document))
    for index, item in enumerate(event["framing"]):
        key = f"frame-{index}"
        assert highlighted_text(checker, "framing", key) == item["term"]
        classes = {attrs["class"] for attrs, _ in checker.highlights
                   if key in (attrs.get("data-framing") or "").split()}
        assert classes and all(f"voice-{item['voice']}" in c.split() for c in classes), classes
    for fact in event["facts"]:
        expected = "".join(r["text"] for r in fact["reports"])
        assert highlighted_text(checker, "fact", fact["id"]) == expected
        fact_items = [a for tag, a in checker.elements if a.get("data-key") == fact["id"]]
        assert fact_items and fact_items[0]["data-target"] == "fact"
    for index, figure in enumerate(event["figures"]):
        expected = "".join(r["text"] for r in figure["reports"])
        assert highlighted_text(checker, "figure", f"fig-{index}") == expected
    for entity in event["entities"]:
        expected = "".join(m["text"] for m in entity["mentions"])
        assert highlighted_text(checker, "entity", entity["id"]) == expected


def test_html_shows_voices_legend_columns_and_paragraphs():
    page = render_html(seed_document())
    for voice in ("own", "quoted", "attributed"):
        assert f'class="hl voice-{voice}"' in page  # legend swatch
        assert re.search(rf'class="hl[^"]*\bvoice-{voice}"', page)
    assert page.count('class="card article') == 2
    assert "grid-template-columns: repeat(auto-fit" in page
    assert "white-space: pre-wrap" in page
    assert page.count('<span class="gap"></span>') >= 8
    for text in ("Levant Wire", "Tehran Times", "2 (2 independent sources)"[:1],
                 "at least 130", "whether civilians were among those killed",
                 "Only in Tehran Times", "Haji Hashem", "Syrian army"):
        assert text in page, text
    assert (page.index("<h3>Where they differ") < page.index("<h3>Only in")
            < page.index("Labels for each actor") < page.index("What they agree on"))


def test_html_escapes_hostile_article():
    page = render_html(hostile_document())
    checker = parse(page)
    assert checker.scripts == 1
    assert not [attrs for tag, attrs in checker.elements if tag == "img"]
    assert "<script>alert" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "javascript:" not in page
    assert not [a for _, a in checker.elements if any(k.startswith("on") for k in a)]
    # the highlights still land on the right words after the hostile prefix
    assert highlighted_text(checker, "framing", "frame-0") == "Islamist militants"


def test_html_overlapping_spans():
    """Nested and crossing spans are cut into pieces; each piece has every covering id."""
    text = "Rebels, called terrorists by the army, attacked."
    document = {"schema_version": "1", "events": [{
        "id": "e", "title": "t",
        "articles": [{"id": "a", "outlet": "O", "title": None, "published": None,
                      "source": "x", "text": text}],
        "entities": [{"id": "ent", "name": "Rebels", "type": "ORG", "aliases": [],
                      "mentions": [{"article": "a", "start": 0, "end": 6, "text": "Rebels"}]}],
        "facts": [{"id": "f1", "text": "x", "status": "single_source",
                   "reports": [{"article": "a", "start": 0, "end": 38,
                                "text": text[:38], "attributed_to": None}]},
                  {"id": "f2", "text": "y", "status": "single_source",
                   "reports": [{"article": "a", "start": 15, "end": 47,
                                "text": text[15:47], "attributed_to": None}]}],
        "figures": [],
        "framing": [{"entity": "ent", "article": "a", "term": "Rebels", "voice": "own",
                     "speaker": None, "start": 0, "end": 6},
                    {"entity": "ent", "article": "a", "term": "terrorists", "voice": "quoted",
                     "speaker": "army", "start": 15, "end": 25}],
        "summary": []}]}
    checker = parse(render_html(document))
    assert highlighted_text(checker, "fact", "f1") == text[:38]
    assert highlighted_text(checker, "fact", "f2") == text[15:47]
    both = [a for a, t in checker.highlights if t == "terrorists"]
    assert len(both) == 1
    assert both[0]["data-fact"] == "f1 f2" and "voice-quoted" in both[0]["class"]
    first = next(a for a, t in checker.highlights if t == "Rebels")
    assert set(first["class"].split()) == {"hl", "entity", "framing", "fact", "voice-own"}


@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs chromium")
def test_html_in_headless_chromium(tmp_path):
    path = tmp_path / "report.html"
    path.write_text(render_html(hostile_document()), encoding="utf-8")
    result = subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--no-first-run", "--dump-dom", path.as_uri()],
        capture_output=True, text=True, timeout=60, check=True,
    )
    assert 'class="hl' in result.stdout
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in result.stdout
    assert "<img" not in result.stdout
