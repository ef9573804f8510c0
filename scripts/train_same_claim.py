"""Train the same-claim models (``counterpoint/compare/data/same_claim.json``).

Two logistic models, stacked (see :mod:`counterpoint.compare.same`):

- **content**, on the MRPC training part (``msr_paraphrase_train.txt`` in ``--mrpc``; no other
  part is read): each sentence analysed as the comparison analyses a report, the pair features
  of a sentence pair alone. Its ``threshold`` (best accuracy) comes from five-fold
  out-of-fold probabilities on the same training pairs.
- **event**, on the analysts' golds in ``--gold`` (``benchmarks/analyst_gold``: BASIL
  triplets and the bundled articles, inputs made by ``benchmarks/analyst_inputs.py``): every
  candidate pair of claims of different articles of each event, labelled the same when the
  gold sentences they fall in share a claim. Its ``strict`` threshold is the lowest whose
  leave-one-event-out precision reaches ``--precision``: what the comparison links on.
  (ECB+'s event coreference was tried as this model's training data and left: a pair there
  is "the same" when both sentences mention the topic's main action, so a model trained on
  it links every two reports of one happening.)

A few minutes on 2 cores, most of it analysing 7,000 MRPC sentences.

Usage::

    .venv/bin/python scripts/train_same_claim.py --mrpc ../shared/eval/mrpc \\
        --gold benchmarks/analyst_gold --inputs /tmp/analyst_inputs --cache /tmp/mrpc.npz
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import mrpc

from counterpoint.compare.same import (
    CLAIM_FEATURES,
    EVENT_FEATURES,
    FEATURES,
    PREFILTER,
    Models,
    default_models,
    fit,
)

PRECISION = 0.88
"""The pair precision the strict threshold is chosen for: complete-link facts are more precise
than their pairs (about 0.94 at this setting on the golds, left out one event at a time)."""
OUT = Path(__file__).resolve().parents[1] / "src/counterpoint/compare/data/same_claim.json"


def out_of_fold(rows, labels, names, groups=None, folds: int = 5) -> np.ndarray:
    """Each row's probability from a model fitted without its fold (a fold is a set of
    ``groups`` when given: an event's pairs never train the model that scores them)."""
    keys = groups if groups is not None else np.arange(len(rows))
    unique = np.random.default_rng(0).permutation(np.unique(keys))
    probability = np.zeros(len(rows))
    for k in range(folds):
        held = np.isin(keys, unique[k::folds])
        model = fit(rows[~held], labels[~held], names=names)
        probability[held] = model.probability(rows[held])
    return probability


def strict_threshold(probability: np.ndarray, labels: np.ndarray, precision: float) -> float:
    for t in np.arange(0.5, 0.995, 0.005):
        chosen = probability >= t
        if chosen.sum() and labels[chosen].mean() >= precision:
            return float(round(t, 3))
    return 0.99


def gold_rows(folder: Path, inputs: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Event features, labels and event number of every candidate claim pair of the golds in
    ``folder``: the same claim when the gold sentences the two claims fall in share one."""
    return gold_rows_of(sorted(folder.glob("*.json")), inputs)


def gold_rows_of(files, inputs: Path | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`gold_rows` of the given gold files (the event number is the file's place)."""
    pairs = gold_pairs_of(files, inputs)
    return (
        np.asarray([p["features"] for p in pairs]),
        np.asarray([p["label"] for p in pairs], dtype=float),
        np.asarray([p["event"] for p in pairs]),
    )


def gold_pairs_of(files, inputs: Path | None) -> list[dict]:
    """Every candidate claim pair of the given gold files, in a fixed order: the two claims'
    ``texts``, the event ``features``, the ``label`` (1.0 when the gold sentences the claims
    fall in share a claim) and the ``event`` (the file's place)."""
    from benchmarks.compare_gold import gold_pairs, load_gold, sentence_of

    from counterpoint.analyze import analyze_many
    from counterpoint.analyze.embed import default_embedder
    from counterpoint.compare.facts import _unit, claims_of
    from counterpoint.compare.same import event_rows
    from counterpoint.ingest import article_from_text

    out = []
    for number, file in enumerate(files):
        gold = load_gold(file, inputs)
        articles = {
            gid: article_from_text(text, source=gid, outlet=gid, id=gid)
            for gid, text in gold.texts.items()
        }
        analyses = {a.article_id: a for a in analyze_many(list(articles.values()))}
        members = claims_of(articles, analyses)
        units = [_unit(m, analyses) for m in members]
        vectors = np.asarray(default_embedder().encode([u.text for u in units]))
        order = {a: k for k, a in enumerate(articles)}
        article = np.array([order[a] for a, _ in members])
        rows, cols, table = event_rows(units, article, vectors @ vectors.T)
        wanted = gold_pairs(gold)
        sentence = [sentence_of(gold, a, c.start, c.end) for a, c in members]
        for k, (i, j) in enumerate(zip(rows, cols)):
            if sentence[i] is None or sentence[j] is None:
                continue
            out.append({
                "texts": (units[i].text, units[j].text),
                "features": table[k],
                "label": float(tuple(sorted((sentence[i], sentence[j]))) in wanted),
                "event": number,
            })
    return out


def event_model(rows, labels, events, *, precision: float = PRECISION):
    """The event model fitted on all ``rows``, its thresholds from leave-one-event-out
    probabilities (returned too)."""
    probability = out_of_fold(rows, labels, EVENT_FEATURES, groups=events,
                              folds=len(set(events.tolist())))
    model = replace(
        fit(rows, labels, names=EVENT_FEATURES),
        threshold=mrpc.best_threshold(probability, labels),
        strict=strict_threshold(probability, labels, precision),
    )
    return model, probability


def fold_logits(pairs: list[dict], first_stage: np.ndarray, names: list[str],
                folds: Path) -> np.ndarray:
    """The claim cross-encoder's logit of each pair past the first stage, each from the fold
    model of ``scripts/train_claim_pairs.py`` (in ``folds``) that never saw its event
    (``names``: the event of each number); NaN for the other pairs."""
    from counterpoint.analyze.cross import CrossEncoder

    logits = np.full(len(pairs), np.nan)
    held: dict[str, Path] = {}
    for path in sorted(folds.glob("fold*.npz")):
        with np.load(path) as data:
            held.update(dict.fromkeys(json.loads(bytes(data["meta"]).decode())["held_out"], path))
    missing = sorted(set(names) - set(held))
    if missing:
        raise SystemExit(f"no fold model in {folds} held out {', '.join(missing)}: run "
                         "scripts/train_claim_pairs.py on these golds")
    for path in dict.fromkeys(held.values()):
        encoder = CrossEncoder.from_path(path, threads=2)
        scored = [k for k, p in enumerate(pairs)
                  if first_stage[k] >= PREFILTER and held[names[p["event"]]] == path]
        logits[scored] = encoder.logits([pairs[k]["texts"] for k in scored])
    return logits


def claim_model(rows, labels, events, logits, first_stage, *, precision: float = PRECISION):
    """The second stage fitted on the pairs past the first (``first_stage`` at least
    :data:`PREFILTER`) that the cross-encoder scored out of fold (``logits``), its thresholds
    from leave-one-event-out probabilities; returns the model, the probabilities and the
    pairs' indices."""
    kept = np.nonzero((first_stage >= PREFILTER) & np.isfinite(logits))[0]
    x = np.hstack([rows[kept], logits[kept, None]])
    probability = out_of_fold(x, labels[kept], CLAIM_FEATURES, groups=events[kept],
                              folds=len(set(events[kept].tolist())))
    model = replace(
        fit(x, labels[kept], names=CLAIM_FEATURES),
        threshold=mrpc.best_threshold(probability, labels[kept]),
        strict=strict_threshold(probability, labels[kept], precision),
    )
    return model, probability, kept


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mrpc", type=Path, default=Path("../shared/eval/mrpc"))
    parser.add_argument("--gold", type=Path, default=Path("benchmarks/analyst_gold"))
    parser.add_argument("--inputs", type=Path, default=None, help="the golds' .jsonl inputs")
    parser.add_argument("--cache", type=Path, default=None, help="an .npz for the features")
    parser.add_argument("--precision", type=float, default=PRECISION)
    parser.add_argument("--cross-folds", type=Path, default=None,
                        help="the fold models of scripts/train_claim_pairs.py "
                        "(build/claim_pairs): train the second stage on their logits")
    parser.add_argument("--keep-content", action="store_true",
                        help="keep the shipped content model (MRPC is not read)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    mrpc_report = {}
    if args.keep_content:
        content = default_models().content
    else:
        cached = dict(np.load(args.cache)) if args.cache and args.cache.exists() else {}
        if "rows" not in cached:
            pairs = [p for f in mrpc.files(args.mrpc, train=True) for p in mrpc.load(f)]
            cached["rows"], cached["labels"], _ = mrpc.featurize(pairs)
        rows, labels = cached["rows"], cached["labels"]
        probability = out_of_fold(rows, labels, FEATURES)
        content = replace(fit(rows, labels), threshold=mrpc.best_threshold(probability, labels))
        if args.cache:
            np.savez(args.cache, rows=rows, labels=labels)
        mrpc_report = {
            "mrpc_pairs": len(rows),
            "mrpc_out_of_fold": mrpc.accuracy_f1(probability >= content.threshold, labels),
        }
    files = sorted(args.gold.glob("*.json"))
    pairs = gold_pairs_of(files, args.inputs)
    erows = np.asarray([p["features"] for p in pairs])
    elabels = np.asarray([p["label"] for p in pairs])
    events = np.asarray([p["event"] for p in pairs])
    event, eprob = event_model(erows, elabels, events, precision=args.precision)
    claim, report = None, {}
    if args.cross_folds:
        logits = fold_logits(pairs, eprob, [f.stem for f in files], args.cross_folds)
        claim, cprob, kept = claim_model(erows, elabels, events, logits, eprob,
                                         precision=args.precision)
        chosen = np.zeros(len(elabels), dtype=bool)
        chosen[kept] = cprob >= claim.strict
        report = {"gold_leave_one_event_out_second_stage_at_strict":
                  mrpc.accuracy_f1(chosen, elabels), "claim_strict": claim.strict}
    models = Models(content=content, event=event, claim=claim)
    args.out.write_text(json.dumps(models.to_json(), indent=1) + "\n")
    print(
        json.dumps(
            {
                **mrpc_report,
                "gold_pairs": len(erows),
                "gold_positive": round(float(elabels.mean()), 4),
                "gold_leave_one_event_out_at_strict": mrpc.accuracy_f1(
                    eprob >= event.strict, elabels
                ),
                "thresholds": {"content": content.threshold, "event_strict": event.strict},
                "model": str(args.out),
                **report,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
