"""Names: which mentions are the same person, organisation or place, across articles.

Usage::

    .venv/bin/python benchmarks/entities.py --data ../shared/eval/ecbplus
    .venv/bin/python benchmarks/entities.py --data ../shared/eval/ecbplus --topics 7,16

``--data`` is a folder laid out like ``../shared/eval/ecbplus`` (its ``ECB+``
topic folders and ``ECBplus_coreference_sentences.csv``). Every document is
analysed with :func:`counterpoint.analyze.analyze_many`; the mentions of each
event (a gold topic by default, or a gold subtopic with ``--event subtopic``)
then go through :func:`counterpoint.resolve.resolve`, exactly as
``pipeline.compare_event`` calls it. A table goes to stderr; the last line of
stdout is one JSON object whose ``f1`` is the headline figure.

What is scored
--------------
The gold items are the *named* mentions of people, organisations and places:
markables tagged ``HUMAN_PART_PER``, ``_ORG``, ``_GPE``, ``_MET``, ``_FAC``,
``LOC_GEO`` or ``LOC_FAC`` whose head word is a proper noun, and which the
annotators linked to a cross-document instance (the gold clusters). The head
is the last word of the mention's first noun phrase: leading prepositions and
articles are skipped, the phrase stops at the first preposition, comma or
bracket, and a possessor gives way to what it possesses ("Lindsay Lohan's rep"
has the head "rep", so it is not a name; "lawyer Mark Heller" has "Heller").
A head is a proper noun when it is capitalised inside running text; at the start
of a sentence or clause, or in a title-case headline, when the corpus capitalises
the word (or its singular) inside running text more often than it writes it in
lower case. A title alone ("the President") is no name, nor is a pronoun.

Two more subsets are reported: the same mentions in fully annotated sentences
only (``ECBplus_coreference_sentences.csv``), and all named mentions of those
sentences, those in no cross-document relation counting as clusters of their own.

Each gold mention takes the entity of the predicted mention that overlaps it
(the one covering its head first, then the largest overlap). B-cubed runs over
the gold mentions, each weighing the same; a gold mention no predicted mention
overlaps is a cluster of its own. Predicted mentions that overlap no gold
mention are not scored: the gold marks only some sentences in full.

Baselines, in the same run, from the tagger's name mentions of the same analyses:
one cluster per exact surface string within the event, and one cluster per
normalised name key (:func:`counterpoint.lexicon.name_key`: case, titles, "al-",
spaces and possessives removed). counterpoint's own entities hold more mentions
than the tagger's: resolve also takes the surnames the tagger calls NORP and the
uses of the event's names the tagger missed, so ``mention_recall`` differs.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.ecbplus import Doc, GoldMention, load, to_articles, validated_sentences
from benchmarks.metrics import bcubed
from counterpoint.analyze import analyze_many
from counterpoint.lexicon import NAME_TYPES, TITLES, name_key
from counterpoint.model import Analysis
from counterpoint.resolve import resolve

GOLD_TAGS = {
    "HUMAN_PART_PER",
    "HUMAN_PART_ORG",
    "HUMAN_PART_GPE",
    "HUMAN_PART_MET",
    "HUMAN_PART_FAC",
    "LOC_GEO",
    "LOC_FAC",
}
# Words a name's head never is, capitalised or not.
_FUNCTION = {
    "i", "he", "she", "it", "we", "they", "you", "his", "her", "its", "our", "their", "your",
    "him", "them", "us", "me", "this", "that", "these", "those", "who", "which", "what",
    "there", "here", "where", "one", "some", "all", "both", "each", "many", "most", "others",
}  # fmt: skip
# Words before a head that are skipped, and words that end the head's phrase.
_LEADING = {
    "in", "at", "on", "near", "from", "to", "by", "with", "into", "onto", "outside", "inside",
    "across", "alongside", "off", "along", "within", "around", "over", "through", "toward",
    "towards", "about", "between", "behind", "the", "a", "an",
}  # fmt: skip
_STOPS = _LEADING - {"the", "a", "an"} | {"of", "for", "and", "or", ",", "(", ")", "-", "–", ";"}
_POSSESSIVE = {"'s", "’s", "'", "’"}
_WORD = re.compile(r"[^\W\d_][\w'’.-]*")


# --- which gold mentions are names ---------------------------------------------------------


class Capitals:
    """How often the corpus capitalises each word inside running text."""

    def __init__(self, docs: Iterable[Doc]) -> None:
        self.upper: Counter[str] = Counter()
        self.lower: Counter[str] = Counter()
        for doc in docs:
            for line in doc.text.split("\n"):
                if is_headline(line):
                    continue
                for i, match in enumerate(_WORD.finditer(line)):
                    word = match.group()
                    if word[0].islower():
                        self.lower[word.lower()] += 1
                    elif i > 0:
                        self.upper[word.lower()] += 1

    def proper(self, word: str) -> bool:
        """Whether a capitalised ``word`` at a sentence start is most likely a name
        (a plural counts with its singular: "Robbers", "robber")."""
        key = word.lower()
        forms = {key, key.removesuffix("s"), key.removesuffix("es"), key + "s"}
        lower = sum(self.lower[f] for f in forms)
        return self.upper[key] > lower or (not self.upper[key] and not lower and word.isalpha())


def is_headline(line: str) -> bool:
    """A line in title case ("Lindsay Lohan Checks Into Rehab Again")."""
    long = [w for w in _WORD.findall(line) if len(w) >= 4]
    return len(long) >= 3 and sum(w[0].isupper() for w in long) >= 0.7 * len(long)


def head_index(words: Sequence[str]) -> int | None:
    """Index of the head word of a mention's first noun phrase, or None when it has none."""
    i = 0
    while i < len(words) - 1 and words[i].lower() in _LEADING:
        i += 1
    phrase: list[int] = []
    for j in range(i, len(words)):
        if phrase and words[j].lower() in _STOPS:
            break
        phrase.append(j)
    while phrase and words[phrase[-1]] in _POSSESSIVE:
        phrase.pop()
    return phrase[-1] if phrase else None


def is_named(doc: Doc, mention: GoldMention, capitals: Capitals) -> bool:
    """Whether a gold mention is a name: its head is a proper noun and not a bare title."""
    head = head_index(mention.words)
    if head is None:
        return False
    word = mention.words[head]
    if not word[:1].isupper() or re.split(r"['’]", word.lower())[0] in _FUNCTION:
        return False  # "I'm", "She"
    if word.lower().rstrip(".") in TITLES:  # "the President", but "Billy King" is a name
        before = mention.words[head - 1] if head > 0 else ""
        if not (before[:1].isupper() and before.lower().rstrip(".") not in TITLES):
            return False
    start = mention.spans[head][0]
    line_start = doc.text.rfind("\n", 0, start) + 1
    line_end = doc.text.find("\n", start)
    line = doc.text[line_start : line_end if line_end >= 0 else len(doc.text)]
    before = doc.text[line_start:start].rstrip(" \"“‘'(")
    initial = not before or before[-1] in ":.!?-–—|"  # "Cumbria murder: Son suspected"
    if initial or is_headline(line):
        return capitals.proper(word)
    return True


@dataclass(frozen=True, slots=True, kw_only=True)
class Item:
    """One scored gold mention."""

    doc: str
    mention: GoldMention
    linked: bool  # in a cross-document relation
    validated: bool  # in a fully annotated sentence


def gold_items(
    docs: Sequence[Doc], validated: set[tuple[str, int]], capitals: Capitals | None = None
) -> list[Item]:
    """Every named gold mention of a person, organisation or place; ``capitals`` are the
    statistics of the whole corpus (by default, of ``docs``)."""
    capitals = capitals or Capitals(docs)
    return [
        Item(
            doc=doc.name,
            mention=m,
            linked="#" not in m.cluster,
            validated=(doc.name, m.sentence) in validated,
        )
        for doc in docs
        for m in doc.mentions
        if m.tag in GOLD_TAGS and is_named(doc, m, capitals)
    ]


# --- predictions -----------------------------------------------------------------------------

Span = tuple[int, int]


def predict(
    docs: Sequence[Doc], analyses: Mapping[str, Analysis], *, event: str
) -> dict[str, dict[str, dict[Span, str]]]:
    """Cluster labels of every predicted name mention, per method: doc -> span -> label.

    ``analyses`` maps a document name to its analysis. Methods: ``counterpoint``
    (:func:`resolve`, once per event), ``exact`` (same text within the event) and
    ``key`` (same :func:`name_key` within the event).
    """
    events: dict[str, list[Doc]] = defaultdict(list)
    for doc in docs:
        events[doc.topic if event == "topic" else doc.subtopic].append(doc)
    labels: dict[str, dict[str, dict[Span, str]]] = {
        method: defaultdict(dict) for method in ("counterpoint", "exact", "key")
    }
    for event_id, members in events.items():
        by_article = {analyses[d.name].article_id: d.name for d in members}
        event_analyses = {analyses[d.name].article_id: analyses[d.name] for d in members}
        for entity in resolve(event_id, event_analyses):
            for ref in entity.mentions:
                labels["counterpoint"][by_article[ref.article]][(ref.start, ref.end)] = entity.id
        for d in members:
            for m in analyses[d.name].mentions:
                if m.type in NAME_TYPES:
                    labels["exact"][d.name][(m.start, m.end)] = f"{event_id}|{m.text}"
                    labels["key"][d.name][(m.start, m.end)] = f"{event_id}|{name_key(m.text)}"
    return labels


def align(item: Item, spans: Iterable[Span]) -> Span | None:
    """The predicted span a gold mention takes its entity from: over its head, then widest."""
    m = item.mention
    head = head_index(m.words)
    head_span = m.spans[head] if head is not None else (m.start, m.end)

    def overlap(a: Span, b: Span) -> int:
        return max(0, min(a[1], b[1]) - max(a[0], b[0]))

    candidates = [s for s in spans if overlap(s, (m.start, m.end)) > 0]
    if not candidates:
        return None
    return max(
        candidates,
        key=lambda s: (
            overlap(s, head_span) > 0,
            overlap(s, (m.start, m.end)),
            -(s[1] - s[0]),
            -s[0],
        ),
    )


def score(items: Sequence[Item], labels: Mapping[str, Mapping[Span, str]], topic_of) -> dict:
    """B-cubed of one method over ``items``, and how many of them a prediction covers."""
    predicted: dict[tuple[str, str], str] = {}
    gold: dict[tuple[str, str], str] = {}
    matched = 0
    for item in items:
        key = (item.doc, item.mention.id)
        gold[key] = f"{topic_of[item.doc]}|{item.mention.cluster}"
        span = align(item, labels.get(item.doc, {}))
        if span is None:
            predicted[key] = f"unmatched|{item.doc}|{item.mention.id}"
        else:
            predicted[key] = labels[item.doc][span]
            matched += 1
    b3 = bcubed(predicted, gold)
    return {
        "precision": round(b3.precision, 4),
        "recall": round(b3.recall, 4),
        "f1": round(b3.f1, 4),
        "mention_recall": round(matched / len(items), 4),
        "mentions": len(items),
        "clusters": len(set(gold.values())),
    }


def evaluate(
    docs: Sequence[Doc],
    analyses: Mapping[str, Analysis],
    validated: set[tuple[str, int]],
    *,
    event: str = "topic",
    capitals: Capitals | None = None,
) -> dict:
    """Every figure of the benchmark for ``docs`` and their ``analyses`` (by document name)."""
    items = gold_items(docs, validated, capitals)
    topic_of = {d.name: d.topic for d in docs}
    labels = predict(docs, analyses, event=event)
    subsets: dict[str, Callable[[Item], bool]] = {
        "linked": lambda i: i.linked,
        "linked_validated": lambda i: i.linked and i.validated,
        "validated_with_unlinked": lambda i: i.validated,
    }
    result: dict = {}
    for subset, keep in subsets.items():
        chosen = [i for i in items if keep(i)]
        if not chosen:
            raise ValueError(
                "no named gold mentions of people, organisations or places in these documents; "
                "pass ECB+ documents with their markables"
            )
        result[subset] = {method: score(chosen, labels[method], topic_of) for method in labels}
    main = result["linked"]
    return {
        "f1": main["counterpoint"]["f1"],
        "precision": main["counterpoint"]["precision"],
        "recall": main["counterpoint"]["recall"],
        "mention_recall": main["counterpoint"]["mention_recall"],
        "gold_mentions": main["counterpoint"]["mentions"],
        "gold_clusters": main["counterpoint"]["clusters"],
        "baseline_exact_f1": main["exact"]["f1"],
        "baseline_key_f1": main["key"]["f1"],
        "ratio_to_exact": round(main["counterpoint"]["f1"] / main["exact"]["f1"], 3),
        "ratio_to_key": round(main["counterpoint"]["f1"] / main["key"]["f1"], 3),
        "subsets": result,
        "per_topic": {
            topic: score([i for i in items if i.linked and topic_of[i.doc] == topic],
                         labels["counterpoint"], topic_of)["f1"]
            for topic in sorted({d.topic for d in docs}, key=int)
            if any(i.linked and topic_of[i.doc] == topic for i in items)
        },
    }


# --- the script ------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    data = Path(args.data)
    if not data.is_dir():
        print(f"No such folder {str(data)!r}; pass --data with the ecbplus folder", file=sys.stderr)
        return 2
    started = time.perf_counter()
    try:
        docs = load(data, mentions=True)
        validated = validated_sentences(data)
    except (FileNotFoundError, ValueError) as error:
        print(error, file=sys.stderr)
        return 2
    capitals = Capitals(docs)  # from every document, so that a subset scores the same mentions
    if args.topics:
        wanted = {t.strip() for t in args.topics.split(",") if t.strip()}
        docs = [d for d in docs if d.topic in wanted]
        if not docs:
            print(f"No documents in topics {args.topics!r} under {str(data)!r}", file=sys.stderr)
            return 2
    t = time.perf_counter()
    analyses = dict(
        zip((d.name for d in docs), analyze_many(to_articles(docs), workers=args.workers))
    )
    analyze_s = time.perf_counter() - t
    t = time.perf_counter()
    result = evaluate(docs, analyses, validated, event=args.event, capitals=capitals)
    result |= {
        "data": str(data),
        "topics": sorted({d.topic for d in docs}, key=int),
        "documents": len(docs),
        "event": args.event,
        "analyze_s": round(analyze_s, 1),
        "score_s": round(time.perf_counter() - t, 1),
        "total_s": round(time.perf_counter() - started, 1),
        "date": date.today().isoformat(),
        "cpus": os.cpu_count(),
    }
    _table(result)
    print(json.dumps(result))
    return 0


def _table(result: dict) -> None:
    out = sys.stderr
    print(
        f"ECB+ named entities: {result['documents']} documents, {len(result['topics'])} topics, "
        f"event = gold {result['event']}",
        file=out,
    )
    header = f"{'subset':<24} {'method':<13} {'P':>6} {'R':>6} {'F1':>6} {'ment.R':>7} {'n':>6}"
    print(header, file=out)
    for subset, methods in result["subsets"].items():
        for method, s in methods.items():
            print(
                f"{subset:<24} {method:<13} {s['precision']:>6.3f} {s['recall']:>6.3f} "
                f"{s['f1']:>6.3f} {s['mention_recall']:>7.3f} {s['mentions']:>6}",
                file=out,
            )
    print("per topic F1: " + ", ".join(f"{t}: {f:.3f}" for t, f in result["per_topic"].items()),
          file=out)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--data", required=True, help="the ecbplus folder, e.g. ../shared/eval/ecbplus"
    )
    parser.add_argument("--topics", help="comma-separated topic numbers to keep, e.g. 1,3")
    parser.add_argument("--event", choices=("topic", "subtopic"), default="topic",
                        help="what resolve() runs over: a gold topic (default) or subtopic")
    parser.add_argument("--workers", type=int, default=2, help="analysis processes (default 2)")
    return parser


if __name__ == "__main__":
    sys.exit(main())
