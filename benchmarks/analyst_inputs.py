"""Write the inputs of an analyst's gold: one JSON Lines file per event, one article a line.

The format is ``../shared/eval/analyst_gold/FORMAT.md``'s: ``{"id", "outlet", "title",
"published", "text"}``. For a BASIL triplet the text is its paragraphs joined by a blank line,
each paragraph's sentences joined by one space, and the id ``<uuid8>_<source>``. For plain-text
articles (the bundled seeds) the text is the file's exactly and the id is the file's stem. For
an ECB+ sub-topic (one real happening, e.g. ``20_ecbplus``) the first ``--docs`` documents'
detokenised texts, the id the document's name (``20_1ecbplus``).

Usage::

    .venv/bin/python benchmarks/analyst_inputs.py --basil ../shared/eval/basil \\
        --triplets 33521e65,f506aafc --seeds ../shared/seeds --out /tmp/analyst_inputs

The last line of stdout is a JSON object naming the files written.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

GOLD_TRIPLETS = (
    "33521e65", "f506aafc", "6b541575", "97566c74", "22b6e900", "2742e9c1",
    "f11c2566", "3db93526", "b4dbeda7", "11c9f251",
)
GOLD_SUBTOPICS = ("20_ecbplus", "18_ecbplus")
"""The ECB+ sub-topics that ``benchmarks/analyst_gold`` annotates: a quake and a shooting."""
"""The BASIL 2010–2015 triplets that ``benchmarks/analyst_gold`` annotates."""
SEEDS_EVENT = "seeds"
_PREFIX = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\b")


def basil_event(root: Path, triplet: str) -> list[dict]:
    """The three articles of the BASIL triplet whose uuid starts with ``triplet``."""
    folder = root / "articles" if (root / "articles").is_dir() else root
    files = sorted(folder.rglob(f"{triplet}*_[123].json"))
    if not files:
        raise SystemExit(f"No BASIL triplet {triplet!r} under {str(root)!r}")
    rows = []
    for file in files:
        record = json.loads(file.read_text(encoding="utf-8"))
        source = record["source"].lower()
        rows.append(
            {
                "id": f"{record['triplet-uuid'][:8]}_{source}",
                "outlet": source,
                "title": record.get("title") or None,
                "published": (record.get("date") or "")[:10] or None,
                "text": "\n\n".join(" ".join(p) for p in record["body-paragraphs"] if p),
            }
        )
    return rows


def text_event(folder: Path) -> list[dict]:
    """Plain-text articles, each file's text exactly, the id its stem."""
    rows = []
    for file in sorted(folder.glob("*.txt")):
        text = file.read_text(encoding="utf-8")
        found = _PREFIX.match(text)
        rows.append(
            {
                "id": file.stem,
                "outlet": file.stem,
                "title": None,
                "published": found.group(1) if found else None,
                "text": text,
            }
        )
    return rows


def ecbplus_event(root: Path, subtopic: str, docs: int) -> list[dict]:
    """The first ``docs`` documents of an ECB+ sub-topic."""
    from benchmarks.ecbplus import load

    found = [d for d in load(root) if d.subtopic == subtopic][:docs]
    if not found:
        raise SystemExit(f"No ECB+ sub-topic {subtopic!r} under {str(root)!r}")
    return [
        {"id": d.name.removesuffix(".xml"), "outlet": d.name.removesuffix(".xml"),
         "title": None, "published": None, "text": d.text}
        for d in found
    ]


def write(rows: list[dict], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--basil", type=Path, default=Path("../shared/eval/basil"))
    parser.add_argument("--triplets", default=",".join(GOLD_TRIPLETS))
    parser.add_argument("--seeds", type=Path, default=Path("../shared/seeds"))
    parser.add_argument("--ecbplus", type=Path, default=Path("../shared/eval/ecbplus"))
    parser.add_argument("--subtopics", default=",".join(GOLD_SUBTOPICS))
    parser.add_argument("--docs", type=int, default=4, help="ECB+ documents per sub-topic")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    written = []
    for triplet in filter(None, args.triplets.split(",")):
        path = args.out / f"basil_{triplet}.jsonl"
        write(basil_event(args.basil, triplet), path)
        written.append(str(path))
    for subtopic in filter(None, args.subtopics.split(",")):
        path = args.out / f"ecbplus_{subtopic}.jsonl"
        write(ecbplus_event(args.ecbplus, subtopic, args.docs), path)
        written.append(str(path))
    if args.seeds and args.seeds.is_dir():
        path = args.out / f"{SEEDS_EVENT}.jsonl"
        write(text_event(args.seeds), path)
        written.append(str(path))
    print(json.dumps({"written": written}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
