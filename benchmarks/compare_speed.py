"""How long comparing one event takes, from stored analyses, as its article count grows.

The documents of one ECB+ topic (its two sub-topics: the reports of two like happenings) are
analysed once, then the first 5, 10, 20 … of them are compared as one event (resolve,
then compare with the shipped models), each size timed on its own. Analysis is timed apart:
it is done once per article, when the article is stored.

Usage::

    .venv/bin/python benchmarks/compare_speed.py --data ../shared/eval/ecbplus --topic 1 \\
        --sizes 5,10,20,30

A table goes to stderr; the last line of stdout is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.ecbplus import load
from benchmarks.throughput import machine


def main(argv: list[str] | None = None) -> int:
    from counterpoint.analyze import analyze_many
    from counterpoint.analyze.embed import default_embedder
    from counterpoint.compare import compare
    from counterpoint.compare.same import default_models
    from counterpoint.ingest import article_from_text
    from counterpoint.model import Event
    from counterpoint.resolve import resolve

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/eval/ecbplus"))
    parser.add_argument("--topic", default="1")
    parser.add_argument("--sizes", default="5,10,20,30")
    args = parser.parse_args(argv)
    sizes = [int(n) for n in args.sizes.split(",")]
    docs = [d for d in load(args.data) if d.topic == args.topic][: max(sizes)]
    articles = [article_from_text(d.text, source=d.name, outlet=d.name) for d in docs]
    began = time.perf_counter()
    analyses = {a.id: an for a, an in zip(articles, analyze_many(articles))}
    analyse_s = time.perf_counter() - began
    embed = default_embedder().encode
    models = default_models()
    compare(Event(id="warm", article_ids=(articles[0].id,), title="warm"),
            {articles[0].id: articles[0]}, {articles[0].id: analyses[articles[0].id]},
            (), embed=embed, models=models)  # the models load once, outside the timings
    rows = []
    for size in sizes:
        chosen = articles[:size]
        event = Event(id=f"evt_{size}", article_ids=tuple(a.id for a in chosen), title="t")
        picked = {a.id: analyses[a.id] for a in chosen}
        start = time.perf_counter()
        entities = resolve(event.id, picked)
        comparison = compare(event, {a.id: a for a in chosen}, picked, entities,
                             embed=embed, models=models)
        seconds = time.perf_counter() - start
        claims = sum(len(a.claims) for a in picked.values())
        rows.append({"articles": len(chosen), "claims": claims, "facts": len(comparison.facts),
                     "seconds": round(seconds, 2)})
        print(f"{len(chosen):>4} articles  {claims:>5} claims  {seconds:6.2f} s", file=sys.stderr)
    print(json.dumps({"benchmark": "compare_speed", "topic": args.topic,
                      "analyse_seconds": round(analyse_s, 1), "sizes": rows,
                      "date": date.today().isoformat(), "machine": machine()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
