"""Loaded words: a small linear model that scores every word of an article.

A word is *loaded* when it carries the writer's (or a speaker's) judgement rather
than the facts: "fierce criticism", "caved", "radical", "thugs". The model is a
logistic regression over features of the word and its neighbours that spaCy
already computes (word, lemma, part of speech, dependency, suffix, shape), plus
the word's sentiment strength from the VADER lexicon (Hutto & Gilbert 2014, MIT
licence), carried inside the model file so that words never seen in training
still score.

Features of a word alone cannot tell "a fierce storm" from "fierce criticism", so the
model also reads each word's contextual state from the MiniLM encoder that
counterpoint already ships (:mod:`counterpoint.analyze.embed`): every sentence is
encoded once, and a word's state is the mean of its word pieces' last hidden
states. Weights over that state add to the word's score. Only sentences where some
word looks loaded without context are encoded, which keeps the cost down.

Where the fine-tuned tagger is shipped (:mod:`counterpoint.analyze.tagger`, trained by
``scripts/train_tagger.py``), it does the reading in context instead: the sentences the
word features pick are encoded by MiniLM with the tagger's adapter, and a word's score
is the tagger's probability, compared with the tagger's thresholds. The word features
then only pick the sentences, and score alone when context is turned off
(:attr:`LoadedModel.features_only`).

It is trained by ``scripts/train_loaded.py`` on three public corpora of
annotated news (BASIL lexical bias, BABE biased words, PTC loaded language and
name calling), one intercept per corpus; counterpoint uses the intercept of
BASIL, whose articles (Fox, NYT, HuffPost news stories) are closest to what it
reads. The weights live in ``data/loaded.json.gz``; the file also records how
it was made and which documents it saw, so that benchmarks score only the rest.

Runs of words scoring at or above the threshold become spans (a joining word
between two loaded words joins them: "bold and historic"). Where cross-validation
says it helps (BASIL and PTC, whose annotators mark phrases), a run grows to its
phrase: the noun a loaded modifier qualifies, and the noun chunk it stands in
("disastrous nuclear deal"); runs that then overlap are merged.

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

from counterpoint.analyze.tagger import Tagger, default_tagger
from counterpoint.errors import ModelError

__all__ = [
    "MODEL_FILE",
    "LoadedModel",
    "LoadedSpan",
    "default_model",
    "features",
    "token_states",
]

MODEL_FILE = "loaded.json.gz"
_SKIP_POS = {"PUNCT", "SPACE", "NUM", "SYM", "X"}
_JOIN = {"and", "-", "or", ","}
TAGGER_GROW = {"ptc": 0.6, "ptc_name_calling": 0.6}
"""With the tagger, a run takes in the words either side that score this share of the
threshold or more, for the heads where that helped on the tagger's development part (PTC
Loaded_Language 0.358 -> 0.370, Name_Calling 0.288 -> 0.302), whose annotators mark long
phrases. BABE's mark single words, and growing lost F1 there (0.502 -> 0.468). On BASIL
(0.182 -> 0.187 on 22 spans) it made labels read worse ("It is a disgusting sham" for
"disgusting sham"), so the shipped head does not grow either."""


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

    def __init__(self, data: dict, tagger: Tagger | None = None) -> None:
        self.tagger = tagger
        """The fine-tuned MiniLM tagger (:mod:`counterpoint.analyze.tagger`). With it, a
        word of an encoded sentence scores the tagger's probability, and the thresholds
        are the tagger's; the word features only choose the sentences to encode."""
        self.weights: dict[str, float] = data["weights"]
        self.intercepts: dict[str, float] = data["intercepts"]
        self.sentiment: dict[str, float] = data["sentiment"]
        self.threshold: float = data["threshold"]
        self.thresholds: dict[str, float] = data.get("thresholds", {})
        """Per corpus, the threshold that suits its annotation (``basil``, ``babe``, ``ptc``)."""
        self.domain: str = data["domain"]
        self.sentence: dict = data.get("sentence", {})
        """The sentence classifier: MiniLM embedding weights, word weights, bias, threshold."""
        self.context: dict = data.get("context", {})
        """Weights over MiniLM token states: ``hidden`` (384 x H), ``hidden_bias``,
        ``weights`` (H), and ``mean``, their average contribution over training words."""
        self.expand: dict[str, bool] = data.get("expand", {})
        """Per corpus, whether a run of loaded words grows to its phrase."""
        self.meta: dict = data.get("meta", {})
        self.trained_on: dict[str, list[str]] = data.get("trained_on", {})
        self._features_only = self if tagger is None else LoadedModel(data)
        if tagger is not None:
            self.thresholds = {**self.thresholds, **tagger.thresholds}
            self.threshold = self.thresholds.get(self.domain, self.threshold)
            # the tagger learnt the extent of the annotators' phrases itself
            self.expand = {**self.expand, **dict.fromkeys(tagger.heads, False)}

    @property
    def features_only(self) -> LoadedModel:
        """This model without the tagger: word features and the base encoder's states,
        with their own thresholds."""
        return self._features_only

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
    def from_path(cls, path, tagger: Tagger | None = None) -> LoadedModel:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            return cls(json.load(handle), tagger)

    def word_scores(self, doc, *, domain: str | None = None, states=None) -> list[float]:
        """Probability that each token of ``doc`` is loaded (0 for punctuation and numbers).

        ``states`` are the doc's MiniLM token states (:func:`token_states`); they are
        computed here when not given (:meth:`context_states`). ``states=False`` scores
        without them, adding their average contribution instead (cheaper, less accurate).
        With the tagger, a word that has a state scores the tagger's probability under the
        head named ``domain`` (``basil``, ``ptc``, ``ptc_name_calling``, ``babe``).
        """
        domain = domain or self.domain
        if self.tagger is not None and states is not False:
            if states is None:
                states = self.context_states([doc], domain=domain)[0]
            tagged = self.tagger.probabilities(states, domain)
            alone = self.features_only.word_scores(doc, domain=domain, states=False)
            # a word of a sentence left unencoded keeps its (low) score without context
            return [a if math.isnan(t) or a == 0.0 else float(t) for a, t in zip(alone, tagged)]
        bias = self.intercepts[_corpus(domain)]
        context = self._context_logits(doc, states)
        out = []
        for i, words in enumerate(self._word_logits(doc)):
            if words is None:
                out.append(0.0)
                continue
            z = bias + words
            z += float(context[i])
            out.append(1.0 / (1.0 + math.exp(-z)) if z > -30 else 0.0)
        return out

    def _word_logits(self, doc) -> list[float | None]:
        """Each token's summed feature weights (None for punctuation and numbers), kept in
        the doc's ``user_data``: choosing the sentences to encode and scoring them with
        context read the same features."""
        kept = doc.user_data.get("counterpoint.loaded")
        if kept is not None and kept[0] is self:
            return kept[1]
        weights, sentiment = self.weights, self.sentiment
        logits = [
            None
            if token.pos_ in _SKIP_POS or not any(c.isalpha() for c in token.text)
            else sum(weights.get(f, 0.0) for f in features(doc, i, sentiment))
            for i, token in enumerate(doc)
        ]
        doc.user_data["counterpoint.loaded"] = (self, logits)
        return logits

    def context_states(self, docs: Sequence, *, domain: str | None = None,
                       embedder=None) -> list[np.ndarray]:
        """Token states (:func:`token_states`) for the sentences of ``docs`` that may hold a
        loaded word: those where some word scores at least the model's ``gate`` without
        context. The other sentences are not encoded (zero states), which saves most of
        the encoder's time on plain news."""
        gate = float(self.context.get("gate", 0.0))
        if self.tagger is not None:
            embedder = self.tagger.embedder
        if gate <= 0.0:
            return token_states(docs, embedder=embedder)
        wanted = []
        for doc in docs:
            scores = self.features_only.word_scores(doc, domain=domain, states=False)
            wanted.append({s.start for s in doc.sents
                           if max(scores[s.start : s.end], default=0.0) >= gate})
        return token_states(docs, embedder=embedder,
                            keep=lambda k, sentence: sentence.start in wanted[k])

    def _context_logits(self, doc, states) -> np.ndarray:
        if not self.context:
            return np.zeros(len(doc), dtype=np.float32)
        mean = np.float32(self.context.get("mean", 0.0))
        if states is False:
            return np.full(len(doc), mean, dtype=np.float32)
        if states is None:
            states = self.context_states([doc])[0]
        if len(states) != len(doc):
            raise ModelError(f"{len(states)} token states for a doc of {len(doc)} tokens")
        states = np.asarray(states, dtype=np.float32)
        weights = self._context_arrays()
        hidden = np.maximum(states @ weights[0] + weights[1], 0.0) if len(weights) == 3 else states
        # words without a state (sentence not encoded) get the average contribution
        return np.where(states.any(axis=1), hidden @ weights[-1], mean)

    def _context_arrays(self) -> tuple[np.ndarray, ...]:
        if not hasattr(self, "_arrays"):
            names = ("hidden", "hidden_bias", "weights") if "hidden" in self.context else (
                "weights",)
            self._arrays = tuple(np.asarray(self.context[n], dtype=np.float32) for n in names)
        return self._arrays

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
        grow = TAGGER_GROW.get(domain or self.domain, 1.0) if self.tagger is not None else 1.0
        runs = _runs(doc, scores, cut, grow * cut)
        if not self.expand.get(domain or self.domain, False):
            return list(runs)
        merged: list[LoadedSpan] = []
        chunks = list(doc.noun_chunks)
        for span in runs:
            a, b = phrase(doc, span.start, span.end, chunks)
            if merged and a < merged[-1].end:
                last = merged.pop()
                a, b = min(a, last.start), max(b, last.end)
                span = LoadedSpan(start=a, end=b, score=max(span.score, last.score))
            merged.append(LoadedSpan(start=a, end=b, score=span.score))
        return merged


def _runs(doc, scores: list[float], cut: float, low: float) -> Iterator[LoadedSpan]:
    """Runs of words within a sentence that hold a word scoring ``cut`` or more, and take in
    the words either side scoring ``low`` or more; one joining word ("and", a hyphen, a
    comma) between two such words joins them."""
    n, i, taken = len(doc), 0, 0
    while i < n:
        if scores[i] < cut:
            i += 1
            continue
        sentence = doc[i].sent
        start, end, last = i, i, sentence.end
        while start > max(sentence.start, taken) and scores[start - 1] >= low:
            start -= 1
        while True:
            if end + 1 < last and scores[end + 1] >= low:
                end += 1
            elif end + 2 < last and doc[end + 1].lower_ in _JOIN and scores[end + 2] >= low:
                end += 2
            else:
                break
        # a run neither starts nor ends inside a hyphenated word ("finger-pointing")
        while end + 2 < last and _hyphen_at(doc, end + 1):
            end += 2
        while start - 2 >= max(sentence.start, taken) and _hyphen_at(doc, start - 1):
            start -= 2
        yield LoadedSpan(start=start, end=end + 1, score=max(scores[start : end + 1]))
        i = taken = end + 1


def _hyphen_at(doc, i: int) -> bool:
    """Whether token ``i`` is a hyphen joining the words either side into one."""
    return doc[i].text == "-" and not doc[i - 1].whitespace_ and not doc[i].whitespace_


def phrase(doc, start: int, end: int, chunks: Sequence | None = None) -> tuple[int, int]:
    """Tokens ``start:end`` grown to their phrase, within their sentence: the word a loaded
    modifier qualifies ("disastrous" -> "disastrous deal", up to two words on), and any
    noun chunk they touch, without its determiner ("nuclear deal"), never across a
    quotation mark.

    ``chunks`` are the doc's noun chunks, for a caller growing many runs of one doc
    (a sentence's noun chunks are found by reading the whole doc's)."""
    sentence = doc[start].sent
    if chunks is None:
        chunks = sentence.noun_chunks
    lo, hi = start, end
    for token in doc[start:end]:
        head = token.head
        if (token.dep_ in ("amod", "advmod", "compound", "npadvmod") and end <= head.i < end + 3
                and head.pos_ in ("NOUN", "PROPN", "ADJ", "VERB") and head.i < sentence.end):
            hi = max(hi, head.i + 1)
    for chunk in chunks:
        if (chunk.start < end and start < chunk.end
                and sentence.start <= chunk.start and chunk.end <= sentence.end):
            first = chunk.start
            while first < chunk.end and doc[first].dep_ in ("det", "poss", "case"):
                first += 1
            if first < chunk.end:
                lo, hi = min(lo, first), max(hi, chunk.end)
    # a phrase does not reach across a quotation mark: a quoted "destructive" force is
    # someone's word next to the writer's, not one phrase
    hi = next((i for i in range(end, hi) if doc[i].is_quote), hi)
    lo = next((i + 1 for i in range(start - 1, lo - 1, -1) if doc[i].is_quote), lo)
    return lo, hi


def token_states(docs: Sequence, *, embedder=None, keep=None) -> list[np.ndarray]:
    """For each spaCy doc, MiniLM's contextual state of each token, ``(len(doc), 384)``.

    Every sentence (or each one for which ``keep(doc_index, sentence)`` is true) is
    encoded once; a token's state is the mean of the states of the word pieces that
    overlap it (zeros for spaces, for sentences left out, and for words past the
    encoder's limit of 128 pieces in a very long sentence)."""
    from counterpoint.analyze.embed import DIMENSIONS, default_embedder

    out = [np.zeros((len(doc), DIMENSIONS), dtype=np.float32) for doc in docs]
    sentences = [(k, s) for k, doc in enumerate(docs) for s in doc.sents
                 if s.text.strip() and (keep is None or keep(k, s))]
    pieces = (embedder or default_embedder()).token_states([s.text for _, s in sentences])
    for (k, sentence), (states, offsets) in zip(sentences, pieces):
        if not offsets:
            continue
        starts = np.array([t.idx - sentence.start_char for t in sentence])
        first = np.searchsorted(starts, [a for a, _ in offsets], side="right") - 1
        last = np.searchsorted(starts, [max(a, b - 1) for a, b in offsets], side="right") - 1
        total = np.zeros((len(sentence) + 1, states.shape[1]), dtype=np.float32)
        count = np.zeros(len(sentence) + 1, dtype=np.float32)
        for extra in range(int((last - first).max()) + 1):  # a piece across two tokens
            owner = first + extra
            index = np.where((owner <= last) & (owner >= 0), owner, len(sentence))
            np.add.at(total, index, states)
            np.add.at(count, index, 1.0)
        filled = count[:-1] > 0
        block = out[k][sentence.start : sentence.end]
        block[filled] = total[:-1][filled] / count[:-1][filled, None]
    return out


def _corpus(domain: str) -> str:
    """The corpus a tagger head belongs to (``ptc_name_calling`` -> ``ptc``), whose
    intercept the word features use."""
    return domain.split("_", 1)[0]


@lru_cache(maxsize=1)
def default_model() -> LoadedModel:
    """The model shipped with counterpoint, with its tagger (loaded once per process)."""
    path = resources.files("counterpoint.analyze") / "data" / MODEL_FILE
    tagger = default_tagger()
    try:
        with resources.as_file(path) as file:
            return LoadedModel.from_path(file, tagger)
    except (OSError, ValueError, KeyError) as exc:
        raise ModelError(
            f"Cannot read the loaded-word model {MODEL_FILE!r} ({exc}); rebuild it with: "
            "python scripts/train_loaded.py --data ../shared/eval"
        ) from exc
