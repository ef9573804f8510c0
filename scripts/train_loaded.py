"""Train counterpoint's loaded-word model and write ``analyze/data/loaded.json.gz``.

Usage::

    .venv/bin/python scripts/train_loaded.py --data ../shared/eval
    .venv/bin/python scripts/train_loaded.py --data ../shared/eval --cache /tmp/parsed

It reads BASIL (lexical-bias spans), BABE (biased words) and PTC (Loaded_Language
and Name_Calling spans) with ``benchmarks/bias.py``, keeps the documents outside the
fixed held-out part (:func:`benchmarks.bias.held_out`: by BASIL event, PTC article,
BABE sentence hash), parses them with spaCy, encodes every sentence with MiniLM to get
each word's contextual state (:func:`counterpoint.analyze.loaded.token_states`), and
fits one logistic model: weights over word features, one intercept per corpus, and
weights over the contextual state (``HIDDEN`` > 0 puts a small ReLU layer in
between; L2-regularised, L-BFGS). Each corpus's threshold, and whether its runs of
loaded words grow to their phrase, are the ones that maximise its span F1 in
three-fold cross-fitting on the training part. The word-sentiment table comes from
the VADER lexicon (``vaderSentiment``, MIT licence). The model file records the keys
of the documents it was trained on, so benchmarks score only the others. ``--cache``
keeps the parses and the token states between runs. The run time is printed at the end.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
from scipy import optimize, sparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

import itertools

from benchmarks import bias
from benchmarks.spans import overlap, partial, word_sets

from counterpoint.analyze.loaded import (
    MODEL_FILE,
    LoadedModel,
    features,
    token_states,
)
from counterpoint.analyze.nlp import load_nlp

OUTPUT = ROOT / "src" / "counterpoint" / "analyze" / "data" / MODEL_FILE
DOMAIN = "basil"
MIN_COUNT = 2
L2 = 1.0
HIDDEN = 0  # units of the layer over MiniLM token states (0: linear in the state)
CONTEXT_L2 = 1.0
GATE = 0.02
"""A sentence is encoded only when a word of it scores this much without context: on the
training part this left out most BASIL sentences and lost no F1."""
SEED = 7
EMBEDDING_SCALE = 10.0  # unit vectors: scaled so that one L2 strength suits both parts
SKIP_POS = {"PUNCT", "SPACE", "NUM", "SYM", "X"}
# The gold span kinds a corpus's positive words come from.
KINDS = {"basil": {"lex"}, "ptc": {"loaded_language", "name_calling"}}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "eval"))
    parser.add_argument("--cache", help="folder to keep spaCy parses and embeddings in")
    parser.add_argument("--output", default=str(OUTPUT))
    args = parser.parse_args(argv)
    started = time.perf_counter()
    corpora = {
        name: [d for d in bias.load(name, args.data) if not bias.held_out(d)]
        for name in bias.DATASETS
    }
    parsed = {name: parse(name, docs, args.cache) for name, docs in corpora.items()}
    _log(started, f"parsed {sum(len(d) for d in corpora.values())} training documents")
    states = {name: encode(name, parsed[name], args.cache) for name in corpora}
    _log(started, "token states ready")
    sentiment = vader_lexicon()
    rows = {
        name: [doc_rows(sdoc, doc, sentiment, s)
               for sdoc, doc, s in zip(parsed[name], docs, states[name])]
        for name, docs in corpora.items()
    }
    thresholds, expand = cross_fit_thresholds(rows, corpora, parsed, sentiment)
    _log(started, f"thresholds {thresholds}, phrases {expand}")
    weights, intercepts, context = fit(rows)
    _log(started, "word model fitted")
    sentence = fit_sentences(corpora["babe"], parsed["babe"], args.cache)
    _log(started, f"sentence model fitted, threshold {sentence['threshold']}")
    model = {
        "weights": {f: round(w, 4) for f, w in weights.items() if abs(w) >= 5e-4},
        "intercepts": {n: round(b, 4) for n, b in intercepts.items()},
        "context": context,
        "thresholds": thresholds,
        "expand": expand,
        "threshold": thresholds[DOMAIN],
        "domain": DOMAIN,
        "sentiment": sentiment,
        "sentence": sentence,
        "meta": {
            "trained": date.today().isoformat(),
            "command": "python scripts/train_loaded.py --data ../shared/eval",
            "l2": L2,
            "context_l2": CONTEXT_L2,
            "hidden": HIDDEN,
            "min_count": MIN_COUNT,
            "tokens": {n: sum(len(d.labels) for d in docs) for n, docs in rows.items()},
            "seconds": round(time.perf_counter() - started, 1),
            "sentiment_lexicon": "VADER 3.3.2 (vaderSentiment, MIT licence)",
        },
        "trained_on": {name: sorted(d.key for d in docs) for name, docs in corpora.items()},
    }
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(args.output, "wt", encoding="utf-8", compresslevel=9) as handle:
        json.dump(model, handle, separators=(",", ":"), sort_keys=True)
    _log(started, f"wrote {args.output}: {len(model['weights'])} word-feature weights")
    return 0


def _log(started: float, message: str) -> None:
    print(f"[{time.perf_counter() - started:6.0f} s] {message}", file=sys.stderr, flush=True)


def parse(name: str, docs: Sequence[bias.Doc], cache: str | None) -> list:
    """spaCy docs for ``docs``, from ``cache`` when it holds them."""
    from spacy.tokens import DocBin

    nlp = load_nlp()
    file = Path(cache) / f"{name}.spacy" if cache else None
    if file is not None and file.is_file():
        stored = {d.text: d for d in DocBin().from_disk(file).get_docs(nlp.vocab)}
        if all(d.text in stored for d in docs):
            return [stored[d.text] for d in docs]
    out = list(nlp.pipe([d.text for d in docs], batch_size=16))
    if file is not None:
        file.parent.mkdir(parents=True, exist_ok=True)
        box = DocBin()
        for d in out:
            box.add(d)
        box.to_disk(file)
    return out


def vader_lexicon() -> dict[str, float]:
    """Word -> mean valence (-4 … 4) from VADER's lexicon, single lower-case words only."""
    try:
        from importlib import resources

        text = (resources.files("vaderSentiment") / "vader_lexicon.txt").read_text("utf-8")
    except (ImportError, FileNotFoundError) as exc:
        raise SystemExit(
            f"The VADER lexicon is missing ({exc}); install it: pip install vaderSentiment==3.3.2"
        ) from exc
    out = {}
    for line in text.splitlines():
        fields = line.split("\t")
        if len(fields) >= 2 and fields[0].isalpha() and fields[0].islower():
            out[fields[0]] = round(float(fields[1]), 1)
    return out


def scorable(token) -> bool:
    return token.pos_ not in SKIP_POS and any(c.isalpha() for c in token.text)


def encode(name: str, parsed, cache: str | None) -> list[np.ndarray]:
    """MiniLM token states of every parsed document, from ``cache`` when it holds them."""
    from counterpoint.analyze.embed import Embedder

    file = Path(cache) / f"{name}-token-states.npz" if cache else None
    lengths = np.array([len(d) for d in parsed])
    if file is not None and file.is_file():
        stored = np.load(file)
        if np.array_equal(stored["lengths"], lengths):
            bounds = np.concatenate([[0], np.cumsum(lengths)])
            data = stored["data"]
            return [data[a:b] for a, b in itertools.pairwise(bounds)]
    out = [s.astype(np.float16) for s in token_states(parsed, embedder=Embedder(threads=2))]
    if file is not None:
        file.parent.mkdir(parents=True, exist_ok=True)
        np.savez(file, data=np.concatenate(out), lengths=lengths)
    return out


@dataclass(frozen=True, slots=True)
class Rows:
    """The scorable tokens of one training document: their features, contextual states
    and 0/1 labels."""

    features: list[list[str]]
    states: np.ndarray
    labels: np.ndarray


def doc_rows(sdoc, doc: bias.Doc, sentiment, states: np.ndarray) -> Rows:
    """Features, states and labels of every scorable token of one training document."""
    if doc.dataset == "babe":
        marked = set(doc.biased_words)
        positive = [bool(set(bias.words(t.text)) & marked) for t in sdoc]
    else:
        kinds = KINDS[doc.dataset]
        spans = [(g.start, g.end) for g in doc.spans if g.kind in kinds]
        positive = [
            any(t.idx < e and s < t.idx + len(t.text) for s, e in spans) for t in sdoc
        ]
    keep = [i for i, t in enumerate(sdoc) if scorable(t)]
    return Rows(features=[features(sdoc, i, sentiment) for i in keep],
                states=np.asarray(states[keep], dtype=np.float32),
                labels=np.array([float(positive[i]) for i in keep]))


def fit(rows: dict[str, list[Rows]]) -> tuple[dict[str, float], dict[str, float], dict]:
    """One logistic model over word features, a corpus intercept and a layer over the
    token states; returns feature weights, intercepts and the context weights."""
    counts = Counter(f for docs in rows.values() for d in docs for feats in d.features
                     for f in set(feats))
    index = {f: k for k, f in enumerate(sorted(f for f, c in counts.items() if c >= MIN_COUNT))}
    names = sorted(rows)
    width = len(index) + len(names)
    cols, indptr, labels, weights, states = [], [0], [], [], []
    for d, name in enumerate(names):
        share = 1.0 / max(sum(len(r.labels) for r in rows[name]), 1)  # corpora weigh the same
        for r in rows[name]:
            for feats in r.features:
                cols.extend(sorted({index[f] for f in feats if f in index}) + [len(index) + d])
                indptr.append(len(cols))
            labels.append(r.labels)
            weights.append(np.full(len(r.labels), share))
            states.append(r.states)
    x = sparse.csr_matrix((np.ones(len(cols)), cols, indptr), shape=(len(indptr) - 1, width))
    y = np.concatenate(labels)
    w = np.concatenate(weights) * len(y) / len(names)  # mean weight 1
    theta, unpack = _fit_context(x, np.vstack(states), y, w, intercepts=len(names))
    linear, hidden, hidden_bias, outer = unpack(theta)
    features_out = {f: float(linear[k]) for f, k in index.items()}
    intercepts = {name: float(linear[len(index) + d]) for d, name in enumerate(names)}
    context = {"weights": [round(float(v), 5) for v in outer]}
    if HIDDEN:
        context["hidden"] = [[round(float(v), 5) for v in row] for row in hidden]
        context["hidden_bias"] = [round(float(v), 5) for v in hidden_bias]
    sample = np.vstack(states)[:: max(1, len(y) // 50_000)]  # the average contribution
    active = np.maximum(sample @ hidden + hidden_bias, 0.0) if HIDDEN else sample
    context["mean"] = round(float(np.mean(active @ outer)), 5)
    context["gate"] = GATE
    return features_out, intercepts, context


def _fit_context(x, states: np.ndarray, y, w, *, intercepts: int):
    """L-BFGS over the linear part and the context layer (``HIDDEN`` ReLU units)."""
    n_linear, dims, units = x.shape[1], states.shape[1], HIDDEN

    def unpack(theta):
        linear = theta[:n_linear]
        rest = theta[n_linear:].astype(np.float32)
        if not units:
            return linear, None, None, rest
        hidden = rest[: dims * units].reshape(dims, units)
        return linear, hidden, rest[dims * units : dims * units + units], rest[-units:]

    penalty = np.concatenate([
        np.full(n_linear - intercepts, L2), np.zeros(intercepts),
        np.full(dims * units, CONTEXT_L2), np.zeros(units), np.full(units or dims, CONTEXT_L2),
    ])

    def loss(theta):
        linear, hidden, hidden_bias, outer = unpack(theta)
        if units:
            pre = states @ hidden + hidden_bias
            active = np.maximum(pre, 0.0)
        else:
            active = states
        z = x @ linear + (active @ outer).astype(np.float64)
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
        value = -np.sum(w * (y * np.log(p + 1e-12) + (1 - y) * np.log(1 - p + 1e-12)))
        value += 0.5 * np.sum(penalty * theta * theta)
        r = w * (p - y)
        r32 = r.astype(np.float32)
        parts = [x.T @ r]
        if units:
            back = np.outer(r32, outer) * (pre > 0)
            parts += [(states.T @ back).ravel(), back.sum(axis=0), active.T @ r32]
        else:
            parts.append(states.T @ r32)
        return value, np.concatenate(parts).astype(np.float64) + penalty * theta

    rng = np.random.default_rng(SEED)
    start = [np.zeros(n_linear)]
    if units:
        start += [rng.normal(0, dims ** -0.5, dims * units), np.zeros(units),
                  rng.normal(0, 0.1, units)]
    else:
        start.append(np.zeros(dims))
    result = optimize.minimize(loss, np.concatenate(start), jac=True, method="L-BFGS-B",
                               options={"maxiter": 300})
    return result.x, unpack


def cross_fit_thresholds(rows, corpora, parsed, sentiment, folds: int = 3):
    """Per corpus, the threshold and phrase growth with the best span F1 over three-fold
    cross-fitted scores."""
    grid = [round(0.05 * k, 2) for k in range(1, 15)]
    scored: dict[str, list] = {name: [] for name in rows}
    for fold in range(folds):
        train = {n: [r for k, r in enumerate(docs) if k % folds != fold]
                 for n, docs in rows.items()}
        weights, intercepts, context = fit(train)
        model = LoadedModel({"weights": weights, "intercepts": intercepts, "context": context,
                             "sentiment": sentiment, "threshold": 0.5, "domain": DOMAIN})
        for name, docs in corpora.items():
            for k, (sdoc, doc, r) in enumerate(zip(parsed[name], docs, rows[name])):
                if k % folds == fold:
                    states = np.zeros((len(sdoc), r.states.shape[1]), dtype=np.float32)
                    keep = [i for i, t in enumerate(sdoc) if scorable(t)]
                    states[keep] = r.states
                    scores = model.word_scores(sdoc, domain=name, states=states)
                    scored[name].append((sdoc, doc, scores))
    thresholds, expand = {}, {}
    for name, items in scored.items():
        best = (-1.0, 0.0, False)
        for grow in (False, True):
            model = LoadedModel({"weights": {}, "intercepts": {}, "sentiment": {},
                                 "threshold": 0.5, "domain": name, "expand": {name: grow}})
            for t in grid:
                f1 = score_spans(name, items, model, t)
                if f1 > best[0] + 1e-9 or (abs(f1 - best[0]) <= 1e-9 and t < best[1]):
                    best = (f1, t, grow)
        _, thresholds[name], expand[name] = best
    return thresholds, expand


def fit_sentences(docs: Sequence[bias.Doc], parsed, cache: str | None) -> dict:
    """The sentence classifier: logistic regression over MiniLM embeddings and lemmas.

    L2 strength and threshold are chosen by three-fold cross-validation on ``docs``."""
    from counterpoint.analyze.embed import Embedder

    file = Path(cache) / "babe-train-embeddings.npy" if cache else None  # rows follow docs
    if file is not None and file.is_file() and len(np.load(file)) == len(docs):
        vectors = np.load(file)
    else:
        vectors = Embedder(threads=2).encode([d.text for d in docs])
        if file is not None:
            np.save(file, vectors)
    counts = Counter(lemma for sdoc in parsed for lemma in _lemmas(sdoc))
    vocabulary = sorted(w for w, c in counts.items() if c >= MIN_COUNT)
    index = {w: k for k, w in enumerate(vocabulary)}
    rows, cols = [], []
    for r, sdoc in enumerate(parsed):
        for lemma in _lemmas(sdoc):
            if lemma in index:
                rows.append(r)
                cols.append(index[lemma])
    words = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)),
                              shape=(len(docs), len(index)))
    x = sparse.hstack([sparse.csr_matrix(vectors * EMBEDDING_SCALE), words,
                       sparse.csr_matrix(np.ones((len(docs), 1)))]).tocsr()
    y = np.array([1.0 if d.biased else 0.0 for d in docs])
    best = (-1.0, 0.0, 0.0)
    for l2 in (3.0, 10.0, 30.0):
        probabilities = np.zeros(len(docs))
        for fold in range(3):
            test = np.arange(len(docs)) % 3 == fold
            theta = _logistic(x[~test], y[~test], l2)
            probabilities[test] = 1.0 / (1.0 + np.exp(-(x[test] @ theta)))
        for t in (0.3, 0.35, 0.4, 0.45, 0.5):
            f1 = _f1(probabilities >= t, y > 0)
            if f1 > best[0]:
                best = (f1, l2, t)
    theta = _logistic(x, y, best[1])
    dims = vectors.shape[1]
    return {
        "embedding": [round(float(v) * EMBEDDING_SCALE, 5) for v in theta[:dims]],
        "words": {w: round(float(theta[dims + k]), 4) for w, k in index.items()
                  if abs(theta[dims + k]) >= 1e-3},
        "bias": round(float(theta[-1]), 4),
        "threshold": best[2],
        "l2": best[1],
        "cross_validated_f1": round(best[0], 4),
    }


def _lemmas(sdoc) -> set[str]:
    return {t.lemma_.lower() for t in sdoc if t.is_alpha}


def _logistic(x, y, l2: float):
    penalty = np.ones(x.shape[1])
    penalty[-1] = 0.0

    def loss(theta):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ theta, -30, 30)))
        value = -np.sum(y * np.log(p + 1e-12) + (1 - y) * np.log(1 - p + 1e-12))
        return value + 0.5 * l2 * np.sum(penalty * theta * theta), (
            x.T @ (p - y) + l2 * penalty * theta)

    return optimize.minimize(loss, np.zeros(x.shape[1]), jac=True, method="L-BFGS-B").x


def _f1(predicted, truth) -> float:
    tp = float(np.sum(predicted & truth))
    return 2 * tp / (np.sum(predicted) + np.sum(truth)) if tp else 0.0


def score_spans(name: str, scored, model: LoadedModel, threshold: float) -> float:
    """The corpus's headline F1 for spans cut at ``threshold``."""
    predicted, gold = [], []
    pred_words: dict[str, set[str]] = {}
    gold_words: dict[str, set[str]] = {}
    for sdoc, doc, scores in scored:
        for span in model.spans(sdoc, scores=scores, threshold=threshold, domain=name):
            a, b = sdoc[span.start].idx, sdoc[span.end - 1].idx + len(sdoc[span.end - 1].text)
            predicted.append((doc.key, a, b))
            pred_words.setdefault(doc.key, set()).update(bias.words(sdoc.text[a:b]))
        for g in doc.spans:
            if g.kind in {"lex", "loaded_language"}:
                gold.append((doc.key, g.start, g.end))
        gold_words[doc.key] = set(doc.biased_words)
    if name == "babe":
        return word_sets(pred_words, gold_words).f1
    if name == "ptc":
        return partial(predicted, gold).f1
    return overlap(predicted, gold).f1


if __name__ == "__main__":
    sys.exit(main())
