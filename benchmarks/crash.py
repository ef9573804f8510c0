"""Kill an ingest at random moments: does the database stay whole?

Each trial starts ``counterpoint ingest FILE --db DB`` on real articles (the first
``--articles`` of a news JSON Lines file) into a fresh database, kills it with SIGKILL at a
random moment, then checks the database: that it opens, that every stored article's text is
the text it was given, and that the events hold stored articles only. It then runs the same
ingest to completion and checks that every article is stored once. Counted over the trials:
``unopenable``, ``text_changed``, ``dangling`` (an event naming an article not stored),
``lost_committed`` (an article stored before the kill and missing after the re-run),
``duplicates_after_rerun`` and ``incomplete_after_rerun``. Goal: all 0.

Usage::

    .venv/bin/python benchmarks/crash.py --data ../shared/eval/news37k/articles.jsonl.gz \\
        --trials 20 --articles 40

A line per trial goes to stderr; the last line of stdout is one JSON object.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.throughput import machine

COMMAND = [sys.executable, "-c", "from counterpoint.cli import main; main()", "ingest"]


def sample(path: Path, count: int, out: Path) -> dict[str, str]:
    """The first ``count`` articles of a (gzipped) JSON Lines file, written to ``out``; their
    texts by id."""
    opener = gzip.open if path.suffix == ".gz" else open
    texts = {}
    with opener(path, "rt", encoding="utf-8") as source, out.open("w", encoding="utf-8") as sink:
        for line in source:
            record = json.loads(line)
            text = record.get("text") or record.get("content_original")  # news37k's field
            if not isinstance(text, str) or not text.strip():
                continue
            row = {"id": f"crash-{len(texts)}", "text": text,
                   "outlet": record.get("outlet") or record.get("source") or "news"}
            sink.write(json.dumps(row) + "\n")
            texts[row["id"]] = row["text"]
            if len(texts) == count:
                break
    return texts


def inspect(db: Path, texts: dict[str, str]) -> dict:
    """What a database holds after a kill: whether it opens, and what is wrong in it."""
    from counterpoint.errors import CounterpointError
    from counterpoint.store import Store

    try:
        store = Store(db)
    except CounterpointError:
        return {"opens": False}
    try:
        articles = store.articles()
        ids = Counter(a.id for a in articles)
        by_text = {a.text for a in articles}
        stored = {i for i, t in texts.items() if t in by_text}
        return {
            "opens": True,
            "stored": stored,
            "count": len(articles),
            "duplicates": sum(n - 1 for n in ids.values() if n > 1),
            "text_changed": sum(a.text not in set(texts.values()) for a in articles),
            "dangling": sum(
                1 for e in store.events() for a in e.article_ids if a not in ids
            ),
        }
    finally:
        store.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path,
                        default=Path("../shared/eval/news37k/articles.jsonl.gz"))
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--articles", type=int, default=40)
    parser.add_argument("--latest", type=float, default=30.0,
                        help="the latest moment of a kill, in seconds after the start")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    totals = Counter()
    began = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        feed = Path(folder) / "feed.jsonl"
        texts = sample(args.data, args.articles, feed)
        for trial in range(args.trials):
            db = Path(folder) / f"trial{trial}.duckdb"
            process = subprocess.Popen([*COMMAND, str(feed), "--db", str(db)],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            moment = rng.uniform(0.5, args.latest)
            try:
                process.wait(timeout=moment)
                killed = False
            except subprocess.TimeoutExpired:
                process.send_signal(signal.SIGKILL)
                process.wait()
                killed = True
            after = inspect(db, texts)
            if not after["opens"]:
                totals["unopenable"] += 1
                print(f"trial {trial}: kill at {moment:.1f} s: the database does not open",
                      file=sys.stderr)
                continue
            totals["text_changed"] += after["text_changed"]
            totals["dangling"] += after["dangling"]
            subprocess.run([*COMMAND, str(feed), "--db", str(db)], check=False,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            rerun = inspect(db, texts)
            if not rerun["opens"]:
                totals["unopenable"] += 1
                continue
            totals["lost_committed"] += len(after["stored"] - rerun["stored"])
            totals["duplicates_after_rerun"] += rerun["duplicates"]
            totals["incomplete_after_rerun"] += len(texts) - len(rerun["stored"])
            print(f"trial {trial}: {'killed' if killed else 'finished'} at {moment:.1f} s with "
                  f"{len(after['stored'])} of {len(texts)} stored; after the re-run "
                  f"{len(rerun['stored'])}", file=sys.stderr)
    result = {
        "trials": args.trials,
        "articles": len(texts),
        "unopenable": totals["unopenable"],
        "text_changed": totals["text_changed"],
        "dangling": totals["dangling"],
        "lost_committed": totals["lost_committed"],
        "duplicates_after_rerun": totals["duplicates_after_rerun"],
        "incomplete_after_rerun": totals["incomplete_after_rerun"],
        "seconds": round(time.perf_counter() - began, 1),
        "date": date.today().isoformat(),
        "machine": machine(),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
