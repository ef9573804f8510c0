"""ingest: files, folders, HTML and JSON Lines become Articles; bad input fails alone."""

from __future__ import annotations

import gzip
import json
import os
import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from counterpoint.errors import InputError
from counterpoint.ingest import (
    IngestResult,
    article_from_text,
    read_file,
    read_file_collecting,
    read_paths,
)
from counterpoint.ingest.urls import canonical_url
from counterpoint.model import stable_id

EXAMPLES = Path(__file__).parent.parent / "examples"
TEHRAN = EXAMPLES / "tehran-times.txt"
WIRE = EXAMPLES / "wire.txt"
PARAGRAPH = (
    "A senior commander was killed in an overnight attack near Aleppo, officials said on "
    "Thursday. The attack began late on Wednesday and lasted several hours. Residents "
    "described heavy shelling across the western countryside of the province. "
)


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    path.write_bytes(data)
    return path


def html_page(*, site: str | None = "Daily Planet", canonical: str | None = None) -> str:
    meta = f'<meta property="og:site_name" content="{site}">' if site else ""
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    paragraphs = "".join(
        f"<p>{PARAGRAPH}Paragraph number {n} adds its own detail to the report.</p>"
        for n in range(3)
    )
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Commander killed near Aleppo | Daily Planet</title>{meta}{link}"
        '<meta property="article:published_time" content="2024-11-28T10:00:00Z">'
        "</head><body><header><nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"</header><main><article><h1>Commander killed near Aleppo</h1>{paragraphs}"
        "</article></main><footer><p>Copyright 2024 Daily Planet</p></footer></body></html>"
    )


# --- .txt ------------------------------------------------------------------------------


def test_seed_with_prefix_gives_date_dateline_and_body_start() -> None:
    [article] = read_file(TEHRAN)
    prefix = " date 2024-11-29 TEHRAN - "
    assert article.text == TEHRAN.read_bytes().decode("utf-8")
    assert article.text.startswith(prefix)
    assert article.published == date(2024, 11, 29)
    assert article.dateline == "TEHRAN"
    assert article.body_start == len(prefix)
    assert article.text[article.body_start :].startswith("A solemn farewell ceremony")
    assert (article.outlet, article.title, article.source) == (TEHRAN.stem, None, str(TEHRAN))
    assert article.id == stable_id("art", article.text)


def test_seed_without_prefix_keeps_defaults() -> None:
    [article] = read_file(str(WIRE), outlet="Wire")
    assert article.text == WIRE.read_bytes().decode("utf-8")
    assert (article.published, article.dateline, article.body_start) == (None, None, 0)
    assert article.outlet == "Wire"
    assert article.source == str(WIRE)


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"\xef\xbb\xbfBody text here.\n", "Body text here.\n"),
        (b"  Line one.\r\nLine two.  \r\n\r\n", "  Line one.\r\nLine two.  \r\n\r\n"),
        ("\u201cCaf\u00e9\u201d \u2013 ok\t\n".encode(), "\u201cCaf\u00e9\u201d \u2013 ok\t\n"),
    ],
)
def test_txt_text_is_stored_exactly(tmp_path: Path, data: bytes, text: str) -> None:
    [article] = read_file(write(tmp_path, "outlet.com.txt", data))
    assert article.text == text
    assert article.outlet == "outlet.com"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Quake kills 23 in Valdoria\n\nA strong earthquake struck.", "Quake kills 23 in Valdoria"),
        ("  Arson in Alaska: a pattern?  \r\n\r\nBody.", "Arson in Alaska: a pattern?"),
        ("A strong earthquake struck.\n\nRescuers dug.", None),  # a sentence, not a headline
        ("Officials said:\n\nthe toll rose.", None),
        ("Quake kills 23\nin Valdoria\n\nBody.", None),  # no blank line under the first line
        ("Quake kills 23 in Valdoria\n\n  \n", None),  # nothing under it
        (" date 2024-11-29 TEHRAN - Body.\n\nMore.", None),
        (" ".join(["word"] * 41) + "\n\nBody.", None),  # over 200 characters
        ("By Jane Doe and Sam Lee\n\nBody.", None),  # a byline
        ("Reuters\n\nBody.", None),  # one word
    ],
)
def test_txt_headline_line_gives_the_title(tmp_path: Path, text: str, title: str | None) -> None:
    [article] = read_file(write(tmp_path, "paper.txt", text))
    assert article.title == title
    assert article.text == text  # the headline stays part of the stored text


@pytest.mark.parametrize(
    ("text", "published", "dateline", "body"),
    [
        (" date 2024-11-29 TEHRAN - Body.", date(2024, 11, 29), "TEHRAN", "Body."),
        (
            "date 2024-01-05 WASHINGTON D.C. \u2013 Body.",
            date(2024, 1, 5),
            "WASHINGTON D.C.",
            "Body.",
        ),
        ("\n date 2023-02-28 N'DJAMENA - Body.", date(2023, 2, 28), "N'DJAMENA", "Body."),
        ("date 2023-02-28 AL-QUDS - Body - more.", date(2023, 2, 28), "AL-QUDS", "Body - more."),
        ("date 2023-02-28 S\u00c3O PAULO - Body.", date(2023, 2, 28), "S\u00c3O PAULO", "Body."),
    ],
)
def test_prefix_variants(text: str, published: date, dateline: str, body: str) -> None:
    article = article_from_text(text, source="s", outlet="o")
    assert (article.published, article.dateline) == (published, dateline)
    assert article.text == text
    assert article.text[article.body_start :] == body


@pytest.mark.parametrize(
    "text",
    [
        "date 2024-11-29 Tehran - lower-case place is no dateline.",
        "update 2024-11-29 TEHRAN - not the word date.",
        "date 2024-13-40 TEHRAN - not a real day.",
        "date 2024-11-29 TEHRAN without a dash.",
        "The date 2024-11-29 TEHRAN - is not at the start.",
        "date 2024-11-29 TEHRAN 2 - digits are no place.",
    ],
)
def test_not_a_prefix(text: str) -> None:
    article = article_from_text(text, source="s", outlet="o")
    assert (article.published, article.dateline, article.body_start) == (None, None, 0)


def test_explicit_published_beats_prefix_date() -> None:
    article = article_from_text(
        "date 2024-11-29 TEHRAN - Body.", source="s", outlet="o", published=date(2024, 12, 1)
    )
    assert article.published == date(2024, 12, 1)
    assert article.dateline == "TEHRAN"


@pytest.mark.parametrize("text", ["", "  \n\t", " date 2024-11-29 TEHRAN -  \n"])
def test_article_from_text_refuses_empty_text(text: str) -> None:
    with pytest.raises(InputError, match="no article text|text is empty") as caught:
        article_from_text(text, source="where", outlet="o")
    assert caught.value.source == "where"


PLACES = st.from_regex(r"\A[A-Z\u00c0-\u00d6\u00d8-\u00de](?:[A-Z.'\-]| (?=[A-Z])){0,20}\Z")
BODIES = st.text(min_size=1).filter(lambda body: body.strip() != "")


@given(
    lead=st.sampled_from(["", " ", "\n", "  \t"]),
    day=st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
    place=PLACES,
    dash=st.sampled_from(["-", "\u2013"]),
    body=BODIES,
)
def test_prefix_property(lead: str, day: date, place: str, dash: str, body: str) -> None:
    prefix = f"{lead}date {day.isoformat()} {place} {dash} "
    article = article_from_text(prefix + body, source="s", outlet="o")
    assert article.text == prefix + body
    assert article.published == day
    assert article.dateline == place
    assert len(prefix) <= article.body_start < len(article.text)
    assert article.text[len(prefix) : article.body_start].strip(" \t") == ""


@given(text=BODIES)
def test_any_text_is_stored_exactly(text: str) -> None:
    assume(not text.lstrip().startswith("date"))  # prefixes: test_prefix_property
    assume(any(c.isalpha() for c in text))  # no letters, no article: test_hostile_*
    article = article_from_text(text, source="s", outlet="o")
    assert article.text == text
    assert 0 <= article.body_start < len(text)


TEXT_FILES = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff")
    | st.sampled_from("\n\r\t"),
    min_size=1,
).filter(lambda text: text.strip() != "")


@given(text=TEXT_FILES)
def test_txt_file_round_trip(text: str) -> None:
    assume(not text.lstrip().startswith("date"))
    assume(any(c.isalpha() for c in text))
    with tempfile.TemporaryDirectory() as folder:
        [article] = read_file(write(Path(folder), "a.txt", text))
    assert article.text == text


# --- .jsonl ----------------------------------------------------------------------------

JSONL_LINES = [
    json.dumps(
        {
            "id": "my-1",
            "text": "First article.",
            "title": "One",
            "outlet": "Wire",
            "published": "2024-11-28",
            "url": "https://Example.com/a/?utm_source=x",
        }
    ),
    "",
    "{not json",
    json.dumps(["text", "in a list"]),
    json.dumps({"title": "no text"}),
    json.dumps({"text": "   "}),
    json.dumps({"text": 42}),
    json.dumps({"text": "Bad date.", "published": "28/11/2024"}),
    json.dumps({"text": "Second article.", "published": "2024-11-29T10:00:00Z", "id": 7}),
    json.dumps({"text": "Bad title.", "title": ["x"]}),
    "   ",
    json.dumps({"text": "date 2024-11-27 ALEPPO - Third article."}),
]
BAD_LINES = {
    3: "not valid JSON",
    4: "not an object",
    5: '"text" is None',
    6: '"text" is',
    7: '"text" is 42',
    8: "28/11/2024",
    10: '"title"',
}


def test_jsonl_good_lines_load_and_bad_lines_fail_alone(tmp_path: Path) -> None:
    path = write(tmp_path, "feed.jsonl", "\n".join(JSONL_LINES) + "\n")
    result = read_file_collecting(path, outlet="Fallback")
    assert [a.text for a in result.articles] == [
        "First article.",
        "Second article.",
        "date 2024-11-27 ALEPPO - Third article.",
    ]
    first, second, third = result.articles
    assert (first.id, first.title, first.outlet, first.published) == (
        "my-1",
        "One",
        "Wire",
        date(2024, 11, 28),
    )
    assert first.url == "https://Example.com/a/?utm_source=x"
    assert first.source == f"{path}:1"
    assert (second.id, second.published, second.outlet) == ("7", date(2024, 11, 29), "Fallback")
    assert (third.published, third.dateline, third.source) == (
        date(2024, 11, 27),
        "ALEPPO",
        f"{path}:12",
    )
    assert third.id == stable_id("art", third.text)
    assert {f.line: f.source for f in result.failures} == {n: str(path) for n in BAD_LINES}
    for failure in result.failures:
        assert failure.line is not None
        assert BAD_LINES[failure.line] in str(failure)
        assert str(failure).startswith(f"{path}:{failure.line}: ")


def test_read_file_on_jsonl_returns_good_lines_without_raising(tmp_path: Path) -> None:
    path = write(tmp_path, "feed.jsonl", "\n".join(JSONL_LINES))
    assert len(read_file(path)) == 3


def test_jsonl_outlet_falls_back_to_stem(tmp_path: Path) -> None:
    path = write(tmp_path, "reuters.com.jsonl", '\ufeff{"text": "Body."}\r\n')
    [article] = read_file(path)
    assert (article.outlet, article.text) == ("reuters.com", "Body.")


def test_jsonl_gz(tmp_path: Path) -> None:
    data = gzip.compress("\n".join(JSONL_LINES).encode())
    result = read_paths([write(tmp_path, "feed.jsonl.gz", data)])
    assert len(result.articles) == 3
    assert result.articles[1].outlet == "feed"
    assert sorted(f.line or 0 for f in result.failures) == sorted(BAD_LINES)


def test_jsonl_non_utf8_line_fails_alone(tmp_path: Path) -> None:
    good = b'{"text": "Good."}\n'
    path = write(tmp_path, "feed.jsonl", good + '{"text": "Caf\u00e9"}\n'.encode("latin1"))
    result = read_paths([path])
    assert [a.text for a in result.articles] == ["Good."]
    [failure] = result.failures
    assert failure.line == 2
    assert f"byte offset {len(good) + 13}" in str(failure)
    assert "iconv -f latin1 -t utf-8" in str(failure)


# --- .html -----------------------------------------------------------------------------


def test_html_article(tmp_path: Path) -> None:
    url = "https://www.DailyPlanet.example/world/aleppo/#top"
    [article] = read_file(write(tmp_path, "page.html", html_page(canonical=url)))
    assert PARAGRAPH.strip() in article.text
    assert "Copyright" not in article.text
    assert article.title == "Commander killed near Aleppo"
    assert article.outlet == "Daily Planet"
    assert article.published == date(2024, 11, 28)
    assert article.url is not None
    assert article.id == stable_id("art", "https://www.dailyplanet.example/world/aleppo")


@pytest.mark.parametrize(
    ("site", "canonical", "outlet", "expected"),
    [
        ("Daily Planet", None, "Chosen", "Chosen"),
        (None, "https://www.planet.example/a", None, "planet.example"),
        (None, None, None, "planet-page"),
    ],
)
def test_html_outlet_fallbacks(
    tmp_path: Path, site: str | None, canonical: str | None, outlet: str | None, expected: str
) -> None:
    path = write(tmp_path, "planet-page.htm", html_page(site=site, canonical=canonical))
    [article] = read_file(path, outlet=outlet)
    assert article.outlet == expected
    if canonical is None:
        assert article.id == stable_id("art", article.text)


def test_html_with_declared_latin1_charset(tmp_path: Path) -> None:
    page = html_page().replace("charset='utf-8'", "charset='iso-8859-1'")
    page = page.replace("Residents described", "Caf\u00e9 owners described")
    [article] = read_file(write(tmp_path, "page.html", page.encode("latin1")))
    assert "Caf\u00e9 owners described" in article.text


@pytest.mark.parametrize(
    "body",
    [
        "",
        "<nav><a href='/a'>World</a> <a href='/b'>Sport</a></nav>",
        "<div id='cookie'>Accept cookies</div>",
    ],
)
def test_html_without_article_text(tmp_path: Path, body: str) -> None:
    page = f"<html><head><title>Index</title></head><body>{body}</body></html>"
    path = write(tmp_path, "index.html", page)
    with pytest.raises(InputError, match="no article text") as caught:
        read_file(path)
    assert caught.value.source == str(path)


# --- bad input -------------------------------------------------------------------------

BAD_FILES = [
    ("empty.txt", b"", "empty"),
    ("blank.txt", b" \n\t\r\n", "empty"),
    ("bom-only.txt", b"\xef\xbb\xbf \n", "only whitespace"),
    ("nul.txt", b"Some text\x00\x01\x02 more", "binary"),
    ("controls.txt", bytes(range(1, 9)) * 20 + b"text", "binary"),
    ("latin1.txt", "Caf\u00e9 au lait".encode("latin1"), "byte offset 3"),
    ("utf16.txt", "Hello".encode("utf-16"), "UTF-16"),
    ("empty.jsonl", b"\n\n", "empty"),
    ("bad.jsonl.gz", b"not gzip at all", "gzip"),
    ("empty.html", b"", "empty"),
    ("notes.md", b"# Notes", "unsupported file type ('.md')"),
    ("README", b"text", "unsupported file type (no suffix)"),
]


@pytest.mark.parametrize(("name", "data", "message"), BAD_FILES)
def test_bad_file(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    path = write(tmp_path, name, data)
    with pytest.raises(InputError) as caught:
        read_file(path)
    assert message in str(caught.value)
    assert caught.value.source == str(path)
    assert caught.value.line is None
    assert "; " in caught.value.reason  # what failed; how to fix it


def test_non_utf8_message_suggests_iconv(tmp_path: Path) -> None:
    path = write(tmp_path, "latin1.txt", "Caf\u00e9".encode("latin1"))
    with pytest.raises(InputError, match=r"b'\\xe9' at byte offset 3.*iconv -f latin1 -t utf-8"):
        read_file(path)


@pytest.mark.parametrize(("name", "data", "message"), BAD_FILES)
def test_bad_file_does_not_stop_the_batch(
    tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    bad = write(tmp_path, name, data)
    good = write(tmp_path, "good.txt", "Good article.")
    result = read_paths([bad, good])
    assert [a.text for a in result.articles] == ["Good article."]
    [failure] = result.failures
    assert failure.source == str(bad)
    assert message in str(failure)


def test_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    result = read_paths([missing, str(tmp_path / "nope-folder")])
    assert result.articles == ()
    assert [f.source for f in result.failures] == [str(missing), str(tmp_path / "nope-folder")]
    assert all("no such file or folder" in str(f) for f in result.failures)
    with pytest.raises(InputError, match="no such file"):
        read_file(missing)


def test_read_file_on_a_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="folder"):
        read_file(tmp_path)


def test_folder_without_supported_files(tmp_path: Path) -> None:
    write(tmp_path, "notes.md", "# Notes")
    write(tmp_path, ".hidden.txt", "Hidden.")
    result = read_paths([tmp_path])
    assert result.articles == ()
    [failure] = result.failures
    assert failure.source == str(tmp_path)
    assert ".jsonl.gz" in str(failure)


# --- folders ---------------------------------------------------------------------------


def test_folder_recursion(tmp_path: Path) -> None:
    write(tmp_path, "b.txt", "B.")
    write(tmp_path, "a/z.TXT", "AZ.")
    write(tmp_path, "a/deep/y.jsonl", '{"text": "AY."}')
    write(tmp_path, "a/notes.md", "ignored")
    write(tmp_path, "a/.x.txt", "hidden file")
    write(tmp_path, ".git/c.txt", "hidden folder")
    write(tmp_path, "c.html", "<html><body></body></html>")
    result = read_paths([tmp_path, tmp_path / "b.txt"])
    assert isinstance(result, IngestResult)
    assert [a.text for a in result.articles] == ["AY.", "AZ.", "B."]
    assert result.articles[0].source == f"{tmp_path / 'a/deep/y.jsonl'}:1"
    assert [f.source for f in result.failures] == [str(tmp_path / "c.html")]


def test_relative_paths_are_kept_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "in/x.txt", "X.")
    monkeypatch.chdir(tmp_path)
    result = read_paths(["in", "./in/x.txt"])
    assert [a.source for a in result.articles] == [os.path.join("in", "x.txt")]
    result = read_paths(["./in/x.txt"])
    assert [a.source for a in result.articles] == ["./in/x.txt"]


# --- ids -------------------------------------------------------------------------------


def test_same_input_gives_same_id(tmp_path: Path) -> None:
    first = read_paths([EXAMPLES]).articles
    second = read_paths([str(EXAMPLES)]).articles
    assert [a.id for a in first] == [a.id for a in second]
    assert len({a.id for a in first}) == 2
    copy = write(tmp_path, "copy.txt", TEHRAN.read_bytes())
    assert read_file(copy)[0].id == read_file(TEHRAN)[0].id


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/news/1",
        "HTTPS://EXAMPLE.COM/news/1/",
        "https://example.com/news/1#comments",
        "https://example.com/news/1?utm_source=rss&utm_medium=feed",
        "  https://Example.com/news/1/?utm_campaign=x#top  ",
    ],
)
def test_url_variants_give_the_same_id(url: str) -> None:
    article = article_from_text("Body.", source="s", outlet="o", url=url)
    assert article.id == stable_id("art", "https://example.com/news/1")
    assert article.url == url


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("https://example.com/a?b=1&utm_source=x&c=2", "https://example.com/a?b=1&c=2"),
        ("https://example.com/", "https://example.com"),
        ("https://example.com/Case/Path", "https://example.com/Case/Path"),
        ("not a url", "not a url"),
    ],
)
def test_canonical_url(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical


def test_given_id_is_used_verbatim() -> None:
    article = article_from_text(
        "Body.", source="s", outlet="o", id="Reuters/2024 #1", url="https://example.com/x"
    )
    assert article.id == "Reuters/2024 #1"
    assert (
        article_from_text("Other.", source="s", outlet="o").id
        != article_from_text("Body.", source="s", outlet="o").id
    )


# --- hostile input: one clear message each, and the good articles beside it still load ------

GOOD = '{"text": "The mayor of Springfield opened a new bridge on Monday."}\n'


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested more than 32 levels deep"),
        ('{"text": "x", "id": ' + "9" * 100_000 + "}", "a number of 100,000 digits"),
        ('{"text": "bad \\ud800 text"}', "invalid code point U+D800 (a lone surrogate)"),
        ('{"text": "' + "\u200b" * 800 + '"}', "no text to analyse"),
        ('{"text": "."}', "no text to analyse"),
        ('{"text": "12345 678"}', "no text to analyse"),
    ],
)
def test_hostile_jsonl_lines_fail_alone(tmp_path: Path, line: str, message: str) -> None:
    result = read_paths([write(tmp_path, "feed.jsonl", line + "\n" + GOOD)])
    assert [a.text for a in result.articles] == [json.loads(GOOD)["text"]]
    [failure] = result.failures
    assert message in str(failure) and "feed.jsonl:1" in str(failure)


def test_a_duplicate_id_with_another_text_names_both_lines(tmp_path: Path) -> None:
    lines = [
        {"id": "a1", "text": "The mayor opened a bridge on Monday."},
        {"id": "a1", "text": "A storm hit the coast on Tuesday."},
        {"id": "a1", "text": "The mayor opened a bridge on Monday."},  # the same article again
    ]
    path = write(tmp_path, "feed.jsonl", "".join(json.dumps(r) + "\n" for r in lines))
    result = read_paths([path])
    assert [a.text for a in result.articles] == [lines[0]["text"], lines[0]["text"]]
    [failure] = result.failures
    assert failure.line == 2 and "line 1" in str(failure)


def test_an_article_over_the_size_limit_is_refused_with_the_setting(tmp_path):
    big = write(tmp_path, "big.txt", "word " * 400)
    small = write(tmp_path, "small.txt", "The mayor opened a bridge on Monday.")
    result = read_paths([big, small], max_article_chars=1000)
    assert [a.source for a in result.articles] == [str(small)]
    [failure] = result.failures
    assert "2,000 characters, over the limit of 1,000" in str(failure)
    assert "COUNTERPOINT_MAX_ARTICLE_CHARS" in str(failure)
    assert read_paths([big]).articles  # the default limit, 1,000,000, lets it through


def test_a_jsonl_line_over_the_size_limit_is_refused_alone(tmp_path):
    lines = [{"text": "word " * 400}, {"text": "The mayor opened a bridge on Monday."}]
    path = write(tmp_path, "feed.jsonl", "".join(json.dumps(r) + "\n" for r in lines))
    result = read_paths([path], max_article_chars=1000)
    assert [a.text for a in result.articles] == [lines[1]["text"]]
    [failure] = result.failures
    assert failure.line == 1 and "over the limit of 1,000" in str(failure)


def test_a_gzip_bomb_is_refused_by_its_inflated_size(tmp_path: Path) -> None:
    from counterpoint.ingest import jsonl

    data = gzip.compress(b'{"text": "' + b"a " * 2_000_000 + b'"}\n')
    with pytest.raises(InputError, match="inflates to more than 1,000,000 bytes"):
        jsonl._decompress(data, source="bomb.jsonl.gz", limit=1_000_000)
    assert jsonl._decompress(gzip.compress(GOOD.encode()) * 2, source="two members") == (
        GOOD.encode() * 2
    )


def test_pipes_and_link_loops_are_skipped_with_a_message(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "loop.txt").symlink_to(tmp_path / "loop.txt")
    (tmp_path / "up").symlink_to(tmp_path)  # a link back to the folder: never walked
    write(tmp_path, "good.txt", "The mayor opened a bridge on Monday.")
    result = read_paths([tmp_path])
    assert [Path(a.source).name for a in result.articles] == ["good.txt"]
    reasons = sorted(str(f) for f in result.failures)
    assert len(reasons) == 2
    assert "a symbolic link that leads nowhere or to itself" in reasons[0]
    assert "not a regular file (a named pipe" in reasons[1]


def test_utf32_is_named_as_utf32(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", "The mayor opened a bridge.".encode("utf-32"))
    with pytest.raises(InputError, match="UTF-32 text, not UTF-8"):
        read_file(path)


def test_a_worker_dies_with_its_parent(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys
    import time

    pid_file = tmp_path / "child.pid"
    script = (
        "import os, time\n"
        "from counterpoint.analyze import die_with_parent\n"
        "if os.fork() == 0:\n"
        "    die_with_parent()\n"
        f"    open({str(pid_file)!r}, 'w').write(str(os.getpid()))\n"
        "    time.sleep(600)\n"
        "else:\n"
        "    time.sleep(600)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 60
        while not pid_file.exists() or not pid_file.read_text():
            assert time.monotonic() < deadline, "the child never started"
            time.sleep(0.05)
        child = int(pid_file.read_text())
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=30)
        while _alive(child):
            assert time.monotonic() < deadline, "the worker outlived its killed parent"
            time.sleep(0.05)
    finally:
        parent.kill()


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split()[2] != "Z"  # a zombie has ended
    except FileNotFoundError:
        return False


def test_the_fixed_hostile_corpus_brings_no_run_down() -> None:
    from benchmarks import fuzz

    result = fuzz.run_batch(fuzz.fixed_corpus(), timeout=300)
    assert not result["crash"] and not result["hang"], result.get("stderr")
    assert result["unclear"] == 0 and result["good_lost"] == 0
