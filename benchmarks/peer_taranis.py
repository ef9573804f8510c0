"""Taranis AI's story clustering on the events benchmarks, as a peer of counterpoint's grouping.

    python benchmarks/peer_taranis.py --dataset ecbplus --data ../shared/eval/ecbplus
    python benchmarks/peer_taranis.py --dataset basil --data ../shared/eval/basil
    python benchmarks/peer_taranis.py --dataset allsides \\
        --data ../shared/eval/allsides/roundups.jsonl

Same data, same pool (every document of a split clustered together) and the same
B-cubed scoring as ``benchmarks/events.py``; the clustering is Taranis AI's
``taranis-story-clustering`` 0.8.1 (EUPL-1.2), called the way Taranis' story bot
calls it on a batch of new single-item stories: ``initial_clustering(stories)``,
whose ``event_clusters`` become the predicted events. Its thresholds and defaults
are used as shipped (``SimilarityThreshold`` 0.5, Louvain with resolution 5 and
seed 42, PolyFuzz TF-IDF matching at 0.75 / 0.65, stories with fewer than five
tags left out of the corpus); the package documents no setting for a user to pick.

Setup, once, into a folder of its own (counterpoint's environment and lock file
stay untouched; the package's own dependency list would pull an unpinned torch,
so it is installed without dependencies and torch is the CPU build):

    .venv/bin/pip install --target /tmp/taranis-deps --no-deps \\
        'taranis-story-clustering==0.8.1' 'torch==2.13.0+cpu'
    .venv/bin/pip install --target /tmp/taranis-deps \\
        -c <(.venv/bin/pip freeze --exclude-editable | grep -v ' @ ') \\
        'polyfuzz==0.4.3' 'nltk==3.10.4' 'networkx==3.6.1' 'matplotlib==3.8.4' 'sympy==1.14.0'

(polyfuzz imports ``matplotlib.cm.get_cmap``, gone since matplotlib 3.9.) The
folder is appended to ``sys.path`` behind counterpoint's own packages
(``--deps`` or ``TARANIS_DEPS`` point elsewhere).

As shipped the package does not run offline, and it expects stories whose tags an
upstream bot has already filled in. What this script puts in their place
(also listed under ``substitutions`` in the JSON):

- NLTK's English and German stop words, which the package downloads with
  ``nltk.download`` at import, are written from spaCy's English and German stop
  word lists into a temporary NLTK data folder, read by NLTK's own corpus reader;
  ``nltk.download`` is replaced by a function that downloads nothing.
- The hub model ``paraphrase-multilingual-MiniLM-L12-v2`` behind
  ``sentence_transformers.SentenceTransformer`` is replaced by a small stand-in
  ``sentence_transformers`` module: its ``SentenceTransformer.encode`` runs
  counterpoint's offline all-MiniLM-L6-v2 (int8 ONNX) and remembers each
  sentence's vector, and its ``util.pytorch_cos_sim`` is sentence-transformers'
  cosine (both sides L2-normalised, then a matrix product) in torch.
- Tags: Taranis' NLP bot tags a story with the named entities an XLM-RoBERTa
  CoNLL-03 tagger finds in its text (``{surface form: PER|LOC|ORG|MISC}``). Here
  they are the entity mentions of counterpoint's analysis (spaCy
  en_core_web_sm), mapped PERSON -> PER, GPE/LOC/FAC -> LOC, ORG -> ORG,
  NORP/EVENT -> MISC.

Documents that the package leaves out of every cluster (fewer than five tags)
count as events of their own; ``clustered_only`` scores the rest alone (gold events
cut down to the same documents), to show what the clustering does with the
documents it takes. The last line of stdout is JSON: ``precision``, ``recall``,
``f1``, ``events``, ``left_out``, ``clustered_only``, ``settings``,
``substitutions`` and timings.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import os
import sys
import tempfile
import time
import types
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpora import DATASETS
from benchmarks.events import analyse, parser, stream_order
from benchmarks.metrics import bcubed
from counterpoint.model import Analysis, Article

PACKAGE = "taranis-story-clustering==0.8.1"
SETUP = (
    ".venv/bin/pip install --target /tmp/taranis-deps --no-deps "
    "'taranis-story-clustering==0.8.1' 'torch==2.13.0+cpu' && "
    ".venv/bin/pip install --target /tmp/taranis-deps 'polyfuzz==0.4.3' 'nltk==3.10.4' "
    "'networkx==3.6.1' 'matplotlib==3.8.4' 'sympy==1.14.0'"
)
CONLL_TYPES = {
    "PERSON": "PER",
    "GPE": "LOC",
    "LOC": "LOC",
    "FAC": "LOC",
    "ORG": "ORG",
    "NORP": "MISC",
    "EVENT": "MISC",
    "PRODUCT": "MISC",
    "WORK_OF_ART": "MISC",
    "LAW": "MISC",
    "LANGUAGE": "MISC",
}
"""spaCy entity types -> the CoNLL-03 types Taranis' NER tagger gives; numbers,
dates and amounts have no CoNLL type and are not tags."""

SUBSTITUTIONS = [
    "NLTK stop words (english + german, fetched by nltk.download at import) -> spaCy 3.8's "
    "English + German stop word lists, written as an NLTK stopwords corpus and read by NLTK's "
    "own reader; nltk.download replaced by a no-op",
    "sentence-transformers 'paraphrase-multilingual-MiniLM-L12-v2' (hub) -> counterpoint's "
    "offline all-MiniLM-L6-v2 int8 ONNX embedder behind a stand-in sentence_transformers module "
    "(SentenceTransformer.encode memoised per sentence; util.pytorch_cos_sim = L2-normalise + "
    "matmul in torch, as in sentence-transformers)",
    "story tags from Taranis' NLP bot (XLM-RoBERTa CoNLL-03 NER, {text: PER|LOC|ORG|MISC}) -> "
    "entity mentions of counterpoint's analysis (spaCy en_core_web_sm): PERSON->PER, "
    "GPE/LOC/FAC->LOC, ORG->ORG, NORP/EVENT->MISC",
    "torch (unpinned in the package metadata) -> torch 2.13.0+cpu",
]


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    clustering = load_taranis(args.deps)
    pairs = DATASETS[args.dataset](args.data)
    if args.limit:
        pairs = pairs[: args.limit]
    articles = [a for a, _ in pairs]
    gold = {a.id: g for a, g in pairs}

    started = time.perf_counter()
    analyses = analyse(articles, workers=args.workers, cache=args.cache)
    analyse_s = time.perf_counter() - started

    stories = [story(a, analyses[a.id]) for a in stream_order(articles)]
    started = time.perf_counter()
    clusters = clustering.initial_clustering(stories)["event_clusters"]
    cluster_s = time.perf_counter() - started

    predicted, repeated = _assign(clusters)
    left_out = [a.id for a in articles if a.id not in predicted]
    kept = bcubed(predicted, {i: gold[i] for i in predicted}) if predicted else None
    predicted.update({i: f"left-out:{i}" for i in left_out})
    score = bcubed(predicted, gold)
    result = {
        "dataset": args.dataset,
        "articles": len(articles),
        "gold_events": len(set(gold.values())),
        "events": len(set(predicted.values())),
        "clusters": len(clusters),
        "left_out": len(left_out),
        "in_two_clusters": repeated,
        "precision": round(score.precision, 4),
        "recall": round(score.recall, 4),
        "f1": round(score.f1, 4),
        "clustered_only": kept and {
            "precision": round(kept.precision, 4),
            "recall": round(kept.recall, 4),
            "f1": round(kept.f1, 4),
        },
        "tags_per_story": round(float(np.mean([len(s["tags"]) for s in stories])), 1),
        "package": PACKAGE,
        "settings": _settings(clustering),
        "substitutions": SUBSTITUTIONS,
        "analyse_s": round(analyse_s, 1),
        "cluster_s": round(cluster_s, 1),
    }
    _print_table(result)
    print(json.dumps(result))
    return 0


def story(article: Article, analysis: Analysis) -> dict:
    """One single-item Taranis story, tagged the way its NLP bot would tag it."""
    tags = {
        m.text: CONLL_TYPES[m.type]
        for m in analysis.mentions
        if m.type in CONLL_TYPES and m.text.strip()
    }
    item = {
        "id": article.id,
        "title": article.title or "",
        "content": article.text,
        "review": "",
        "link": article.url,
        "language": "en",
        "published": article.published.isoformat() if article.published else None,
    }
    return {"id": article.id, "news_items": [item], "tags": tags}


def _assign(clusters: list[list[str]]) -> tuple[dict[str, str], int]:
    """Article id -> cluster label (the first cluster, should one be listed twice)."""
    predicted: dict[str, str] = {}
    repeated = 0
    for number, members in enumerate(clusters):
        for article_id in members:
            if article_id in predicted:
                repeated += 1
                continue
            predicted[article_id] = f"taranis:{number}"
    return predicted, repeated


# --- making the package run offline ----------------------------------------------------


def load_taranis(deps: Path) -> types.ModuleType:
    """``story_clustering.clustering``, imported with offline stop words and embedder."""
    if str(deps) not in sys.path:
        sys.path.append(str(deps))
    missing = [
        name
        for name in ("story_clustering", "torch", "nltk", "polyfuzz", "networkx")
        if importlib.util.find_spec(name) is None
    ]
    if missing:
        raise SystemExit(
            f"Taranis' story clustering cannot be imported (missing: {', '.join(missing)}; "
            f"looked in counterpoint's environment and {str(deps)!r}). Install it with:\n"
            f"  {SETUP}\nor pass --deps FOLDER where it is installed."
        )
    import nltk
    import torch

    torch.set_num_threads(1)
    _offline_stopwords(nltk)
    sys.modules["sentence_transformers"] = _sentence_transformers_standin(torch)
    sys.modules["sentence_transformers.util"] = sys.modules["sentence_transformers"].util
    warnings.filterwarnings("ignore", module=r"(polyfuzz|sklearn|pandas)(\.|$)")
    import story_clustering
    import story_clustering.clustering as clustering

    story_clustering.logger.setLevel(logging.WARNING)
    return clustering


def _offline_stopwords(nltk: types.ModuleType) -> None:
    """An NLTK ``stopwords`` corpus holding spaCy's English and German lists."""
    from spacy.lang.de.stop_words import STOP_WORDS as GERMAN
    from spacy.lang.en.stop_words import STOP_WORDS as ENGLISH

    root = Path(tempfile.mkdtemp(prefix="taranis-nltk-"))
    folder = root / "corpora" / "stopwords"
    folder.mkdir(parents=True)
    (folder / "english").write_text("\n".join(sorted(ENGLISH)) + "\n", encoding="utf-8")
    (folder / "german").write_text("\n".join(sorted(GERMAN)) + "\n", encoding="utf-8")
    nltk.data.path.insert(0, str(root))

    def download(info_or_id: str | None = None, *args: object, **kwargs: object) -> bool:
        return (root / "corpora" / str(info_or_id)).is_dir()

    nltk.download = download


def _sentence_transformers_standin(torch: types.ModuleType) -> types.ModuleType:
    """A ``sentence_transformers`` module whose model is counterpoint's MiniLM."""
    from counterpoint.analyze.embed import DIMENSIONS, default_embedder

    class SentenceTransformer:
        def __init__(self, model_name_or_path: str = "", *args: object, **kwargs: object):
            self.requested = model_name_or_path
            self._embedder = default_embedder()
            self._vectors: dict[str, np.ndarray] = {}

        def encode(self, sentences, *, convert_to_tensor=False, **kwargs):
            single = isinstance(sentences, str)
            texts = [sentences] if single else list(sentences)
            new = [t for t in dict.fromkeys(texts) if t not in self._vectors]
            if new:
                self._vectors.update(zip(new, self._embedder.encode(new)))
            rows = [self._vectors[t] for t in texts]
            out = np.stack(rows) if rows else np.zeros((0, DIMENSIONS), dtype=np.float32)
            if single:
                out = out[0]
            return torch.from_numpy(out.copy()) if convert_to_tensor else out

    def cos_sim(a, b):
        a, b = torch.as_tensor(a), torch.as_tensor(b)
        a = a.unsqueeze(0) if a.dim() == 1 else a
        b = b.unsqueeze(0) if b.dim() == 1 else b
        normalize = torch.nn.functional.normalize
        return torch.mm(normalize(a, p=2, dim=1), normalize(b, p=2, dim=1).transpose(0, 1))

    module = types.ModuleType("sentence_transformers")
    module.__doc__ = "Stand-in: counterpoint's offline MiniLM behind sentence-transformers' API."
    module.SentenceTransformer = SentenceTransformer
    module.util = types.ModuleType("sentence_transformers.util")
    module.util.cos_sim = module.util.pytorch_cos_sim = cos_sim
    return module


def _settings(clustering: types.ModuleType) -> dict:
    from story_clustering import eventdetector, keywords_organizer, nlp_utils

    return {
        "entry": "story_clustering.clustering.initial_clustering",
        "SimilarityThreshold": eventdetector.SimilarityThreshold,
        "DiffSimilarityThreshold": eventdetector.DiffSimilarityThreshold,
        "MinEdgeDF": keywords_organizer.MinEdgeDF,
        "MinEdgeCorrelation": keywords_organizer.MinEdgeCorrelation,
        "louvain": "networkx louvain_communities(seed=42, resolution=5)",
        "POLYFUZZ_THRESHOLD": nlp_utils.POLYFUZZ_THRESHOLD,
        "min_tags_per_story": 5,
        "tf_boost": {"PER/LOC/ORG": clustering.MID_LOW_PRIORITY, "MISC": clustering.LOW_PRIORITY},
        "first_sentences_compared": 5,
    }


def _print_table(r: dict) -> None:
    print(
        f"{r['dataset']}: {r['articles']} articles, {r['gold_events']} gold events, "
        f"{r['clusters']} Taranis clusters, {r['left_out']} articles left out (<5 tags)",
        file=sys.stderr,
    )
    print(f"{'clustering':<16}{'P':>8}{'R':>8}{'F1':>8}", file=sys.stderr)
    rows = [("taranis 0.8.1", r), ("  clustered only", r["clustered_only"])]
    for name, score in rows:
        if score:
            row = f"{score['precision']:>8.3f}{score['recall']:>8.3f}{score['f1']:>8.3f}"
            print(f"{name:<16}{row}", file=sys.stderr)


def _parser() -> argparse.ArgumentParser:
    options = parser(__doc__)  # events.py's options, and where Taranis is installed
    options.add_argument(
        "--deps",
        type=Path,
        default=Path(os.environ.get("TARANIS_DEPS", "/tmp/taranis-deps")),
        help="folder the package and its dependencies were installed into (pip --target)",
    )
    return options


if __name__ == "__main__":
    raise SystemExit(main())
