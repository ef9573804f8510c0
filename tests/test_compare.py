"""The comparison stage on small real texts: facts, their differences, figures, the summary."""

from __future__ import annotations

import math
from datetime import date

import pytest

from counterpoint.analyze import analyze_many
from counterpoint.analyze.embed import default_embedder
from counterpoint.compare import compare
from counterpoint.compare.details import differences
from counterpoint.compare.facts import _unit, claims_of
from counterpoint.compare.figures import admits
from counterpoint.compare.same import default_models
from counterpoint.compare.summary import neutral_words
from counterpoint.ingest import article_from_text
from counterpoint.model import Article, Event
from counterpoint.resolve import resolve


def _compare(texts: dict[str, str], *, embed: bool = True):
    articles = [
        Article(id=f"art_{outlet}", text=text, outlet=outlet, source=f"{outlet}.txt",
                published=date(2024, 11, 29))
        for outlet, text in texts.items()
    ]
    analyses = {a.id: an for a, an in zip(articles, analyze_many(articles))}
    event = Event(id="evt_test", article_ids=tuple(a.id for a in articles), title="test")
    return compare(event, {a.id: a for a in articles}, analyses, resolve(event.id, analyses),
                   embed=default_embedder().encode if embed else None)


@pytest.mark.parametrize(
    "qualifier, value, expected",
    [
        (None, 130, (130, 130)),
        ("at least", 130, (130, math.inf)),
        ("over", 130, (130, math.inf)),
        ("nearly", 100, (90, 100)),
        ("about", 200_000, (180_000, 220_000)),
        ("dozens", 24, (24, 99)),
        ("hundreds", 200, (200, 999)),
    ],
)
def test_a_wording_admits_a_range_of_counts(qualifier, value, expected):
    low, high = admits(qualifier, value)
    assert low == pytest.approx(expected[0]) and high == pytest.approx(expected[1])


@pytest.mark.parametrize(
    "term, kind, neutral",
    [
        ("Islamist militants", "actor", "fighters"),
        ("Takfiri terrorists", "actor", "fighters"),
        ("allied rebel groups", "actor", "allied armed groups"),
        ("terrorist group", "actor", "armed group"),
        ("HTS terrorists", "actor", "HTS fighters"),
        ("Syrian opposition forces", "actor", "Syrian opposition forces"),
        ("martyred", "action", "killed"),
        ("terror attacks", "event", "attacks"),
    ],
)
def test_labels_give_way_to_neutral_descriptions(term, kind, neutral):
    assert neutral_words(term, kind) == neutral


def _claims(texts: dict[str, str]):
    articles = [Article(id=k, text=t, outlet=k, source=k) for k, t in texts.items()]
    analyses = {a.id: an for a, an in zip(articles, analyze_many(articles))}
    return analyses, {a.id: analyses[a.id].claims[0] for a in articles}


@pytest.mark.parametrize(
    "a, b",
    [
        ("Five soldiers were killed in Dayton by a roadside bomb.",
         "Five soldiers were killed in Ohio by a roadside bomb."),
        ("Five soldiers were killed in Aleppo by a roadside bomb.",
         "Five soldiers were killed in Aleppo Province by a roadside bomb."),
        ("Five soldiers were killed in Aleppo by a roadside bomb.",
         "Five soldiers were killed in Syria by a roadside bomb."),
    ],
)
def test_a_place_and_the_place_around_it_do_not_conflict(a, b):
    analyses, claims = _claims({"art_a": a, "art_b": b})
    found = differences([("art_a", claims["art_a"]), ("art_b", claims["art_b"])], analyses, {})
    assert "place" not in {d.kind for d in found}


def test_two_countries_conflict_on_place():
    analyses, claims = _claims({
        "art_a": "Five soldiers were killed in Syria by a roadside bomb.",
        "art_b": "Five soldiers were killed in Lebanon by a roadside bomb.",
    })
    [place] = differences([("art_a", claims["art_a"]), ("art_b", claims["art_b"])], analyses, {})
    assert place.kind == "place" and {v.text for v in place.values} == {"Syria", "Lebanon"}


@pytest.mark.parametrize(
    "a, b, slot",
    [
        ("The Senate passed the spending bill on Friday after a long debate.",
         "The Senate rejected the spending bill on Friday after a long debate.", "outcome"),
        ("Prosecutors charged Smith with fraud on Monday.",
         "Prosecutors have not charged Smith with fraud, his lawyer said on Monday.", "outcome"),
        ("The storm killed 12 people in Manila on Sunday, officials said.",
         "The storm killed 30 people in Manila on Sunday, the Red Cross said.", "number"),
        ("Police arrested Jones in Leeds on 3 March.",
         "Police arrested Jones in Leeds on 9 March.", "date"),
        ("A car struck four people in the square on Monday, police said.",
         "A car struck the crowd in the square on Monday, injuring six people, police said.",
         "number"),  # more wounded than were struck
    ],
)
def test_reports_of_one_act_that_differ_in_a_slot_conflict(a, b, slot):
    comparison = _compare({"a": a, "b": b})
    [fact] = [f for f in comparison.facts if f.status == "conflicting"]
    assert fact.differs_on == slot
    assert {r.article for r in fact.reports} == {"art_a", "art_b"}
    assert all(d.values for d in fact.differences)  # both sides quoted


def test_reports_naming_different_perpetrators_conflict_on_agent():
    comparison = _compare({
        "a": "The convoy was attacked by Hamas near the border on Monday, the army said.",
        "b": "The convoy was attacked by Hezbollah near the border on Monday, the army said.",
    })
    [fact] = [f for f in comparison.facts if f.status == "conflicting"]
    kinds = {d.kind: {v.text for v in d.values} for d in fact.differences}
    assert kinds == {"agent": {"Hamas", "Hezbollah"}}


def test_an_agent_the_other_report_names_elsewhere_is_no_conflict():
    # "a rebuke by the administration" is not a different inviter: the other report names
    # Boehner too, and "House Speaker John Boehner" is one agent, not "House" alone
    texts = {
        "art_a": "Netanyahu was invited by House Speaker John Boehner, without first "
        "conferring with the White House.",
        "art_b": "It was the strongest rebuke by the Obama administration since Netanyahu "
        "accepted an invitation from Speaker John Boehner.",
        "art_c": "Netanyahu was invited by Senate leader Mitch McConnell, without first "
        "consulting the president.",
    }
    analyses, _ = _claims(texts)
    sentence = {a: analyses[a].sentences[0] for a in texts}  # the whole sentence, any clause
    entity_of = {}  # no entities resolved: name words alone decide
    assert differences([("art_a", sentence["art_a"]), ("art_b", sentence["art_b"])],
                       analyses, entity_of) == ()
    [agent] = differences([("art_a", sentence["art_a"]), ("art_c", sentence["art_c"])],
                          analyses, entity_of)
    assert agent.kind == "agent"
    assert [v.text for v in agent.values] == ["House Speaker John Boehner", "Senate"]


def test_counts_that_no_number_fits_conflict_and_stand_side_by_side():
    comparison = _compare({
        "a": "About 30 people were killed in the floods in Valencia, officials said.",
        "b": "The floods in Valencia killed 45 people, the regional government said.",
    })
    figure = next(g for g in comparison.figures if g.what == "killed")
    assert figure.status == "conflicting"
    assert (figure.low, figure.high) == (30, 45)
    assert figure.best == 45  # one source each: the exact count before the rounded one
    fact = next(f for f in comparison.facts if len(f.reports) == 2)
    assert fact.status == "conflicting" and [d.kind for d in fact.differences] == ["number"]


def test_a_bound_and_a_count_that_fits_it_agree():
    comparison = _compare({
        "a": "At least 30 people were killed in the floods in Valencia.",
        "b": "The floods in Valencia killed 34 people.",
    })
    figure = next(g for g in comparison.figures if g.what == "killed")
    assert figure.status == "agreed" and figure.best == 34
    assert (figure.low, figure.high) == (30, 34)


def test_paraphrases_align_by_meaning_not_only_by_words():
    texts = {
        "a": "The central bank raised interest rates by half a point on Tuesday. "
             "Shares in Tokyo fell. A new museum opened in Osaka.",
        "b": "On Tuesday the central bank lifted its interest rate by half a percentage point. "
             "The weather was mild across the country.",
    }
    with_meaning = _compare(texts)
    paired = [f for f in with_meaning.facts if f.status == "agreed"]
    assert len(paired) == 1 and "raised interest rates" in paired[0].text
    omitted = {a for f in with_meaning.facts if f.status == "single_source" for a in f.omitted_by}
    assert omitted == {"art_a", "art_b"}


def test_a_copy_does_not_make_a_fact_agreed():
    text = "The central bank raised interest rates by half a point on Tuesday."
    articles = [
        article_from_text(text, source="a.txt", outlet="a"),
        article_from_text(text + "\nReporting by staff.", source="b.txt", outlet="b"),
    ]
    analyses = {a.id: an for a, an in zip(articles, analyze_many(articles))}
    assert articles[0].id != articles[1].id
    event = Event(id="evt_copy", article_ids=tuple(a.id for a in articles), title="copy",
                  copies={articles[1].id: articles[0].id})
    comparison = compare(event, {a.id: a for a in articles}, analyses,
                         resolve(event.id, analyses))
    assert {f.status for f in comparison.facts} == {"single_source"}


def test_a_fact_is_attributed_to_who_said_it_not_to_who_took_a_side():
    comparison = _compare({
        "a": "Republican senators said the governor's plan would cut taxes for the richest "
             "families in the state.",
        "b": "Republican senators criticized the governor's plan to cut taxes for the richest "
             "families in the state.",
    }, embed=False)
    reports = {r.article: r.attributed_to for f in comparison.facts for r in f.reports}
    assert reports == {"art_a": "Republican senators", "art_b": None}


def test_an_undated_reports_figures_are_dated_by_the_events_day():
    dated = Article(id="art_dated", outlet="wire", source="wire.txt", published=date(2005, 11, 28),
                    text="A quake struck Qeshm island on Sunday, killing ten people.")
    undated = Article(id="art_undated", outlet="paper", source="paper.txt", published=None,
                      text="A quake struck Qeshm island, killing ten people. In February, a "
                           "quake killed 612 people in the town of Zarand.")
    articles = {a.id: a for a in (dated, undated)}
    analyses = {a.id: an for a, an in zip(articles.values(), analyze_many(list(articles.values())))}
    # read alone, the undated article cannot tell which February it means
    assert [f.scope for f in analyses["art_undated"].figures] == ["event", "event"]
    event = Event(id="evt_quake", article_ids=tuple(articles), title="quake")
    comparison = compare(event, articles, analyses, resolve(event.id, analyses))
    scopes = {(r.article, r.value): g.scope for g in comparison.figures for r in g.reports}
    assert scopes[("art_undated", 612)] == "background"
    assert scopes[("art_undated", 10)] == scopes[("art_dated", 10)] == "event"


def test_a_whole_and_its_parts_agree():
    comparison = _compare({
        "a": "A gunman shot three people at an office in Troy on Monday, police said.",
        "b": "A gunman shot to death one person and injured two others at an office in Troy "
             "on Monday, police said.",
    })
    assert [f.status for f in comparison.facts] == ["agreed"]


def test_what_a_sentence_tells_of_a_name_in_passing_is_a_claim_of_its_own():
    text = ("A farewell ceremony was held in Tehran for General Kioumars Pour Hashemi, a senior "
            "military advisor, who was killed in Syria this week.")
    article = Article(id="art_x", outlet="x", source="x.txt", text=text)
    (analysis,) = analyze_many([article])
    told = {c.predicate: c for c in analysis.claims}
    assert set(told) == {"hold", "kill", "be"}
    assert told["be"].text == "General Kioumars Pour Hashemi, a senior military advisor"
    assert text[told["kill"].start : told["kill"].end] == told["kill"].text
    # the ceremony's claim is compared without what it tells of him in passing
    members = {c.predicate: (a, c) for a, c in claims_of({article.id: article},
                                                         {article.id: analysis})}
    assert "be" not in members  # a description in apposition is not compared
    ceremony = _unit(members["hold"], {article.id: analysis})
    assert "killed" not in ceremony.text and "advisor" not in ceremony.text
    assert {"ceremony", "hashemi"} <= ceremony.lemmas


def test_the_shipped_comparison_links_on_the_claim_cross_encoder():
    models = default_models()
    assert models.staged and models.claim is not None
    assert models.strict == models.claim.strict
