"""Hostile input, generated and fixed, mixed with real articles: does anything bring a run down?

Each batch is a folder of hostile files (the fixed corpus of known bad inputs first, then
generated ones: random bytes, JSON lines of random shape, nesting and numbers, texts of
invisible, combining and reversed characters, lone surrogates, broken gzip, HTML soup) and two
good articles, compared with ``counterpoint compare FOLDER --format json`` in a fresh process
under a time limit. Counted, per input file:

- ``crashes``: a batch whose run printed a traceback or exited with a code other than 0, 1, 2;
- ``hangs``: a batch that ran past ``--timeout`` seconds;
- ``unclear``: an ``error:`` line that names no file;
- ``good_lost``: good articles missing from the output.

Goal: all four 0.

Usage::

    .venv/bin/python benchmarks/fuzz.py --inputs 1000 --batch 100

A line per batch goes to stderr; the last line of stdout is one JSON object.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.throughput import machine

GOOD = (
    "The mayor of Springfield opened a new bridge over the river on Monday, officials said.",
    "Heavy rain flooded parts of the old town on Tuesday and two roads were closed, police said.",
)
_WEIRD = "\u200b\u200c\u200d\u2060\ufeff\u202e\u202d\u0301\u0308\u00a0\u3000\t\r"


def fixed_corpus() -> list[tuple[str, bytes]]:
    """The known bad inputs: (file name, content)."""
    line = b'{"text": "The mayor opened a bridge on Monday."}\n'
    return [
        ("deep.jsonl", b"[" * 100_000 + b"]" * 100_000 + b"\n"),
        ("deep_text.jsonl", b'{"text": ' + b'{"a": ' * 5_000 + b"1" + b"}" * 5_000 + b"}\n"),
        ("bigint.jsonl", b'{"text": "x words", "id": ' + b"9" * 100_000 + b"}\n"),
        ("surrogate.jsonl", b'{"text": "bad \\ud800 text with words"}\n'),
        ("bomb.jsonl.gz", gzip.compress(b'{"text": "' + b"a " * 150_000_000 + b'"}\n', 9)),
        ("huge.txt", b"word " * 4_000_000),
        ("zero_width.jsonl", ('{"text": "' + "\u200b" * 800 + '"}\n').encode()),
        ("dot.jsonl", b'{"text": "."}\n'),
        ("digits.txt", b"1234567890 42"),
        ("dup.jsonl", b'{"id": "1", "text": "A storm hit the coast."}\n'
                      b'{"id": "1", "text": "The mayor opened a bridge."}\n'),
        ("utf32.txt", "The mayor opened a bridge.".encode("utf-32")),
        ("utf16.txt", "The mayor opened a bridge.".encode("utf-16")),
        ("latin1.txt", "Caf\xe9 owners protested on Monday.".encode("latin-1")),
        ("binary.txt", bytes(range(256)) * 20),
        ("empty.jsonl", b""),
        ("nulls.jsonl", b'{"text": null}\n{"text": 5}\n[1, 2]\n"text"\n'),
        ("truncated.jsonl.gz", gzip.compress(line * 10)[:-12]),
        ("notgzip.jsonl.gz", b"not gzip at all"),
        ("broken.html", b"<html><body><p>Unclosed <b>bold <script>alert(1)</script>"),
        ("empty.html", b"<html></html>"),
        ("badjson.jsonl", b'{"text": "ok words", }\n{text: 1}\n'),
        ("dates.jsonl", b'{"text": "The mayor opened a bridge.", "published": "yesterday"}\n'
                        b'{"text": "The mayor opened a bridge!", "published": "9999-99-99"}\n'),
    ]


def generated(rng: random.Random, number: int) -> tuple[str, bytes]:
    """One generated hostile file."""
    kind = number % 6
    if kind == 0:
        return f"random_{number}.txt", rng.randbytes(rng.randint(1, 4096))
    if kind == 1:
        return f"shape_{number}.jsonl", (json.dumps(_random_json(rng, 0)) + "\n").encode()
    if kind == 2:
        text = "".join(rng.choice(_WEIRD + "abc .,!?") for _ in range(rng.randint(1, 3000)))
        return f"weird_{number}.txt", text.encode("utf-8")
    if kind == 3:
        body = "".join(rng.choice(["The", "mayor", "said", "\ud800", "\udfff", " ", "."])
                       for _ in range(rng.randint(5, 200)))
        raw = json.dumps({"text": body})  # lone surrogates, escaped
        return f"surrogates_{number}.jsonl", raw.encode() + b"\n"
    if kind == 4:
        data = gzip.compress(rng.randbytes(rng.randint(1, 2048)))
        cut = rng.randint(0, len(data))
        return f"gzip_{number}.jsonl.gz", data[:cut]
    tags = ["<p>", "</p>", "<div>", "<script>", "</script>", "<title>", "<meta charset=x>",
            "&#0;", "&#xD800;", "Mayor opens bridge", "<![CDATA[", "<!--"]
    return f"soup_{number}.html", "".join(rng.choice(tags) for _ in range(200)).encode()


def _random_json(rng: random.Random, depth: int):
    kind = rng.randint(0, 7 if depth < 40 else 4)
    if kind == 0:
        return None
    if kind == 1:
        return rng.choice([True, False, 0, -1, 1e308, 2**70, 3.5])
    if kind == 2:
        return "".join(rng.choice("ab \u200b\u202e.") for _ in range(rng.randint(0, 50)))
    if kind == 3:
        return {"text": rng.choice(["", " ", "words here", 5, None, ["x"]])}
    if kind == 4:
        return {"text": "The mayor opened a bridge.", "id": rng.choice([1, "1", None, [], {}])}
    if kind in (5, 6):
        return [_random_json(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return {"text": _random_json(rng, depth + 1)}


def run_batch(files: list[tuple[str, bytes]], *, timeout: float) -> dict:
    """Compare one folder of hostile files and the good articles; what went wrong."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for name, content in files:
            (root / name).write_bytes(content)
        for k, text in enumerate(GOOD):
            (root / f"good_{k}.txt").write_text(text, encoding="utf-8")
        command = [sys.executable, "-c", "from counterpoint.cli import main; main()",
                   "compare", str(root), "--format", "json"]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return {"hang": True, "crash": False, "unclear": 0, "good_lost": len(GOOD)}
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    unclear = sum(1 for line in errors if folder not in line)
    try:
        texts = {a["text"] for e in json.loads(done.stdout)["events"] for a in e["articles"]}
    except (json.JSONDecodeError, KeyError, TypeError):
        texts = set()
    crash = "Traceback" in done.stderr or done.returncode not in (0, 1, 2)
    return {"hang": False, "crash": crash, "unclear": unclear,
            "good_lost": sum(t not in texts for t in GOOD), "stderr": done.stderr[-2000:]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=1000, help="hostile files in all")
    parser.add_argument("--batch", type=int, default=100, help="hostile files a run")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds a run may take")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    corpus = fixed_corpus()
    inputs = corpus + [generated(rng, n) for n in range(max(0, args.inputs - len(corpus)))]
    totals = {"inputs": len(inputs), "crashes": 0, "hangs": 0, "unclear": 0, "good_lost": 0}
    began = time.perf_counter()
    for first in range(0, len(inputs), args.batch):
        batch = inputs[first : first + args.batch]
        result = run_batch(batch, timeout=args.timeout)
        totals["crashes"] += len(batch) if result["crash"] else 0
        totals["hangs"] += len(batch) if result["hang"] else 0
        totals["unclear"] += result["unclear"]
        totals["good_lost"] += result["good_lost"]
        print(f"inputs {first}–{first + len(batch)}: crash {result['crash']} hang "
              f"{result['hang']} unclear {result['unclear']} good lost {result['good_lost']}",
              file=sys.stderr)
        if result["crash"]:
            print(result.get("stderr", ""), file=sys.stderr)
    totals["seconds"] = round(time.perf_counter() - began, 1)
    print(json.dumps(totals | {"date": date.today().isoformat(), "machine": machine()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
