"""What a reader is told, scored against an analyst's claim-level gold.

The gold's format and metrics are ``../shared/eval/analyst_gold/FORMAT.md``'s: one JSON file per
event listing every sentence with its claims, each claim's articles and status, every figure with
its scope, and the loaded labels with their actor and voice. Each gold names its inputs (a JSON
Lines file of the event's articles, looked up beside the gold, then in ``--inputs``).

The articles of each event are compared as one event (no grouping), and the comparison's JSON
document, the public contract, is scored:

- **agreed pairs**: cross-article sentence pairs inside one agreed or conflicting fact (each
  report mapped to the gold sentence it overlaps most) against the pairs that share a gold claim;
- **conflicts**: a conflicting fact is right when two of its sentences, of different articles,
  share a gold conflicting claim; recall over the gold conflicting claims;
- **single-source accuracy**: whether each gold sentence is left in no multi-article fact exactly
  when none of its claims is reported by another article;
- **figures**: a reported figure is right when it overlaps a gold figure's number in the same
  article with the same value; ``background_as_event`` counts reports in the event's rows that
  the gold calls background;
- **labels**: a gold label is found when a framing item overlaps it; its actor is right when the
  item's entity (its name or an alias) shares a name token with the gold actor ("(unlinked)"
  is wrong);
- **summary citations**: a cited article is right when it reports a claim of the gold sentence
  closest in words to the summary sentence.

The baseline, scored in the same run, pairs sentences of different articles whose content words
overlap by Jaccard ≥ 0.5 (its only output is agreed pairs).

The same-claim event model ships trained on ``benchmarks/analyst_gold``; scored there, use
``--leave-one-out``: each event is compared with a model trained on the other events alone.

Usage::

    .venv/bin/python benchmarks/analyst_inputs.py --out /tmp/analyst_inputs
    .venv/bin/python benchmarks/compare_gold.py --data benchmarks/analyst_gold \\
        --inputs /tmp/analyst_inputs --leave-one-out

A table goes to stderr; the last line of stdout is one JSON object.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*")
_STOP = frozenset(
    ["a", "an", "the", "of", "to", "in", "on", "at", "for", "by", "with", "from", "and", "or", "but", "as", "is", "are", "was", "were", "be", "been", "has", "have", "had", "that", "this", "it", "its", "he", "she", "they", "his", "her", "their", "said", "says", "not", "no"]
)
BASELINE_JACCARD = 0.5


@dataclass
class Gold:
    """One event's gold, with each sentence located in its article's text."""

    event: str
    texts: dict[str, str]
    sentences: list[tuple[str, int, int, frozenset[str]]]
    """(article, start, end, claim ids), in order."""
    claims: dict[str, dict]
    figures: list[dict]
    labels: list[dict]
    by_article: dict[str, list[int]] = field(default_factory=dict)


def load_gold(path: Path, inputs: Path | None) -> Gold:
    record = json.loads(path.read_text(encoding="utf-8"))
    source = path.parent / record["inputs"]
    if not source.exists() and inputs is not None:
        source = inputs / record["inputs"]
    if not source.exists():
        raise SystemExit(
            f"{path}: its inputs {record['inputs']!r} are neither beside it nor in --inputs; "
            "make them with benchmarks/analyst_inputs.py"
        )
    texts = {}
    for line in source.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            texts[row["id"]] = row["text"]
    cursor: dict[str, int] = defaultdict(int)
    sentences = []
    for number, s in enumerate(record["sentences"]):
        text = texts[s["article"]]
        start = text.find(s["quote"], cursor[s["article"]])
        if start < 0:
            start = text.find(s["quote"])
        if start < 0:
            raise SystemExit(f"{path}: sentence {number} is not in article {s['article']!r}")
        end = start + len(s["quote"])
        cursor[s["article"]] = end
        sentences.append((s["article"], start, end, frozenset(s["claims"])))
    gold = Gold(
        event=record["event"],
        texts=texts,
        sentences=sentences,
        claims={c["id"]: c for c in record["claims"]},
        figures=[_located(f, texts) for f in record.get("figures", [])],
        labels=[_located(label, texts) for label in record.get("labels", [])],
    )
    for i, (article, *_rest) in enumerate(sentences):
        gold.by_article.setdefault(article, []).append(i)
    return gold


def _located(item: dict, texts: dict[str, str]) -> dict:
    """``item`` with ``start``/``end`` of its quote (inside its context when it has one)."""
    text = texts[item["article"]]
    base = 0
    if item.get("context") and item["context"] in text:
        base = text.index(item["context"])
    start = text.find(item["quote"], base)
    if start < 0:
        start = text.find(item["quote"])
    return {**item, "start": start, "end": start + len(item["quote"]) if start >= 0 else -1}


def sentence_of(gold: Gold, article: str, start: int, end: int) -> int | None:
    """The gold sentence of ``article`` that the span overlaps most."""
    best, best_overlap = None, 0
    for i in gold.by_article.get(article, []):
        _, s, e, _ = gold.sentences[i]
        overlap = min(e, end) - max(s, start)
        if overlap > best_overlap:
            best, best_overlap = i, overlap
    return best


def gold_pairs(gold: Gold) -> set[tuple[int, int]]:
    pairs = set()
    for i, j in itertools.combinations(range(len(gold.sentences)), 2):
        a, b = gold.sentences[i], gold.sentences[j]
        if a[0] != b[0] and a[3] & b[3]:
            pairs.add((i, j))
    return pairs


def _pairs_of(groups: list[set[int]], gold: Gold) -> set[tuple[int, int]]:
    pairs = set()
    for members in groups:
        for i, j in itertools.combinations(sorted(members), 2):
            if gold.sentences[i][0] != gold.sentences[j][0]:
                pairs.add((i, j))
    return pairs


def _prf(tp: int, predicted: int, wanted: int) -> tuple[float, float]:
    return (tp / predicted if predicted else 0.0, tp / wanted if wanted else 0.0)


def _tokens(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)} - _STOP


def _name_tokens(text: str | None) -> set[str]:
    return {w for w in _tokens(text or "") if len(w) > 1}


def score_event(gold: Gold, event: dict) -> dict:
    """Counts for one event (summed over events by :func:`totals`)."""
    # counterpoint's article ids -> the gold's, by exact text
    by_text = {text: aid for aid, text in gold.texts.items()}
    ours = {a["id"]: by_text.get(a["text"]) for a in event["articles"]}
    wanted = gold_pairs(gold)
    shared_groups, conflict_groups = [], []
    multi: set[int] = set()
    for fact in event["facts"]:
        members = {
            s
            for r in fact["reports"]
            if ours.get(r["article"])
            and (s := sentence_of(gold, ours[r["article"]], r["start"], r["end"])) is not None
        }
        if len({ours[r["article"]] for r in fact["reports"]}) < 2:
            continue
        if fact["status"] in ("agreed", "conflicting"):
            shared_groups.append(members)
            multi |= members
        if fact["status"] == "conflicting":
            conflict_groups.append(members)
    found = _pairs_of(shared_groups, gold)
    counts: dict[str, float] = defaultdict(float)
    counts["pairs_tp"] = len(found & wanted)
    counts["pairs_predicted"] = len(found)
    counts["pairs_gold"] = len(wanted)
    conflicting = {c for c, claim in gold.claims.items() if claim["status"] == "conflicting"}
    found_conflicts: set[str] = set()
    for members in conflict_groups:
        right = set()
        for i, j in itertools.combinations(sorted(members), 2):
            a, b = gold.sentences[i], gold.sentences[j]
            if a[0] != b[0]:
                right |= a[3] & b[3] & conflicting
        counts["conflicts_right"] += bool(right)
        found_conflicts |= right
    counts["conflicts_predicted"] = len(conflict_groups)
    counts["conflicts_found"] = len(found_conflicts)
    counts["conflicts_gold"] = len(conflicting)
    for i, (_article, _, _, claims) in enumerate(gold.sentences):
        single = all(len(gold.claims[c]["articles"]) < 2 for c in claims if c in gold.claims)
        counts["single_right"] += single == (i not in multi)
        counts["sentences"] += 1
    _score_figures(gold, event, ours, counts)
    _score_labels(gold, event, ours, counts)
    _score_summary(gold, event, ours, counts)
    baseline = _pairs_of(_overlap_baseline(gold), gold)
    counts["baseline_tp"] = len(baseline & wanted)
    counts["baseline_predicted"] = len(baseline)
    return counts


def _score_figures(gold: Gold, event: dict, ours: dict, counts: dict) -> None:
    matched: set[int] = set()
    for row in event["figures"]:
        background_row = row.get("scope") == "background"
        for report in row["reports"]:
            article = ours.get(report["article"])
            hit = next(
                (
                    k
                    for k, g in enumerate(gold.figures)
                    if g["article"] == article
                    and g["start"] < report["end"]
                    and report["start"] < g["end"]
                    and float(g["value"]) == float(report["value"])
                ),
                None,
            )
            counts["figures_predicted"] += 1
            counts["figures_right"] += hit is not None
            if hit is not None:
                matched.add(hit)
            if not background_row:
                counts["figures_event_rows"] += 1
                if hit is not None and gold.figures[hit].get("scope") == "background":
                    counts["background_as_event"] += 1
    counts["figures_gold"] += len(gold.figures)
    counts["figures_found"] += len(matched)


def _score_labels(gold: Gold, event: dict, ours: dict, counts: dict) -> None:
    names = {  # an entity's name tokens, of its name and its aliases ("HTS")
        e["id"]: set().union(*(_name_tokens(n) for n in [e["name"], *e.get("aliases", [])]))
        for e in event["entities"]
    }
    for label in gold.labels:
        if label["start"] < 0:
            continue
        counts["labels_gold"] += 1
        items = [
            f
            for f in event["framing"]
            if ours.get(f["article"]) == label["article"]
            and f["start"] < label["end"]
            and label["start"] < f["end"]
        ]
        if not items:
            continue
        counts["labels_found"] += 1
        actor = _name_tokens(label.get("actor"))
        counts["labels_actor_right"] += any(
            actor & names.get(f["entity"], _name_tokens(f.get("entity_name")))
            for f in items
            if f.get("entity")
        )
        counts["labels_voice_right"] += any(f["voice"] == label.get("voice") for f in items)


def _score_summary(gold: Gold, event: dict, ours: dict, counts: dict) -> None:
    sentence_tokens = [_tokens(gold.texts[a][s:e]) for a, s, e, _ in gold.sentences]
    for item in event["summary"]:
        words = _tokens(item["text"])
        if not words or not item["sources"]:
            continue
        closest = max(
            range(len(gold.sentences)),
            key=lambda i: len(words & sentence_tokens[i]) / (len(words | sentence_tokens[i]) or 1),
        )
        claims = gold.sentences[closest][3]
        reporting = {a for c in claims if c in gold.claims for a in gold.claims[c]["articles"]}
        for source in item["sources"]:
            counts["citations"] += 1
            counts["citations_right"] += ours.get(source) in reporting


def _overlap_baseline(gold: Gold) -> list[set[int]]:
    tokens = [_tokens(gold.texts[a][s:e]) for a, s, e, _ in gold.sentences]
    groups = []
    for i, j in itertools.combinations(range(len(gold.sentences)), 2):
        if gold.sentences[i][0] == gold.sentences[j][0] or not tokens[i] or not tokens[j]:
            continue
        if len(tokens[i] & tokens[j]) / len(tokens[i] | tokens[j]) >= BASELINE_JACCARD:
            groups.append({i, j})
    return groups


def totals(counts: dict) -> dict:
    c = counts
    pair_p, pair_r = _prf(c["pairs_tp"], c["pairs_predicted"], c["pairs_gold"])
    base_p, base_r = _prf(c["baseline_tp"], c["baseline_predicted"], c["pairs_gold"])
    conflict_p = c["conflicts_right"] / c["conflicts_predicted"] if c["conflicts_predicted"] else None
    conflict_r = c["conflicts_found"] / c["conflicts_gold"] if c["conflicts_gold"] else None

    def ratio(a: str, b: str) -> float | None:
        return round(c[a] / c[b], 4) if c[b] else None

    return {
        "agreed_pair_precision": round(pair_p, 4),
        "agreed_pair_recall": round(pair_r, 4),
        "agreed_pairs": [int(c["pairs_tp"]), int(c["pairs_predicted"]), int(c["pairs_gold"])],
        "conflict_precision": None if conflict_p is None else round(conflict_p, 4),
        "conflict_recall": None if conflict_r is None else round(conflict_r, 4),
        "conflicts": [
            int(c["conflicts_right"]), int(c["conflicts_predicted"]), int(c["conflicts_gold"])
        ],
        "single_source_accuracy": ratio("single_right", "sentences"),
        "figure_precision": ratio("figures_right", "figures_predicted"),
        "figure_recall": ratio("figures_found", "figures_gold"),
        "background_as_event": int(c["background_as_event"]),
        "labels_found": ratio("labels_found", "labels_gold"),
        "label_actor_accuracy": ratio("labels_actor_right", "labels_found"),
        "label_voice_accuracy": ratio("labels_voice_right", "labels_found"),
        "summary_citation_precision": ratio("citations_right", "citations"),
        "baselines": {
            "word_overlap": {
                "agreed_pair_precision": round(base_p, 4),
                "agreed_pair_recall": round(base_r, 4),
            }
        },
    }


def compare_inputs(gold: Gold, models=None) -> dict:
    """counterpoint's JSON document for the gold's articles compared as one event."""
    from counterpoint.analyze import analyze_many
    from counterpoint.analyze.embed import default_embedder
    from counterpoint.compare import compare
    from counterpoint.ingest import article_from_text
    from counterpoint.model import Event
    from counterpoint.report.json import event_json
    from counterpoint.resolve import resolve

    articles = {}
    for gid, text in gold.texts.items():
        article = article_from_text(text, source=f"{gold.event}/{gid}", outlet=gid, id=gid)
        articles[article.id] = article
    analyses = {a.article_id: a for a in analyze_many(list(articles.values()))}
    event = Event(id=gold.event, article_ids=tuple(articles), title=gold.event)
    entities = resolve(event.id, analyses)
    options = {"models": models} if models is not None else {}  # older versions take none
    comparison = compare(
        event, articles, analyses, entities, embed=default_embedder().encode, **options
    )
    return event_json(comparison)


def _held_out_models(files: list[Path], inputs: Path | None, cross_folds: Path | None) -> dict:
    """For each gold file, the same-claim models trained without it: the event model, and
    with ``cross_folds`` (the fold models ``scripts/train_claim_pairs.py`` wrote) the claim
    cross-encoder of the fold that held the event out and a second stage fitted on the other
    events' logits, each from a fold model that did not see that event."""
    import numpy as np
    from scripts.train_same_claim import claim_model, event_model, fold_logits, gold_pairs_of

    from counterpoint.analyze.cross import CrossEncoder
    from counterpoint.compare.same import Models, default_models

    pairs = gold_pairs_of(files, inputs)
    rows = np.asarray([p["features"] for p in pairs])
    labels = np.asarray([p["label"] for p in pairs])
    events = np.asarray([p["event"] for p in pairs])
    shipped = default_models()
    logits = first = None
    encoders: dict[str, CrossEncoder] = {}
    if cross_folds is not None:
        _, first = event_model(rows, labels, events)
        logits = fold_logits(pairs, first, [f.stem for f in files], cross_folds)
        for path in sorted(cross_folds.glob("fold*.npz")):
            with np.load(path) as data:
                held = json.loads(bytes(data["meta"]).decode())["held_out"]
            encoders.update(dict.fromkeys(held, CrossEncoder.from_path(path, threads=2)))
    models = {}
    for number, file in enumerate(files):
        kept = events != number
        event, _ = event_model(rows[kept], labels[kept], events[kept])
        claim = None
        if logits is not None and first is not None:
            claim, _, _ = claim_model(rows[kept], labels[kept], events[kept], logits[kept],
                                      first[kept])
        models[file] = Models(content=shipped.content, event=event, claim=claim,
                              cross=encoders.get(file.stem))
    return models


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="a folder of gold .json files")
    parser.add_argument("--inputs", type=Path, default=None, help="where the .jsonl inputs are")
    parser.add_argument("--events", default="", help="comma-separated event names to score")
    parser.add_argument(
        "--leave-one-out",
        action="store_true",
        help="score each event with a same-claim event model trained on the other golds "
        "(the shipped one is trained on benchmarks/analyst_gold: use this there)",
    )
    parser.add_argument(
        "--cross-folds", type=Path, default=None,
        help="with --leave-one-out: the fold models of scripts/train_claim_pairs.py "
        "(build/claim_pairs), each event scored by the one that never saw it",
    )
    args = parser.parse_args(argv)
    files = sorted(args.data.glob("*.json"))
    if args.events:
        wanted = set(args.events.split(","))
        files = [f for f in files if f.stem in wanted]
    if not files:
        raise SystemExit(f"No gold .json files in {str(args.data)!r}")
    overall: dict[str, float] = defaultdict(float)
    per_event = {}
    began = time.perf_counter()
    held_out = (_held_out_models(files, args.inputs, args.cross_folds)
                if args.leave_one_out else {})
    for file in files:
        gold = load_gold(file, args.inputs)
        counts = score_event(gold, compare_inputs(gold, held_out.get(file)))
        for key, value in counts.items():
            overall[key] += value
        per_event[gold.event] = totals(defaultdict(float, counts))
        e = per_event[gold.event]
        print(
            f"{gold.event:<22} pairs P {e['agreed_pair_precision']:.2f} "
            f"R {e['agreed_pair_recall']:.2f}  conflicts {e['conflicts']}  "
            f"figures P {e['figure_precision']}  labels actor {e['label_actor_accuracy']}  "
            f"citations {e['summary_citation_precision']}",
            file=sys.stderr,
        )
    result = totals(overall) | {
        "events": len(files),
        "seconds": round(time.perf_counter() - began, 1),
        "per_event": per_event,
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
