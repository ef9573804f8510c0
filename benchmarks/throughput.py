"""End-to-end throughput: ingest -> analyze -> group -> compare over a folder of articles.

Usage::

    .venv/bin/python benchmarks/throughput.py --data ../shared/eval/ecbplus --workers 2
    .venv/bin/python benchmarks/throughput.py --data some/folder --limit 100

``--data`` is a folder of ECB+ XML files (detected by ``*.xml``), or of ``.txt`` /
``.jsonl`` / ``.html`` files read with :func:`counterpoint.ingest.read_paths`.
A table goes to stderr; the last line of stdout is one JSON object with the
figures. The same run also times spaCy's ``nlp.pipe`` alone over the same
texts (one process, batch 16) as a baseline, and, on ECB+, scores the events
against the gold subtopics with B-cubed.

``floor_articles_per_s`` is what the models alone manage over the same texts in the
same run: spaCy's ``nlp.pipe`` in ``--workers`` processes, then one MiniLM pass over
every sentence (the encoder analysis runs). ``ratio_to_floor`` is the end-to-end rate
over it: 1.0 would mean the pipeline costs nothing beyond its models.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import threading
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.ecbplus import load, to_articles
from benchmarks.metrics import bcubed
from counterpoint import pipeline
from counterpoint.analyze import analyze_many
from counterpoint.analyze.nlp import MODEL
from counterpoint.ingest import SUFFIXES, read_paths
from counterpoint.model import Article
from counterpoint.store import Store


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    data = Path(args.data)
    if not data.exists():
        print(f"No such file or folder {str(data)!r}; pass --data with a folder", file=sys.stderr)
        return 2
    is_xml = data.suffix == ".xml" or (
        data.is_dir() and next(data.rglob("*.xml"), None) is not None
    )
    result: dict = {
        "data": str(data),
        "kind": "ecbplus" if is_xml else "files",
        "limit": args.limit,
        "workers": args.workers,
        "date": date.today().isoformat(),
        "machine": machine(),
        "load_average_start": list(os.getloadavg()),
    }
    stages: dict[str, float | None] = {}
    sampler = RssSampler()
    sampler.start()
    store = Store()
    started = time.perf_counter()
    gold: dict[str, str] = {}
    topics: dict[str, str] = {}
    if is_xml:
        t = time.perf_counter()
        docs = load(data, limit=args.limit)
        articles = to_articles(docs)
        gold = {a.id: d.subtopic for a, d in zip(articles, docs)}
        topics = {a.id: d.topic for a, d in zip(articles, docs)}
        stages["read_s"] = time.perf_counter() - t
        _ingest_articles(articles, store, workers=args.workers, stages=stages)
    elif args.limit is not None:
        t = time.perf_counter()
        articles = list(read_paths([data]).articles)[: args.limit]
        stages["read_s"] = time.perf_counter() - t
        _ingest_articles(articles, store, workers=args.workers, stages=stages)
    else:
        articles = list(read_paths([data]).articles)  # for the baseline; not timed as a stage
        t = time.perf_counter()
        pipeline.ingest([data], store, workers=args.workers)
        stages.update(
            read_s=None,
            analyze_s=None,
            store_s=None,
            group_s=None,
            ingest_s=time.perf_counter() - t,
        )
    t = time.perf_counter()
    events = store.events()
    failures = pipeline.compare_all(store, events, workers=args.workers)
    stages["compare_s"] = time.perf_counter() - t
    total = time.perf_counter() - started
    sampler.stop()
    stored = len(store.articles())
    result.update(
        articles=stored,
        events=len(events),
        compare_failures=failures,
        total_s=total,
        articles_per_s=stored / total if total else None,
        **stages,
        **memory_and_cpu(),
        peak_rss_tree_sampled_mb=sampler.peak_mb,
    )
    if gold:
        result.update(grouping_scores(events, gold, topics))
    if not args.no_baseline:
        result.update(model_floor(articles, processes=max(1, args.workers)))
        result["ratio_to_floor"] = result["articles_per_s"] / result["floor_articles_per_s"]
        result.update(spacy_baseline(articles))
        if result.get("baseline_spacy_articles_per_s"):
            result["ratio_vs_spacy_alone"] = (
                result["articles_per_s"] / result["baseline_spacy_articles_per_s"]
            )
    result["load_average_end"] = list(os.getloadavg())
    print_table(result)
    print(json.dumps(result))
    return 0


def _ingest_articles(
    articles: list[Article], store: Store, *, workers: int, stages: dict[str, float | None]
) -> None:
    """What :func:`counterpoint.pipeline.ingest` does after reading, stage by stage."""
    unique = list({a.id: a for a in articles}.values())
    new = [a for a in unique if not store.has_article(a.id)]
    t = time.perf_counter()
    analyses = list(analyze_many(new, workers=workers))
    stages["analyze_s"] = time.perf_counter() - t
    t = time.perf_counter()
    for article, analysis in zip(new, analyses):
        store.add(article, analysis)
    stages["store_s"] = time.perf_counter() - t
    t = time.perf_counter()
    pipeline.regroup(store)
    stages["group_s"] = time.perf_counter() - t


def grouping_scores(events, gold: dict[str, str], topics: dict[str, str]) -> dict[str, float]:
    """B-cubed of the events against the gold subtopics, with two reference clusterings."""
    predicted = {a: e.id for e in events for a in e.article_ids}
    gold = {a: g for a, g in gold.items() if a in predicted}
    score = bcubed(predicted, gold)
    by_topic = bcubed({a: topics[a] for a in gold}, gold)
    singletons = bcubed({a: a for a in gold}, gold)
    return {
        "bcubed_precision": score.precision,
        "bcubed_recall": score.recall,
        "bcubed_f1": score.f1,
        "gold_subtopics": len(set(gold.values())),
        "bcubed_f1_topic_as_cluster": by_topic.f1,
        "bcubed_f1_all_singletons": singletons.f1,
    }


def model_floor(articles: Sequence[Article], *, processes: int) -> dict[str, float]:
    """The models alone over the same bodies: spaCy in ``processes`` processes, then one
    MiniLM pass over every sentence it finds."""
    import spacy

    from counterpoint.analyze.embed import Embedder

    texts = [a.text[a.body_start :] for a in articles]
    nlp = spacy.load(MODEL)
    t = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=16, n_process=processes))
    parsed = time.perf_counter() - t
    sentences = [s.text for doc in docs for s in doc.sents if s.text.strip()]
    embedder = Embedder(threads=processes)
    embedder.encode(sentences[:8])  # the session is made before the clock starts
    t = time.perf_counter()
    embedder.encode(sentences)
    encoded = time.perf_counter() - t
    return {
        "floor_spacy_s": parsed,
        "floor_minilm_s": encoded,
        "floor_sentences": len(sentences),
        "floor_articles_per_s": len(texts) / (parsed + encoded) if parsed + encoded else 0.0,
    }


def spacy_baseline(articles: Sequence[Article]) -> dict[str, float]:
    """spaCy's full pipeline alone over the same bodies: one process, batch 16."""
    import spacy

    texts = [a.text[a.body_start :] for a in articles]
    t = time.perf_counter()
    nlp = spacy.load(MODEL)
    loaded = time.perf_counter() - t
    t = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=16):
        pass
    elapsed = time.perf_counter() - t
    return {
        "baseline_spacy_load_s": loaded,
        "baseline_spacy_s": elapsed,
        "baseline_spacy_articles_per_s": len(texts) / elapsed if elapsed else 0.0,
    }


def memory_and_cpu() -> dict[str, float]:
    """Peak RSS of this process and of the largest finished child, and CPU seconds used."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    self_mb, child_mb = me.ru_maxrss / 1024, children.ru_maxrss / 1024  # KiB on Linux
    return {
        "peak_rss_mb": self_mb + child_mb,
        "peak_rss_self_mb": self_mb,
        "peak_rss_child_max_mb": child_mb,
        "cpu_s": me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime,
    }


class RssSampler(threading.Thread):
    """Samples the summed RSS of this process and its children (from /proc) every 0.2 s.

    Pages a forked worker shares with its parent count twice, so this overstates a little;
    unlike ``ru_maxrss`` it sees the workers while they run side by side.
    """

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_mb = 0.0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.wait(0.2):
            self.peak_mb = max(self.peak_mb, _tree_rss_mb(os.getpid()))

    def stop(self) -> None:
        self._done.set()
        self.join()
        self.peak_mb = max(self.peak_mb, _tree_rss_mb(os.getpid()))


def _tree_rss_mb(root: int) -> float:
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, ppid in parents.items() if ppid in tree} - tree
        tree |= more
        grew = bool(more)
    total_kb = 0
    for pid in tree:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        except OSError:
            continue
    return total_kb / 1024


def machine() -> dict[str, object]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else os.cpu_count(),
        "cpu_count": os.cpu_count(),
        "cpu_model": model,
        "platform": platform.platform(),
        "python": platform.python_version(),
    }


def print_table(r: dict) -> None:
    def fmt(value, unit: str = "") -> str:
        if value is None:
            return "-"
        return f"{value:,.2f}{unit}" if isinstance(value, float) else f"{value}{unit}"

    rows = [
        ("articles", fmt(r["articles"])),
        ("events", fmt(r["events"])),
        ("workers", fmt(r["workers"])),
        ("read / ingest", fmt(r.get("read_s"), " s")),
        ("analyze", fmt(r.get("analyze_s"), " s")),
        ("store", fmt(r.get("store_s"), " s")),
        ("group", fmt(r.get("group_s"), " s")),
    ]
    if r.get("ingest_s") is not None:
        rows.append(("ingest (read+analyze+store+group)", fmt(r["ingest_s"], " s")))
    rows += [
        ("compare", fmt(r["compare_s"], " s")),
        ("total", fmt(r["total_s"], " s")),
        ("articles/s end to end", fmt(r["articles_per_s"])),
        ("CPU seconds (self + children)", fmt(r["cpu_s"], " s")),
        ("peak RSS self + max child", fmt(r["peak_rss_mb"], " MB")),
        (
            "  self / max child",
            f"{fmt(r['peak_rss_self_mb'])} / {fmt(r['peak_rss_child_max_mb'])} MB",
        ),
        ("peak RSS, all processes (sampled)", fmt(r["peak_rss_tree_sampled_mb"], " MB")),
    ]
    if "baseline_spacy_articles_per_s" in r:
        rows += [
            ("spaCy nlp.pipe alone, articles/s", fmt(r["baseline_spacy_articles_per_s"])),
            ("ratio end to end / spaCy alone", fmt(r.get("ratio_vs_spacy_alone"))),
            ("models alone (floor), articles/s", fmt(r["floor_articles_per_s"])),
            ("ratio end to end / floor", fmt(r.get("ratio_to_floor"))),
        ]
    if "bcubed_f1" in r:
        rows += [
            (
                "B-cubed P / R / F1",
                f"{r['bcubed_precision']:.3f} / {r['bcubed_recall']:.3f} / {r['bcubed_f1']:.3f}",
            ),
            (
                "  F1 topic-as-cluster / singletons",
                f"{r['bcubed_f1_topic_as_cluster']:.3f} / {r['bcubed_f1_all_singletons']:.3f}",
            ),
        ]
    m = r["machine"]
    print(
        f"{m['nproc']} cores ({m['cpu_model']}), Python {m['python']}, {r['data']}", file=sys.stderr
    )
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"  {key:<{width}}  {value:>14}", file=sys.stderr)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Time counterpoint end to end (ingest -> analyze -> group -> compare).",
        epilog="example: benchmarks/throughput.py --data ../shared/eval/ecbplus --workers 2",
    )
    parser.add_argument(
        "--data", required=True, help=f"a folder of ECB+ XML, or of {', '.join(SUFFIXES)} files"
    )
    parser.add_argument(
        "--limit", type=int, default=None, help="only the first N documents, in sorted order"
    )
    parser.add_argument("--workers", type=int, default=1, help="analysis processes")
    parser.add_argument("--no-baseline", action="store_true", help="skip the spaCy-alone baseline")
    return parser


if __name__ == "__main__":
    raise SystemExit(main())
