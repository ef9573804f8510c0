"""How well facts align across articles, measured on annotated news.

**MRPC** (``--dataset mrpc --data ../shared/eval/mrpc``): the same-claim cross-encoder
(:mod:`counterpoint.analyze.cross`, trained on ``msr_paraphrase_train.txt`` only) scored on
every other ``msr_paraphrase_*.txt`` in the folder: ``accuracy`` and ``f1`` of the positive
class, with ``baselines`` always-same, MiniLM cosine at the threshold best on the training
part, and the logistic content model over pair features (:mod:`counterpoint.compare.same`).

No public data set marks "the same fact" across outlets, so the rest measure two proxies.

**ECB+** (``--data ../shared/eval/ecbplus``, the main measure). Annotators linked every
mention of an action ("killed", "arrested", "checked into rehab") to the real-world action
it refers to, across documents. Two fully annotated sentences of different documents that
mention the same action state the same fact; two that share none do not. For each topic,
the first ``--docs`` documents of each of its two sub-topics (two different real events of
the same kind, e.g. two earthquakes) are compared as one event, so that facts about a
similar but different happening must stay apart. Scores are pairwise precision, recall and
F1 over sentence pairs from different documents (a sentence pair is aligned when the two
sentences fall in one fact), plus the same restricted to pairs of one sub-topic.

**BASIL** (``--data ../shared/eval/basil``). Experts marked *informational bias*: content
one outlet includes selectively (background, speculation, a tangential quote). For each
event (Fox, NYT, HuffPost), the share of such sentences that come out as ``single_source``
is compared with the share of the other sentences: a useful alignment leaves more of the
selective content single-source than the rest (lift above 1). It is a weak proxy: shared
content can be marked too, and single-source content is not always biased.

Both align claims with the trained pair model over sentence embeddings and, in the same run,
with the lemma vectors that stand in for embeddings when there is no embedder, as the
baseline. ECB+ prints ``pair_precision``, ``pair_recall``, ``pair_f1`` and
``same_event_pair_precision`` for the semantic system at the top level.

Usage::

    .venv/bin/python benchmarks/facts.py --dataset mrpc --data ../shared/eval/mrpc
    .venv/bin/python benchmarks/facts.py --dataset ecbplus --data ../shared/eval/ecbplus
    .venv/bin/python benchmarks/facts.py --dataset basil --data ../shared/eval/basil --limit 10

A table goes to stderr; the last line of stdout is one JSON object.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.throughput import machine
from counterpoint.analyze import analyze_many
from counterpoint.analyze.embed import default_embedder
from counterpoint.compare.facts import align
from counterpoint.ingest import article_from_text
from counterpoint.model import Analysis, Article, Fact
from counterpoint.resolve import resolve

SYSTEMS = ("semantic", "lexical")
DEV_TOPICS = ("2", "5", "12", "18", "21", "23", "34", "35")


@dataclass(frozen=True, slots=True)
class Case:
    """Articles compared as one event, with a gold label per line of each text."""

    name: str
    articles: tuple[Article, ...]
    gold: dict[tuple[str, int], frozenset[str]]
    """(article id, line or sentence number) -> gold labels (ECB+: action clusters)."""
    group: dict[str, str]
    """article id -> sub-topic (ECB+) or outlet (BASIL)."""


def facts_for(case: Case, analyses: dict[str, Analysis], *, semantic: bool) -> tuple[Fact, ...]:
    members = {a.id: a for a in case.articles}
    entities = resolve(case.name, analyses)
    entity_of = {(m.article, m.start): e.id for e in entities for m in e.mentions}
    embed = default_embedder().encode if semantic else None
    return align(case.name, members, analyses, entity_of, embed=embed)


# --- ECB+ -----------------------------------------------------------------------------


def ecbplus_cases(path: Path, *, topics: int | None, docs: int, dev: bool) -> list[Case]:
    from benchmarks.ecbplus import load, validated_sentences

    corpus = load(path, mentions=True)
    validated = validated_sentences(path)
    by_topic: dict[str, list] = defaultdict(list)
    for doc in corpus:
        by_topic[doc.topic].append(doc)
    names = [t for t in by_topic if not dev or t in DEV_TOPICS][:topics]
    cases = []
    for topic in names:
        chosen = []
        for subtopic in (f"{topic}_ecb", f"{topic}_ecbplus"):
            subs = [d for d in by_topic[topic] if d.subtopic == subtopic]
            chosen += [d for d in subs if any(n == d.name for n, _ in validated)][:docs]
        articles, gold, group = [], {}, {}
        for doc in chosen:
            article = article_from_text(doc.text, source=str(doc.path), outlet=doc.name)
            articles.append(article)
            group[article.id] = doc.subtopic
            lines = _line_numbers(doc)
            for mention in doc.mentions:
                line = lines.get(mention.sentence)
                if line is None or (doc.name, mention.sentence) not in validated:
                    continue
                labels = gold.setdefault((article.id, line), frozenset())
                if mention.tag.startswith(("ACTION", "NEG")) and "#" not in mention.cluster:
                    gold[(article.id, line)] = labels | {mention.cluster}
            for number in {s for n, s in validated if n == doc.name}:
                if number in lines:
                    gold.setdefault((article.id, lines[number]), frozenset())
        cases.append(Case(f"ecb{topic}", tuple(articles), gold, group))
    return cases


def _line_numbers(doc) -> dict[int, int]:
    """XML sentence number -> line of the detokenised text, for sentences with mentions."""
    line_starts = [0] + [i + 1 for i, c in enumerate(doc.text) if c == "\n"]
    return {m.sentence: bisect.bisect_right(line_starts, m.start) - 1 for m in doc.mentions}


def ecbplus_score(cases, analyses, *, semantic: bool) -> dict:
    counts = {"all": [0, 0, 0], "same_event": [0, 0, 0]}  # tp, fp, fn
    sentences = [0, 0, 0]  # correct, predicted shared, gold shared
    for case in cases:
        facts = facts_for(case, {a.id: analyses[a.id] for a in case.articles}, semantic=semantic)
        fact_of: dict[tuple[str, int], set[int]] = defaultdict(set)
        shared: set[tuple[str, int]] = set()
        for number, fact in enumerate(facts):
            for report in fact.reports:
                article = next(a for a in case.articles if a.id == report.article)
                line = article.text.count("\n", 0, report.start)
                fact_of[(report.article, line)].add(number)
                if len({r.article for r in fact.reports}) > 1:
                    shared.add((report.article, line))
        partners: dict[tuple[str, int], set[str]] = defaultdict(set)
        for (a, la), (b, lb) in itertools.combinations(sorted(case.gold), 2):
            if a == b:
                continue
            gold = bool(case.gold[(a, la)] & case.gold[(b, lb)])
            predicted = bool(fact_of[(a, la)] & fact_of[(b, lb)])
            for key in ("all", "same_event") if case.group[a] == case.group[b] else ("all",):
                c = counts[key]
                c[0] += gold and predicted
                c[1] += predicted and not gold
                c[2] += gold and not predicted
            if gold:
                partners[(a, la)].add("gold")
                partners[(b, lb)].add("gold")
                if predicted:
                    partners[(a, la)].add("linked")
                    partners[(b, lb)].add("linked")
        for key in case.gold:
            sentences[0] += "linked" in partners[key]
            sentences[1] += key in shared
            sentences[2] += "gold" in partners[key]
    correct, predicted, gold = sentences
    scores = {key: _prf(*c) for key, c in counts.items()}
    scores["sentences"] = _prf(correct, predicted - correct, gold - correct)
    return scores


def _prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "pairs": tp + fn}


# --- BASIL ----------------------------------------------------------------------------


def basil_cases(path: Path, *, limit: int | None) -> list[Case]:
    files = sorted(path.glob("articles/*/*.json"))
    if not files:
        raise FileNotFoundError(
            f"No BASIL articles under {str(path)!r}/articles; pass the basil folder, "
            "e.g. ../shared/eval/basil"
        )
    triplets: dict[str, list[Path]] = defaultdict(list)
    for file in files:
        triplets[file.stem.rsplit("_", 1)[0]].append(file)
    cases = []
    for key in sorted(triplets)[:limit]:
        articles, gold, group = [], {}, {}
        for file in sorted(triplets[key]):
            record = json.loads(file.read_text(encoding="utf-8"))
            folder = file.parents[2] / "annotations" / file.parent.name
            annotation = folder / f"{file.stem}_ann.json"
            spans = json.loads(annotation.read_text("utf-8")) if annotation.exists() else {}
            informational = {
                int(s["id"][1:])
                for s in spans.get("phrase-level-annotations", [])
                if s.get("bias") == "inf" and str(s.get("id", "")).startswith("p")
            }
            paragraphs = record.get("body-paragraphs") or []
            sentences = [s for p in paragraphs for s in p]
            text = "\n".join(sentences)  # one sentence per line
            outlet = str(record.get("source", "")).lower()
            article = article_from_text(text, source=str(file), outlet=outlet)
            articles.append(article)
            group[article.id] = outlet
            for number in range(len(sentences)):
                gold[(article.id, number)] = frozenset({"inf"} if number in informational else ())
        cases.append(Case(f"basil-{key}", tuple(articles), gold, group))
    return cases


def basil_score(cases, analyses, *, semantic: bool) -> dict:
    flagged = {"inf": [0, 0], "other": [0, 0]}  # single-source, total
    for case in cases:
        facts = facts_for(case, {a.id: analyses[a.id] for a in case.articles}, semantic=semantic)
        single: dict[tuple[str, int], bool] = {}
        for fact in facts:
            for report in fact.reports:
                article = next(a for a in case.articles if a.id == report.article)
                line = article.text.count("\n", 0, report.start)
                single[(report.article, line)] = fact.status == "single_source"
        for key, labels in case.gold.items():
            if key not in single:
                continue
            kind = "inf" if labels else "other"
            flagged[kind][0] += single[key]
            flagged[kind][1] += 1
    rate = {k: (v[0] / v[1] if v[1] else 0.0) for k, v in flagged.items()}
    return {
        "single_source_informational": round(rate["inf"], 4),
        "single_source_other": round(rate["other"], 4),
        "lift": round(rate["inf"] / rate["other"], 3) if rate["other"] else None,
        "sentences_informational": flagged["inf"][1],
        "sentences_other": flagged["other"][1],
    }


# --- running ---------------------------------------------------------------------------


def mrpc_result(folder: Path) -> dict:
    """The content model and its baselines on MRPC's non-training parts."""
    from benchmarks import mrpc
    from counterpoint.analyze.embed import default_embedder
    from counterpoint.compare.same import default_models

    train = [p for f in mrpc.files(folder, train=True) for p in mrpc.load(f)]
    test = [p for f in mrpc.files(folder, train=False) for p in mrpc.load(f)]
    from counterpoint.analyze.cross import default_cross_encoder

    rows, labels, cosines = mrpc.featurize(test)
    model = default_models().content
    logistic = model.probability(rows) >= model.threshold
    cross = default_cross_encoder()
    if cross is not None:
        predicted = cross.logits([(p.first, p.second) for p in test]) >= cross.threshold
    else:
        predicted = logistic
    embed = default_embedder().encode
    train_labels = np.array([p.label for p in train], dtype=float)
    a = np.asarray(embed([p.first for p in train]))
    b = np.asarray(embed([p.second for p in train]))
    cut = mrpc.best_threshold((a * b).sum(axis=1), train_labels)
    return {
        "benchmark": "facts",
        "dataset": "mrpc",
        "data": str(folder),
        "pairs": len(test),
        **mrpc.accuracy_f1(predicted, labels),
        "model": "cross_encoder" if cross is not None else "logistic_features",
        "baselines": {
            "logistic_features": mrpc.accuracy_f1(logistic, labels),
            "always_same": mrpc.accuracy_f1(np.ones(len(labels), dtype=bool), labels),
            "minilm_cosine": mrpc.accuracy_f1(cosines >= cut, labels) | {"threshold": cut},
        },
        "date": date.today().isoformat(),
        "machine": machine(),
    }


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    data = Path(args.data)
    if not data.exists():
        print(f"No such folder {str(data)!r}; pass --data with the mrpc, ecbplus or basil "
              "folder", file=sys.stderr)
        return 2
    kind = args.dataset or ("basil" if (data / "annotations").is_dir() else "ecbplus")
    if kind == "mrpc":
        result = mrpc_result(data)
        print(f"MRPC {result['pairs']} pairs: accuracy {result['accuracy']:.3f} "
              f"F1 {result['f1']:.3f}; baselines {result['baselines']}", file=sys.stderr)
        print(json.dumps(result))
        return 0
    started = time.perf_counter()
    if kind == "ecbplus":
        cases = ecbplus_cases(data, topics=args.topics, docs=args.docs, dev=args.dev)
        score = ecbplus_score
    else:
        cases = basil_cases(data, limit=args.limit)
        score = basil_score
    articles = [a for case in cases for a in case.articles]
    analyses = {a.id: an for a, an in zip(articles, analyze_many(articles, workers=args.workers))}
    analysed = time.perf_counter()
    results = {}
    for system in SYSTEMS:
        begin = time.perf_counter()
        results[system] = score(cases, analyses, semantic=system == "semantic")
        results[system]["seconds"] = round(time.perf_counter() - begin, 2)
    top = {}
    if kind == "ecbplus":
        semantic = results["semantic"]
        top = {
            "pair_precision": semantic["all"]["precision"],
            "pair_recall": semantic["all"]["recall"],
            "pair_f1": semantic["all"]["f1"],
            "same_event_pair_precision": semantic["same_event"]["precision"],
        }
    result = {
        "benchmark": "facts",
        "data": str(data),
        "kind": kind,
        **top,
        "events": len(cases),
        "articles": len(articles),
        "analyse_seconds": round(analysed - started, 1),
        "date": date.today().isoformat(),
        "machine": machine(),
        "results": results,
    }
    _table(result)
    print(json.dumps(result))
    return 0


def _table(result: dict) -> None:
    out = sys.stderr
    print(f"facts on {result['kind']}: {result['events']} events, {result['articles']} articles",
          file=out)
    for system, r in result["results"].items():
        if result["kind"] == "ecbplus":
            for key in ("all", "same_event", "sentences"):
                s = r[key]
                print(f"  {system:<9} {key:<11} P {s['precision']:.3f}  R {s['recall']:.3f}  "
                      f"F1 {s['f1']:.3f}  ({s['pairs']} gold pairs)", file=out)
        else:
            print(f"  {system:<9} single-source: "
                  f"informational {r['single_source_informational']:.3f}  "
                  f"other {r['single_source_other']:.3f}  lift {r['lift']}", file=out)
    if result["kind"] == "ecbplus":
        sem, lex = result["results"]["semantic"]["all"], result["results"]["lexical"]["all"]
        if lex["f1"]:
            print(f"  F1 ratio semantic / lexical: {sem['f1'] / lex['f1']:.2f}", file=out)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, help="the mrpc, ecbplus or basil folder")
    parser.add_argument("--dataset", choices=("mrpc", "ecbplus", "basil"), default=None,
                        help="which data set --data holds (default: guessed from the folder)")
    parser.add_argument("--topics", type=int, default=None, help="ECB+: the first N topics")
    parser.add_argument("--docs", type=int, default=4, help="ECB+: documents per sub-topic")
    parser.add_argument("--dev", action="store_true", help="ECB+: the standard dev topics only")
    parser.add_argument("--limit", type=int, default=None, help="BASIL: the first N events")
    parser.add_argument("--workers", type=int, default=1)
    return parser


if __name__ == "__main__":
    raise SystemExit(main())
