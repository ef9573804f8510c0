"""Batch analysis at scale: the local and Ray engines on news37k, and the GPU embedding path.

Usage::

    .venv/bin/python benchmarks/batch.py --data ../shared/eval/news37k/articles.jsonl.gz --limit 600
    .venv/bin/python benchmarks/batch.py --data ../shared/eval/news37k/articles.jsonl.gz \\
        --embed --device cuda --batch-sizes 64,128,256,512,1024

**Engines** (the default): the first ``--limit`` news37k records (AllSides-rated
articles; FORMAT.md there) become counterpoint JSON Lines shards in a temporary
folder (``--shards`` files; ``content_original`` is the text, ``source`` the
outlet, ``date`` the publication date when it is an ISO date). Each engine of
``--engines`` then runs :func:`counterpoint.batch.run_batch` on them with 1 and
with 2 workers, each run into a fresh output folder. Reported per run:
articles/s (wall time of the whole run: start-up, model loading, analysis,
Parquet, grouping), and the peak resident memory of the largest worker (every
process below this one is sampled from /proc every 0.2 s; the driver is left
out; the largest ``workers`` processes are the analysing workers, which hold the
models). The speed-up is articles/s with 2 workers over 1. The outputs of the
engines are compared (``same_results``). The baseline, timed in the same run,
is :func:`counterpoint.analyze.analyze_many` in this process, on pieces of 16 of
the first ``--baseline-limit`` of the same articles: analysis alone, without the
batch machinery (shards, processes, Parquet, grouping).

**Embeddings** (``--embed``): the MiniLM embedder alone on ``--device``, over
the leads of the first ``--limit`` articles (title + first three sentences, as
``analyze`` embeds them; sentences split on end punctuation here, not by spaCy)
and over all their sentences, at each of ``--batch-sizes``; with the CPU at batch
32 on up to ``--cpu-sample`` sentences as the baseline, and the cosine between
GPU and CPU vectors as a check that both compute the same thing.

A table goes to stderr; the last line of stdout is one JSON object.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]?\s+(?=[\"'“‘(]?[A-Z0-9])")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    data = Path(args.data)
    if not data.is_file():
        print(
            f"No such file {str(data)!r}; pass --data with news37k's articles.jsonl.gz",
            file=sys.stderr,
        )
        return 2
    records = read_news37k(data, limit=args.limit)
    result = embed_benchmark(records, args) if args.embed else engine_benchmark(records, args)
    print(json.dumps(result))
    return 0


# --- the data ----------------------------------------------------------------------------


def read_news37k(path: Path, *, limit: int) -> list[dict]:
    """The first ``limit`` records as counterpoint JSON Lines objects."""
    rows = []
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            text = record.get("content_original") or ""
            if not text.strip():
                continue
            row = {
                "id": record["ID"],
                "text": text,
                "title": record.get("title") or None,
                "outlet": record.get("source") or None,
                "url": record.get("url") or None,
            }
            if _is_iso_date(record.get("date") or ""):
                row["published"] = record["date"]
            rows.append(row)
            if len(rows) >= limit:
                break
    return rows


def _is_iso_date(value: str) -> bool:
    try:
        return date.fromisoformat(value).year > 1900
    except ValueError:
        return False


def write_shards(rows: list[dict], folder: Path, shards: int) -> list[Path]:
    """``rows`` as ``shards`` gzipped JSON Lines files of consecutive records."""
    folder.mkdir(parents=True, exist_ok=True)
    size = max(1, -(-len(rows) // shards))
    paths = []
    for n, first in enumerate(range(0, len(rows), size)):
        path = folder / f"news37k-{n:03d}.jsonl.gz"
        with gzip.open(path, "wt", encoding="utf-8") as out:
            for row in rows[first : first + size]:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
        paths.append(path)
    return paths


# --- engines -----------------------------------------------------------------------------


def engine_benchmark(records: list[dict], args) -> dict:
    from benchmarks.throughput import machine

    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    result: dict = {
        "data": args.data,
        "limit": args.limit,
        "articles_read": len(records),
        "shards": args.shards,
        "date": date.today().isoformat(),
        "machine": machine(),
        "load_average_start": list(os.getloadavg()),
    }
    result.update(baseline(records[: args.baseline_limit]))
    print(f"baseline: {result['baseline_articles_per_s']:.2f} articles/s", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="counterpoint-batch-") as tmp:
        root = Path(tmp)
        write_shards(records, root / "in", args.shards)
        runs = {}
        for engine in engines:
            runs[engine] = {}
            for workers in (1, 2):
                out = root / f"out-{engine}-{workers}"
                runs[engine][workers] = timed_run(root / "in", out, engine, workers)
                print(
                    f"{engine}, {workers} worker(s): {json.dumps(runs[engine][workers])}",
                    file=sys.stderr,
                    flush=True,
                )
        if len(engines) > 1:
            outs = [root / f"out-{engine}-2" for engine in engines]
            result["same_results"] = all(same_output(outs[0], o) for o in outs[1:])
    for engine in engines:
        one, two = runs[engine][1], runs[engine][2]
        result[engine] = {
            "engine": engine,
            "articles": two["articles"],
            "events": two["events"],
            "errors": two["errors"],
            "articles_per_s": two["articles_per_s"],
            "articles_per_s_1_worker": one["articles_per_s"],
            "speedup_2_workers": two["articles_per_s"] / one["articles_per_s"],
            "peak_rss_mb_per_worker": two["peak_rss_mb_per_worker"],
            "peak_rss_mb_per_worker_1": one["peak_rss_mb_per_worker"],
            "seconds": two["seconds"],
            "seconds_1_worker": one["seconds"],
        }
    main_engine = result[engines[-1]]
    result.update(
        {
            k: main_engine[k]
            for k in ("engine", "articles_per_s", "speedup_2_workers", "peak_rss_mb_per_worker")
        }
    )
    for engine in engines:
        result[engine]["ratio_vs_baseline"] = (
            result[engine]["articles_per_s"] / result["baseline_articles_per_s"]
        )
    result["load_average_end"] = list(os.getloadavg())
    print_engine_table(result, engines)
    return result


def timed_run(inputs: Path, out: Path, engine: str, workers: int) -> dict:
    from counterpoint.batch import run_batch

    sampler = ProcessSampler()
    sampler.start()
    started = time.perf_counter()
    report = run_batch([inputs], out, engine=engine, workers=workers)
    seconds = time.perf_counter() - started
    sampler.stop()
    peaks = sorted(sampler.peaks_mb.values(), reverse=True)[:workers]
    return {
        "articles": report.analysed,
        "events": report.events,
        "errors": len(report.errors),
        "seconds": seconds,
        "articles_per_s": report.analysed / seconds,
        "peak_rss_mb_per_worker": max(peaks, default=0.0),
    }


def same_output(a: Path, b: Path) -> bool:
    """Whether two output folders hold the same articles, analyses and events."""
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    left = ds.dataset(a / "articles").to_table().sort_by("id")
    right = ds.dataset(b / "articles").to_table().sort_by("id")
    events_equal = pq.read_table(a / "events.parquet").equals(pq.read_table(b / "events.parquet"))
    return left.equals(right) and events_equal


def baseline(records: list[dict]) -> dict:
    """Analysis alone in this process, one worker, over the same kind of articles: what
    each engine's workers run (``analyze_many`` on pieces of 16, a failing article left
    out), without shards, processes, Parquet or grouping."""
    from counterpoint.batch.records import Record
    from counterpoint.batch.work import analyse_piece, pieces
    from counterpoint.ingest import article_from_text

    records_in = [
        Record(
            article=article_from_text(
                r["text"],
                source="news37k",
                outlet=r["outlet"] or "unknown",
                title=r["title"],
                published=date.fromisoformat(r["published"]) if "published" in r else None,
                url=r["url"],
                id=r["id"],
            ),
            shard="news37k",
        )
        for r in records
    ]
    started = time.perf_counter()
    count = sum(len(analyse_piece(piece)[0]) for piece in pieces(records_in))
    seconds = time.perf_counter() - started
    return {
        "baseline_articles": count,
        "baseline_seconds": seconds,
        "baseline_articles_per_s": count / seconds,
    }


class ProcessSampler(threading.Thread):
    """The peak RSS of every process below this one (read from /proc every 0.2 s)."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peaks_mb: dict[int, float] = {}
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.wait(0.2):
            self._sample()

    def stop(self) -> None:
        self._done.set()
        self.join()

    def _sample(self) -> None:
        me = os.getpid()
        parents: dict[int, int] = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
        tree, grew = {me}, True
        while grew:
            more = {pid for pid, ppid in parents.items() if ppid in tree} - tree
            tree |= more
            grew = bool(more)
        for pid in tree - {me}:
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        mb = int(line.split()[1]) / 1024
                        self.peaks_mb[pid] = max(self.peaks_mb.get(pid, 0.0), mb)
            except (OSError, ValueError):
                continue


def print_engine_table(r: dict, engines: list[str]) -> None:
    m = r["machine"]
    print(
        f"{m['nproc']} cores ({m['cpu_model']}), Python {m['python']}, {r['data']}, "
        f"{r['articles_read']} articles in {r['shards']} shards",
        file=sys.stderr,
    )
    print(
        f"  {'engine':<8} {'art/s 1w':>9} {'art/s 2w':>9} {'speed-up':>9} "
        f"{'peak MB/worker':>15} {'events':>7} {'errors':>7} {'x baseline':>11}",
        file=sys.stderr,
    )
    for engine in engines:
        e = r[engine]
        print(
            f"  {engine:<8} {e['articles_per_s_1_worker']:>9.2f} {e['articles_per_s']:>9.2f} "
            f"{e['speedup_2_workers']:>9.2f} {e['peak_rss_mb_per_worker']:>15.0f} "
            f"{e['events']:>7} {e['errors']:>7} {e['ratio_vs_baseline']:>11.2f}",
            file=sys.stderr,
        )
    print(
        f"  baseline: analyze_many in one process, {r['baseline_articles']} articles: "
        f"{r['baseline_articles_per_s']:.2f} articles/s",
        file=sys.stderr,
    )
    if "same_results" in r:
        print(f"  same output from every engine: {r['same_results']}", file=sys.stderr)


# --- embeddings --------------------------------------------------------------------------


def embed_benchmark(records: list[dict], args) -> dict:
    import numpy as np

    from counterpoint.analyze.embed import Embedder

    leads, sentences = [], []
    for r in records:
        parts = [s.strip() for s in SENTENCE_END.split(r["text"]) if s.strip()]
        leads.append(" ".join(([r["title"]] if r["title"] else []) + parts[:3]))
        sentences += parts
    started = time.perf_counter()
    embedder = Embedder(device=args.device)
    load_s = time.perf_counter() - started
    embedder.encode(leads[:256], batch_size=64)  # warm-up: kernels, memory pools
    rows = []
    for size in [int(s) for s in args.batch_sizes.split(",")]:
        t = time.perf_counter()
        lead_vectors = embedder.encode(leads, batch_size=size)
        lead_s = time.perf_counter() - t
        t = time.perf_counter()
        embedder.encode(sentences, batch_size=size)
        sentence_s = time.perf_counter() - t
        rows.append(
            {
                "batch_size": size,
                "articles_per_s": len(leads) / lead_s,
                "sentences_per_s": len(sentences) / sentence_s,
            }
        )
    sample = sentences[: args.cpu_sample]
    cpu = Embedder(device="cpu")
    cpu.encode(sample[:64])
    t = time.perf_counter()
    cpu_vectors = cpu.encode(sample, batch_size=32)
    cpu_s = time.perf_counter() - t
    device_vectors = embedder.encode(sample, batch_size=256)
    cosines = np.sum(cpu_vectors * device_vectors, axis=1)
    best = max(rows, key=lambda row: row["sentences_per_s"])
    result = {
        "engine": "embed",
        "device": args.device,
        "device_name": device_name(args.device),
        "data": args.data,
        "limit": args.limit,
        "articles": len(leads),
        "sentences": len(sentences),
        "load_s": load_s,
        "rows": rows,
        "articles_per_s": best["articles_per_s"],
        "sentences_per_s": best["sentences_per_s"],
        "best_batch_size": best["batch_size"],
        "baseline_cpu_sentences": len(sample),
        "baseline_cpu_sentences_per_s": len(sample) / cpu_s,
        "ratio_vs_cpu": best["sentences_per_s"] / (len(sample) / cpu_s),
        "device_vs_cpu_min_cosine": float(cosines.min()),
        "device_vs_cpu_mean_cosine": float(cosines.mean()),
        "lead_vectors_finite": bool(np.isfinite(lead_vectors).all()),
        "date": date.today().isoformat(),
    }
    print(
        f"{result['device_name']}: {len(leads)} leads, {len(sentences)} sentences "
        f"(model loaded in {load_s:.1f} s)",
        file=sys.stderr,
    )
    print(f"  {'batch':>6} {'articles/s':>11} {'sentences/s':>12}", file=sys.stderr)
    for row in rows:
        print(
            f"  {row['batch_size']:>6} {row['articles_per_s']:>11,.0f} "
            f"{row['sentences_per_s']:>12,.0f}",
            file=sys.stderr,
        )
    print(
        f"  CPU baseline (1 thread, batch 32, {len(sample)} sentences): "
        f"{result['baseline_cpu_sentences_per_s']:,.0f} sentences/s; "
        f"cosine GPU vs CPU min {result['device_vs_cpu_min_cosine']:.5f}",
        file=sys.stderr,
    )
    return result


def device_name(device: str) -> str:
    if device != "cuda":
        import platform

        return f"CPU ({platform.processor() or platform.machine()})"
    try:
        found = subprocess.run(
            ["nvidia-smi", "--query-gpu=name,driver_version", "--format=csv,noheader"],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        )
        return found.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "cuda"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Time counterpoint's batch engines (local, Ray) and the GPU embedding path.",
        epilog="example: benchmarks/batch.py --data ../shared/eval/news37k/articles.jsonl.gz "
        "--limit 600",
    )
    parser.add_argument("--data", required=True, help="news37k's articles.jsonl.gz")
    parser.add_argument("--limit", type=int, default=2000, help="first N articles (default 2000)")
    parser.add_argument("--engines", default="local,ray", help="comma-separated: local,ray")
    parser.add_argument("--shards", type=int, default=8, help="JSON Lines files to cut into")
    parser.add_argument(
        "--baseline-limit",
        type=int,
        default=200,
        help="articles for the one-process baseline (default 200)",
    )
    parser.add_argument("--embed", action="store_true", help="time the embedder alone instead")
    parser.add_argument("--device", default="cuda", help="with --embed: cuda or cpu")
    parser.add_argument(
        "--batch-sizes", default="64,128,256,512,1024", help="with --embed: batch sizes to time"
    )
    parser.add_argument(
        "--cpu-sample", type=int, default=2000, help="with --embed: sentences for the CPU baseline"
    )
    return parser


if __name__ == "__main__":
    raise SystemExit(main())
