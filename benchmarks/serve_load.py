"""The web app under load: many clients at once over a store of real articles.

Builds a store of the first ``--articles`` news37k articles (or reuses ``--db`` when it
exists), starts ``counterpoint serve`` on a free loopback port from a cold start, and runs
``--clients`` concurrent clients for ``--seconds``. Each client loops over the three reads a
reader makes: the event list (``/api/events``, a random page), one event's comparison
(``/api/events/{id}``) and its page (``/events/{id}``). With ``--ingest K`` one more client
adds K articles through the API while the others read, so the reads are measured while the
store is written.

Last line of stdout, one JSON object: ``requests``, ``requests_per_s``, ``errors`` (a
status other than 200, a timeout or a dropped connection), ``api_events_p95_ms``,
``api_event_p95_ms``, ``event_page_p95_ms``, ``server_rss_mb`` (the server's peak resident
memory), ``added`` (articles the writing client got in), and the machine.

Usage::

    .venv/bin/python benchmarks/serve_load.py --data ../shared/eval/news37k/articles.jsonl.gz \\
        --articles 1000 --clients 50 --seconds 60 --db /tmp/load-1000.duckdb
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.batch import read_news37k
from benchmarks.throughput import machine

KINDS = ("api_events", "api_event", "event_page")
REQUEST_TIMEOUT_S = 30.0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default="../shared/eval/news37k/articles.jsonl.gz")
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--ingest", type=int, default=0,
                        help="articles one more client adds during the load")
    parser.add_argument("--db", help="the store to serve; built here when it does not exist")
    parser.add_argument("--workers", type=int, default=2, help="analysis processes")
    args = parser.parse_args(argv)

    data = Path(args.data)
    if not data.is_file():
        raise SystemExit(f"No such file {str(data)!r}; pass --data with news37k's "
                         "articles.jsonl.gz")
    records = read_news37k(data, limit=args.articles + args.ingest)
    db = Path(args.db) if args.db else Path(tempfile.mkdtemp()) / "load.duckdb"
    if not db.exists():
        build(records[: args.articles], db, workers=args.workers)
    port = _free_port()
    started = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-c", "from counterpoint.cli import main; main()", "serve",
         "--db", str(db), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_until_up(base, server)
        up_s = time.perf_counter() - started
        result = asyncio.run(load(base, args, records[args.articles :], server.pid))
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            print("the server did not stop within 30 s of SIGTERM; killed", file=sys.stderr)
            server.kill()
            server.wait()
    result.update({"articles": args.articles, "clients": args.clients,
                   "seconds": args.seconds, "start_s": round(up_s, 2),
                   "machine": machine(), "date": date.today().isoformat()})
    print(json.dumps(result))
    return 0


def build(records: list[dict], db: Path, *, workers: int) -> None:
    from counterpoint import pipeline
    from counterpoint.store import Store

    source = db.with_suffix(".jsonl")
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                      encoding="utf-8")
    began = time.perf_counter()
    with Store(db) as store:
        report = pipeline.ingest([source], store, workers=workers)
    print(f"built {db}: {len(report.added)} articles in {time.perf_counter() - began:.0f} s",
          file=sys.stderr)


async def load(base: str, args, extra: list[dict], pid: int) -> dict:
    import httpx

    limits = httpx.Limits(max_connections=args.clients + 1)
    async with httpx.AsyncClient(base_url=base, limits=limits,
                                 timeout=REQUEST_TIMEOUT_S) as client:
        listing = (await client.get("/api/events", params={"per_page": 100})).json()
        ids = [row["id"] for row in listing["events"]]
        pages = max(1, -(-listing["total"] // 20))
        if not ids:
            raise SystemExit("the store holds no events")
        times: dict[str, list[float]] = {k: [] for k in KINDS}
        errors: list[str] = []
        rss = [0.0]
        stop = time.perf_counter() + args.seconds

        async def reader(seed: int) -> None:
            rng = random.Random(seed)
            while time.perf_counter() < stop:
                kind = rng.choice(KINDS)
                event = rng.choice(ids)
                url = {"api_events": f"/api/events?page={rng.randint(1, pages)}",
                       "api_event": f"/api/events/{event}",
                       "event_page": f"/events/{event}"}[kind]
                began = time.perf_counter()
                try:
                    response = await client.get(url)
                    if response.status_code != 200:
                        errors.append(f"{url}: {response.status_code}")
                except httpx.HTTPError as exc:
                    errors.append(f"{url}: {type(exc).__name__}")
                times[kind].append(time.perf_counter() - began)

        async def writer() -> int:
            added = 0
            for record in extra:
                if time.perf_counter() >= stop:
                    break
                try:
                    response = await client.post("/api/articles", params={"wait": "true"},
                                                 json={"articles": [_article(record)]},
                                                 timeout=max(1.0, stop - time.perf_counter()))
                    added += len(response.json()["job"]["report"]["added"])
                except (httpx.HTTPError, KeyError, ValueError) as exc:
                    errors.append(f"POST /api/articles: {type(exc).__name__}")
            return added

        async def watch() -> None:
            while time.perf_counter() < stop:
                rss[0] = max(rss[0], _rss_mb(pid))
                await asyncio.sleep(0.5)

        began = time.perf_counter()
        tasks = [reader(n) for n in range(args.clients)] + [watch()]
        results = await asyncio.gather(writer(), *tasks)
        elapsed = time.perf_counter() - began
    requests = sum(len(v) for v in times.values())
    for message in sorted(set(errors))[:10]:
        print(f"error: {message}", file=sys.stderr)
    return {
        "requests": requests,
        "requests_per_s": round(requests / elapsed, 1),
        "errors": len(errors),
        **{f"{kind}_p95_ms": _p95(times[kind]) for kind in KINDS},
        "server_rss_mb": round(rss[0], 1),
        "added": results[0],
    }


def _article(record: dict) -> dict:
    return {k: record[k] for k in ("text", "title", "outlet", "url", "published") if k in record}


def _p95(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(1000 * ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 1)


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(base: str, server: subprocess.Popen) -> None:
    import httpx

    deadline = time.perf_counter() + 120
    while time.perf_counter() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with {server.returncode}")
        try:
            if httpx.get(base + "/api/events", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit("the server did not answer within 120 s")


if __name__ == "__main__":
    sys.exit(main())
