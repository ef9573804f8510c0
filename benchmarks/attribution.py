"""Attribution quality on PolNeAR: who said what, span by span.

Usage::

    .venv/bin/python benchmarks/attribution.py --data ../shared/eval/polnear
    .venv/bin/python benchmarks/attribution.py --data ../shared/eval/polnear --limit 50

Every compartment folder under ``--data`` (``train``, ``dev``, ...) is read with
:mod:`benchmarks.polnear`. Each article (its whole ``.txt``, offset 0) goes
through counterpoint's spaCy pipeline, :func:`find_mentions` and
:func:`find_attributions`, exactly as in ``analyze``. A table goes to stderr;
the last line of stdout is one JSON object.

How it is scored (per role: source, cue, content; micro-averaged over all articles):

* **Items.** Every gold attribution gives one item per role it has (a gold
  attribution without a source gives no source item); every predicted
  attribution gives a cue and a content item, and a source item when it has a
  source. A discontinuous span is the set of its ranges (``Content2`` joins the
  content).
* **Overlap match.** A predicted and a gold item of the same role, in the same
  article, match when they share at least one character. Matching is one to
  one and greedy: the pairs with the most shared characters are taken first.
* **Exact match.** Both sides are normalised the same way: each range loses
  leading and trailing whitespace and punctuation (Unicode categories ``Z*``
  and ``P*``: quotation marks, commas, full stops, dashes, colons...), empty
  ranges are dropped, ranges with only whitespace and punctuation between them
  are joined, and the remaining ranges must be identical. One to one.
* **Which predictions.** PolNeAR marks each word with one role at most, so speech
  reported inside a content (``he said the army claimed …``) is not annotated;
  only counterpoint's attributions with ``depth`` 0 are scored. A prediction's
  content is all its ``parts`` when it has several.
* precision = matched / predicted items, recall = matched / gold items.
* **Link accuracy.** Take the gold attributions that have a source and whose
  content is matched (overlap) by a predicted content. The share of them whose
  predicted attribution (the one owning that content) has a source that
  overlaps the gold source. Gold attributions without a source (1,634 of the
  22,061 in train + dev) are left out of it; how often counterpoint also gives
  no source for those is reported as ``no_source_agreement``.

The same run scores a baseline that reads no parse: every quotation ("…" or
“…”) is a content, its cue the nearest speech verb within 60 characters
before or after it in the same paragraph, and its source the capitalised
words or pronoun next to that verb. ``ratio_*`` divides counterpoint's
figure by the baseline's.
"""

from __future__ import annotations

import argparse
import bisect
import json
import os
import re
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.polnear import ROLES, Doc, Gold, Ranges, load
from counterpoint.analyze.attribution import find_attributions
from counterpoint.analyze.entities import find_mentions
from counterpoint.analyze.nlp import load_nlp
from counterpoint.model import Attribution, Span

__all__ = ["Counts", "baseline", "match_exact", "match_overlap", "normalise", "score", "to_gold"]


# --- matching ------------------------------------------------------------------------------


def _junk(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "PZ" or ch.isspace()


def normalise(text: str, ranges: Ranges) -> Ranges:
    """Each range without surrounding whitespace and punctuation, empty ranges dropped, and
    ranges with nothing but whitespace and punctuation between them joined."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        while start < end and _junk(text[start]):
            start += 1
        while end > start and _junk(text[end - 1]):
            end -= 1
        if start >= end:
            continue
        if out and all(_junk(ch) for ch in text[out[-1][1] : start]):
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return tuple(out)


def _shared(a: Ranges, b: Ranges) -> int:
    return sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)


def match_overlap(gold: Sequence[Ranges], predicted: Sequence[Ranges]) -> dict[int, int]:
    """One-to-one greedy matching of items sharing a character: gold index -> predicted index.

    Pairs are taken by decreasing number of shared characters (ties: earlier gold,
    then earlier prediction)."""
    pairs = []
    for j, p in enumerate(predicted):
        for i, g in enumerate(gold):
            n = _shared(g, p)
            if n:
                pairs.append((-n, i, j))
    pairs.sort()
    taken: dict[int, int] = {}
    used: set[int] = set()
    for _, i, j in pairs:
        if i not in taken and j not in used:
            taken[i] = j
            used.add(j)
    return taken


def match_exact(text: str, gold: Sequence[Ranges], predicted: Sequence[Ranges]) -> int:
    """How many items match one to one after :func:`normalise` on both sides."""
    g = Counter(normalise(text, x) for x in gold)
    p = Counter(normalise(text, x) for x in predicted)
    return sum(min(n, p[key]) for key, n in g.items() if key)


@dataclass(slots=True)
class Counts:
    gold: int = 0
    predicted: int = 0
    exact: int = 0
    overlap: int = 0

    def figures(self, prefix: str) -> dict[str, float | int]:
        out: dict[str, float | int] = {
            f"{prefix}_gold": self.gold, f"{prefix}_predicted": self.predicted
        }
        for kind in ("exact", "overlap"):
            tp = getattr(self, kind)
            p = tp / self.predicted if self.predicted else 0.0
            r = tp / self.gold if self.gold else 0.0
            out[f"{prefix}_precision_{kind}"] = p
            out[f"{prefix}_recall_{kind}"] = r
            out[f"{prefix}_f1_{kind}"] = 2 * p * r / (p + r) if p + r else 0.0
        return out


def to_gold(attribution: Attribution) -> Gold:
    """A predicted attribution in the gold's shape (a tuple of ranges per role)."""

    def ranges(span: Span | None) -> Ranges:
        return ((span.start, span.end),) if span is not None else ()

    content = tuple((p.start, p.end) for p in attribution.parts) or ranges(attribution.content)
    return Gold(source=ranges(attribution.source), cue=ranges(attribution.cue), content=content)


def score(docs: Sequence[Doc], predictions: Sequence[Sequence[Gold]]) -> dict[str, float | int]:
    """Span P/R/F1 per role (exact and overlap) and link accuracy, micro-averaged."""
    counts = {role: Counts() for role in ROLES}
    linked = link_total = silent = silent_total = 0
    for doc, predicted in zip(docs, predictions, strict=True):
        for role in ROLES:
            gold_items = [getattr(g, role) for g in doc.attributions if getattr(g, role)]
            pred_items = [getattr(p, role) for p in predicted if getattr(p, role)]
            c = counts[role]
            c.gold += len(gold_items)
            c.predicted += len(pred_items)
            c.exact += match_exact(doc.text, gold_items, pred_items)
            c.overlap += len(match_overlap(gold_items, pred_items))
        gold_with_content = [g for g in doc.attributions if g.content]
        pred_with_content = [p for p in predicted if p.content]
        pairs = match_overlap([g.content for g in gold_with_content],
                              [p.content for p in pred_with_content])
        for i, j in pairs.items():
            g, p = gold_with_content[i], pred_with_content[j]
            if g.source:
                link_total += 1
                linked += bool(p.source) and _shared(g.source, p.source) > 0
            else:
                silent_total += 1
                silent += not p.source
    out: dict[str, float | int] = {}
    for role in ROLES:
        out.update(counts[role].figures(role))
    out["link_accuracy"] = linked / link_total if link_total else 0.0
    out["link_scored"] = link_total
    out["no_source_agreement"] = silent / silent_total if silent_total else 0.0
    out["no_source_scored"] = silent_total
    return out


# --- the baseline --------------------------------------------------------------------------

_BASE_QUOTE = re.compile(r"“([^“”]{1,1000}?)”|\"([^\"\n]{1,1000}?)\"")
_BASE_VERB = re.compile(
    r"\b(?:said|says|say|told|tells|added|adds|wrote|writes|asked|stated|according to)\b",
    re.IGNORECASE,
)
_BASE_PRONOUN = r"(?:he|she|they|we|I|it)"
_BASE_NAME = r"(?:[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*){0,3})"
_BASE_BEFORE = re.compile(rf"(?:{_BASE_NAME}|\b{_BASE_PRONOUN})\s*$")
_BASE_AFTER = re.compile(rf"^\s*(?:{_BASE_NAME}|{_BASE_PRONOUN}\b)")


def baseline(text: str) -> list[Gold]:
    """Quotations, each with the nearest speech verb and the name or pronoun beside it."""
    found = []
    for quote in _BASE_QUOTE.finditer(text):
        group = 1 if quote.group(1) is not None else 2
        q0, q1 = quote.start(group), quote.end(group)
        para0 = text.rfind("\n", 0, quote.start()) + 1
        para1 = text.find("\n", quote.end())
        para1 = len(text) if para1 < 0 else para1
        window0, window1 = max(para0, quote.start() - 60), min(para1, quote.end() + 60)
        verbs = [
            v for v in _BASE_VERB.finditer(text, window0, window1)
            if v.end() <= quote.start() or v.start() >= quote.end()
        ]
        if not verbs:
            continue
        verb = min(verbs, key=lambda v: min(abs(v.start() - quote.end()),
                                            abs(quote.start() - v.end())))
        source: Ranges = ()
        before = _BASE_BEFORE.search(text, para0, verb.start())
        after = _BASE_AFTER.search(text[verb.end() : para1])
        if verb.start() >= quote.end() and after and after.group(0).strip()[:1].isupper():
            words = after.group(0)
            start = verb.end() + after.start() + len(words) - len(words.lstrip())
            source = ((start, verb.end() + after.end()),)
        elif before:
            source = ((before.start(), before.start() + len(before.group(0).rstrip())),)
        found.append(Gold(source=source, cue=((verb.start(), verb.end()),), content=((q0, q1),)))
    return found


# --- the run -------------------------------------------------------------------------------


def predict(
    docs: Sequence[Doc], *, batch_size: int = 8
) -> tuple[list[list[Gold]], dict[str, float]]:
    """counterpoint's attributions for each document (depth 0), and the seconds spent parsing,
    finding mentions and finding attributions."""
    nlp = load_nlp()
    parse_s = mentions_s = extract_s = 0.0
    out: list[list[Gold]] = []
    t = time.perf_counter()
    for doc in nlp.pipe((d.text for d in docs), batch_size=batch_size):
        parse_s += time.perf_counter() - t
        t = time.perf_counter()
        starts = [s.start_char for s in doc.sents]

        def sentence_of(char: int, starts=starts) -> int:
            return max(0, bisect.bisect_right(starts, char) - 1)

        mentions = find_mentions(doc, offset=0, sentence_of=sentence_of)
        mentions_s += time.perf_counter() - t
        t = time.perf_counter()
        found = find_attributions(doc, offset=0, mentions=mentions)
        extract_s += time.perf_counter() - t
        out.append([to_gold(a) for a in found if a.depth == 0])
        t = time.perf_counter()
    return out, {"parse_s": parse_s, "mentions_s": mentions_s, "extract_s": extract_s}


KEYS = ("source_f1_overlap", "cue_f1_overlap", "content_f1_overlap",
        "source_f1_exact", "cue_f1_exact", "content_f1_exact", "link_accuracy")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    data = Path(args.data)
    try:
        docs = load(data, limit=args.limit)
    except (FileNotFoundError, ValueError) as exc:
        print(exc, file=sys.stderr)
        return 2
    from benchmarks.throughput import machine  # imports the whole pipeline; only needed here

    predicted, timing = predict(docs)
    result: dict = {
        "data": str(data),
        "compartments": sorted({d.compartment for d in docs}),
        "limit": args.limit,
        "articles": len(docs),
        "gold_attributions": sum(len(d.attributions) for d in docs),
        "date": date.today().isoformat(),
        "machine": machine(),
        "load_average_start": list(os.getloadavg()),
        **timing,
        "extract_ms_per_article": 1000 * timing["extract_s"] / max(1, len(docs)),
        **score(docs, predicted),
    }
    base = score(docs, [baseline(d.text) for d in docs])
    for key, value in base.items():
        result[f"baseline_{key}"] = value
    for key in KEYS:
        b = base[key]
        result[f"ratio_{key}"] = result[key] / b if b else None
    result["load_average_end"] = list(os.getloadavg())
    print_table(result)
    print(json.dumps(result))
    return 0


def print_table(r: dict) -> None:
    print(f"{r['articles']} articles ({', '.join(r['compartments'])}), "
          f"{r['gold_attributions']} gold attributions", file=sys.stderr)
    print(f"  {'role':<8} {'match':<8} {'P':>6} {'R':>6} {'F1':>6}   {'baseline F1':>11}",
          file=sys.stderr)
    for role in ROLES:
        for kind in ("exact", "overlap"):
            print(
                f"  {role:<8} {kind:<8} {r[f'{role}_precision_{kind}']:6.3f} "
                f"{r[f'{role}_recall_{kind}']:6.3f} {r[f'{role}_f1_{kind}']:6.3f}   "
                f"{r[f'baseline_{role}_f1_{kind}']:11.3f}",
                file=sys.stderr,
            )
    ratios = ", ".join(
        f"{key.split('_')[0]} {r[f'ratio_{key}']:.2f}"
        for key in ("source_f1_overlap", "cue_f1_overlap", "content_f1_overlap")
        if r.get(f"ratio_{key}") is not None
    )
    print(f"  overlap F1 / baseline overlap F1: {ratios}", file=sys.stderr)
    print(f"  link accuracy {r['link_accuracy']:.3f} over {r['link_scored']} "
          f"(baseline {r['baseline_link_accuracy']:.3f} over {r['baseline_link_scored']}); "
          f"no-source agreement {r['no_source_agreement']:.3f} over {r['no_source_scored']}",
          file=sys.stderr)
    print(f"  parse {r['parse_s']:.1f} s, mentions {r['mentions_s']:.1f} s, "
          f"attributions {r['extract_s']:.1f} s "
          f"({r['extract_ms_per_article']:.1f} ms per article)", file=sys.stderr)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Score counterpoint's attributions (source, cue, content) on PolNeAR.",
        epilog="example: benchmarks/attribution.py --data ../shared/eval/polnear --limit 50",
    )
    parser.add_argument(
        "--data", required=True, help="the polnear folder (train/, dev/ ... inside)"
    )
    parser.add_argument("--limit", type=int, default=None,
                        help="only the first N articles (compartments, then names, in order)")
    return parser


if __name__ == "__main__":
    raise SystemExit(main())
