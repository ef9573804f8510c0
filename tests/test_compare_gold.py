"""The analyst-gold scorer on constructed cases, and floors on the bundled articles' gold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from benchmarks import analyst_inputs, compare_gold
from tests.conftest import ROOT, SHARED_EVAL

GOLD = ROOT / "benchmarks" / "analyst_gold"
A = "One. Two happened. Three said."
B = "Two happened today. Four."


def _gold(tmp_path: Path) -> compare_gold.Gold:
    rows = [{"id": "a", "outlet": "a", "text": A}, {"id": "b", "outlet": "b", "text": B}]
    (tmp_path / "e.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    record = {
        "event": "e",
        "inputs": "e.jsonl",
        "sentences": [
            {"article": "a", "quote": "One.", "claims": ["c1"]},
            {"article": "a", "quote": "Two happened.", "claims": ["c2"]},
            {"article": "a", "quote": "Three said.", "claims": ["c3"]},
            {"article": "b", "quote": "Two happened today.", "claims": ["c2"]},
            {"article": "b", "quote": "Four.", "claims": ["c4"]},
        ],
        "claims": [
            {"id": "c1", "articles": ["a"], "status": "single_source"},
            {"id": "c2", "articles": ["a", "b"], "status": "agreed"},
            {"id": "c3", "articles": ["a"], "status": "single_source"},
            {"id": "c4", "articles": ["b"], "status": "single_source"},
        ],
        "figures": [],
        "labels": [],
    }
    (tmp_path / "e.json").write_text(json.dumps(record))
    return compare_gold.load_gold(tmp_path / "e.json", None)


def _event(facts, summary=()) -> dict:
    return {
        "articles": [{"id": "x_a", "text": A}, {"id": "x_b", "text": B}],
        "entities": [],
        "facts": facts,
        "figures": [],
        "framing": [],
        "summary": list(summary),
    }


def _report(article: str, text: str) -> dict:
    whole = A if article == "x_a" else B
    start = whole.index(text)
    return {"article": article, "start": start, "end": start + len(text), "text": text}


def test_a_right_pair_and_a_wrong_one_score_half(tmp_path):
    gold = _gold(tmp_path)
    right = {"status": "agreed", "reports": [_report("x_a", "Two happened."),
                                            _report("x_b", "Two happened today.")]}
    wrong = {"status": "agreed", "reports": [_report("x_a", "One."), _report("x_b", "Four.")]}
    totals = compare_gold.totals(compare_gold.score_event(gold, _event([right, wrong])))
    assert totals["agreed_pairs"] == [1, 2, 1]
    assert totals["agreed_pair_precision"] == 0.5 and totals["agreed_pair_recall"] == 1.0
    assert totals["single_source_accuracy"] == 0.6  # One. and Four. are wrongly shared


def test_a_citation_of_an_outlet_that_does_not_say_it_is_wrong(tmp_path):
    gold = _gold(tmp_path)
    summary = [{"text": "Three said.", "sources": ["x_a", "x_b"]}]
    totals = compare_gold.totals(compare_gold.score_event(gold, _event([], summary)))
    assert totals["summary_citation_precision"] == 0.5


@pytest.fixture(scope="module")
def seeds_scores(tmp_path_factory) -> dict:
    seeds = SHARED_EVAL.parent / "seeds"
    if not seeds.is_dir():
        pytest.skip(f"needs the bundled seeds in {seeds}")
    folder = tmp_path_factory.mktemp("inputs")
    analyst_inputs.write(analyst_inputs.text_event(seeds), folder / "seeds.jsonl")
    gold = compare_gold.load_gold(GOLD / "seeds.json", folder)
    return compare_gold.totals(compare_gold.score_event(gold, compare_gold.compare_inputs(gold)))


@pytest.mark.parametrize(
    ("metric", "floor"),
    [
        ("agreed_pair_precision", 0.9),
        ("figure_precision", 0.9),
        ("label_actor_accuracy", 0.6),
        ("summary_citation_precision", 0.9),
    ],
)
def test_floors_on_the_bundled_articles(seeds_scores, metric, floor):
    assert seeds_scores[metric] >= floor, seeds_scores
    assert seeds_scores["background_as_event"] == 0


def test_the_cross_encoder_tells_paraphrases_on_a_fixed_mrpc_subset():
    from benchmarks import mrpc

    from counterpoint.analyze.cross import default_cross_encoder

    path = SHARED_EVAL / "mrpc" / "msr_paraphrase_dev.txt"
    if not path.exists():
        pytest.skip(f"needs {path}")
    pairs = mrpc.load(path)[:120]
    cross = default_cross_encoder()
    assert cross is not None
    logits = cross.logits([(p.first, p.second) for p in pairs])
    labels = [p.label for p in pairs]
    accuracy = sum((z >= cross.threshold) == bool(y) for z, y in zip(logits, labels)) / len(pairs)
    always = sum(labels) / len(labels)
    assert accuracy >= 0.75 and accuracy > always
