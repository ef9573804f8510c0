"""How grouping scales with the size of the store, on real news (news37k).

    python benchmarks/scaling.py --data ../shared/eval/news37k/articles.jsonl.gz \\
        --sizes 1000,5000,10000,all --cache /tmp/news37k-analyses

For each size n, a fixed random sample of n articles (the same seed for every
size, so larger samples are denser in time, as a growing store is) goes through

- **grouping alone**: the analysed articles are stored in a fresh database
  file (which makes and keeps each article's grouping profile: ``store_ms_per_article``)
  and ``pipeline.group_new`` places all of them, reading their profiles, loading
  candidates by time window and writing the grouping back, exactly as ``counterpoint
  ingest`` does after analysis. Reported as articles/s, with the cost per article
  relative to the smallest size (the goal: within 1.5x).
- **end to end**: read, analyse (``--workers`` processes), store and group, as
  ``counterpoint ingest`` does; only for sizes up to ``--end-to-end-max``, since
  analysis runs at about 3 articles/s on two cores. Analyses are cached in
  ``--cache`` (one pickle per article) so grouping-alone runs on larger sizes
  can reuse them; an end-to-end figure is only printed for analyses made in
  this run. The cache is kept per version of the code whose output grouping
  reads (sentences, lemmas, names, the lead embedding): a change to, say, the
  loaded-word model does not make it analyse 10,000 articles again.

Baseline in the same run: the grouping a store without the nearest-neighbour
index and time window would do — every article scored against every event
(``--no-baseline`` skips it; it is only run up to ``--baseline-max``).

**A feed**: how a store of that size takes new articles as they come in. The
newest 176 dated articles of the sample and 24 undated ones are held back; the
rest are stored and grouped, then the 200 are ingested 25 at a time (22 dated in
order of publication, 3 undated), as a newsroom's feed would arrive, and the
grouping of each batch is timed (``feed_ms_per_article``), and so is the storing of its
articles before (``feed_store_ms_per_article``: the store makes their profiles, and
DuckDB's periodic checkpoint falls on one commit or the other). In the same run, the
same feed into a copy of the same store that loads every event for each batch,
as a store without the time window and the nearest-article lookup would
(``feed_whole_store_ms_per_article``).

**Regrouping**: how a store of that size is grouped anew, as at the first ``ingest``
after ``counterpoint batch --db`` replaced its grouping: ``pipeline.regroup``, which reads
the stored profiles (``regroup_articles_per_s``, and ``regroup_rss_mb``, how far the
resident size rose). The peer in the same run regroups a copy of the store without
profiles, as a file written by an earlier version is regrouped: its analyses are read
back a chunk at a time and decoded, and only their profiles kept
(``regroup_from_analyses_*``); it runs second, so memory freed by the first is there
for it to reuse. Only for sizes up to ``--regroup-max``.

Memory: the peak resident set size of this process while storing and grouping
each size (``VmHWM``, reset before each size); ``grouping_rss_mb``, how far it rose
above the resident size at that reset (this process also holds every analysis of
the largest sample, the same for every size); and the size of the database file
holding that many articles, for comparison.

The last line of stdout is JSON with ``sizes``, ``group_articles_per_s``,
``end_to_end_articles_per_s`` (null where not measured), ``peak_rss_mb`` and
more.
"""

from __future__ import annotations

import argparse
import gc
import gzip
import json
import os
import pickle
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import contextlib

from benchmarks.events import analysis_version
from counterpoint import pipeline
from counterpoint.analyze import analyze_many
from counterpoint.group import Grouper, profile
from counterpoint.ingest import article_from_text
from counterpoint.model import Analysis, Article
from counterpoint.store import Store

SEED = 37


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    records = read_records(args.data)
    random.Random(SEED).shuffle(records)
    sizes = [
        len(records) if s == "all" else min(int(s), len(records)) for s in args.sizes.split(",")
    ]
    largest = max(sizes)
    articles = [a for a in (to_article(r, args.data) for r in records[:largest]) if a is not None]

    cache = args.cache / analysis_version() if args.cache else None
    fresh: dict[str, float] = {}
    analyses = load_cached(cache, articles) if cache else {}
    missing = [a for a in articles if a.id not in analyses]
    if missing:
        print(f"analysing {len(missing)} articles with {args.workers} workers…", file=sys.stderr)
        started = time.perf_counter()
        results = analyze_many(missing, workers=args.workers, keep_going=True)
        for done, (article, analysis) in enumerate(zip(missing, results), start=1):
            if not isinstance(analysis, Analysis):
                print(f"  skipped {article.source}: {analysis}", file=sys.stderr)
                continue
            analyses[article.id] = analysis
            if cache:
                (cache / f"{article.id}.pickle").write_bytes(pickle.dumps(analysis))
            if done % 250 == 0:
                print(f"  {done}/{len(missing)}", file=sys.stderr)
        fresh["articles"] = len(missing)
        fresh["seconds"] = time.perf_counter() - started

    # Grouping remembers word hashes and name keys across batches, as a long-running ingest
    # would; building every profile once first puts all sizes on the same, warm footing.
    for article in articles:
        if article.id in analyses:
            profile(article, analyses[article.id])
    # The analyses of the largest sample are this benchmark's own: set aside from the
    # garbage collector, they do not make the first size's collections walk all of them.
    gc.collect()
    gc.freeze()

    rows = []
    for n in sizes:
        sample = [a for a in articles[:n] if a.id in analyses]
        row = {"size": len(sample)}
        row.update(group_alone(sample, analyses))
        if not args.no_baseline and len(sample) <= args.baseline_max:
            row["baseline_articles_per_s"] = exhaustive_baseline(sample, analyses)
        row.update(feed(sample, analyses))
        if len(sample) <= args.regroup_max:
            row.update(regrouping(sample, analyses))
        if len(sample) <= args.end_to_end_max:
            row["end_to_end_articles_per_s"] = end_to_end(sample, args.workers)
        rows.append(row)
        print(json.dumps(row), file=sys.stderr)

    base = rows[0]["group_seconds"] / rows[0]["size"]
    result = {
        "data": str(args.data),
        "sizes": [r["size"] for r in rows],
        "group_articles_per_s": [r["group_articles_per_s"] for r in rows],
        "place_only_articles_per_s": [r["place_only_articles_per_s"] for r in rows],
        "store_ms_per_article": [r["store_ms_per_article"] for r in rows],
        "cost_per_article_vs_smallest": [
            round(r["group_seconds"] / r["size"] / base, 2) for r in rows
        ],
        "end_to_end_articles_per_s": [r.get("end_to_end_articles_per_s") for r in rows],
        "baseline_articles_per_s": [r.get("baseline_articles_per_s") for r in rows],
        "feed_ms_per_article": [r.get("feed_ms_per_article") for r in rows],
        "feed_store_ms_per_article": [r.get("feed_store_ms_per_article") for r in rows],
        "feed_whole_store_ms_per_article": [r.get("feed_whole_store_ms_per_article") for r in rows],
        "regroup_articles_per_s": [r.get("regroup_articles_per_s") for r in rows],
        "regroup_rss_mb": [r.get("regroup_rss_mb") for r in rows],
        "regroup_from_analyses_articles_per_s": [
            r.get("regroup_from_analyses_articles_per_s") for r in rows
        ],
        "regroup_from_analyses_rss_mb": [r.get("regroup_from_analyses_rss_mb") for r in rows],
        "peak_rss_mb": [r["peak_rss_mb"] for r in rows],
        "grouping_rss_mb": [r["grouping_rss_mb"] for r in rows],
        "database_mb": [r["database_mb"] for r in rows],
        "events": [r["events"] for r in rows],
        "analysis_articles_per_s": round(fresh["articles"] / fresh["seconds"], 2)
        if fresh
        else None,
        "cpus": os.cpu_count(),
    }
    _print_table(result)
    print(json.dumps(result))
    return 0


def read_records(path: Path) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def to_article(record: dict, path: Path) -> Article | None:
    text = (record.get("content_original") or "").strip()
    if not text:
        return None
    try:
        published = date.fromisoformat(record.get("date") or "")
    except ValueError:
        published = None
    return article_from_text(
        text,
        source=f"{path}:{record.get('ID')}",
        outlet=record.get("source") or "unknown",
        title=record.get("title") or None,
        published=published,
        url=record.get("url") or None,
    )


def load_cached(cache: Path, articles: Sequence[Article]) -> dict[str, Analysis]:
    cache.mkdir(parents=True, exist_ok=True)
    found = {}
    for article in articles:
        file = cache / f"{article.id}.pickle"
        if file.exists():
            found[article.id] = pickle.loads(file.read_bytes())
    return found


def stored(db: Path, articles: Sequence[Article], analyses: dict, *, grouped: bool) -> None:
    """Store ``articles`` with their analyses in the database file ``db``, and group them
    if ``grouped``."""
    with Store(db) as store:
        store.add_many((article, analyses[article.id]) for article in articles)
        if grouped:
            pipeline.group_new(store)


def group_alone(sample: Sequence[Article], analyses: dict[str, Analysis]) -> dict:
    """Group ``sample`` in a fresh database file, as ingest does after analysis."""
    _reset_peak_rss()
    before = _rss_mb()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "scaling.duckdb"
        started = time.perf_counter()
        stored(db, sample, analyses, grouped=False)
        store_seconds = time.perf_counter() - started
        # closed and opened again, so the articles' own writes reach the file before timing
        with Store(db) as store:
            started = time.perf_counter()
            pipeline.group_new(store)
            seconds = time.perf_counter() - started
            events = len(store.events())
        database_mb = db.stat().st_size / 1e6
    peak = _peak_rss_mb()

    place_seconds = time_placing(Grouper(), sample, analyses)  # no database
    return {
        "group_seconds": round(seconds, 3),
        "group_articles_per_s": round(len(sample) / seconds, 1),
        "store_ms_per_article": round(1000 * store_seconds / len(sample), 2),
        "place_only_articles_per_s": round(len(sample) / place_seconds, 1),
        "events": events,
        "peak_rss_mb": round(peak, 1),
        "grouping_rss_mb": round(peak - before, 1),
        "database_mb": round(database_mb, 1),
    }


FEED_BATCHES = 8
FEED_DATED = 22
FEED_UNDATED = 3
"""A feed: this many batches, each of this many dated and undated articles (about the
share of undated articles in news37k)."""


def feed(sample: Sequence[Article], analyses: dict[str, Analysis]) -> dict:
    """Milliseconds per article for a feed into a store of the rest of ``sample``, and for
    the same feed into a store that loads every event; nothing for a sample too small to
    hold back a feed from."""
    dated = sorted((a for a in sample if a.published), key=lambda a: (a.published, a.id))
    undated = [a for a in sample if a.published is None]
    held_dated, held_undated = FEED_BATCHES * FEED_DATED, FEED_BATCHES * FEED_UNDATED
    if len(dated) < 2 * held_dated or len(undated) < 2 * held_undated:
        return {}
    dated, undated = dated[-held_dated:], undated[-held_undated:]
    batches = [
        dated[k * FEED_DATED : (k + 1) * FEED_DATED]
        + undated[k * FEED_UNDATED : (k + 1) * FEED_UNDATED]
        for k in range(FEED_BATCHES)
    ]
    held = {a.id for batch in batches for a in batch}
    result = {}
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "feed.duckdb"
        stored(db, [a for a in sample if a.id not in held], analyses, grouped=True)
        shutil.copy(db, Path(folder) / "whole.duckdb")
        for key, store_class, file in (
            ("feed_ms_per_article", Store, db),
            ("feed_whole_store_ms_per_article", _WholeStore, Path(folder) / "whole.duckdb"),
        ):
            seconds = storing = 0.0
            with store_class(file) as store:
                for batch in batches:
                    started = time.perf_counter()
                    for article in batch:
                        store.add(article, analyses[article.id])
                    storing += time.perf_counter() - started
                    started = time.perf_counter()
                    pipeline.group_new(store)
                    seconds += time.perf_counter() - started
            result[key] = round(1000 * seconds / len(held), 2)
            if store_class is Store:
                result["feed_store_ms_per_article"] = round(1000 * storing / len(held), 2)
    return result


def regrouping(sample: Sequence[Article], analyses: dict[str, Analysis]) -> dict:
    """Articles/s and memory rise to regroup a store of ``sample`` whose grouping was
    replaced wholesale, from its stored profiles and, in a copy without them, from its
    stored analyses."""
    result = {}
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "regroup.duckdb"
        stored(db, sample, analyses, grouped=True)
        with Store(db) as store:
            store.save_events(store.events())  # as a batch run's import does
        shutil.copy(db, Path(folder) / "bare.duckdb")
        for key, regroup, file in (
            ("regroup", pipeline.regroup, db),
            ("regroup_from_analyses", _regroup_without_profiles, Path(folder) / "bare.duckdb"),
        ):
            gc.collect()
            _reset_peak_rss()
            before = _rss_mb()
            with Store(file) as store:
                started = time.perf_counter()
                regroup(store)
                seconds = time.perf_counter() - started
            result[f"{key}_articles_per_s"] = round(len(sample) / seconds, 1)
            result[f"{key}_rss_mb"] = round(_peak_rss_mb() - before, 1)
    return result


def _regroup_without_profiles(store: Store) -> None:
    """Regroup as a store written by a version that kept no profiles is regrouped."""
    store._db.execute("DELETE FROM article_input")
    pipeline.regroup(store)


class _WholeStore(Store):
    """A store that hands its grouper every event, whatever the new articles' dates."""

    def _events_near(self, profiles, settings):
        return [event_id for (event_id,) in self._db.execute("SELECT id FROM event").fetchall()]


class _Exhaustive(Grouper):
    """Grouping without the nearest-neighbour index: every event is a candidate."""

    def _candidates(self, keys):
        return list(self._events)


def exhaustive_baseline(sample: Sequence[Article], analyses: dict[str, Analysis]) -> float:
    """Articles/s when each article is scored against every event (no index, no window)."""
    return round(len(sample) / time_placing(_Exhaustive(), sample, analyses), 1)


def time_placing(grouper: Grouper, sample: Sequence[Article], analyses) -> float:
    """Seconds to build the profiles of ``sample`` and place them with ``grouper``, with the
    second look at the batch, as ``group`` does."""
    started = time.perf_counter()
    grouper.place_batch([profile(a, analyses[a.id]) for a in sample])
    return time.perf_counter() - started


def end_to_end(sample: Sequence[Article], workers: int) -> float:
    with Store() as store:
        started = time.perf_counter()
        pipeline.add_articles(sample, store, workers=workers)
        return round(len(sample) / (time.perf_counter() - started), 2)


def _reset_peak_rss() -> None:
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _peak_rss_mb() -> float:
    return _status_mb("VmHWM:") or _ru_maxrss_mb()


def _rss_mb() -> float:
    return _status_mb("VmRSS:") or _ru_maxrss_mb()


def _status_mb(field: str) -> float | None:
    """A size field of ``/proc/self/status`` in MB (None where there is no /proc)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _ru_maxrss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _print_table(r: dict) -> None:
    print(
        f"{'size':>8}{'group/s':>10}{'place/s':>10}{'cost x':>8}{'e2e/s':>8}"
        f"{'exhaustive/s':>14}{'feed ms':>9}{'+store':>8}{'whole ms':>9}{'peak MB':>9}{'rise MB':>9}"
        f"{'db MB':>7}{'store ms':>9}{'regroup/s':>11}{'rise MB':>9}{'bare/s':>8}{'rise MB':>9}",
        file=sys.stderr,
    )
    for i, size in enumerate(r["sizes"]):
        e2e = r["end_to_end_articles_per_s"][i]
        base = r["baseline_articles_per_s"][i]
        print(
            f"{size:>8}{r['group_articles_per_s'][i]:>10}{r['place_only_articles_per_s'][i]:>10}"
            f"{r['cost_per_article_vs_smallest'][i]:>8}{e2e if e2e else '-':>8}"
            f"{base if base else '-':>14}{r['feed_ms_per_article'][i] or '-':>9}"
            f"{r['feed_store_ms_per_article'][i] or '-':>8}"
            f"{r['feed_whole_store_ms_per_article'][i] or '-':>9}"
            f"{r['peak_rss_mb'][i]:>9}{r['grouping_rss_mb'][i]:>9}"
            f"{r['database_mb'][i]:>7}{r['store_ms_per_article'][i]:>9}"
            f"{r['regroup_articles_per_s'][i] or '-':>11}{r['regroup_rss_mb'][i] or '-':>9}"
            f"{r['regroup_from_analyses_articles_per_s'][i] or '-':>8}"
            f"{r['regroup_from_analyses_rss_mb'][i] or '-':>9}",
            file=sys.stderr,
        )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="news37k articles.jsonl.gz")
    parser.add_argument("--sizes", default="1000,5000,10000,all")
    parser.add_argument("--workers", type=int, default=2, help="analysis processes")
    parser.add_argument("--cache", type=Path, default=None, help="folder for cached analyses")
    parser.add_argument(
        "--end-to-end-max", type=int, default=1000, help="measure end to end only up to this size"
    )
    parser.add_argument(
        "--baseline-max",
        type=int,
        default=5000,
        help="run the exhaustive baseline only up to this size",
    )
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument(
        "--regroup-max", type=int, default=10000, help="time regrouping only up to this size"
    )
    return parser


if __name__ == "__main__":
    raise SystemExit(main())
