"""Loaded words and voice: counterpoint's labels against BASIL, BABE and PTC.

Usage::

    .venv/bin/python benchmarks/labels.py --dataset basil --data ../shared/eval
    .venv/bin/python benchmarks/labels.py --dataset babe --data ../shared/eval
    .venv/bin/python benchmarks/labels.py --dataset ptc --data ../shared/eval --limit 20

Every document goes through the public analysis (:func:`counterpoint.analyze.analyze_many`);
its labels marked ``loaded`` are the predicted loaded words. By default only documents the
loaded-word model was not trained on are scored (``--split heldout``; the model file lists
the ones it saw); ``--split all`` scores everything present.

- **BASIL**: lexical-bias spans, overlap (and exact) P/R/F1; ``target_accuracy``: for each
  gold lexical span counterpoint finds (a framing item overlaps it), whether the item's
  entity is the annotated target (a name word in common with the entity's name or aliases;
  "(unlinked)" is wrong), with baselines "the nearest named mention in the sentence" and
  "the article's most named entity"; then, for every gold lexical
  span, whether counterpoint's voice says "quoted" exactly when the annotators say the
  span is inside a quote (``voice_accuracy``), and whether its speaker is the annotated
  one (``speaker_accuracy``; no speaker for a span outside quotes; a named speaker matches
  when they share a name word; ``other_*`` matches any speaker who is not one of the
  article's main entities). BASIL gives speakers to quoted words only, so counterpoint's
  speaker counts where it says "quoted"; ``speaker_accuracy_any_voice`` also counts the
  speaker it gives reported speech. Voice is scored on every document: none of it is learned.
- **BABE**: biased-word P/R/F1 over word sets per sentence (``token_f1``) and
  sentence-level P/R/F1 with Biased as the positive class (``sentence_f1``): a sentence is
  biased when the model's sentence score passes its threshold.
- **PTC**: SemEval-2020 partial-credit span F1 for Loaded_Language and for
  Name_Calling,Labeling (``*_f1_overlap``), plus plain overlap and exact F1.

Besides what counterpoint outputs as shipped (the BASIL head of the loaded-word tagger),
each corpus is also scored with the tagger's head and threshold for that corpus's annotation
(``*_calibrated``, and the headline BABE and PTC keys; PTC's Name_Calling has a head of its
own). Without a tagger file, the word-feature model's intercept, threshold and phrase growth
for the corpus stand in. Both read the sentences the analysis reads.
Baselines measured in the same run: BABE's biased words as a lexicon, counterpoint's
designation lexicon, and for voice "is it between quotation marks". A table goes to
stderr; the last line of stdout is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import bias
from benchmarks.spans import exact, overlap, partial, prf, word_sets
from benchmarks.throughput import machine
from counterpoint.analyze import analyze_many
from counterpoint.analyze.attribution import quote_spans
from counterpoint.analyze.loaded import default_model
from counterpoint.analyze.nlp import load_nlp
from counterpoint.analyze.voice import quotations, voice_of
from counterpoint.lexicon import is_loaded
from counterpoint.model import Analysis, Article

GENERIC = {"the", "campaign", "lawmakers", "group", "groups", "other"}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    data = Path(args.data)
    try:
        docs = bias.load(args.dataset, data)
    except (FileNotFoundError, ValueError) as exc:
        print(exc, file=sys.stderr)
        return 2
    scored = docs if args.split == "all" else unseen(args.dataset, docs)
    voiced = docs if args.dataset == "basil" else scored
    voiced, scored = voiced[: args.limit], scored[: args.limit]
    started = time.perf_counter()
    wanted = {d.key: d for d in (voiced if args.dataset == "basil" else scored)}
    by_key = analyse(list(wanted.values()), workers=args.workers)
    analyze_s = time.perf_counter() - started
    lexicon = babe_lexicon(data, exclude=scored if args.dataset == "babe" else ())
    result: dict = {
        "dataset": args.dataset,
        "data": str(data),
        "split": args.split,
        "documents": len(scored),
        "date": date.today().isoformat(),
        "machine": machine(),
        "model": {k: default_model().meta.get(k) for k in ("trained", "seconds", "tokens")},
        "analyze_s": round(analyze_s, 1),
    }
    if args.dataset == "basil":
        result.update(score_basil(scored, voiced, by_key, lexicon))
    elif args.dataset == "babe":
        result.update(score_babe(scored, by_key, lexicon))
    else:
        result.update(score_ptc(scored, by_key, lexicon))
    result["total_s"] = round(time.perf_counter() - started, 1)
    _table(result)
    print(json.dumps(result))
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", required=True, choices=bias.DATASETS)
    parser.add_argument("--data", required=True, help="the eval folder, e.g. ../shared/eval")
    parser.add_argument("--split", choices=("heldout", "all"), default="heldout")
    parser.add_argument("--limit", type=int, default=None, help="score the first N documents")
    parser.add_argument("--workers", type=int, default=1)
    return parser


def unseen(dataset: str, docs: Sequence[bias.Doc]) -> list[bias.Doc]:
    """The documents neither shipped loaded-word model saw: not those the word-feature
    model or the tagger trained on, nor the tagger's development part."""
    model = default_model()
    seen = set(model.trained_on.get(dataset, ()))
    if model.tagger is not None:
        seen.update(model.tagger.trained_on.get(dataset, ()))
        seen.update(model.tagger.meta.get("development", {}).get(dataset, ()))
    return [d for d in docs if d.key not in seen]


def analyse(docs: Sequence[bias.Doc], *, workers: int = 1) -> dict[str, Analysis]:
    """counterpoint's analysis of each document, by document key."""
    articles = [_article(d) for d in docs]
    return {d.key: x for d, x in zip(docs, analyze_many(articles, workers=workers))}


def _article_id(doc: bias.Doc) -> str:
    return f"{doc.dataset}-{doc.key}"


def _article(doc: bias.Doc) -> Article:
    return Article(id=_article_id(doc), text=doc.text, outlet=doc.outlet or doc.dataset,
                   source=f"{doc.dataset}:{doc.key}")


def loaded_spans(docs, by_key) -> list[tuple[str, int, int]]:
    return [(d.key, lb.start, lb.end) for d in docs for lb in by_key[d.key].labels if lb.loaded]


def calibrated_spans(docs, dataset: str) -> tuple[list[tuple[str, int, int]], dict]:
    """Spans from the model with ``dataset``'s own intercept and threshold, and the docs."""
    model = default_model()
    out, parsed = [], {}
    for doc, sdoc in zip(docs, load_nlp().pipe([d.text for d in docs], batch_size=16)):
        parsed[doc.key] = sdoc
        for span in model.spans(sdoc, domain=dataset):
            piece = sdoc[span.start : span.end]
            out.append((doc.key, piece.start_char, piece.end_char))
    return out, parsed


def lexicon_spans(docs, words: set[str]) -> list[tuple[str, int, int]]:
    """Every word of ``docs`` that is in ``words`` (lower case), as a span."""
    out = []
    for d in docs:
        for m in re.finditer(r"[A-Za-z0-9]+(?:['’-][A-Za-z0-9]+)*", d.text):
            if m.group().lower() in words:
                out.append((d.key, m.start(), m.end()))
    return out


def designation_spans(docs, by_key) -> list[tuple[str, int, int]]:
    """The loaded designations counterpoint's lexicon alone finds."""
    return [
        (d.key, lb.start, lb.end)
        for d in docs
        for lb in by_key[d.key].labels
        if lb.kind != "loaded" and is_loaded(lb.text)
    ]


def babe_lexicon(data: Path, *, exclude=()) -> set[str]:
    """BABE's biased words (all rows but ``exclude``) minus stop words, or empty if absent."""
    try:
        rows = bias.load("babe", data)
    except FileNotFoundError:
        return set()
    skip = {d.key for d in exclude}
    stop = load_nlp().Defaults.stop_words
    return {w for d in rows if d.key not in skip for w in d.biased_words if w not in stop}


# --- BASIL ---------------------------------------------------------------------------


def score_basil(scored, voiced, by_key, lexicon) -> dict:
    gold = [(d.key, g.start, g.end) for d in scored for g in d.spans]
    predicted = loaded_spans(scored, by_key)
    calibrated, _ = calibrated_spans(scored, "basil")
    ours = overlap(predicted, gold)
    out = {
        "gold_spans": len(gold),
        "span_precision_overlap": ours.precision,
        "span_recall_overlap": ours.recall,
        "span_f1_overlap": ours.f1,
        "span_f1_exact": exact(predicted, gold).f1,
        "span_f1_overlap_calibrated": overlap(calibrated, gold).f1,
        "baseline_babe_lexicon_f1_overlap": overlap(lexicon_spans(scored, lexicon), gold).f1,
        "baseline_designations_f1_overlap": overlap(designation_spans(scored, by_key), gold).f1,
    }
    base = out["baseline_babe_lexicon_f1_overlap"]
    out["ratio_vs_babe_lexicon"] = ours.f1 / base if base else None
    out.update(score_targets(voiced, by_key))
    out.update(score_voice(voiced, by_key))
    held = {d.key for d in scored}
    out.update({f"{k}_heldout": v for k, v in score_voice(
        [d for d in voiced if d.key in held], by_key).items() if k in (
            "voice_accuracy", "speaker_accuracy", "voiced_spans")})
    return out


def score_targets(docs, by_key) -> dict:
    """Whether the labels found on gold lexical spans are tied to the annotated target."""
    from collections import Counter

    from counterpoint.compare.framing import framing
    from counterpoint.resolve import resolve

    counts = Counter()
    for doc in docs:
        analysis: Analysis = by_key[doc.key]
        entities = resolve(doc.key, {analysis.article_id: analysis})
        names = {e.id: _name_words(" ".join([e.name, *e.aliases])) for e in entities}
        items = framing({analysis.article_id: analysis}, entities)
        people = [m for m in analysis.mentions if m.type in ("PERSON", "ORG")]
        most = Counter(m.text.split()[-1] for m in people).most_common(1)
        for g in doc.spans:
            if not g.target:
                continue
            found = [f for f in items if f.start < g.end and g.start < f.end]
            if not found:
                continue
            gold = _name_words(g.target)
            counts["found"] += 1
            counts["ours"] += any(f.entity and gold & names.get(f.entity, set()) for f in found)
            sentence = next((s for s in analysis.sentences if s.start <= g.start < s.end), None)
            near = [m for m in people if sentence and sentence.start <= m.start < sentence.end]
            nearest = min(near, key=lambda m: abs(m.start - g.start), default=None)
            counts["nearest"] += bool(nearest and gold & _name_words(nearest.text))
            counts["most"] += bool(most and gold & _name_words(most[0][0]))
    n = counts["found"]
    return {
        "target_spans": n,
        "target_accuracy": counts["ours"] / n if n else None,
        "baseline_nearest_mention_target_accuracy": counts["nearest"] / n if n else None,
        "baseline_most_named_target_accuracy": counts["most"] / n if n else None,
    }


def _name_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", text.lower()) if len(w) > 1} - GENERIC


def score_voice(docs, by_key) -> dict:
    """Voice and speaker for every gold span. BASIL gives a speaker only to words inside a
    quotation, so counterpoint's speaker counts only where it says ``quoted`` (the
    ``_any_voice`` figure also counts the speaker it gives reported speech)."""
    counts = dict.fromkeys(("voice", "speaker", "any", "base_voice", "base_speaker"), 0)
    n = 0
    for doc in docs:
        analysis: Analysis = by_key[doc.key]
        quotes = quotations(doc.text, doc=load_nlp()(doc.text))  # the parse finds mentions
        naive = quote_spans(doc.text)
        for g in doc.spans:
            voicing = voice_of(g.start, g.end, text=doc.text, quotes=quotes,
                               attributions=analysis.attributions)
            quoted = voicing.voice == "quoted"
            n += 1
            counts["voice"] += quoted == g.quote
            counts["speaker"] += speaker_matches(
                voicing.speaker if quoted else None, g.speaker, doc.entities,
                source=voicing.source)
            counts["any"] += speaker_matches(voicing.speaker, g.speaker, doc.entities,
                                             source=voicing.source)
            counts["base_voice"] += _between_marks(doc.text, g.start, g.end, naive) == g.quote
            counts["base_speaker"] += g.speaker is None
    if not n:
        return {"voiced_spans": 0}
    return {
        "voiced_spans": n,
        "voice_accuracy": counts["voice"] / n,
        "speaker_accuracy": counts["speaker"] / n,
        "speaker_accuracy_any_voice": counts["any"] / n,
        "baseline_quote_marks_voice_accuracy": counts["base_voice"] / n,
        "baseline_no_speaker_accuracy": counts["base_speaker"] / n,
    }


def _between_marks(text: str, start: int, end: int, quotes) -> bool:
    """The baseline: the span, without marks and spaces at its ends, is between a pair of
    quotation marks (paired left to right, as ``quote_spans`` does)."""
    junk = " \"“”'‘’.,;:!?"
    while start < end and text[start] in junk:
        start += 1
    while end > start and text[end - 1] in junk:
        end -= 1
    return any(q0 <= start and end <= q1 for q0, q1 in quotes)


def speaker_matches(predicted: str | None, gold: str | None, entities: Sequence[str], *,
                    source: str | None = None) -> bool:
    """Whether counterpoint's speaker is BASIL's: none for none; ``other_*`` means someone
    who is not a main entity of the article; a name matches when the speaker or the source
    phrase ("Lis Smith, a spokeswoman for the Obama campaign") shares a name word with it."""
    if gold is None:
        return predicted is None
    if predicted is None:
        return False
    if gold.lower().startswith("other"):
        return not any(_same_name(predicted, e) for e in entities)
    return _same_name(predicted, gold) or (source is not None and _same_name(source, gold))


def _same_name(predicted: str, gold: str) -> bool:
    ours = {w for w in re.findall(r"[a-z]+", predicted.lower()) if len(w) > 2} - GENERIC
    theirs = {w for w in re.findall(r"[a-z]+", gold.lower()) if len(w) > 2} - GENERIC
    return any(a == b or (min(len(a), len(b)) >= 5 and a[:5] == b[:5])
               for a in ours for b in theirs)


# --- BABE ----------------------------------------------------------------------------


def score_babe(scored, by_key, lexicon) -> dict:
    model = default_model()
    _, parsed = calibrated_spans(scored, "babe")
    gold_words = {d.key: set(d.biased_words) for d in scored}
    shipped = {d.key: {w for lb in by_key[d.key].labels if lb.loaded
                       for w in bias.words(lb.text)} for d in scored}
    calibrated = {}
    for d in scored:
        sdoc = parsed[d.key]
        calibrated[d.key] = {w for s in model.spans(sdoc, domain="babe")
                             for w in bias.words(sdoc[s.start : s.end].text)}
    lexical = {d.key: set(bias.words(d.text)) & lexicon for d in scored}
    truth = {d.key: bool(d.biased) for d in scored}
    probabilities = model.sentence_scores([parsed[d.key] for d in scored])
    sentence = {d.key: p >= model.sentence_threshold for d, p in zip(scored, probabilities)}
    any_label = {d.key: bool(shipped[d.key]) for d in scored}
    out = {
        "sentences": len(scored),
        "token_f1": word_sets(calibrated, gold_words).f1,
        "token_precision": word_sets(calibrated, gold_words).precision,
        "token_recall": word_sets(calibrated, gold_words).recall,
        "token_f1_shipped": word_sets(shipped, gold_words).f1,
        "sentence_f1": _binary(sentence, truth).f1,
        "sentence_precision": _binary(sentence, truth).precision,
        "sentence_recall": _binary(sentence, truth).recall,
        "sentence_f1_any_loaded_label": _binary(any_label, truth).f1,
        "baseline_babe_lexicon_token_f1": word_sets(lexical, gold_words).f1,
        "baseline_babe_lexicon_sentence_f1": _binary(
            {k: bool(v) for k, v in lexical.items()}, truth).f1,
        "baseline_all_biased_sentence_f1": _binary({k: True for k in truth}, truth).f1,
    }
    for key, base in (("token", "baseline_babe_lexicon_token_f1"),
                      ("sentence", "baseline_all_biased_sentence_f1")):
        out[f"ratio_{key}_vs_baseline"] = out[f"{key}_f1"] / out[base] if out[base] else None
    return out


def _binary(predicted: dict, truth: dict):
    tp = sum(predicted[k] and truth[k] for k in truth)
    n_pred = sum(bool(predicted[k]) for k in truth)
    n_gold = sum(bool(truth[k]) for k in truth)
    return prf(tp / n_pred if n_pred else 0.0, tp / n_gold if n_gold else 0.0,
               predicted=n_pred, gold=n_gold)


# --- PTC -----------------------------------------------------------------------------


def score_ptc(scored, by_key, lexicon) -> dict:
    predicted = loaded_spans(scored, by_key)
    tagger = default_model().tagger
    heads = tagger.heads if tagger is not None else ()
    out: dict = {"articles": len(scored)}
    for kind in ("loaded_language", "name_calling"):
        # the tagger has a head of its own for name calling; the word model scores both alike
        head = f"ptc_{kind}" if f"ptc_{kind}" in heads else "ptc"
        calibrated, _ = calibrated_spans(scored, head)
        gold = [(d.key, g.start, g.end) for d in scored for g in d.spans if g.kind == kind]
        out[f"{kind}_gold_spans"] = len(gold)
        score = partial(calibrated, gold)
        out[f"{kind}_f1_overlap"] = score.f1
        out[f"{kind}_precision_overlap"] = score.precision
        out[f"{kind}_recall_overlap"] = score.recall
        out[f"{kind}_f1_overlap_shipped"] = partial(predicted, gold).f1
        out[f"{kind}_f1_any_overlap"] = overlap(calibrated, gold).f1
        out[f"{kind}_f1_exact"] = exact(calibrated, gold).f1
        out[f"baseline_babe_lexicon_{kind}_f1_overlap"] = partial(
            lexicon_spans(scored, lexicon), gold).f1
        out[f"baseline_designations_{kind}_f1_overlap"] = partial(
            designation_spans(scored, by_key), gold).f1
    base = out["baseline_babe_lexicon_loaded_language_f1_overlap"]
    out["ratio_vs_babe_lexicon"] = out["loaded_language_f1_overlap"] / base if base else None
    return out


def _table(result: dict) -> None:
    width = max(len(k) for k in result)
    for key, value in result.items():
        if isinstance(value, float):
            print(f"{key:<{width}}  {value:.3f}", file=sys.stderr)
        elif not isinstance(value, dict):
            print(f"{key:<{width}}  {value}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
