"""Loaded words: a small linear model that scores every word of an article.

A word is *loaded* when it carries the writer's (or a speaker's) judgement rather
than the facts: "fierce criticism", "caved", "radical", "thugs". The model is a
logistic regression over features of the word and its neighbours that spaCy
already computes (word, lemma, part of speech, dependency, suffix, shape), plus
the word's sentiment strength from the VADER lexicon (Hutto & Gilbert 2014, MIT
licence), carried inside the model file so that words never seen in training
still score.

It is trained by ``scripts/train_loaded.py`` on three public corpora of
annotated news (BASIL lexical bias, BABE biased words, PTC loaded language and
name calling), one intercept per corpus; counterpoint uses the intercept of
BASIL, whose articles (Fox, NYT, HuffPost news stories) are closest to what it
reads. The weights live in ``data/loaded.json.gz``; the file also records how
it was made and which documents it saw, so that benchmarks score only the rest.

Runs of words scoring at or above the threshold become spans (a joining word
between two loaded words joins them: "bold and historic").

The same file holds a sentence classifier (MiniLM embedding and lemmas, trained
on BABE's sentence labels) for callers that want to know which sentences are
slanted; it embeds every sentence, so the per-article analysis leaves it out.
"""

from __future__ import annotations

import gzip
import json
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from counterpoint.errors import ModelError

__all__ = ["LoadedModel", "LoadedSpan", "default_model", "features", "MODEL_FILE"]

MODEL_FILE = "loaded.json.gz"
_SKIP_POS = {"PUNCT", "SPACE", "NUM", "SYM", "X"}
_JOIN = {"and", "-", "or", ","}


@dataclass(frozen=True, slots=True, kw_only=True)
class LoadedSpan:
    """Token range ``[start, end)`` of a doc and its highest word score."""

    start: int
    end: int
    score: float


def features(doc, i: int, sentiment: dict[str, float]) -> list[str]:
    """The features of token ``i`` of a spaCy ``doc``."""
    token = doc[i]
    lower = token.lower_
    lemma = token.lemma_.lower()
    pos = token.pos_
    out = [
        "w=" + lower,
        "l=" + lemma,
        "lp=" + lemma + "|" + pos,
        "p=" + pos,
        "t=" + token.tag_,
        "d=" + token.dep_,
        "pd=" + pos + "|" + token.dep_,
        "s3=" + lower[-3:],
        "s4=" + lower[-4:],
        "hp=" + token.head.pos_ + "|" + token.dep_,
    ]
    if token.is_stop:
        out.append("stop")
    if token.ent_type_:
        out.append("e=" + token.ent_type_)
    if token.is_title and token.i > token.sent.start:
        out.append("title")
    if token.is_upper and len(lower) > 1:
        out.append("upper")
    if "-" in lower:
        out.append("hyphen")
    value = sentiment.get(lower, sentiment.get(lemma))
    if value is not None:
        strength = min(int(abs(value)), 3)
        sign = "+" if value > 0 else "-"
        out += ["v", "v" + sign, f"v{strength}", f"v{strength}|{pos}"]
    if i > 0:
        prev = doc[i - 1]
        out += ["l-1=" + prev.lemma_.lower(), "p-1=" + prev.pos_]
        if prev.lower_ in ("very", "so", "too", "most", "more", "extremely", "really"):
            out.append("intens-1")
    else:
        out.append("bos")
    if i + 1 < len(doc):
        nxt = doc[i + 1]
        out += ["l+1=" + nxt.lemma_.lower(), "p+1=" + nxt.pos_]
    else:
        out.append("eos")
    out.append("hl=" + token.head.lemma_.lower())
    return out


class LoadedModel:
    """Word scores and spans from the weights in a model file."""

    def __init__(self, data: dict) -> None:
        self.weights: dict[str, float] = data["weights"]
        self.intercepts: dict[str, float] = data["intercepts"]
        self.sentiment: dict[str, float] = data["sentiment"]
        self.threshold: float = data["threshold"]
        self.thresholds: dict[str, float] = data.get("thresholds", {})
        """Per corpus, the threshold that suits its annotation (``basil``, ``babe``, ``ptc``)."""
        self.domain: str = data["domain"]
        self.sentence: dict = data.get("sentence", {})
        """The sentence classifier: MiniLM embedding weights, word weights, bias, threshold."""
        self.meta: dict = data.get("meta", {})
        self.trained_on: dict[str, list[str]] = data.get("trained_on", {})

    def sentence_scores(self, sentences: Sequence, *, embedder=None) -> list[float]:
        """Probability that each sentence (a spaCy ``Doc`` or ``Span``) is slanted.

        A logistic regression over the sentence's MiniLM embedding and its words, trained
        on BABE's sentence labels. Each sentence is embedded, so this costs about as much
        as :class:`~counterpoint.analyze.embed.Embedder` does per sentence; the per-article
        analysis does not call it.
        """
        if not self.sentence:
            raise ModelError("this loaded-word model has no sentence classifier; retrain it")
        if not sentences:
            return []
        from counterpoint.analyze.embed import default_embedder

        vectors = (embedder or default_embedder()).encode([s.text for s in sentences])
        weights = np.asarray(self.sentence["embedding"], dtype=np.float32)
        words: dict[str, float] = self.sentence["words"]
        out = []
        for sentence, vector in zip(sentences, vectors):
            lemmas = {t.lemma_.lower() for t in sentence if t.is_alpha}
            z = self.sentence["bias"] + float(vector @ weights)
            z += sum(words.get(lemma, 0.0) for lemma in lemmas)
            out.append(1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0))))
        return out

    @property
    def sentence_threshold(self) -> float:
        return float(self.sentence.get("threshold", 0.5))

    @classmethod
    def from_path(cls, path) -> LoadedModel:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            return cls(json.load(handle))

    def word_scores(self, doc, *, domain: str | None = None) -> list[float]:
        """Probability that each token of ``doc`` is loaded (0 for punctuation and numbers)."""
        bias = self.intercepts[domain or self.domain]
        weights = self.weights
        out = []
        for i, token in enumerate(doc):
            if token.pos_ in _SKIP_POS or not any(c.isalpha() for c in token.text):
                out.append(0.0)
                continue
            z = bias + sum(weights.get(f, 0.0) for f in features(doc, i, self.sentiment))
            out.append(1.0 / (1.0 + math.exp(-z)) if z > -30 else 0.0)
        return out

    def spans(
        self, doc, *, domain: str | None = None, threshold: float | None = None,
        scores: list[float] | None = None,
    ) -> list[LoadedSpan]:
        """Runs of loaded words; one joining word between two of them joins the run."""
        if threshold is not None:
            cut = threshold
        elif domain is not None:
            cut = self.thresholds.get(domain, self.threshold)
        else:
            cut = self.threshold
        scores = self.word_scores(doc, domain=domain) if scores is None else scores
        return list(_runs(doc, scores, cut))


def _runs(doc, scores: list[float], cut: float) -> Iterator[LoadedSpan]:
    """Runs of words scoring ``cut`` or more within a sentence; one joining word ("and",
    a hyphen, a comma) between two such words joins them."""
    n, i = len(doc), 0
    while i < n:
        if scores[i] < cut:
            i += 1
            continue
        end, last = i, doc[i].sent.end
        while True:
            if end + 1 < last and scores[end + 1] >= cut:
                end += 1
            elif end + 2 < last and doc[end + 1].lower_ in _JOIN and scores[end + 2] >= cut:
                end += 2
            else:
                break
        yield LoadedSpan(start=i, end=end + 1, score=max(scores[i : end + 1]))
        i = end + 1


@lru_cache(maxsize=1)
def default_model() -> LoadedModel:
    """The model shipped with counterpoint (loaded once per process)."""
    path = resources.files("counterpoint.analyze") / "data" / MODEL_FILE
    try:
        with resources.as_file(path) as file:
            return LoadedModel.from_path(file)
    except (OSError, ValueError, KeyError) as exc:
        raise ModelError(
            f"Cannot read the loaded-word model {MODEL_FILE!r} ({exc}); rebuild it with: "
            "python scripts/train_loaded.py --data ../shared/eval"
        ) from exc
