"""The frozen records that pass between stages.

Every record derived from an article carries ``start``/``end``: end-exclusive
character offsets into :attr:`Article.text`, so that
``article.text[item.start:item.end] == item.text`` always holds. Records are
frozen, slotted and keyword-only so that a stage can run in this process, in a
process pool or on a remote worker alike.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

Voice = Literal["own", "quoted", "attributed"]
Status = Literal["agreed", "conflicting", "single_source"]
Granularity = Literal["day", "week", "month", "year", "unknown"]
LabelKind = Literal["actor", "event", "action", "loaded"]
DifferenceKind = Literal["number", "place", "date", "agent", "outcome"]


def stable_id(prefix: str, *parts: str) -> str:
    """A short, stable identifier: ``prefix`` plus 16 hex digits of sha256."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return f"{prefix}_{digest[:16]}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Article:
    """One news article, exactly as ingested. ``text`` is never altered."""

    id: str
    text: str
    outlet: str
    source: str
    title: str | None = None
    published: date | None = None
    dateline: str | None = None
    url: str | None = None
    language: str = "en"
    body_start: int = 0
    """Offset where the article body begins (after a ``date … PLACE -`` prefix)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Span:
    """A piece of an article's text."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Sentence(Span):
    pass


@dataclass(frozen=True, slots=True, kw_only=True)
class Mention(Span):
    """A named entity mention as found by the tagger."""

    type: str
    """PERSON, ORG, GPE, LOC, NORP, FAC, EVENT …"""
    sentence: int
    alias_of: tuple[int, int] | None = None
    """Span of the name this mention was introduced as an alias or acronym of."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TimeExpression(Span):
    value: date | None
    """The calendar day it refers to, resolved against publication, if known."""
    granularity: Granularity = "day"


@dataclass(frozen=True, slots=True, kw_only=True)
class Attribution:
    """Someone says something: ``source`` (may be absent), ``cue`` and ``content``."""

    source: Span | None
    cue: Span
    content: Span
    direct: bool
    """True when the content stands inside quotation marks."""
    speaker: str | None
    """The source as a name, pronouns resolved to the nearest earlier source."""
    parts: tuple[Span, ...] = ()
    """Every piece of the content, in order, when it comes in several: a quotation the cue
    interrupts (``"We will," he said, "rebuild."``) or that carries on in later sentences.
    ``content`` is the first piece. Empty when ``content`` is all of it."""
    depth: int = 0
    """0 for the article's own reporting; 1 for speech reported inside reported speech
    (``the army said the rebels claimed …``), and so on."""
    kind: Literal["speech", "stance"] = "speech"
    """``speech``: the content gives what the source says, thinks or wants (``said the fire
    was out``, ``vowed to fight on``). ``stance``: the content only names what the source
    is for, against or talking about (``criticized the plan``, ``her support for Cruz``);
    its words are the writer's."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Figure(Span):
    """A counted quantity, e.g. ``at least 130 people have been killed``."""

    value: float
    qualifier: str | None
    """"at least", "over", "nearly", "about", "dozens" … or None for an exact count."""
    what: str
    """What happened to the counted group, as a normalised verb: killed, wounded …"""
    who: str | None
    """The counted group as written: "people", "members of the HTS" …"""
    number: Span
    """The span of the number itself."""
    includes: tuple[str, ...] = ()
    """Groups the figure is broken down into ("including soldiers and civilians")."""
    parent: int | None = None
    """Index of the figure this one breaks down, within the same article."""
    attributed_to: str | None = None
    sentence: int = 0
    scope: Literal["event", "background"] = "event"
    """``background`` for history, other happenings and biography ("since 2011", a toll of
    decades ago), told in the article around the event's own figures."""
    unit: str | None = None
    """``dollars``, ``euros``, ``days``, ``years`` … for a sum or a duration; None for a count
    of people or things."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Label(Span):
    """A loaded or characterising term, and whose words it is."""

    voice: Voice
    speaker: str | None
    kind: LabelKind
    """A designation of an actor, event or action from the lexicon, or loaded wording."""
    target: Span | None = None
    """The named mention the label characterises, when there is one."""
    sentence: int = 0
    loaded: bool = False
    """Whether the words take a side (the loaded-word model or the loaded lexicon says so)."""
    score: float = 0.0
    """The loaded-word model's highest word probability inside the label."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Claim(Span):
    """One checkable proposition: an independent clause of a sentence."""

    sentence: int
    predicate: str
    """The lemma of the clause's head ("kill", "charge", "be")."""
    negated: bool = False
    modal: str | None = None
    """"may", "could", "plan" …: the clause says what might or is meant to happen."""
    agents: tuple[str, ...] = ()
    """Lower-case content words of the clause's subjects."""
    patients: tuple[str, ...] = ()
    """Lower-case content words of its objects."""
    speaker: str | None = None
    """Who says it, when it stands in reported speech or a quotation."""
    lemmas: tuple[str, ...] = ()
    """Its content lemmas, as :attr:`Analysis.lemmas` gives a sentence's."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Analysis:
    """Everything derived from one article."""

    article_id: str
    sentences: tuple[Sentence, ...]
    mentions: tuple[Mention, ...]
    times: tuple[TimeExpression, ...]
    figures: tuple[Figure, ...]
    attributions: tuple[Attribution, ...]
    labels: tuple[Label, ...]
    lemmas: tuple[tuple[str, ...], ...]
    """Content lemmas per sentence, for aligning statements across articles."""
    embedding: tuple[float, ...] = ()
    """A unit vector for the article's lead (title and first sentences)."""
    event_date: date | None = None
    """The most likely day of the happening, from the time expressions."""
    claims: tuple[Claim, ...] = ()
    """The clause-level claims of every sentence, in order (see analyze.claims). A claim made
    of a name in passing (an apposition, a relative clause) lies inside its clause's span."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """Articles that report the same real-world happening."""

    id: str
    article_ids: tuple[str, ...]
    title: str
    copies: dict[str, str] = field(default_factory=dict)
    """article id -> id of the article it is a near-duplicate copy of."""


# --- what ``compare`` produces -------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Ref(Span):
    """A pointer from a comparison item to a span of one article."""

    article: str
    attributed_to: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Entity:
    id: str
    name: str
    type: str
    aliases: tuple[str, ...]
    mentions: tuple[Ref, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Difference:
    """A detail on which the reports of one fact differ: each article's version of it."""

    kind: DifferenceKind
    values: tuple[Ref, ...]
    """One span per article giving its version ("Aleppo", "Wednesday", "at least 130 …")."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Fact:
    id: str
    text: str
    status: Status
    reports: tuple[Ref, ...]
    note: str | None = None
    """What the outlets differ on, for a conflicting fact."""
    differences: tuple[Difference, ...] = ()
    """The details behind ``note``, one per kind of difference."""
    omitted_by: tuple[str, ...] = ()
    """Articles of the event that do not report this fact."""

    @property
    def differs_on(self) -> str | None:
        """The first detail a conflicting fact differs on: number, date, outcome, place or
        agent (``None`` unless conflicting)."""
        return self.differences[0].kind if self.status == "conflicting" and self.differences \
            else None


@dataclass(frozen=True, slots=True, kw_only=True)
class FigureReport(Ref):
    value: float
    qualifier: str | None
    who: str | None = None
    """The counted group as this report words it."""
    includes: tuple[str, ...] = ()
    chain: tuple[str, ...] = ()
    """Who the figure comes from, outermost first: ("Reuters", "Syrian Observatory …")."""
    low: float | None = None
    high: float | None = None
    """The range the wording admits: "dozens" is 24–99, "at least 130" is 130–130."""


@dataclass(frozen=True, slots=True, kw_only=True)
class FigureGroup:
    what: str
    who: str | None
    low: float
    high: float
    status: Status
    reports: tuple[FigureReport, ...]
    best: float | None = None
    """The best estimate where the sources allow one (UCDP style), else None."""
    sources: tuple[str, ...] = ()
    """The independent origins of the figure: the innermost source of each chain, or the
    outlet itself when it gives the figure in its own voice."""
    scope: Literal["event", "background"] = "event"
    differences: tuple[str, ...] = ()
    """Groups that only some reports' breakdowns include ("civilians" in one outlet's toll,
    absent from the breakdown the others cite)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Framing:
    entity: str | None
    article: str
    term: str
    voice: Voice
    speaker: str | None
    start: int
    end: int
    entity_name: str | None = None
    kind: str = "actor"

    @property
    def wording(self) -> str:
        """Whose words the term is: ``speaker`` inside quotation marks, else ``outlet``
        (its own voice, or its paraphrase in reported speech)."""
        return "speaker" if self.voice == "quoted" else "outlet"


@dataclass(frozen=True, slots=True, kw_only=True)
class SummarySentence:
    text: str
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Comparison:
    """The fact-by-fact comparison of one event."""

    event: Event
    articles: tuple[Article, ...]
    entities: tuple[Entity, ...]
    facts: tuple[Fact, ...]
    figures: tuple[FigureGroup, ...]
    framing: tuple[Framing, ...]
    summary: tuple[SummarySentence, ...]
    title: str | None = None
    """A neutral headline of the event's main agreed claim (else the event's title)."""
