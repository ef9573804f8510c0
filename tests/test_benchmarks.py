"""The benchmark helpers: the B-cubed score and the ECB+ loader."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ECBPLUS = (ROOT / ".." / "shared" / "eval" / "ecbplus").resolve()
sys.path.insert(0, str(ROOT))

from benchmarks.ecbplus import detokenize, load, to_articles  # noqa: E402
from benchmarks.metrics import bcubed  # noqa: E402

GOLD = {"a": 1, "b": 1, "c": 1, "d": 2, "e": 2}


@pytest.mark.parametrize(
    ("predicted", "precision", "recall"),
    [
        # perfect: same partition under other labels
        ({"a": "x", "b": "x", "c": "x", "d": "y", "e": "y"}, 1.0, 1.0),
        # all in one cluster: precision per item is 3/5 (a, b, c) or 2/5 (d, e);
        # mean (3*3/5 + 2*2/5) / 5 = 13/25; recall 1
        ({k: 0 for k in GOLD}, 13 / 25, 1.0),
        # all singletons: precision 1; recall 1/3 (a, b, c) or 1/2 (d, e); mean 2/5
        ({k: k for k in GOLD}, 1.0, 2 / 5),
        # {a, b} {c, d} {e}: P = (1 + 1 + 1/2 + 1/2 + 1) / 5 = 4/5
        # R = (2/3 + 2/3 + 1/3 + 1/2 + 1/2) / 5 = 8/15
        ({"a": 1, "b": 1, "c": 2, "d": 2, "e": 3}, 4 / 5, 8 / 15),
    ],
)
def test_bcubed(predicted, precision, recall):
    score = bcubed(predicted, GOLD)
    assert score.precision == pytest.approx(precision)
    assert score.recall == pytest.approx(recall)
    assert score.f1 == pytest.approx(2 * precision * recall / (precision + recall))


def test_bcubed_needs_the_same_items():
    with pytest.raises(ValueError, match="different items"):
        bcubed({"a": 1}, {"a": 1, "b": 1})


@pytest.mark.parametrize(
    ("tokens", "text"),
    [
        ("He said `` I ca n't go '' , and left .", 'He said "I can\'t go", and left.'),
        ("( she ) paid $ 5 ; 90 % of it", "(she) paid $5; 90% of it"),
        ("a 36 - year - old at 4 : 59 PM", "a 36-year-old at 4:59 PM"),
        ('" Yes , " I ’ m sure', '"Yes," I’m sure'),
        ("the Oscars ' audience", "the Oscars' audience"),
    ],
)
def test_detokenize(tokens, text):
    assert detokenize(tokens.split()) == text


@pytest.fixture(scope="module")
def two_topics():
    if not ECBPLUS.is_dir():
        pytest.skip(f"ECB+ is not at {str(ECBPLUS)!r} (shared/ beside the repository)")
    docs = load(ECBPLUS / "ECB+" / "1") + load(ECBPLUS / "ECB+" / "3")
    return docs


def test_ecbplus_documents(two_topics):
    assert {d.topic for d in two_topics} == {"1", "3"}
    assert {d.subtopic for d in two_topics} == {"1_ecb", "1_ecbplus", "3_ecb", "3_ecbplus"}
    for doc in two_topics:
        kind = "ecbplus" if doc.name.endswith("ecbplus.xml") else "ecb"
        assert doc.subtopic == f"{doc.topic}_{kind}"
        assert doc.text.strip()
        for bad in (" ,", " .\n", " ;", " n't", "( ", " )", "``", "''"):
            assert bad not in doc.text, (doc.name, bad)
        if kind == "ecbplus":  # sentence 0, the source URL, is dropped
            assert "http" not in doc.text.split("\n")[0]


def test_ecbplus_text_reads_naturally(two_topics):
    first = next(d for d in two_topics if d.name == "1_1ecbplus.xml")
    assert first.text.startswith("Lindsay Lohan Leaves Betty Ford, Checks Into Malibu Rehab\n")
    assert "June 13, 2013 4:59 PM EDT" in first.text


def test_to_articles(two_topics):
    articles = to_articles(two_topics[:3])
    assert [a.outlet for a in articles] == [d.name for d in two_topics[:3]]
    assert [a.text for a in articles] == [d.text for d in two_topics[:3]]


def test_a_baseline_gets_one_threshold_for_all_pools():
    import numpy as np
    from benchmarks.events import best_agglomerative

    def pool(within: float, between: float) -> tuple[np.ndarray, np.ndarray, list[str]]:
        # two gold events of two documents each
        similarity = np.full((4, 4), between)
        similarity[:2, :2] = similarity[2:, 2:] = within
        np.fill_diagonal(similarity, 1.0)
        return similarity, similarity, ["x", "x", "y", "y"]

    # the first pool alone is split right by any distance from 0.1 to 0.7, the second by any
    # from 0.4 to 0.9: the one threshold for both must lie from 0.4 to 0.7
    best = best_agglomerative([pool(0.9, 0.3), pool(0.6, 0.1)], weights=[1.0])
    assert best["f1"] == 1.0
    assert 0.39 < best["threshold"] < 0.7
    alone = best_agglomerative([pool(0.9, 0.3)], weights=[1.0])
    assert alone["f1"] == 1.0 and alone["threshold"] < 0.39  # the grid's first, 0.30


def test_per_topic_runs_on_ecbplus_only(capsys):
    from benchmarks.events import main

    with pytest.raises(SystemExit):
        main(["--dataset", "basil", "--data", "unused", "--per-topic"])
    assert "--per-topic needs --dataset ecbplus" in capsys.readouterr().err


def test_other_orders_handed_over_form_the_same_events():
    import random
    from datetime import date

    from benchmarks.events import SEED, _group_pools

    from counterpoint.ingest import article_from_text
    from counterpoint.model import Analysis

    stories = {  # gold event -> (lead direction, content words); one undated report each
        "fire": ((1.0, 0.1, 0.0), ("fire", "warehouse", "harbour", "crew")),
        "vote": ((0.0, 1.0, 0.1), ("vote", "parliament", "budget", "minister")),
    }
    articles, analyses, gold = [], {}, {}
    for story, (direction, words) in stories.items():
        for n, day in enumerate((3, 3, 4, None)):
            text = f"{story} report {n}: " + " ".join(words)
            article = article_from_text(
                text,
                source=f"{story}{n}.txt",
                outlet=f"o{n}",
                title=f"{story} {n}",
                published=date(2024, 3, day) if day else None,
            )
            articles.append(article)
            gold[article.id] = story
            analyses[article.id] = Analysis(
                article_id=article.id,
                sentences=(),
                mentions=(),
                times=(),
                figures=(),
                attributions=(),
                labels=(),
                lemmas=(words[: 2 + n % 3],),
                embedding=direction,
            )

    handed = [list(articles) for _ in range(2)]
    for copy, seed in zip(handed, (SEED, SEED + 1)):
        random.Random(seed).shuffle(copy)
    assert handed[0] != handed[1]  # the two seeds hand the articles over differently
    first = _group_pools([articles], analyses, gold, SEED)
    other = _group_pools([articles], analyses, gold, SEED + 1)
    assert first[0] == other[0]  # the same events, ids and order of members included
    assert first[1][0].f1 == other[1][0].f1 == 1.0


def test_allsides_opinion_roundups_are_scored_apart(tmp_path):
    import json

    from benchmarks.corpora import allsides_perspectives
    from benchmarks.events import _news_stories

    from counterpoint.model import Event

    stories = [
        {"id": 1, "issue": "Facebook Board Upholds Trump Ban but Orders Review"},
        {"id": 2, "issue": "Perspectives: Facebook Board Upholds Trump Ban"},
        {"id": 3, "issue": "Hiring Slows in April"},
        {"id": 4, "issue": None},
    ]
    roundups = tmp_path / "roundups.jsonl"
    roundups.write_text("".join(json.dumps(s) + "\n" for s in stories), encoding="utf-8")
    opinion = allsides_perspectives(tmp_path)
    assert opinion == {"2"}

    gold = {"a": "1", "b": "1", "c": "2", "d": "3", "e": "3"}
    events = [  # the news and opinion roundups of one happening together; one job report split
        Event(id="x", article_ids=("a", "b", "c"), title="ban"),
        Event(id="y", article_ids=("d",), title="jobs"),
        Event(id="z", article_ids=("e",), title="jobs"),
    ]
    scores = _news_stories(events, gold, opinion)
    assert scores["stories"] == 2 and scores["opinion_stories"] == 1
    assert scores["events_joining_opinion_to_another_story"] == 1
    # without "c": {a, b} is whole, {d} {e} split story 3: recall (1 + 1 + 1/2 + 1/2) / 4
    assert scores["precision"] == 1.0 and scores["recall"] == 0.75


def test_ecbplus_mixed_events_are_counted_within_and_across_topics():
    from benchmarks.events import _like_happenings

    from counterpoint.model import Event

    gold = {"a": "1_ecb", "b": "1_ecbplus", "c": "1_ecb", "d": "2_ecb", "e": "3_ecb"}
    events = [  # topic 1's two happenings joined; topics 2 and 3 joined
        Event(id="x", article_ids=("a", "b", "c"), title="rehab"),
        Event(id="y", article_ids=("d", "e"), title="quake"),
    ]
    like = _like_happenings(events, gold)
    assert like["mixed_events"] == 2 and like["within_one_topic"] == 1
    # telling each topic's happenings apart mends topic 1, not the join across topics:
    # d and e keep half their event each, P = (1 + 1 + 1 + 1/2 + 1/2) / 5
    assert like["told_apart"]["precision"] == 0.8 and like["told_apart"]["recall"] == 1.0
