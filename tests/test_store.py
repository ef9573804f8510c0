"""store: articles, analyses and events survive the database exactly, or not at all."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import counterpoint.store as store_module
import counterpoint.store.articles as articles_module
from counterpoint.codec import from_json, to_json
from counterpoint.errors import NotFoundError, StoreError
from counterpoint.group import GroupSettings, profile, profile_scheme
from counterpoint.model import (
    Analysis,
    Article,
    Attribution,
    Event,
    Figure,
    Label,
    Mention,
    Sentence,
    Span,
    TimeExpression,
)
from counterpoint.store import Store

TEXT = "Café “Zürich” — 12 killed\r\nLine two  \r\n\tTabbed line with trailing spaces   \r\n"


def make_article(id: str = "art_1", text: str = TEXT, *,
                 published: date | None = date(2024, 11, 29), outlet: str = "Daily A",
                 **extra) -> Article:
    return Article(id=id, text=text, outlet=outlet, source=f"{id}.txt", published=published,
                   **extra)


def empty_analysis(article_id: str = "art_1") -> Analysis:
    return Analysis(article_id=article_id, sentences=(), mentions=(), times=(), figures=(),
                    attributions=(), labels=(), lemmas=())


def sample_analysis(article_id: str = "art_1") -> Analysis:
    return Analysis(
        article_id=article_id,
        sentences=(Sentence(start=0, end=25, text=TEXT[:25]),),
        mentions=(Mention(start=0, end=4, text="Café", type="ORG", sentence=0),
                  Mention(start=6, end=12, text="Zürich", type="GPE", sentence=0,
                          alias_of=(0, 4))),
        times=(TimeExpression(start=0, end=4, text="Café", value=None, granularity="unknown"),
               TimeExpression(start=6, end=12, text="Zürich", value=date(2024, 11, 28))),
        figures=(Figure(start=16, end=25, text="12 killed", value=12.0, qualifier=None,
                        what="killed", who=None, number=Span(start=16, end=18, text="12"),
                        includes=("children",), parent=None, attributed_to="police"),),
        attributions=(Attribution(source=None, cue=Span(start=0, end=1, text="C"),
                                  content=Span(start=1, end=4, text="afé"), direct=True,
                                  speaker=None),),
        labels=(Label(start=6, end=12, text="Zürich", voice="quoted", speaker="X", kind="actor",
                      target=Span(start=0, end=4, text="Café")),),
        lemmas=(("café", "kill"), ()),
        embedding=(0.6, -0.8),
        event_date=date(2024, 11, 28),
    )


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "cp.duckdb") as s:
        yield s


# --- articles --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [TEXT, "  leading and trailing  ", "a\rb\nc\r\n", "emoji 🌍 and ‘quotes’ and ß", "x" * 100_000],
)
def test_article_round_trip_keeps_text_exact(store, text):
    article = make_article(text=text, title="Tïtle", dateline="TEHRAN", url="https://e.x/a",
                           body_start=3)
    assert store.has_article(article.id) is False
    assert store.add(article, empty_analysis()) is True
    assert store.has_article(article.id) is True
    (back,) = store.articles()
    assert back == article
    assert back.text == text and len(back.text) == len(text)


def test_adding_an_article_twice_changes_nothing(store):
    article = make_article()
    assert store.add(article, sample_analysis()) is True
    other = make_article(text="different text", outlet="Other")
    assert store.add(other, empty_analysis()) is False
    assert store.add(article, empty_analysis()) is False
    assert store.articles() == [article]
    assert store.analyses([article.id]) == {article.id: sample_analysis()}


def test_add_many_stores_in_order_once_each(store):
    store.add(make_article("art_b", text="text b"), empty_analysis("art_b"))
    pairs = [
        (make_article(i, text=f"text {i}"), sample_analysis(i) if i == "art_d" else empty_analysis(i))
        for i in ["art_c", "art_a", "art_b", "art_d", "art_e", "art_a"]
    ]
    # chunks of two: art_b is stored already, the second art_a was given in an earlier chunk
    assert store.add_many(pairs, chunk=2) == ["art_c", "art_a", "art_d", "art_e"]
    assert [a.id for a in store.articles()] == ["art_b", "art_c", "art_a", "art_d", "art_e"]
    assert store.articles(["art_d"]) == [pairs[3][0]]
    assert store.analyses(["art_d", "art_e"]) == {
        "art_d": sample_analysis("art_d"), "art_e": empty_analysis("art_e")}
    assert store.add_many(pairs) == []


def test_add_many_keeps_what_came_before_an_article_it_cannot_store(store):
    good = [make_article(f"art_{n}", text=f"text {n}") for n in (1, 2, 4)]
    bad = make_article("art_3", text="half a character: \ud800")  # not encodable as UTF-8
    pairs = [(a, empty_analysis(a.id)) for a in [*good[:2], bad, good[2]]]
    with pytest.raises(StoreError, match="'art_3'.*nothing of it was written"):
        store.add_many(pairs, chunk=3)
    # the chunk of three was written again one by one: art_1 and art_2 stay, art_3 stopped it
    assert [a.id for a in store.articles()] == ["art_1", "art_2"]
    assert store.analyses(["art_3"]) == {}


def test_articles_keep_ingest_order_and_filter_by_id(store):
    ids = ["art_c", "art_a", "art_b"]
    for i in ids:
        store.add(make_article(i, text=f"text {i}"), empty_analysis(i))
    assert [a.id for a in store.articles()] == ids
    assert [a.id for a in store.articles(["art_b", "art_c"])] == ["art_c", "art_b"]
    assert store.articles([]) == []
    assert [(a.id, an.article_id) for a, an in store.iter_pairs()] == [(i, i) for i in ids]


def test_article_without_optional_fields(store):
    article = make_article(published=None)
    store.add(article, empty_analysis())
    (back,) = store.articles()
    assert back.published is None and back.title is None and back.url is None
    assert back == article


def test_failure_mid_write_leaves_nothing(store, monkeypatch):
    def broken(value):
        raise RuntimeError("disk full")

    monkeypatch.setattr(articles_module, "to_json", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        store.add(make_article(), sample_analysis())
    assert store.has_article("art_1") is False
    assert store.articles() == []
    assert store.analyses(["art_1"]) == {}
    monkeypatch.undo()
    # the store still works, and the article can be written now
    assert store.add(make_article(), sample_analysis()) is True
    assert store.analyses(["art_1"])["art_1"] == sample_analysis()


def test_reopening_keeps_the_data(tmp_path):
    path = tmp_path / "cp.duckdb"
    article, analysis = make_article(), sample_analysis()
    event = Event(id="evt_0123456789abcdef", article_ids=(article.id,), title="T")
    with Store(path) as first:
        first.add(article, analysis)
        first.save_events([event])
    with Store(path) as second:
        assert second.articles() == [article]
        assert second.analyses([article.id]) == {article.id: analysis}
        assert second.events() == [event]
        assert second.add(article, analysis) is False


def test_a_file_that_is_not_a_database_is_a_store_error(tmp_path):
    path = tmp_path / "notes.duckdb"
    path.write_text("just some notes\n" * 100)
    with pytest.raises(StoreError, match="notes.duckdb"):
        Store(path)


# --- analyses: the JSON codec ----------------------------------------------------------------

texts = st.text(max_size=20)
offsets = st.integers(min_value=0, max_value=10_000)
maybe_date = st.none() | st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))
finite = st.floats(allow_nan=False, allow_infinity=False, width=64)
spans = st.builds(Span, start=offsets, end=offsets, text=texts)
sentences = st.builds(Sentence, start=offsets, end=offsets, text=texts)
mentions = st.builds(
    Mention, start=offsets, end=offsets, text=texts,
    type=st.sampled_from(["PERSON", "ORG", "GPE", "NORP"]), sentence=offsets,
    alias_of=st.none() | st.tuples(offsets, offsets),
)
times = st.builds(
    TimeExpression, start=offsets, end=offsets, text=texts, value=maybe_date,
    granularity=st.sampled_from(["day", "week", "month", "year", "unknown"]),
)
figures = st.builds(
    Figure, start=offsets, end=offsets, text=texts, value=finite,
    qualifier=st.none() | st.sampled_from(["at least", "dozens"]), what=texts,
    who=st.none() | texts, number=spans, includes=st.lists(texts, max_size=3).map(tuple),
    parent=st.none() | offsets, attributed_to=st.none() | texts, sentence=offsets,
)
attributions = st.builds(
    Attribution, source=st.none() | spans, cue=spans, content=spans, direct=st.booleans(),
    speaker=st.none() | texts,
)
labels = st.builds(
    Label, start=offsets, end=offsets, text=texts,
    voice=st.sampled_from(["own", "quoted", "attributed"]), speaker=st.none() | texts,
    kind=st.sampled_from(["actor", "event", "action"]), target=st.none() | spans,
    sentence=offsets,
)


def few(strategy):
    return st.lists(strategy, max_size=3).map(tuple)


# what an encoder gives: float32 values of a unit-length vector's size (the store makes a
# profile of every analysis it stores, which normalises the embedding in float32)
components = st.floats(-1.0, 1.0, width=32)


analyses = st.builds(
    Analysis, article_id=st.text(min_size=1, max_size=20), sentences=few(sentences),
    mentions=few(mentions), times=few(times), figures=few(figures),
    attributions=few(attributions), labels=few(labels),
    lemmas=few(st.lists(texts, max_size=3).map(tuple)), embedding=few(components),
    event_date=maybe_date,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(analyses)
def test_json_round_trip(analysis):
    assert from_json(Analysis, to_json(analysis)) == analysis
    # as the codec of earlier versions wrote it: other spacing, escaped non-ASCII text
    assert from_json(Analysis, json.dumps(json.loads(to_json(analysis)))) == analysis


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(analysis=analyses)
def test_analysis_round_trip_through_the_store(analysis):
    with Store(":memory:") as s:
        article = make_article(analysis.article_id)
        s.add(article, analysis)
        assert s.analyses([article.id]) == {article.id: analysis}


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        (Span, Span(start=1, end=2, text="x")),
        (Mention, Mention(start=0, end=1, text="A", type="ORG", sentence=0, alias_of=(3, 9))),
        (TimeExpression, TimeExpression(start=0, end=4, text="2019", value=date(2019, 1, 1),
                                        granularity="year")),
        (Analysis, sample_analysis()),
        (Analysis, empty_analysis()),
    ],
)
def test_json_is_plain(kind, value):
    data = json.loads(to_json(value))
    assert list(data) == list(kind.__dataclass_fields__)  # an object of the fields, in order
    assert from_json(kind, json.dumps(data)) == value


def test_json_takes_a_whole_number_where_a_float_belongs():
    data = json.loads(to_json(sample_analysis()))
    data["figures"][0]["value"] = 12
    data["embedding"] = [1, 0.5]
    back = from_json(Analysis, json.dumps(data))
    assert back.figures[0].value == 12.0 and isinstance(back.figures[0].value, float)
    assert back.embedding == (1.0, 0.5)


def test_an_unreadable_analysis_is_named(tmp_path):
    path = tmp_path / "cp.duckdb"
    with Store(path) as s:
        s.add(make_article(), sample_analysis())
    with duckdb.connect(str(path)) as db:
        db.execute("UPDATE analysis SET data = '{\"article_id\": \"art_1\"}'")
    with Store(path) as s, pytest.raises(StoreError, match="analysis of article 'art_1'"):
        s.analyses(["art_1"])


# --- events ----------------------------------------------------------------------------------


def stored_events(store: Store) -> tuple[Article, ...]:
    arts = (
        make_article("art_a", "a", published=date(2024, 3, 5)),
        make_article("art_b", "b", published=date(2024, 3, 5)),
        make_article("art_copy", "copy", published=date(2024, 3, 6)),
        make_article("art_old", "old", published=date(2023, 1, 1)),
    )
    for art in arts:
        store.add(art, empty_analysis(art.id))
    return arts


EVENTS = [
    Event(id="evt_aaaaaaaaaaaaaaaa", article_ids=("art_a", "art_b", "art_copy"), title="Quake",
          copies={"art_copy": "art_a"}),
    Event(id="evt_bbbbbbbbbbbbbbbb", article_ids=("art_old",), title="Older, “quoted” title"),
]


def test_events_round_trip_with_copies(store):
    stored_events(store)
    store.save_events(EVENTS)
    assert store.events() == EVENTS  # the most recently published first


def test_an_event_is_found_by_its_id_or_an_unambiguous_prefix(store):
    stored_events(store)
    twins = [Event(id="evt_abcdef0000000001", article_ids=("art_a", "art_b", "art_copy"),
                   title="Quake", copies={"art_copy": "art_a"}),
             Event(id="evt_abcdef0000000002", article_ids=("art_old",), title="Older")]
    store.save_events(twins)
    assert store.event("evt_abcdef0000000002") == twins[1]
    assert store.event("evt_abcdef0000000001") == twins[0]
    assert store.events(["evt_abcdef0000000002"]) == [twins[1]]
    with pytest.raises(NotFoundError, match="several events .*give more of the id"):
        store.event("evt_abcdef")
    with pytest.raises(NotFoundError, match="No event"):
        store.event("evt_a")  # fewer than six characters is no prefix


def test_save_events_replaces_the_grouping(store):
    stored_events(store)
    store.save_events(EVENTS)
    regrouped = [Event(id="evt_cccccccccccccccc", article_ids=("art_a", "art_b", "art_copy",
                                                               "art_old"), title="All")]
    store.save_events(regrouped)
    assert store.events() == regrouped
    store.save_events([])
    assert store.events() == []


def test_failed_save_events_keeps_the_old_grouping(store):
    stored_events(store)
    store.save_events(EVENTS)
    clash = [EVENTS[0], Event(id="evt_dddddddddddddddd", article_ids=("art_a",), title="Dup")]
    with pytest.raises(duckdb.ConstraintException):
        store.save_events(clash)  # art_a in two events breaks the primary key
    assert store.events() == EVENTS


@pytest.mark.parametrize(
    ("query", "expected"),
    [("evt_aaaaaaaaaaaaaaaa", 0), ("evt_aaaa", 0), ("evt_bb", 1), ("evt_bbbbbbbbb", 1)],
)
def test_event_by_id_or_prefix(store, query, expected):
    stored_events(store)
    store.save_events(EVENTS)
    assert store.event(query) == EVENTS[expected]


@pytest.mark.parametrize("query", ["evt_zzzzzzzz", "evt_a", "evt", "", "aaaaaaaa"])
def test_unknown_event_is_not_found(store, query):
    stored_events(store)
    store.save_events(EVENTS)
    with pytest.raises(NotFoundError, match="No event"):
        store.event(query)


def test_analysed_reads_articles_with_their_analyses_while_the_store_is_used(store):
    stored = [make_article(f"art_{n}", f"text {n}") for n in range(5)]
    for article in stored:
        store.add(article, sample_analysis(article.id))
    found = {}
    for article, analysis in store.analysed([a.id for a in stored[1:]], chunk=2):
        assert store.has_article(article.id)  # other queries run meanwhile
        found[article.id] = (article, analysis)
    assert found == {a.id: (a, sample_analysis(a.id)) for a in stored[1:]}
    assert list(store.analysed([])) == []


# --- browsing: search and pages of events ----------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({}, ["evt_aaaaaaaaaaaaaaaa", "evt_bbbbbbbbbbbbbbbb"]),
        ({"text": "QUAKE"}, ["evt_aaaaaaaaaaaaaaaa"]),  # the event's title, any case
        ({"text": "old"}, ["evt_bbbbbbbbbbbbbbbb"]),  # an article's text
        ({"text": "100%"}, []),  # no wildcards
        ({"outlet": "daily b"}, ["evt_bbbbbbbbbbbbbbbb"]),
        ({"since": date(2024, 3, 6)}, ["evt_aaaaaaaaaaaaaaaa"]),  # overlaps 2024-03-05..06
        ({"until": date(2024, 3, 4)}, ["evt_bbbbbbbbbbbbbbbb"]),
        ({"since": date(2023, 6, 1), "until": date(2024, 1, 1)}, []),
        ({"min_sources": 1}, ["evt_aaaaaaaaaaaaaaaa", "evt_bbbbbbbbbbbbbbbb"]),
        ({"min_sources": 2}, ["evt_bbbbbbbbbbbbbbbb"]),  # Daily A and Daily B
        ({"min_sources": 3}, []),
        ({"ids": ["evt_bbbbbbbbbbbbbbbb"]}, ["evt_bbbbbbbbbbbbbbbb"]),
        ({"ids": []}, []),
    ],
)
def test_find_events_filters(store, given, expected):
    stored_events(store)
    store.add(make_article("art_b2", "b2 text", outlet="Daily B", published=date(2023, 1, 2)),
              empty_analysis("art_b2"))
    events = [EVENTS[0], Event(id=EVENTS[1].id, article_ids=("art_old", "art_b2"),
                               title=EVENTS[1].title)]
    store.save_events(events)
    found, total = store.find_events(**given)
    assert [e.id for e in found] == expected
    assert total == len(expected)
    if found and found[0].id == EVENTS[0].id:
        assert found[0] == EVENTS[0]  # members in order, copies kept


def test_a_copy_from_another_outlet_is_not_an_independent_source(store):
    for art in (
        make_article("art_a", "a", outlet="Daily A"),
        make_article("art_copy", "a", outlet="Mirror"),  # the same text, on another site
        make_article("art_c", "c", outlet="Daily C"),
    ):
        store.add(art, empty_analysis(art.id))
    copied = Event(id="evt_aaaaaaaaaaaaaaaa", article_ids=("art_a", "art_copy"), title="Copied",
                   copies={"art_copy": "art_a"})
    # the same articles grouped otherwise: the Mirror's article, not marked a copy, joins C's
    own = Event(id="evt_cccccccccccccccc", article_ids=("art_copy", "art_c"), title="Own")
    store.save_events([copied, Event(id="evt_dddddddddddddddd", article_ids=("art_c",),
                                     title="Alone")])
    assert store.find_events(min_sources=2) == ([], 0)
    store.save_events([Event(id="evt_aaaaaaaaaaaaaaaa", article_ids=("art_a",), title="A"), own])
    assert store.find_events(min_sources=2) == ([own], 1)


def test_find_events_pages(store):
    stored_events(store)
    store.save_events(EVENTS)
    first, total = store.find_events(limit=1)
    second, _ = store.find_events(limit=1, offset=1)
    beyond, still = store.find_events(limit=1, offset=5)
    assert [e.id for e in first + second] == [e.id for e in EVENTS] and total == 2
    assert beyond == [] and still == 2


def test_outlets_are_listed_once_in_order(store):
    store.add(make_article("art_1", "x", outlet="zeta"), empty_analysis("art_1"))
    store.add(make_article("art_2", "y", outlet="Alpha"), empty_analysis("art_2"))
    store.add(make_article("art_3", "z", outlet="zeta"), empty_analysis("art_3"))
    assert store.outlets() == ["Alpha", "zeta"]


def test_a_profile_made_under_another_scheme_is_replaced_and_one_of_other_settings_not_kept():
    with Store(":memory:") as s:
        article, analysis = make_article(), sample_analysis()
        s.add(article, analysis)
        s._db.execute("UPDATE article_input SET scheme = 'older scheme'")
        assert list(s.profiles([article.id])) == []  # made otherwise: not read
        other = GroupSettings(place_weight=9)
        s.keep_profiles([profile(article, analysis, other)], other)
        assert s._db.execute("SELECT scheme FROM article_input").fetchall() == [("older scheme",)]
        s.keep_profiles([profile(article, analysis)])
        assert s._db.execute("SELECT scheme FROM article_input").fetchall() == [
            (profile_scheme(),)
        ]
        (kept,) = s.profiles([article.id])
        assert kept.terms == profile(article, analysis).terms


def test_what_a_profile_holds_is_pinned_to_its_scheme():
    # Stored profiles are trusted while their scheme's name matches. If this fails because
    # profile() now makes something else, change group.profile_scheme too, then the values.
    made = profile(make_article(), sample_analysis())
    assert profile_scheme() == "lemmas-institutionnames2-places5-minhash64-words5-poly"
    assert made.terms == {
        "café": 1.0, "kill": 1.0, "@cafe": 1.6931471805599454, "@zurich": 2.6094379124341005
    }
    assert made.vector.tolist() == [0.6000000238418579, -0.800000011920929]
    assert made.title == "Café “Zürich” — 12 killed"
    assert hashlib.sha256(made.signature.tobytes()).hexdigest() == (
        "9f6b5671cc4be4f57d261241f2c63e0b82745c2a8e6976a467ba08b7dc068875"
    )


def test_a_second_writer_is_told_the_database_is_in_use(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "busy.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         f"import sys, time; from counterpoint.store import Store; s = Store({str(path)!r}); "
         "print('open', flush=True); sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(StoreError, match="in use by another counterpoint process"):
            Store(path)
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)
        holder.stdout.close()


def test_a_file_of_the_first_schema_is_brought_up_to_date_when_opened(tmp_path):
    path = tmp_path / "old.duckdb"
    article = make_article("art_old")
    with Store(path) as store:
        store.add(article, empty_analysis(article.id))
    # write it back as the first schema stored it: analyses as JSON text, no version
    db = duckdb.connect(str(path))
    db.execute("DROP TABLE analysis")
    db.execute("CREATE TABLE analysis (article_id VARCHAR PRIMARY KEY, data JSON NOT NULL)")
    db.execute("INSERT INTO analysis VALUES (?, ?)",
               [article.id, to_json(empty_analysis(article.id))])
    db.execute("DELETE FROM setting WHERE name = 'schema'")
    db.close()
    with Store(path) as store:
        assert store.analyses([article.id]) == {article.id: empty_analysis(article.id)}
        other = make_article("art_new", text=TEXT + " More.")
        assert store.add(other, empty_analysis(other.id))
    db = duckdb.connect(str(path), read_only=True)
    assert db.execute("SELECT value FROM setting WHERE name = 'schema'").fetchone() == (
        str(store_module.SCHEMA_VERSION),)
    (kind,) = db.execute("SELECT data_type FROM information_schema.columns WHERE "
                         "table_name = 'analysis' AND column_name = 'data'").fetchone()
    storage = {c for (c,) in db.execute("SELECT compression FROM pragma_storage_info("
                                        "'analysis') WHERE column_name = 'data'").fetchall()}
    db.close()
    # packed rows, stored as they are: one is read without decompressing its neighbours
    assert kind == "BLOB" and "Uncompressed" in storage


def test_a_file_of_a_newer_schema_is_refused(tmp_path):
    path = tmp_path / "new.duckdb"
    Store(path).close()
    db = duckdb.connect(str(path))
    db.execute("UPDATE setting SET value = '99' WHERE name = 'schema'")
    db.close()
    with pytest.raises(StoreError, match="newer counterpoint"):
        Store(path)


def test_a_transaction_that_fails_or_is_interrupted_leaves_nothing(tmp_path):
    with Store(tmp_path / "t.duckdb") as store:
        for failure in (RuntimeError("a bug"), KeyboardInterrupt()):
            with pytest.raises(type(failure)), store.transaction():
                store._db.execute("INSERT INTO setting VALUES ('half', 'written')")
                raise failure
            assert store._db.execute(
                "SELECT count(*) FROM setting WHERE name = 'half'").fetchone() == (0,)
        with store.transaction():
            store._db.execute("INSERT INTO setting VALUES ('whole', 'written')")
        assert store._db.execute(
            "SELECT value FROM setting WHERE name = 'whole'").fetchone() == ("written",)
