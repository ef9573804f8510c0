"""Whether two reports state the same claim: a trained pair model.

Each report is a :class:`Unit` — a claim's text, its content lemmas, the name words it holds,
its numbers, its predicate, negation, modality and speaker — with its sentence embedding. The
logistic models are trained by ``scripts/train_same_claim.py`` and shipped as
``data/same_claim.json`` (weights, feature scaling, thresholds chosen on held-out pairs):

- **content** reads a pair alone (:func:`features`: meaning, shared words and names, numbers
  shared or contradicted, negation and modality that differ, the same predicate, lengths).
  It is trained on sentence pairs from news clusters judged equivalent or not (MRPC). Pairs
  from news clusters are chosen for their likeness, so it cannot tell the one report of a
  claim from the other reports of the same event; the comparison does not link on it.
- **event**, the first stage, reads a pair of claims among all the pairs of its event
  (:func:`event_rows`): how alike the two are, how much more alike than the event's pairs on
  average, whether each is the other article's best match and by what margin. It is trained
  on analysts' claim-level golds of multi-outlet events.
- **claim**, the second stage, reads the pairs the first gives at least :data:`PREFILTER`:
  the event model's features and the logit of a cross-encoder of claims
  (:mod:`counterpoint.analyze.cross`, ``scripts/train_claim_pairs.py``), which reads both
  claims at once and so sees who did what to whom in each. The comparison links on it when
  the cross-encoder is installed, and on the first stage otherwise.

Two rules stand above the model: quotes or reported speech of different speakers are different
claims, and so are an assertion and its negation (those may still conflict, see
:mod:`counterpoint.compare.facts`).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np

from counterpoint.model import Analysis, Claim

if TYPE_CHECKING:
    from counterpoint.analyze.cross import CrossEncoder

FEATURES = (
    "cosine",
    "cosine_squared",
    "lemma_jaccard",
    "lemma_containment",
    "name_jaccard",
    "names_disjoint",
    "numbers_shared",
    "numbers_disjoint",
    "negation_differs",
    "modal_differs",
    "same_predicate",
    "length_ratio",
)
EVENT_FEATURES = ("cosine", "relative_cosine", "lemma_jaccard", "mutual_best", "margin")
"""The event model's features: how alike two reports are, and how the pair stands among the
event's other pairs (reports of one event all resemble each other a little; the report of the
same claim is the other article's best match, by a margin). Whether two reports name one act
(:func:`same_act`) was tried as a sixth and left out: it found fewer pairs at the same
precision."""
CLAIM_FEATURES = (*EVENT_FEATURES, "cross")
"""The second stage's features: the event model's and the claim cross-encoder's logit."""
LIGHT_PREDICATES = frozenset({"be", "have", "say", "do", "make", "get", "go", "take", "tell",
                              "add", "report", "state"})
"""Predicates too common to show two claims are about one act."""


def same_act(a: Unit, b: Unit) -> bool:
    """Whether two reports name one act: one predicate, not a light verb, and a name (or a
    word of the subject) in common."""
    return (
        bool(a.predicate)
        and a.predicate == b.predicate
        and a.predicate not in LIGHT_PREDICATES
        and bool(a.names & b.names)
    )
CANDIDATE_COSINE = 0.3
"""Pairs whose embeddings are less alike than this are never candidates."""
PREFILTER = 0.15
"""The least first-stage (event model) probability for the cross-encoder to read a pair. It is
the slow step; on the analysts' golds, reading the pairs from 0.05 up (3.6 times as many)
links as many right pairs, left out one event at a time."""
_NUMBER = re.compile(r"^\d[\d,.]*$")


@dataclass(frozen=True, slots=True)
class Unit:
    """What the pair model reads of one report."""

    text: str
    lemmas: frozenset[str]
    names: frozenset[str]
    predicate: str = ""
    negated: bool = False
    modal: str | None = None
    speaker: str | None = None

    @property
    def numbers(self) -> frozenset[str]:
        return frozenset(w.replace(",", "") for w in self.lemmas if _NUMBER.match(w))


_NAME_STOP = frozenset({"the", "of", "and", "a", "an", "'s", "’s"})


def unit(analysis: Analysis, claims: Sequence[Claim]) -> Unit:
    """The unit of one or more claims of an article, read together (a whole sentence, say)."""
    lemmas = frozenset(w for c in claims for w in c.lemmas)
    names = frozenset(
        w
        for m in analysis.mentions
        if any(c.start <= m.start < c.end for c in claims)
        for w in m.text.lower().split()
        if w not in _NAME_STOP
    )
    head = next((c for c in claims if c.predicate), claims[0])
    return Unit(
        text=" ".join(c.text for c in claims),
        lemmas=lemmas,
        names=names,
        predicate=head.predicate,
        negated=head.negated,
        modal=head.modal,
        speaker=next((c.speaker for c in claims if c.speaker), None),
    )


def features(a: Unit, b: Unit, cosine: float) -> np.ndarray:
    """The pair's feature vector, in the order of :data:`FEATURES`."""
    la, lb = a.lemmas, b.lemmas
    shared = len(la & lb)
    union = len(la | lb)
    na, nb = a.names, b.names
    ma, mb = a.numbers, b.numbers
    return np.array(
        [
            cosine,
            cosine * cosine,
            shared / union if union else 0.0,
            shared / min(len(la), len(lb)) if la and lb else 0.0,
            len(na & nb) / len(na | nb) if na | nb else 0.0,
            float(bool(na) and bool(nb) and not na & nb),
            float(bool(ma & mb)),
            float(bool(ma) and bool(mb) and not ma & mb),
            float(a.negated != b.negated),
            float((a.modal is None) != (b.modal is None)),
            float(bool(a.predicate) and a.predicate == b.predicate),
            min(len(la), len(lb)) / max(len(la), len(lb)) if la and lb else 0.0,
        ],
        dtype=np.float64,
    )


@dataclass(frozen=True, slots=True)
class PairModel:
    names: tuple[str, ...]
    weights: np.ndarray
    bias: float
    mean: np.ndarray
    scale: np.ndarray
    threshold: float
    """The probability above which two reports are the same claim (best accuracy on held-out
    pairs)."""
    strict: float
    """A higher threshold, for precision: what the comparison links on."""

    def probability(self, rows: np.ndarray) -> np.ndarray:
        """P(same claim) for each row of features."""
        z = ((rows - self.mean) / self.scale) @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))

    def to_json(self) -> dict:
        return {
            "features": list(self.names),
            "weights": [round(float(w), 6) for w in self.weights],
            "bias": round(float(self.bias), 6),
            "mean": [round(float(m), 6) for m in self.mean],
            "scale": [round(float(s), 6) for s in self.scale],
            "threshold": round(self.threshold, 4),
            "strict": round(self.strict, 4),
        }

    @classmethod
    def from_json(cls, data: dict, names: tuple[str, ...]) -> PairModel:
        if tuple(data["features"]) != names:
            raise ValueError(
                f"the pair model was trained on features {data['features']!r}, not {names!r}; "
                "train it again with scripts/train_same_claim.py"
            )
        return cls(
            names=names,
            weights=np.asarray(data["weights"], dtype=np.float64),
            bias=float(data["bias"]),
            mean=np.asarray(data["mean"], dtype=np.float64),
            scale=np.asarray(data["scale"], dtype=np.float64),
            threshold=float(data["threshold"]),
            strict=float(data["strict"]),
        )


@dataclass(frozen=True, slots=True)
class Models:
    """The models of ``same_claim.json``: ``content`` reads a pair of sentences alone
    (trained on MRPC: what ``benchmarks/facts.py --dataset mrpc`` scores); ``event`` reads a
    pair of claims among the event's pairs (trained on analysts' claim-level golds of
    multi-outlet events), the first stage; ``claim``, when there is a ``cross``-encoder of
    claims, is the second: the event model's features and the cross-encoder's logit, for
    the pairs the first stage gives at least :data:`PREFILTER`."""

    content: PairModel
    event: PairModel
    claim: PairModel | None = None
    cross: CrossEncoder | None = None

    @property
    def staged(self) -> bool:
        """Whether the comparison links on the second stage."""
        return self.claim is not None and self.cross is not None

    @property
    def strict(self) -> float:
        """The probability at and above which the comparison links two reports."""
        return self.claim.strict if self.staged and self.claim else self.event.strict

    def to_json(self) -> dict:
        data = {"content": self.content.to_json(), "event": self.event.to_json()}
        if self.claim is not None:
            data["claim"] = self.claim.to_json()
        return data


@lru_cache(maxsize=2)
def default_models(threads: int = 2) -> Models:
    """The shipped models (``counterpoint/compare/data/same_claim.json``, and the claim
    cross-encoder on ``threads`` threads when this installation has it)."""
    from counterpoint.analyze.cross import default_claim_encoder

    text = resources.files("counterpoint.compare").joinpath("data/same_claim.json").read_text()
    data = json.loads(text)
    return Models(
        content=PairModel.from_json(data["content"], FEATURES),
        event=PairModel.from_json(data["event"], EVENT_FEATURES),
        claim=PairModel.from_json(data["claim"], CLAIM_FEATURES) if "claim" in data else None,
        cross=default_claim_encoder(threads),
    )


def event_rows(
    units: Sequence[Unit], article: np.ndarray, cosine: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The candidate pairs of an event (``rows``, ``cols``: i < j, different articles, cosine
    at least :data:`CANDIDATE_COSINE`) and their :data:`EVENT_FEATURES`. ``article`` gives each
    unit's article as a number, ``cosine`` the units' embedding cosines."""
    cross = article[:, None] != article[None, :]
    rows, cols = np.nonzero(np.triu(cross & (cosine >= CANDIDATE_COSINE), k=1))
    if len(rows) == 0:
        return rows, cols, np.zeros((0, len(EVENT_FEATURES)))
    background = cosine[cross]
    mean, spread = float(background.mean()), float(background.std()) or 1.0
    # each unit's best and second-best cosine in every other article
    best: dict[tuple[int, int], tuple[int, float, float]] = {}
    for i in range(len(units)):
        for other in set(article[cross[i]].tolist()):
            scores = np.where(article == other, cosine[i], -np.inf)
            top = np.argsort(-scores)[:2]
            second = float(scores[top[1]]) if len(top) > 1 and np.isfinite(scores[top[1]]) else 0.0
            best[(i, other)] = (int(top[0]), float(scores[top[0]]), second)
    table = []
    for i, j in zip(rows.tolist(), cols.tolist()):
        bi, ci, si = best[(i, int(article[j]))]
        bj, cj, sj = best[(j, int(article[i]))]
        margin = min(
            cosine[i, j] - (si if bi == j else ci), cosine[i, j] - (sj if bj == i else cj)
        )
        la, lb = units[i].lemmas, units[j].lemmas
        table.append(
            [
                float(cosine[i, j]),
                (float(cosine[i, j]) - mean) / spread,
                len(la & lb) / len(la | lb) if la | lb else 0.0,
                float(bi == j and bj == i),
                float(margin),
            ]
        )
    return rows, cols, np.asarray(table, dtype=np.float64)


def fit(
    rows: np.ndarray,
    labels: np.ndarray,
    *,
    names: tuple[str, ...] = FEATURES,
    l2: float = 1.0,
    steps: int = 50,
) -> PairModel:
    """Logistic regression by Newton's method on standardised features (thresholds 0.5)."""
    mean = rows.mean(axis=0)
    scale = rows.std(axis=0)
    scale[scale < 1e-9] = 1.0
    x = np.hstack([(rows - mean) / scale, np.ones((len(rows), 1))])
    w = np.zeros(x.shape[1])
    penalty = np.eye(x.shape[1]) * l2
    penalty[-1, -1] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ w, -30, 30)))
        gradient = x.T @ (p - labels) + penalty @ w
        hessian = (x * (p * (1 - p))[:, None]).T @ x + penalty
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if math.sqrt(float(step @ step)) < 1e-8:
            break
    return PairModel(
        names=names,
        weights=w[:-1], bias=float(w[-1]), mean=mean, scale=scale, threshold=0.5, strict=0.5
    )
