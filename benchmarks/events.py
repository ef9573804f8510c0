"""How well counterpoint groups articles into events, against two baselines.

    python benchmarks/events.py --dataset ecbplus --data ../shared/eval/ecbplus
    python benchmarks/events.py --dataset basil --data ../shared/eval/basil
    python benchmarks/events.py --dataset allsides --data ../shared/eval/allsides/roundups.jsonl

All documents of the split are clustered together (not topic by topic) and scored
with B-cubed precision, recall and F1 against the gold events (ECB+ sub-topic,
BASIL triplet, AllSides story). With ``--per-topic`` (ECB+ only) each topic's
documents are clustered alone, as in a small store, and precision, recall and F1
are the means over the topics; the baselines then get one (weight, threshold) for
all topics, the one with the best mean F1.

counterpoint's grouping sees the split as one ``counterpoint ingest`` of all its
files would: term statistics from the whole batch, then the articles placed one at
a time in order of publication, ties (and undated corpora such as ECB+) by article
id, whatever order they are handed over in (here, a shuffled order).

The baselines see the whole split at once and have their thresholds tuned on it,
which flatters them:

- ``tfidf``: TF-IDF cosine (lower-cased words, sublinear tf, l2) with
  average-linkage agglomerative clustering, the distance threshold picked from a
  grid for the best F1;
- ``tfidf+minilm``: the same on ``w * tfidf + (1 - w) * minilm`` similarities
  (MiniLM lead embeddings, as counterpoint computes them), ``w`` and the threshold
  both picked from a grid.

The last line of stdout is JSON: ``precision``, ``recall``, ``f1``, ``events``,
``pools`` (1, or the number of topics), ``baselines`` ({name: {precision, recall, f1,
threshold, ...}}), ``orders`` (the scores of each order the articles were handed over
in, the first being the one above; ``--orders N`` adds N-1 more, which shows the
events do not depend on it) and timings. For AllSides, ``news_stories`` gives the scores
over the stories that are not opinion roundups ("Perspectives: …"): AllSides keeps the
opinion on a happening apart from its news story on it, where counterpoint sees one
happening. For ECB+, ``like_happenings`` says how many events mix gold events, how many
of those lie within one topic, and the scores had each topic's two like happenings been
told apart.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

import numpy as np

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpora import DATASETS, allsides_perspectives
from benchmarks.metrics import bcubed
from counterpoint.analyze import analyze_many
from counterpoint.group import group
from counterpoint.model import Analysis, Article

SEED = 13


def main(argv: Sequence[str] | None = None) -> int:
    options = parser(__doc__)
    options.add_argument(
        "--per-topic",
        action="store_true",
        help="ECB+ only: cluster each topic's documents alone and average the scores",
    )
    options.add_argument(
        "--orders",
        type=int,
        default=1,
        help="also hand the articles over in N-1 other shuffled orders "
        "(seeds after the first) and report each order's scores",
    )
    args = options.parse_args(argv)
    if args.per_topic and args.dataset != "ecbplus":
        options.error("--per-topic needs --dataset ecbplus (only ECB+ groups its events in topics)")
    pairs = DATASETS[args.dataset](args.data)
    if args.limit:
        pairs = pairs[: args.limit]
    articles = [a for a, _ in pairs]
    gold = {a.id: g for a, g in pairs}

    started = time.perf_counter()
    analyses = analyse(articles, workers=args.workers, cache=args.cache)
    analyse_s = time.perf_counter() - started

    pools = [articles]
    if args.per_topic:  # an ECB+ sub-topic is "<topic>_ecb" or "<topic>_ecbplus"
        by_topic: dict[str, list[Article]] = {}
        for article in articles:
            by_topic.setdefault(gold[article.id].split("_")[0], []).append(article)
        pools = list(by_topic.values())

    events, scores, group_s = _group_pools(pools, analyses, gold, SEED)
    orders = [{"seed": SEED, **_rounded(_mean(scores))}]
    for seed in range(SEED + 1, SEED + args.orders):
        _, other, _ = _group_pools(pools, analyses, gold, seed)
        orders.append({"seed": seed, **_rounded(_mean(other))})

    baseline_pools = []
    for pool in pools:
        vectors = np.array([analyses[a.id].embedding for a in pool], dtype=np.float32)
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
        baseline_pools.append(
            (
                vectors @ vectors.T,
                tfidf_similarity([a.text for a in pool]),
                [gold[a.id] for a in pool],
            )
        )
    baselines = {
        "tfidf": best_agglomerative(
            [(tfidf, tfidf, labels) for _, tfidf, labels in baseline_pools], weights=[1.0]
        ),
        "tfidf+minilm": best_agglomerative(
            baseline_pools, weights=[0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]
        ),
    }
    ours = _mean(scores)
    result = {
        "dataset": args.dataset,
        "pools": len(pools),
        "articles": len(articles),
        "gold_events": len(set(gold.values())),
        "events": len(events),
        "precision": round(ours["precision"], 4),
        "recall": round(ours["recall"], 4),
        "f1": round(ours["f1"], 4),
        "copies": sum(len(e.copies) for e in events),
        "baselines": baselines,
        "ratio_to_best_baseline": round(ours["f1"] / max(b["f1"] for b in baselines.values()), 3),
        "orders": orders,
        "analyse_s": round(analyse_s, 1),
        "group_s": round(group_s, 3),
    }
    if args.dataset == "allsides":
        result["news_stories"] = _news_stories(events, gold, allsides_perspectives(args.data))
    if args.dataset == "ecbplus":
        result["like_happenings"] = _like_happenings(events, gold)
    _print_table(result)
    print(json.dumps(result))
    return 0


def _like_happenings(events: Sequence, gold: dict[str, str]) -> dict:
    """Where ECB+ events mix gold events: how many events do, how many of those lie within
    one topic (its two like happenings, ``<topic>_ecb`` and ``<topic>_ecbplus``: two
    earthquakes, two rehab stays), and the scores had each topic's two happenings been
    told apart (each event split by the gold component)."""
    predicted = {a: e.id for e in events for a in e.article_ids}
    mixed = [golds for e in events if len(golds := {gold[a] for a in e.article_ids}) > 1]
    apart = bcubed({a: (predicted[a], gold[a].split("_")[-1]) for a in predicted}, gold)
    return {
        "mixed_events": len(mixed),
        "within_one_topic": sum(len({g.split("_")[0] for g in golds}) == 1 for golds in mixed),
        "told_apart": _rounded(asdict(apart)),
    }


def _news_stories(events: Sequence, gold: dict[str, str], opinion: set[str]) -> dict:
    """B-cubed over the articles of the AllSides stories that are not opinion roundups
    ("Perspectives: …", which often gather opinion on the happening of a news story of the
    same day or the day before); how many stories are left, and how many events hold both
    an opinion roundup and another story."""
    predicted = {a: e.id for e in events for a in e.article_ids}
    news = [a for a in predicted if gold[a] not in opinion]
    scores = bcubed({a: predicted[a] for a in news}, {a: gold[a] for a in news})
    stories = [{gold[a] for a in e.article_ids} for e in events]
    return {
        **_rounded(asdict(scores)),
        "stories": len({gold[a] for a in news}),
        "opinion_stories": len(opinion & set(gold.values())),
        "events_joining_opinion_to_another_story": sum(
            len(s) > 1 and bool(s & opinion) for s in stories
        ),
    }


def _group_pools(
    pools: Sequence[Sequence[Article]], analyses: dict[str, Analysis], gold: dict, seed: int
) -> tuple[list, list, float]:
    """Group each pool, handed over in the shuffled order of ``seed``: the events formed,
    each pool's B-cubed score, and the seconds grouping took."""
    events, scores, seconds = [], [], 0.0
    for pool in pools:
        handed = list(pool)
        random.Random(seed).shuffle(handed)
        started = time.perf_counter()
        formed = group((a, analyses[a.id]) for a in handed)
        seconds += time.perf_counter() - started
        predicted = {a: e.id for e in formed for a in e.article_ids}
        scores.append(bcubed(predicted, {a.id: gold[a.id] for a in pool}))
        events += formed
    return events, scores, seconds


def analyse(
    articles: Sequence[Article], *, workers: int, cache: Path | None
) -> dict[str, Analysis]:
    """Analyses by article id; with ``cache``, kept in a pickle between runs."""
    file = None
    if cache is not None:
        digest = hashlib.sha1("".join(a.id for a in articles).encode()).hexdigest()[:12]
        file = cache / f"analyses-{digest}-{analysis_version()}.pickle"
        if file.exists():
            return pickle.loads(file.read_bytes())
    result = {a.id: an for a, an in zip(articles, analyze_many(articles, workers=workers))}
    if file is not None:
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(pickle.dumps(result))
    return result


GROUPING_INPUTS = (
    "model.py",
    "lexicon.py",
    "analyze/__init__.py",
    "analyze/nlp.py",
    "analyze/embed.py",
    "analyze/entities.py",
)
"""The code that makes what grouping reads from an analysis (sentences, lemmas, names,
the lead embedding). A change elsewhere, say to the loaded-word model, leaves cached
analyses good for grouping benchmarks."""


def analysis_version() -> str:
    """A digest of ``GROUPING_INPUTS``: a cache never serves analyses grouping would not match."""
    from counterpoint import model

    root = Path(model.__file__).parent
    return hashlib.sha1(
        b"".join((root / name).read_bytes() for name in GROUPING_INPUTS)
    ).hexdigest()[:10]


def stream_order(articles: Sequence[Article]) -> list[Article]:
    """Articles in order of publication; ties (and undated articles) in a fixed shuffle."""
    shuffled = list(articles)
    random.Random(SEED).shuffle(shuffled)
    rank = {a.id: i for i, a in enumerate(shuffled)}
    return sorted(shuffled, key=lambda a: (a.published is not None, a.published or 0, rank[a.id]))


def tfidf_similarity(texts: Sequence[str]) -> np.ndarray:
    """Cosine similarities of TF-IDF vectors (lower-cased word tokens, sublinear tf)."""
    from scipy import sparse

    docs = [Counter(re.findall(r"[a-z0-9]+", t.lower())) for t in texts]
    vocabulary: dict[str, int] = {}
    rows, cols, values = [], [], []
    for row, counts in enumerate(docs):
        for word, n in counts.items():
            rows.append(row)
            cols.append(vocabulary.setdefault(word, len(vocabulary)))
            values.append(1.0 + np.log(n))
    matrix = sparse.csr_matrix((values, (rows, cols)), shape=(len(docs), len(vocabulary)))
    df = np.bincount(matrix.indices, minlength=len(vocabulary))
    idf = np.log((1 + len(docs)) / (1 + df)) + 1.0
    matrix = matrix @ sparse.diags(idf)
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1))).ravel()
    matrix = sparse.diags(1.0 / np.maximum(norms, 1e-12)) @ matrix
    return np.asarray((matrix @ matrix.T).todense(), dtype=np.float64)


def best_agglomerative(
    pools: Sequence[tuple[np.ndarray, np.ndarray, Sequence[str]]], *, weights: Sequence[float]
) -> dict[str, float]:
    """Average-linkage clustering of ``w * tfidf + (1 - w) * similarity`` in each pool of
    ``(similarity, tfidf, labels)``; the (w, threshold) on a grid that gives the best mean
    B-cubed F1 over the pools, one pair for all of them."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    best: dict[str, float] = {"f1": -1.0}
    for w in weights:
        trees = []
        for similarity, tfidf, labels in pools:
            distance = np.clip(1.0 - (w * tfidf + (1 - w) * similarity), 0.0, None)
            np.fill_diagonal(distance, 0.0)
            trees.append((linkage(squareform(distance, checks=False), method="average"), labels))
        for threshold in np.arange(0.30, 1.0, 0.02):
            score = _mean(
                [
                    bcubed(
                        dict(enumerate(fcluster(tree, t=threshold, criterion="distance").tolist())),
                        dict(enumerate(labels)),
                    )
                    for tree, labels in trees
                ]
            )
            if score["f1"] > best["f1"]:
                best = {
                    **_rounded(score),
                    "threshold": round(float(threshold), 2),
                    "tfidf_weight": w,
                }
    return best


def _rounded(scores: dict[str, float]) -> dict[str, float]:
    return {key: round(value, 4) for key, value in scores.items()}


def _mean(scores: Sequence) -> dict[str, float]:
    """Precision, recall and F1, each the mean over pools (one pool: its own scores)."""
    return {
        key: sum(getattr(score, key) for score in scores) / len(scores)
        for key in ("precision", "recall", "f1")
    }


def _print_table(r: dict) -> None:
    rows = [("counterpoint", r["precision"], r["recall"], r["f1"])] + [
        (name, b["precision"], b["recall"], b["f1"]) for name, b in r["baselines"].items()
    ]
    print(
        f"{r['dataset']}: {r['articles']} articles, {r['gold_events']} gold events, "
        f"{r['events']} events formed",
        file=sys.stderr,
    )
    print(f"{'clustering':<16}{'P':>8}{'R':>8}{'F1':>8}", file=sys.stderr)
    for name, p, rec, f in rows:
        print(f"{name:<16}{p:>8.3f}{rec:>8.3f}{f:>8.3f}", file=sys.stderr)
    if "like_happenings" in r:
        like = r["like_happenings"]
        print(
            f"{like['mixed_events']} events mix gold events, {like['within_one_topic']} of them "
            f"within one topic; with each topic's two happenings told apart: "
            f"F1 {like['told_apart']['f1']:.3f}",
            file=sys.stderr,
        )
    if "news_stories" in r:
        n = r["news_stories"]
        print(
            f"counterpoint on the {n['stories']} stories that are not opinion roundups: "
            f"P {n['precision']:.3f} R {n['recall']:.3f} F1 {n['f1']:.3f}; "
            f"{n['events_joining_opinion_to_another_story']} events join one of the "
            f"{n['opinion_stories']} opinion roundups to another story",
            file=sys.stderr,
        )


def parser(doc: str | None) -> argparse.ArgumentParser:
    """The options of a clustering benchmark on the events data sets (this one and its peers),
    described by the first paragraph of ``doc``."""
    options = argparse.ArgumentParser(description=(doc or "").split("\n\n")[0])
    options.add_argument("--dataset", choices=sorted(DATASETS), required=True)
    options.add_argument("--data", type=Path, required=True, help="folder or file of the data set")
    options.add_argument("--workers", type=int, default=2, help="analysis processes")
    options.add_argument("--limit", type=int, default=None, help="first N articles only")
    options.add_argument(
        "--cache",
        type=Path,
        default=None,
        help="keep analyses here between runs (a folder; kept per version of the analysis code)",
    )
    return options


if __name__ == "__main__":
    raise SystemExit(main())
