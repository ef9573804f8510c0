"""Train counterpoint's loaded-word model and write ``analyze/data/loaded.json.gz``.

Usage::

    .venv/bin/python scripts/train_loaded.py --data ../shared/eval
    .venv/bin/python scripts/train_loaded.py --data ../shared/eval --cache /tmp/parsed

It reads BASIL (lexical-bias spans), BABE (biased words) and PTC (Loaded_Language
and Name_Calling spans) with ``benchmarks/bias.py``, keeps the documents outside the
fixed held-out part (:func:`benchmarks.bias.held_out`: by BASIL event, PTC article,
BABE sentence hash), parses them with spaCy, and fits one logistic regression over
word features with one intercept per corpus (L2-regularised, L-BFGS). Each corpus's
threshold is the one that maximises its span F1 in three-fold cross-fitting on the
training part. The word-sentiment table comes from the VADER lexicon
(``vaderSentiment``, MIT licence). The model file records the keys of the documents
it was trained on, so benchmarks score only the others. ``--cache`` keeps the parses
between runs. The run time is printed at the end.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections import Counter
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import numpy as np
from scipy import optimize, sparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from benchmarks import bias  # noqa: E402
from benchmarks.spans import overlap, partial, word_sets  # noqa: E402
from counterpoint.analyze.loaded import MODEL_FILE, LoadedModel, features  # noqa: E402
from counterpoint.analyze.nlp import load_nlp  # noqa: E402

OUTPUT = ROOT / "src" / "counterpoint" / "analyze" / "data" / MODEL_FILE
DOMAIN = "basil"
MIN_COUNT = 2
L2 = 1.0
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
    sentiment = vader_lexicon()
    rows = {
        name: [doc_rows(sdoc, doc, sentiment) for sdoc, doc in zip(parsed[name], docs)]
        for name, docs in corpora.items()
    }
    thresholds = cross_fit_thresholds(rows, corpora, parsed, sentiment)
    _log(started, f"thresholds {thresholds}")
    weights, intercepts = fit({n: [r for d in docs for r in d] for n, docs in rows.items()})
    _log(started, "word model fitted")
    sentence = fit_sentences(corpora["babe"], parsed["babe"], args.cache)
    _log(started, f"sentence model fitted, threshold {sentence['threshold']}")
    model = {
        "weights": {f: round(w, 4) for f, w in weights.items() if abs(w) >= 5e-4},
        "intercepts": {n: round(b, 4) for n, b in intercepts.items()},
        "thresholds": thresholds,
        "threshold": thresholds[DOMAIN],
        "domain": DOMAIN,
        "sentiment": sentiment,
        "sentence": sentence,
        "meta": {
            "trained": date.today().isoformat(),
            "command": "python scripts/train_loaded.py --data ../shared/eval",
            "l2": L2,
            "min_count": MIN_COUNT,
            "tokens": {n: sum(len(d) for d in docs) for n, docs in rows.items()},
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


def doc_rows(sdoc, doc: bias.Doc, sentiment) -> list[tuple[list[str], int]]:
    """(features, 0/1) for every scorable token of one training document."""
    if doc.dataset == "babe":
        marked = set(doc.biased_words)
        positive = [bool(set(bias.words(t.text)) & marked) for t in sdoc]
    else:
        kinds = KINDS[doc.dataset]
        spans = [(g.start, g.end) for g in doc.spans if g.kind in kinds]
        positive = [
            any(t.idx < e and s < t.idx + len(t.text) for s, e in spans) for t in sdoc
        ]
    return [
        (features(sdoc, i, sentiment), int(positive[i]))
        for i, t in enumerate(sdoc)
        if scorable(t)
    ]


def fit(rows: dict[str, list[tuple[list[str], int]]]) -> tuple[dict[str, float], dict[str, float]]:
    """Logistic regression with one intercept per corpus; returns weights and intercepts."""
    counts = Counter(f for items in rows.values() for feats, _ in items for f in set(feats))
    index = {f: k for k, f in enumerate(sorted(f for f, c in counts.items() if c >= MIN_COUNT))}
    names = sorted(rows)
    width = len(index) + len(names)
    data, cols, indptr, labels, weights = [], [], [0], [], []
    for d, name in enumerate(names):
        items = rows[name]
        share = 1.0 / max(len(items), 1)  # each corpus weighs the same in the loss
        for feats, label in items:
            cs = sorted({index[f] for f in feats if f in index}) + [len(index) + d]
            cols.extend(cs)
            data.extend([1.0] * len(cs))
            indptr.append(len(cols))
            labels.append(label)
            weights.append(share)
    x = sparse.csr_matrix((data, cols, indptr), shape=(len(labels), width), dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    w = np.asarray(weights) * len(labels) / len(names)  # mean weight 1
    penalty = np.ones(width)
    penalty[len(index):] = 0.0  # intercepts are not shrunk

    def loss(theta):
        z = x @ theta
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
        value = -np.sum(w * (y * np.log(p + 1e-12) + (1 - y) * np.log(1 - p + 1e-12)))
        value += 0.5 * L2 * np.sum(penalty * theta * theta)
        grad = x.T @ (w * (p - y)) + L2 * penalty * theta
        return value, grad

    theta0 = np.zeros(width)
    result = optimize.minimize(loss, theta0, jac=True, method="L-BFGS-B",
                               options={"maxiter": 300})
    theta = result.x
    features_out = {f: float(theta[k]) for f, k in index.items()}
    intercepts = {name: float(theta[len(index) + d]) for d, name in enumerate(names)}
    return features_out, intercepts


def cross_fit_thresholds(rows, corpora, parsed, sentiment, folds: int = 3) -> dict[str, float]:
    """Per corpus, the threshold with the best span F1 over three-fold cross-fitted scores."""
    grid = [round(0.05 * k, 2) for k in range(1, 15)]
    scored: dict[str, list] = {name: [] for name in rows}
    for fold in range(folds):
        train = {n: [r for k, d in enumerate(docs) if k % folds != fold for r in d]
                 for n, docs in rows.items()}
        weights, intercepts = fit(train)
        model = LoadedModel({"weights": weights, "intercepts": intercepts,
                             "sentiment": sentiment, "threshold": 0.5, "domain": DOMAIN})
        for name, docs in corpora.items():
            for k, (sdoc, doc) in enumerate(zip(parsed[name], docs)):
                if k % folds == fold:
                    scored[name].append((sdoc, doc, model.word_scores(sdoc, domain=name)))
    out = {}
    for name, items in scored.items():
        model = LoadedModel({"weights": {}, "intercepts": {}, "sentiment": {},
                             "threshold": 0.5, "domain": DOMAIN})
        out[name] = max(grid, key=lambda t: (score_spans(name, items, model, t), -t))
    return out


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
        for span in model.spans(sdoc, scores=scores, threshold=threshold):
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
