"""group: articles that report the same happening join one event; others stay apart."""

from __future__ import annotations

import math
import re
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from tests.conftest import outputs_under_hash_seeds

from counterpoint.analyze import analyze_many
from counterpoint.group import (
    Grouper,
    GroupSettings,
    TermStats,
    group,
    independent_sources,
    profile,
    title_of,
    word_hashes,
)
from counterpoint.ingest import article_from_text
from counterpoint.model import Analysis, Article, Mention, stable_id

ECBPLUS = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "ecbplus"
DAY = date(2024, 3, 5)

QUAKE_A = (
    "A magnitude 6.4 earthquake struck the mountain town of Valdoria early on Tuesday, killing "
    "at least 23 people and injuring more than 140, local officials said. The quake hit at "
    "4:12 a.m. local time, when most residents were asleep, and toppled dozens of older stone "
    "houses in the town centre. Rescue teams from the regional capital, Marsella, worked through "
    "the morning to pull survivors from the rubble. Governor Elena Ruiz said the hospital in "
    "Valdoria was overwhelmed and that injured people were being flown to Marsella. Aftershocks "
    "continued into the afternoon, and schools across the province were closed."
)
QUAKE_B = (
    "Rescuers in Valdoria dug through collapsed homes on Tuesday after a powerful earthquake "
    "left at least 23 dead and over 140 injured. The 6.4-magnitude tremor shook the town before "
    "dawn, according to the national seismological institute. “Entire streets are gone,” said "
    "Governor Elena Ruiz, who asked the central government for emergency aid. Helicopters "
    "carried the most seriously hurt to hospitals in Marsella. Officials warned that the death "
    "toll could rise as teams reach outlying villages."
)
FOOTBALL = (
    "Northbridge United have completed the signing of striker Tomas Kovac from Dinamo Split for "
    "a club-record fee of 48 million euros. The 24-year-old Croatian international signed a "
    "five-year contract on Tuesday after passing a medical. Kovac scored 31 goals in all "
    "competitions last season. Manager Peter Hale said the forward would add pace to the "
    "attack. Kovac could make his debut against Castleford on Saturday."
)
COPY = "The" + QUAKE_A[1:]  # wire copy with its first word changed
LATER_QUAKE = QUAKE_A.replace("23", "17").replace("140", "90")


def make(text: str, outlet: str, published: date | None = DAY) -> Article:
    return article_from_text(text, source=f"{outlet}.txt", outlet=outlet, published=published)


@pytest.fixture(scope="module")
def analysed() -> dict[str, tuple[Article, Analysis]]:
    articles = {
        "a": make(QUAKE_A, "Daily A"),
        "b": make(QUAKE_B, "Wire B"),
        "football": make(FOOTBALL, "Sport C"),
        "copy": make(COPY, "Paper D", DAY + timedelta(days=1)),
        "later": make(LATER_QUAKE, "Daily E", DAY + timedelta(days=60)),
        "next_day": make(LATER_QUAKE, "Daily F", DAY + timedelta(days=1)),
    }
    analyses = analyze_many(articles.values())
    return {key: (art, an) for (key, art), an in zip(articles.items(), analyses)}


def event_of(events, article: Article):
    found = [e for e in events if article.id in e.article_ids]
    assert len(found) == 1
    return found[0]


def test_two_reports_of_one_happening_join(analysed):
    events = group([analysed["a"], analysed["b"]])
    assert len(events) == 1
    # published the same day: placed, and listed, in the order of their ids
    assert events[0].article_ids == tuple(sorted([analysed["a"][0].id, analysed["b"][0].id]))
    assert events[0].copies == {}


def test_a_batch_forms_the_same_events_in_whatever_order_it_is_listed(analysed):
    keys = ["later", "copy", "football", "next_day", "b", "a"]
    batches = [keys, sorted(keys), keys[::2] + keys[1::2]]
    formed = [group([analysed[k] for k in batch]) for batch in batches]
    assert formed[0] == formed[1] == formed[2]
    # placed by publication date: the event takes the id of its first report, not of
    # the first listed, and the copy published a day later comes after it
    a, b, copy = (analysed[k][0] for k in ("a", "b", "copy"))
    quake = event_of(formed[0], a)
    assert quake.id == stable_id("evt", min(a.id, b.id))
    assert quake.article_ids.index(copy.id) > max(map(quake.article_ids.index, (a.id, b.id)))


@pytest.mark.parametrize("order", [("a", "b", "football"), ("football", "a", "b"),
                                   ("a", "football", "b")])
def test_unrelated_article_stays_apart(analysed, order):
    events = group([analysed[key] for key in order])
    assert len(events) == 2
    football = event_of(events, analysed["football"][0])
    assert football.article_ids == (analysed["football"][0].id,)
    assert event_of(events, analysed["a"][0]) is event_of(events, analysed["b"][0])


def test_a_signature_hashes_the_words_a_regular_expression_finds():
    text = "Ünïcode words, ÜNÏCODE_x 42—l’État 𝔘nicode🙂words: 42".lower()
    words = re.findall(r"\w+", text)
    hashes = word_hashes(text).tolist()
    assert len(hashes) == len(words) == 9
    hash_of = dict(zip(words, hashes))
    assert [hash_of[word] for word in words] == hashes  # a word hashes alike wherever it is
    assert len(set(hashes)) == len(set(words))  # and unlike any other word here


def test_near_verbatim_copy_is_marked(analysed):
    events = group([analysed[k] for k in ("a", "b", "football", "copy")])
    quake = event_of(events, analysed["a"][0])
    a, b, copy = (analysed[k][0] for k in ("a", "b", "copy"))
    assert quake.article_ids == (*sorted([a.id, b.id]), copy.id)  # a and b: the same day
    assert quake.copies == {copy.id: a.id}
    outlets = {art.id: art.outlet for art, _ in analysed.values()}
    assert independent_sources(quake, outlets) == 2
    football = event_of(events, analysed["football"][0])
    assert independent_sources(football, outlets) == 1


def test_copy_of_a_copy_points_to_the_original(analysed):
    a, an = analysed["a"]
    copy, copy_an = analysed["copy"]
    second = replace(copy, id="art_second_copy", outlet="Paper G")
    events = group([(a, an), (copy, copy_an), (second, copy_an)])
    assert len(events) == 1
    assert events[0].copies == {copy.id: a.id, second.id: a.id}
    outlets = {a.id: a.outlet, copy.id: copy.outlet, second.id: second.outlet}
    assert independent_sources(events[0], outlets) == 1


def test_two_articles_of_one_outlet_count_once(analysed):
    a, an = analysed["a"]
    b, bn = analysed["b"]
    (event,) = group([(a, an), (b, bn)])
    assert independent_sources(event, {a.id: "Same", b.id: "Same"}) == 1


def test_event_ids_survive_new_articles(analysed):
    # the two reports of the quake, published the same day, in the order a batch places them
    one, other = sorted(("a", "b"), key=lambda k: analysed[k][0].id)
    grouper = Grouper()
    first = [grouper.add(*analysed[k]) for k in (one, "football")]
    before = {e.id: e.article_ids for e in grouper.events()}
    assert len(before) == 2
    assert first[0] == stable_id("evt", analysed[one][0].id)
    later = [grouper.add(*analysed[k]) for k in (other, "copy", "later")]
    after = {e.id: e.article_ids for e in grouper.events()}
    assert set(before) <= set(after)
    assert later[:2] == [first[0], first[0]]
    for event_id, members in before.items():
        assert after[event_id][: len(members)] == members
    # a fresh grouping of the full batch gives the same ids
    again = group([analysed[k] for k in ("later", "copy", "b", "football", "a")])
    assert {e.id: e.article_ids for e in again} == after


@pytest.mark.parametrize(("key", "joins"), [("next_day", True), ("later", False)])
def test_similar_events_far_apart_in_time_stay_apart(analysed, key, joins):
    a, later = analysed["a"][0], analysed[key][0]
    events = group([analysed["a"], analysed[key]])
    assert (event_of(events, a) is event_of(events, later)) is joins
    gap = abs((analysed[key][1].event_date - analysed["a"][1].event_date).days)
    assert (gap <= 7) is joins


def test_events_are_titled_by_the_first_article(analysed):
    art, analysis = analysed["a"]
    b, b_analysis = analysed["b"]
    # listed first, but published a day after: the first article is the first published
    (event,) = group([(replace(b, published=DAY + timedelta(days=1)), b_analysis), (art, analysis)])
    assert event.title == title_of(art, analysis)
    assert event.title.startswith("A magnitude 6.4 earthquake struck")
    assert len(event.title) <= 122
    titled = replace(art, title="Quake kills 23 in Valdoria")
    assert title_of(titled, analysis) == "Quake kills 23 in Valdoria"


def test_empty_batch_gives_no_events():
    assert group([]) == []


# --- ECB+: documents about different happenings never share an event ------------------------


def ecbplus_texts(topic: str, count: int) -> list[tuple[str, str]]:
    """(name, text) of the first ``count`` ECB-component documents of ``topic``."""
    folder = ECBPLUS / "ECB+" / topic
    try:
        from benchmarks.ecbplus import load

        docs = [d for d in load(folder) if d.subtopic == f"{topic}_ecb"][:count]
        return [(d.name, d.text) for d in docs]
    except ImportError:
        import xml.etree.ElementTree as ET

        files = sorted(folder.glob(f"{topic}_*ecb.xml"),
                       key=lambda f: int(f.name.split("_")[1][:-7]))[:count]
        out = []
        for file in files:
            sentences: dict[str, list[str]] = {}
            for token in ET.parse(file).getroot().iter("token"):
                sentences.setdefault(token.get("sentence", "0"), []).append(token.text or "")
            out.append((file.name, "\n".join(" ".join(words) for words in sentences.values())))
        return out


@pytest.mark.skipif(not (ECBPLUS / "ECB+").is_dir(), reason=f"ECB+ data not at {ECBPLUS}")
def test_ecbplus_events_never_mix_topics():
    topics = {"1": ecbplus_texts("1", 3), "8": ecbplus_texts("8", 3)}
    assert all(len(docs) == 3 for docs in topics.values())
    articles = [
        (topic, article_from_text(text, source=name, outlet=name))
        for topic, docs in topics.items() for name, text in docs
    ]
    analyses = analyze_many(art for _, art in articles)
    topic_of = {art.id: topic for topic, art in articles}
    events = group(zip((art for _, art in articles), analyses))
    assert sum(len(e.article_ids) for e in events) == 6
    for event in events:
        assert len({topic_of[a] for a in event.article_ids}) == 1, event


def test_term_statistics_weigh_a_term_by_the_documents_that_hold_it():
    stats = TermStats({"quake": 3}, documents=10)
    rows = stats.observe(["quake", "valdoria"])
    assert stats.documents == 11
    # (documents + prior + 1) / (df + 0.5): seen in 4 of 11 documents, and in 1
    expected = [math.log((11 + TermStats.prior + 1) / (df + 0.5)) for df in (4, 1)]
    assert stats.idf(rows).tolist() == pytest.approx(expected)
    assert stats.added == {"quake": 1, "valdoria": 1}
    assert stats.rows(["valdoria", "marsella"]).tolist() == [rows[1], rows[1] + 1]
    assert stats.idf(stats.rows(["marsella"]))[0] > stats.idf(rows)[1]  # never seen: rarest


def test_a_place_weighs_more_than_other_names():
    # two fires at one chain's stores share the chain, the fire brigade and the words;
    # the town each burned in is what sets them apart
    text = "Valdoria firefighters and Elena Ruiz of Marsella Foods"
    spans = [("Valdoria", "GPE"), ("Elena Ruiz", "PERSON"), ("Marsella Foods", "ORG")]
    mentions = [
        Mention(start=text.index(n), end=text.index(n) + len(n), text=n, type=t, sentence=0)
        for n, t in spans
    ]
    article = article_from_text(text, source="t.txt", outlet="t")
    analysis = Analysis(article_id=article.id, sentences=(), mentions=tuple(mentions), times=(),
                        figures=(), attributions=(), labels=(), lemmas=(("fire",),),
                        embedding=(1.0, 0.0))
    settings = GroupSettings()
    terms = profile(article, analysis, settings).terms
    assert terms["@valdoria"] == pytest.approx(1 + math.log(settings.place_weight))
    assert terms["@elenaruiz"] == pytest.approx(1 + math.log(settings.name_weight))
    assert terms["@marsellafoods"] == terms["@elenaruiz"] < terms["@valdoria"]
    assert terms["fire"] == 1.0


PROFILE_TERMS = """
from counterpoint.group import profile
from counterpoint.ingest import article_from_text
from counterpoint.model import Analysis, Mention

names = ["Elena Ruiz", "Valdoria", "Marsella", "Tomas Kovac", "Dinamo Split", "Peter Hale"]
text = " and ".join(names)
mentions, start = [], 0
for name in names:
    end = start + len(name)
    mentions.append(Mention(start=start, end=end, text=name, type="PERSON", sentence=0))
    start = end + len(" and ")
article = article_from_text(text, source="t.txt", outlet="t")
analysis = Analysis(article_id=article.id, sentences=(), mentions=tuple(mentions), times=(),
                    figures=(), attributions=(), labels=(), lemmas=(("quake", "rescue"),),
                    embedding=(1.0, 0.0))
print(list(profile(article, analysis).terms))
"""


def test_an_articles_terms_come_in_one_order_whatever_the_hash_seed():
    # an article's heaviest terms are cut at a fixed count, so ties must fall the same way
    # in every run, or the same articles could form different events
    assert len(outputs_under_hash_seeds(PROFILE_TERMS)) == 1
