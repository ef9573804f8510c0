"""The loaded-word model: contextual token states, phrases, and floors on held-out data."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from counterpoint.analyze import analyze_many
from counterpoint.analyze.embed import DIMENSIONS
from counterpoint.analyze.loaded import _runs, default_model, phrase, token_states
from counterpoint.analyze.nlp import load_nlp
from counterpoint.ingest import article_from_text

ROOT = Path(__file__).resolve().parents[1]
EVAL = (ROOT / ".." / "shared" / "eval").resolve()
sys.path.insert(0, str(ROOT))

from benchmarks import bias  # noqa: E402
from benchmarks import labels as bench  # noqa: E402


def test_token_states_give_every_word_its_own_context():
    nlp = load_nlp()
    storm, critics = nlp("A fierce storm hit the coast.  It hit hard."), nlp(
        "Critics launched fierce attacks on the plan.")
    states = token_states([storm, critics])
    assert [s.shape for s in states] == [(len(storm), DIMENSIONS), (len(critics), DIMENSIONS)]
    space = next(t.i for t in storm if t.is_space)
    assert not states[0][space].any()  # no word piece: no state
    assert all(states[0][t.i].any() for t in storm if not t.is_space)
    # the same word reads differently in another sentence
    a, b = states[0][1], states[1][2]
    assert storm[1].text == critics[2].text == "fierce"
    assert float(a @ b / np.linalg.norm(a) / np.linalg.norm(b)) < 0.99


def test_context_changes_word_scores_and_can_be_left_out():
    model, doc = default_model(), load_nlp()("Republicans slammed the reckless plan.")
    assert model.context, "the shipped model reads context"
    with_context = model.word_scores(doc)
    without = model.word_scores(doc, states=False)
    assert with_context != without
    assert all(0.0 <= s <= 1.0 for s in with_context + without)
    given = model.word_scores(doc, states=model.context_states([doc])[0])
    assert given == pytest.approx(with_context)


@pytest.mark.parametrize(
    ("text", "core", "grown"),
    [
        ("They signed a disastrous nuclear deal.", "disastrous", "disastrous nuclear deal"),
        ("The mayor called the plan a sham yesterday.", "sham", "sham"),
        ("Protesters were brutally beaten by police.", "brutally", "brutally beaten"),
        # not across a quotation mark: the quoted word is someone's, the noun the writer's
        ("It will be a “destructive” force in relations.", "destructive", "destructive"),
        ("Critics called it a disastrous “deal”.", "disastrous", "disastrous"),
    ],
)
def test_a_loaded_core_grows_to_its_phrase(text, core, grown):
    doc = load_nlp()(text)
    i = next(t.i for t in doc if t.text == core)
    start, end = phrase(doc, i, i + 1)
    assert doc[start:end].text == grown


def test_a_run_takes_in_neighbours_scoring_near_the_threshold():
    doc = load_nlp()("They called it a truly disastrous and reckless deal today.")
    scores = [0.0] * len(doc)
    for word, score in {"truly": 0.35, "disastrous": 0.8, "reckless": 0.4, "deal": 0.2}.items():
        scores[next(t.i for t in doc if t.text == word)] = score

    def runs(low):
        return [doc[r.start : r.end].text for r in _runs(doc, scores, 0.5, low)]

    assert runs(0.3) == ["truly disastrous and reckless"]
    assert runs(0.5) == ["disastrous"]


def test_a_run_takes_in_the_rest_of_a_hyphenated_word():
    doc = load_nlp()("Months of sniping and finger-pointing followed - again.")
    scores = [0.0] * len(doc)
    for word in ("sniping", "finger", "again"):
        scores[next(t.i for t in doc if t.text == word)] = 0.9
    runs = [doc[r.start : r.end].text for r in _runs(doc, scores, 0.5, 0.5)]
    assert runs == ["sniping and finger-pointing", "again"]  # a spaced dash joins nothing


needs_eval = pytest.mark.skipif(not (EVAL / "basil").is_dir(), reason="../shared/eval is absent")


def _held_out(dataset: str, count: int) -> list[bias.Doc]:
    return bench.unseen(dataset, bias.load(dataset, EVAL))[:count]


@needs_eval
def test_basil_lexical_bias_floor():
    docs = _held_out("basil", 15)
    analyses = bench.analyse(docs)
    gold = [(d.key, g.start, g.end) for d in docs for g in d.spans]
    found = bench.overlap(bench.loaded_spans(docs, analyses), gold)
    assert found.f1 >= BASIL_FLOOR


@needs_eval
def test_ptc_loaded_language_floor():
    docs = _held_out("ptc", 12)
    predicted, _ = bench.calibrated_spans(docs, "ptc")
    gold = [(d.key, g.start, g.end) for d in docs for g in d.spans
            if g.kind == "loaded_language"]
    assert bench.partial(predicted, gold).f1 >= PTC_FLOOR


# Measured on these subsets on 2026-11-22 (with the tagger: BASIL 0.195, PTC 0.272); the
# floors sit a little below.
BASIL_FLOOR = 0.17
PTC_FLOOR = 0.24


@pytest.mark.parametrize("setting", ["on", "off"])
def test_the_analysis_reads_context_unless_told_not_to(setting):
    text = "Republicans lashed out at the senator on Monday over his disgusting sham."
    article = article_from_text(text, source="t", outlet="t")
    labels = next(iter(analyze_many([article], loaded_context=setting == "on"))).labels
    assert any(label.kind == "loaded" for label in labels)
    doc = load_nlp()(text)
    scores = default_model().word_scores(doc, states=False if setting == "off" else None)
    for label in labels:
        span = doc.char_span(label.start, label.end)
        assert label.score == round(max(scores[span.start : span.end]), 3)
