"""Grouping over time: stable ids across ingests, merges, copies, and a quality floor."""

from __future__ import annotations

import math
import re
import subprocess
import sys
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from counterpoint import pipeline
from counterpoint.analyze import analyze_many
from counterpoint.group import (
    Grouper,
    GroupSettings,
    Profile,
    group,
    independent_sources,
    minhash,
    profile,
)
from counterpoint.ingest import article_from_text
from counterpoint.model import stable_id
from counterpoint.store import Store

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared" / "eval"
DAY = date(2024, 3, 5)

needs_eval = pytest.mark.skipif(
    not (EVAL / "ecbplus").is_dir(), reason="../shared/eval is not beside the repository"
)


def unit(*values: float) -> np.ndarray:
    vector = np.zeros(384, dtype=np.float32)
    vector[: len(values)] = values
    return vector / np.linalg.norm(vector)


def at_angle(degrees: float) -> np.ndarray:
    return unit(math.cos(math.radians(degrees)), math.sin(math.radians(degrees)))


def made_up(article_id: str, vector: np.ndarray, terms: dict[str, float]) -> Profile:
    return Profile(
        article_id=article_id,
        title=article_id,
        vector=vector,
        terms=terms,
        published=DAY,
        signature=minhash(f"text of {article_id} " * 3 + article_id),
    )


def place_all(grouper: Grouper, profiles: list[Profile]) -> list[str]:
    grouper.observe(profiles)
    return [grouper.place(p) for p in profiles]


def grouper_with_filler(settings: GroupSettings | None = None) -> Grouper:
    """A grouper whose term statistics already count six unrelated articles."""
    grouper = Grouper(settings=settings)
    grouper.observe([made_up(f"other{i}", unit(0, 0, 1), {f"word{i}": 1.0}) for i in range(6)])
    return grouper


BRIDGING = GroupSettings(cohesion_margin=1.0)
"""Settings under which one article can merge two events of one article each: by default
the pair must also score about as well as the article does with the event it joins, which
takes events of more articles (see the test after the next)."""


def test_an_article_between_two_events_merges_them_into_the_older():
    left = made_up("left", unit(1, 0.3), {"harbour": 1.0, "fire": 1.0})
    right = made_up("right", unit(0.3, 1), {"warehouse": 1.0, "blaze": 1.0})
    between = made_up(
        "between", unit(1, 1), {"harbour": 1.0, "fire": 1.0, "warehouse": 1.0, "blaze": 1.0}
    )
    grouper = grouper_with_filler(BRIDGING)
    first, second = place_all(grouper, [left, right])
    assert first != second  # apart at first: nothing links them yet
    joined = place_all(grouper, [between])[0]
    assert joined == first
    assert grouper.merges == {second: first}
    (event,) = [e for e in grouper.events() if e.id == first]
    assert event.article_ids == ("left", "right", "between")
    assert second not in {e.id for e in grouper.events()}
    assert grouper.event_of("right") == first


TIGHT = [("harbour", "fire", (1, 0.2)), ("harbour", "fire", (1, 0.2))]
LOOSE = [("harbour", "fire", (1, 0.2)), ("harbour", "blaze", (0.2, 1))]
FAR = (75, ["fire", "crew", "ship"])  # scores 0.35 with TIGHT (cohesion 0.90), 0.39 with LOOSE
NEAR = (45, ["harbour", "fire", "blaze"])  # scores 0.70 with TIGHT: above the cap, 0.45


@pytest.mark.parametrize(
    ("members", "article", "margin", "joins"),
    [
        # two reports that agree closely: a looser article would dilute the event
        (TIGHT, FAR, 0.10, False),
        (TIGHT, FAR, 1.0, True),
        # two reports that agree loosely: the same article fits in as well as they do
        (LOOSE, FAR, 0.10, True),
        # however closely an event's reports agree, it never asks more than the cap
        (TIGHT, NEAR, 0.10, True),
    ],
)
def test_an_article_joins_only_an_event_it_fits_about_as_well_as_its_members(
    members, article, margin, joins
):
    reports = [
        made_up(f"m{n}", unit(*direction), {a: 1.0, b: 1.0})
        for n, (a, b, direction) in enumerate(members)
    ]
    degrees, terms = article
    article = made_up("article", at_angle(degrees), dict.fromkeys(terms, 1.0))
    grouper = grouper_with_filler(GroupSettings(cohesion_margin=margin))
    first, second = place_all(grouper, reports)
    assert first == second
    placed = place_all(grouper, [article])[0]
    assert (placed == first) is joins
    assert len(grouper.events()) == (1 if joins else 2)  # nor merged in afterwards


def test_copies_do_not_make_an_event_too_tight_for_an_independent_report():
    # a wire story and two papers reprinting it agree perfectly with each other; an
    # independent report of the same fire agrees with them only as reports usually do
    signature = minhash("A fire swept through the harbour warehouses overnight. " * 4)
    wire = [
        replace(
            made_up(f"wire{n}", unit(1, 0.2), {"harbour": 1.0, "fire": 1.0}), signature=signature
        )
        for n in range(3)
    ]
    report = made_up("report", unit(1, 1), {"harbour": 1.0, "fire": 1.0, "blaze": 1.0})
    grouper = grouper_with_filler()
    assert len(set(place_all(grouper, [*wire, report]))) == 1
    (event,) = grouper.events()
    assert event.copies == {"wire1": "wire0", "wire2": "wire0"}
    assert event.article_ids == ("wire0", "wire1", "wire2", "report")


def test_two_events_of_two_reports_merge_when_a_report_bridges_them():
    # reports of one fire from different angles: the first two share too little to join,
    # each draws a report of its own, and the fourth shows that all four are one event
    reports = [
        made_up("blaze", at_angle(90), {"blaze": 1.0, "fire": 1.0, "smoke": 1.0}),
        made_up("docks", at_angle(10), {"docks": 1.0, "fire": 1.0}),
        made_up("harbour", at_angle(50), {"harbour": 1.0, "docks": 1.0, "smoke": 1.0}),
        made_up("bridge", at_angle(70), {"blaze": 1.0, "docks": 1.0, "harbour": 1.0}),
    ]
    grouper = grouper_with_filler()
    first, second, third, fourth = place_all(grouper, reports)
    assert first != second == third
    assert fourth == first
    assert grouper.merges == {second: first}
    assert [e.article_ids for e in grouper.events()] == [("blaze", "docks", "harbour", "bridge")]


@pytest.mark.parametrize("rounds", [1, 3])
def test_the_second_look_is_taken_again_until_nothing_moves(rounds):
    # seven short reports of two fires; moving some in the second look changes the events
    # the others weigh, so one round leaves an article that would still move
    reports = [
        made_up(f"r{n}", at_angle(degrees), dict.fromkeys(terms, 1.0))
        for n, (degrees, terms) in enumerate(
            [
                (20, ["crew", "warehouse"]),
                (40, ["ship", "warehouse", "smoke"]),
                (50, ["docks", "blaze", "ship"]),
                (10, ["harbour", "blaze", "fire"]),
                (90, ["harbour", "blaze"]),
                (50, ["blaze", "harbour", "smoke"]),
                (90, ["docks", "ship", "warehouse"]),
            ]
        )
    ]
    grouper = grouper_with_filler(GroupSettings(refine_rounds=rounds))
    place_all(grouper, reports)
    assert grouper.refine(reports) >= 2
    settled = grouper.refine(reports) == 0
    assert settled is (rounds > 1)
    if settled:
        assert [e.article_ids for e in grouper.events()] == [
            ("r0", "r1", "r2", "r6"),
            ("r3", "r4", "r5"),
        ]


def test_unrelated_events_do_not_merge():
    left = made_up("left", unit(1, 0), {"harbour": 1.0})
    right = made_up("right", unit(0, 1), {"election": 1.0})
    grouper = Grouper()
    ids = place_all(grouper, [left, right])
    assert ids[0] != ids[1]
    assert grouper.merges == {}


@pytest.mark.parametrize(("days_later", "joins"), [(1, True), (3, False)])
def test_a_report_days_after_an_event_must_resemble_it_more_closely(days_later, joins):
    # Alike in what they are about (cosine 0.94), sharing no specific terms: 0.376 before
    # the day penalty. The next day costs nothing; three days later costs 0.2.
    first = made_up("first", at_angle(0), {"announced": 1.0})
    later = replace(
        made_up("later", at_angle(20), {"signed": 1.0}),
        published=DAY + timedelta(days=days_later),
    )
    grouper = Grouper()
    ids = place_all(grouper, [first, later])
    assert (ids[0] == ids[1]) is joins


def test_past_a_few_thousand_articles_a_week_the_approximate_index_groups_alike(monkeypatch):
    """A week holding more than ``exact_up_to`` articles is searched through an HNSW index
    (built when first searched): it must find the neighbours exact search finds."""
    rng = np.random.default_rng(11)
    centres = rng.normal(size=(30, 384)).astype(np.float32)
    profiles = []
    for n in range(150):
        k = n % 30  # articles of the 30 events arrive interleaved
        vector = centres[k] + 0.35 * rng.normal(size=384).astype(np.float32)
        terms = {f"place{k}": 1.0, f"person{k}": 1.0, f"filler{n}": 1.0}
        profiles.append(made_up(f"a{n}", vector / np.linalg.norm(vector), terms))

    def grouping() -> dict[str, tuple[str, ...]]:
        grouper = Grouper()
        place_all(grouper, profiles)
        grouper.refine(profiles)
        return {e.id: e.article_ids for e in grouper.events()}

    exact = grouping()
    monkeypatch.setattr("counterpoint.group.index._Bucket.exact_up_to", 20)
    assert grouping() == exact
    assert len(exact) == 30 and {len(ids) for ids in exact.values()} == {5}


def test_an_article_has_its_nearest_neighbours_however_dense_its_weeks():
    from counterpoint.group.index import _Neighbours

    rng = np.random.default_rng(5)
    query = unit(1.0, 0.0, 0.0)
    index = _Neighbours(384)
    similarity = {}
    # 30 articles in each of the article's week, the week after, and with no date
    for n, when in enumerate([DAY] * 30 + [DAY + timedelta(days=7)] * 30 + [None] * 30):
        vector = unit(1.0, *rng.uniform(0.0, 1.0, size=2))
        index.add(vector, when, f"a{n}", minhash(f"text {n}"))
        similarity[n] = float(vector @ query)
    keys = index.search(query, DAY, 24, 0.3)
    assert len(keys) == 24
    assert set(keys) == set(sorted(similarity, key=similarity.get, reverse=True)[:24])
    assert {k // 30 for k in keys} == {0, 1, 2}  # drawn from all three lists


def test_neighbours_looked_up_ahead_are_those_a_search_finds_as_articles_arrive():
    from counterpoint.group.index import _Ahead, _Neighbours

    rng = np.random.default_rng(7)
    index = _Neighbours(384)
    days = [DAY + timedelta(days=int(d)) for d in rng.integers(0, 21, size=60)]
    arriving = [made_up(f"a{n}", unit(*rng.normal(size=8)), {}) for n in range(len(days) + 20)]
    arriving = [
        replace(item, published=when)
        for item, when in zip(arriving, days + [None] * 20)  # the last 20 undated
    ]
    rng.shuffle(arriving)
    for item in arriving[:30]:  # already placed
        index.add(item.vector, item.when, item.article_id, item.signature)
    ahead = _Ahead(arriving[30:])
    ahead.chunk = 16  # a few chunks, each reading the buckets as they are then
    for item in arriving[30:]:
        found = ahead.get(index, item, 6, -1.0)
        assert found, "each bucket it searches was read ahead"
        assert index.search(item.vector, item.when, 6, -1.0, found) == index.search(
            item.vector, item.when, 6, -1.0
        )
        index.add(item.vector, item.when, item.article_id, item.signature)


def test_the_encoder_still_loads_after_grouping_through_the_index():
    # a fresh interpreter: in this one, the encoder's runtime may already be loaded
    code = (
        "import numpy as np\n"
        "from counterpoint.group.index import _Bucket\n"
        "bucket = _Bucket(4)\n"
        "bucket.exact_up_to = 2\n"
        "for key in range(5):\n"
        "    bucket.add(key, np.random.default_rng(key).random(4, dtype=np.float32))\n"
        "assert bucket.search(np.ones(4, dtype=np.float32), 3, -1.0)\n"
        "assert bucket.index is not None\n"
        "import onnxruntime\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]


def test_a_second_look_moves_an_early_article_to_the_event_that_grew_after_it():
    harbour = made_up("harbour", unit(1, 0), {"harbour": 1.0, "fire": 1.0, "crane": 1.0})
    early = made_up(
        "early", unit(1, 1), {"harbour": 1.0, "warehouse": 1.0, "blaze": 1.0, "dock": 1.0}
    )
    later = [
        made_up(f"later{i}", unit(-0.3, 1), {"warehouse": 1.0, "blaze": 1.0, "dock": 1.0})
        for i in range(3)
    ]
    grouper = grouper_with_filler()
    ids = place_all(grouper, [harbour, early, *later])
    assert ids[1] == ids[0] != ids[2]  # the only event there was when it came
    assert grouper.refine([harbour, early, *later]) == 1
    assert grouper.event_of("early") == ids[2]
    events = {e.id: e.article_ids for e in grouper.events()}
    assert events == {ids[0]: ("harbour",), ids[2]: ("early", "later0", "later1", "later2")}
    assert {e.id for e in grouper.changed()} == {ids[0], ids[2]}
    assert grouper.refine([harbour, early, *later]) == 0  # settled


def test_an_event_emptied_by_the_second_look_resolves_to_where_its_article_went():
    lone = made_up("lone", unit(1, 1), {"warehouse": 1.0, "blaze": 1.0, "harbour": 1.0})
    first = made_up(
        "first", unit(-1, 1), {"warehouse": 1.0, "quay": 1.0, "crane": 1.0, "dock": 1.0}
    )
    rest = [
        made_up(
            f"rest{i}",
            unit(-0.3, 1),
            {"warehouse": 1.0, "blaze": 1.0, "quay": 1.0, "crane": 1.0, "dock": 1.0},
        )
        for i in range(3)
    ]
    grouper = grouper_with_filler()
    ids = place_all(grouper, [lone, first, *rest])
    assert ids[0] != ids[1] == ids[2]
    assert grouper.refine([lone, first, *rest]) == 1
    assert grouper.merges == {ids[0]: ids[1]}
    assert [e.article_ids for e in grouper.events()] == [
        ("lone", "first", "rest0", "rest1", "rest2")
    ]


# --- with real articles, through the store ----------------------------------------------------

QUAKE = (
    "A magnitude 6.4 earthquake struck the mountain town of Valdoria early on Tuesday, killing "
    "at least 23 people and injuring more than 140, local officials said. The quake toppled "
    "dozens of older stone houses in the town centre. Rescue teams from the regional capital, "
    "Marsella, worked through the morning to pull survivors from the rubble. Governor Elena "
    "Ruiz said the hospital in Valdoria was overwhelmed."
)
QUAKE_FOLLOW_UP = (
    "Rescuers in Valdoria dug through collapsed homes on Tuesday after a powerful earthquake "
    "left at least 23 dead and over 140 injured. The 6.4-magnitude tremor shook the town before "
    "dawn. Governor Elena Ruiz asked the central government for emergency aid, and helicopters "
    "carried the most seriously hurt to hospitals in Marsella."
)
TRANSFER = (
    "Northbridge United have completed the signing of striker Tomas Kovac from Dinamo Split for "
    "a club-record fee of 48 million euros. The 24-year-old Croatian international signed a "
    "five-year contract on Tuesday after passing a medical. Manager Peter Hale said the forward "
    "would add pace to the attack."
)


def write(folder: Path, name: str, text: str, day: date = DAY) -> Path:
    path = folder / f"{name}.txt"
    path.write_text(f"date {day.isoformat()} VALDORIA - {text}", encoding="utf-8")
    return path


def test_incremental_ingest_keeps_event_ids_and_places_only_new_articles(tmp_path):
    db = tmp_path / "news.duckdb"
    with Store(db) as store:
        first = pipeline.ingest(
            [write(tmp_path, "daily", QUAKE), write(tmp_path, "sport", TRANSFER)], store
        )
        assert len(first.events) == 2
        before = {e.id: e.article_ids for e in store.events()}
    with Store(db) as store:  # a later session, on the same file
        second = pipeline.ingest(
            [write(tmp_path, "wire", QUAKE_FOLLOW_UP, DAY + timedelta(days=1))], store
        )
        after = {e.id: e.article_ids for e in store.events()}
        assert set(after) == set(before)
        (grown,) = second.events
        assert grown.id in before and len(before[grown.id]) == 1
        assert after[grown.id][:1] == before[grown.id]
        assert len(after[grown.id]) == 2
        assert store.ungrouped() == []
        assert store.grouping_is_incremental()
        again = pipeline.ingest([tmp_path / "wire.txt"], store)  # nothing new to place
        assert again.events == () and {e.id: e.article_ids for e in store.events()} == after


def test_an_ingest_places_its_articles_in_order_of_publication(tmp_path):
    newer = write(tmp_path, "wire", QUAKE_FOLLOW_UP, DAY + timedelta(days=1))
    older = write(tmp_path, "daily", QUAKE)
    with Store(tmp_path / "news.duckdb") as store:
        report = pipeline.ingest([newer, older], store)  # listed newest first
        (event,) = store.events()
    wire, daily = report.added
    assert event.id == stable_id("evt", daily)  # named after the first report, not the first file
    assert set(event.article_ids) == {wire, daily}


def test_a_file_whose_articles_were_signed_otherwise_is_regrouped_once(tmp_path):
    db = tmp_path / "news.duckdb"
    with Store(db) as store:
        pipeline.ingest([write(tmp_path, "daily", QUAKE)], store)
        assert store.grouping_is_incremental()
        (first,) = store.events()
        # as a file grouped by a version that keyed names or signed articles otherwise
        store._db.execute("UPDATE setting SET value = 'older scheme' WHERE name = 'profile'")
        assert not store.grouping_is_incremental()
        report = pipeline.ingest(
            [write(tmp_path, "wire", QUAKE_FOLLOW_UP, DAY + timedelta(days=1))], store
        )
        assert store.grouping_is_incremental()
        (event,) = store.events()
        assert event.id == first.id and len(event.article_ids) == 2
        assert [e.id for e in report.events] == [first.id]


def test_ids_that_named_events_still_resolve_after_a_regroup(tmp_path):
    with Store(tmp_path / "news.duckdb") as store:
        pipeline.ingest(
            [write(tmp_path, "daily", QUAKE), write(tmp_path, "sport", TRANSFER)], store
        )
        sources = {a.id: a.source for a in store.articles()}
        # a grouping saved wholesale under ids of its own, one of which was merged into
        saved = [replace(e, id=f"evt_saved_{n}") for n, e in enumerate(store.events())]
        store.save_events(saved)
        (quake,) = [e for e in saved if sources[e.article_ids[0]].endswith("daily.txt")]
        store.add_merges({"evt_merged_away": quake.id})
        assert not store.grouping_is_incremental()

        follow_up = write(tmp_path, "wire", QUAKE_FOLLOW_UP, DAY + timedelta(days=1))
        pipeline.ingest([follow_up], store)  # regroups the whole store
        assert len(store.events()) == 2
        for event in saved:  # each saved id resolves to the event of its first article
            assert event.article_ids[0] in store.event(event.id).article_ids
        assert store.event("evt_merged_away") == store.event(quake.id)
        assert len(store.event(quake.id).article_ids) == 2


def test_a_store_keeps_the_profile_grouping_makes_of_each_article(tmp_path):
    texts = {"daily": QUAKE, "sport": TRANSFER}
    articles = [
        article_from_text(text, source=f"{name}.txt", outlet=name, published=DAY)
        for name, text in texts.items()
    ]
    with Store(tmp_path / "news.duckdb") as store:
        for article, analysis in zip(articles, analyze_many(articles)):
            store.add(article, analysis)
            (stored,) = store.profiles([article.id])
            made = profile(article, analysis)
            assert stored.terms == made.terms and list(stored.terms) == list(made.terms)
            assert np.array_equal(stored.vector, made.vector)
            assert np.array_equal(stored.signature, made.signature)
            assert (stored.title, stored.published) == (made.title, made.published)
        # a profile made under other name weights is not the one grouping would make
        assert list(store.profiles([a.id for a in articles], GroupSettings(name_weight=3))) == []


def test_a_regroup_reads_the_stored_profiles_not_the_analyses(tmp_path, monkeypatch):
    texts = {"daily": QUAKE, "sport": TRANSFER, "wire": QUAKE_FOLLOW_UP}
    stages: list[tuple[str, int, int]] = []
    with Store(tmp_path / "news.duckdb") as store:
        pipeline.ingest(
            [write(tmp_path, name, text) for name, text in texts.items()],
            store,
            progress=lambda *step: stages.append(step),
        )
        assert [s for s in stages if s[0] == "grouping"][-1] == ("grouping", 3, 3)
        assert stages[-1] == ("comparing", 2, 2)  # then the two events are compared
        assert [s for s in stages if s[0] == "analysing"][-1] == ("analysing", 3, 3)
        assert not [s for s in stages if s[0] == "loading"]  # the profiles were stored
        grouped = {e.id: e.article_ids for e in store.events()}

        store.save_events(store.events())  # as a batch run's import: regrouped at next ingest

        def refused(ids, *, chunk):
            raise AssertionError("an analysis was decoded for grouping")

        monkeypatch.setattr(store, "analysed", refused)
        stages.clear()
        pipeline.ingest([tmp_path / "wire.txt"], store, progress=lambda *step: stages.append(step))
        assert not [s for s in stages if s[0] == "loading"]
        assert [s for s in stages if s[0] == "grouping"][-1] == ("grouping", 3, 3)
        assert {e.id: e.article_ids for e in store.events()} == grouped


def test_a_store_without_profiles_regroups_from_its_analyses_a_chunk_at_a_time(
    tmp_path, monkeypatch
):
    texts = {"daily": QUAKE, "sport": TRANSFER, "wire": QUAKE_FOLLOW_UP}
    stages: list[tuple[str, int, int]] = []
    with Store(tmp_path / "news.duckdb") as store:
        report = pipeline.ingest(
            [write(tmp_path, name, text) for name, text in texts.items()], store
        )
        grouped = {e.id: e.article_ids for e in store.events()}

        # as a file written by a version that kept no profiles, then imported from a batch run
        store._db.execute("DELETE FROM article_input")
        store.save_events(store.events())
        monkeypatch.setattr(pipeline, "LOAD_CHUNK", 2)
        chunks: list[int] = []
        analysed = store.analysed

        def counted(ids, *, chunk):
            chunks.append(chunk)
            return analysed(ids, chunk=chunk)

        monkeypatch.setattr(store, "analysed", counted)
        pipeline.ingest([tmp_path / "wire.txt"], store, progress=lambda *step: stages.append(step))
        assert chunks == [2]  # decoded two at a time, never all at once
        assert [s for s in stages if s[0] == "loading"] == [("loading", 2, 3), ("loading", 3, 3)]
        assert [s for s in stages if s[0] == "grouping"][-1] == ("grouping", 3, 3)
        assert {e.id: e.article_ids for e in store.events()} == grouped

        # the profiles made on the way are kept: the next regroup decodes no analysis
        assert len(list(store.profiles(report.added))) == 3
        store.save_events(store.events())
        pipeline.ingest([tmp_path / "wire.txt"], store)
        assert chunks == [2]
        assert {e.id: e.article_ids for e in store.events()} == grouped
    assert len(report.added) == 3


def test_store_resolves_the_id_of_a_merged_event(tmp_path):
    left = made_up("left", unit(1, 0.3), {"harbour": 1.0, "fire": 1.0})
    right = made_up("right", unit(0.3, 1), {"warehouse": 1.0, "blaze": 1.0})
    between = made_up(
        "between", unit(1, 1), {"harbour": 1.0, "fire": 1.0, "warehouse": 1.0, "blaze": 1.0}
    )
    with Store() as store:
        for p in (left, right, between):
            article = article_from_text(
                p.article_id + " text", source="x", outlet=p.article_id, id=p.article_id
            )
            (analysis,) = analyze_many([article])
            store.add(article, analysis)
        grouper = store.grouper([left, right], BRIDGING)
        place_all(grouper, [left, right])
        store.save_grouping(grouper, [left, right])
        ids = {e.id for e in store.events()}
        assert len(ids) == 2
        grouper = store.grouper([between], BRIDGING)  # reloaded from the database
        joined = place_all(grouper, [between])[0]
        store.save_grouping(grouper, [between])
        assert [e.id for e in store.events()] == [joined]
        (gone,) = ids - {joined}
        assert store.merges() == {gone: joined}
        assert store.event(gone).id == joined
        assert store.event(gone).article_ids == ("left", "right", "between")


def store_placed(store: Store, profiles: list[Profile]) -> None:
    """Store made-up articles for ``profiles`` and place them, one batch."""
    for p in profiles:
        article = article_from_text(
            p.article_id + " text", source="x", outlet=p.article_id, id=p.article_id
        )
        (analysis,) = analyze_many([article])
        store.add(article, analysis)
    grouper = store.grouper(profiles)
    grouper.place_batch(profiles)
    store.save_grouping(grouper, profiles)


def test_new_articles_load_only_the_events_near_them_in_time_or_embedding():
    years_ago = DAY - timedelta(days=3 * 365)
    port = {"harbour": 1.0, "fire": 1.0}
    stored = [
        replace(made_up("port_fire", at_angle(0), port), published=years_ago),
        replace(made_up("far_story", at_angle(90), {"election": 1.0}), published=years_ago),
        replace(made_up("undated_near", at_angle(5), port), published=None),
        replace(made_up("undated_far", unit(0, 0, 0, 1), {"transfer": 1.0}), published=None),
        made_up("this_week", unit(0, 0, 1), {"budget": 1.0}),
    ]
    with Store() as store:
        store_placed(store, stored)
        event_of = {a: e.id for e in store.events() for a in e.article_ids}
        assert len(set(event_of.values())) == 4  # the two port fire reports are one event

        # undated: the events of its nearest articles, whatever their dates, and no others
        undated = replace(made_up("undated_new", at_angle(3), port), published=None)
        grouper = store.grouper([undated])
        assert {e.id for e in grouper.events()} == {event_of["port_fire"]}
        grouper.place_batch([undated])
        assert grouper.event_of("undated_new") == event_of["port_fire"]

        # dated: the events of its weeks, and those of the undated articles nearest it
        dated = made_up("dated_new", unit(0, 0, 0.3, 1), {"transfer": 1.0})
        loaded = {e.id for e in store.grouper([dated]).events()}
        assert loaded == {event_of["this_week"], event_of["undated_far"]}


@pytest.fixture(scope="module")
def ecbplus_topics_1_and_3():
    """The ECB+ documents of topics 1 and 3 (four real events), analysed once."""
    from benchmarks import ecbplus

    docs = ecbplus.load(EVAL / "ecbplus" / "ECB+" / "1") + ecbplus.load(
        EVAL / "ecbplus" / "ECB+" / "3"
    )
    articles = ecbplus.to_articles(docs)
    return (
        articles,
        [d.subtopic for d in docs],
        dict(zip((a.id for a in articles), analyze_many(articles))),
    )


@needs_eval
def test_constructed_copies_of_real_articles_are_linked_to_their_original(
    ecbplus_topics_1_and_3,
):
    articles, _, analysed = ecbplus_topics_1_and_3
    articles = articles[:40]
    originals = [articles[0], articles[25]]
    copies = []
    for n, original in enumerate(originals):
        text = original.text
        # a syndicated copy: a new first word, a credit line, and one word changed
        first_word = re.match(r"\W*\w+", text).end()
        copied = "Reprinted" + text[first_word:] + "\n(Reporting by a staff writer.)"
        copies.append(replace(original, id=f"art_copy{n}", text=copied, outlet=f"Reprint {n}"))
    batch = articles + copies
    analyses = [analysed[a.id] for a in articles] + list(analyze_many(copies))
    events = group(list(zip(batch, analyses)))
    outlets = {a.id: a.outlet for a in batch}
    for original, copy in zip(originals, copies):
        (event,) = [e for e in events if copy.id in e.article_ids]
        assert original.id in event.article_ids
        assert event.copies[copy.id] == original.id
        assert independent_sources(event, outlets) == len(
            {outlets[a] for a in event.article_ids} - {copy.outlet}
        )
    copied = {c for e in events for c in e.copies}
    assert copied >= {c.id for c in copies}
    assert len(copied) <= len(copies) + 2  # real documents are rarely taken for copies


@needs_eval
def test_grouping_quality_floor_on_two_ecbplus_topics(ecbplus_topics_1_and_3):
    """Floor from benchmarks/events.py on ECB+ topics 1 and 3 (59 documents, each topic two
    like happenings: two actresses entering rehab; a courthouse killer sentenced and an
    inmate escaping), pooled. They score 0.955: the four events stay apart, but the reports
    of the escape split in two, those of the escape itself and those of the escapee being put
    on the most-wanted list, which the gold holds as one event."""
    from benchmarks.metrics import bcubed

    articles, subtopics, analysed = ecbplus_topics_1_and_3
    events = group((a, analysed[a.id]) for a in articles)
    gold = {a.id: subtopic for a, subtopic in zip(articles, subtopics)}
    score = bcubed({a: e.id for e in events for a in e.article_ids}, gold)
    assert score.precision == 1.0
    assert score.f1 >= 0.95


@needs_eval
def test_grouping_quality_floor_on_basil_subset():
    """Floor from benchmarks/events.py on the first 12 BASIL events (36 articles)."""
    from benchmarks.corpora import load_basil
    from benchmarks.metrics import bcubed

    pairs = load_basil(EVAL / "basil")
    triplets = sorted({g for _, g in pairs})[:12]
    pairs = [(a, g) for a, g in pairs if g in triplets]
    articles = [a for a, _ in pairs]  # group() places them in its own order
    analyses = dict(zip((a.id for a in articles), analyze_many(articles)))
    events = group((a, analyses[a.id]) for a in articles)
    score = bcubed({a: e.id for e in events for a in e.article_ids}, {a.id: g for a, g in pairs})
    assert score.f1 >= 0.98


def test_a_failed_save_leaves_the_grouping_as_it_was(tmp_path, monkeypatch):
    db = tmp_path / "news.duckdb"
    with Store(db) as store:
        pipeline.ingest([write(tmp_path, "daily", QUAKE)], store)
        before = store.events()
        write(tmp_path, "wire", QUAKE_FOLLOW_UP)
        real_insert = Store._insert

        def failing_insert(self, table, *columns, **options):
            if table == "event_article":
                raise RuntimeError("disk full")
            return real_insert(self, table, *columns, **options)

        monkeypatch.setattr(Store, "_insert", failing_insert)
        with pytest.raises(RuntimeError):
            pipeline.ingest([tmp_path / "wire.txt"], store)
        monkeypatch.undo()
        assert store.events() == before
        assert len(store.ungrouped()) == 1  # stored, waiting to be placed
        report = pipeline.ingest([tmp_path / "wire.txt"], store)  # the next ingest places it
        assert report.added == () and len(report.events) == 1
        assert store.ungrouped() == []
        (event,) = store.events()
        assert event.id == before[0].id and len(event.article_ids) == 2
