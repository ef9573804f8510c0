"""The public JSON document as typed structs, and the JSON Schema made from them.

These structs are the contract of docs/json.md: ``compare --format json``, ``show --format
json``, ``GET /api/events/{id}`` and ``events --format json`` emit them, and every renderer
reads them. :func:`json_schema` derives the JSON Schema from the structs themselves, so the
two cannot drift apart; ``counterpoint schema`` prints it. ``start``/``end`` are
end-exclusive character offsets into the article's ``text``.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec

SCHEMA_VERSION = "1"
SCHEMA_ID = "https://counterpoint.invalid/schema/v1/document.json"

Voice = Literal["own", "quoted", "attributed"]
Wording = Literal["outlet", "speaker"]
Status = Literal["agreed", "conflicting", "single_source"]
DifferenceKind = Literal["number", "place", "date", "agent", "outcome"]
Scope = Literal["event", "background"]
Number = int | float


class _Struct(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    pass


class Span(_Struct):
    """A piece of one article: ``text == articles[article].text[start:end]``."""

    article: str
    start: int
    end: int
    text: str


class Report(Span):
    """One article's report of a fact; ``attributed_to`` names its source, if any."""

    attributed_to: str | None


class Article(_Struct):
    id: str
    outlet: str
    title: str | None
    published: str | None
    """YYYY-MM-DD."""
    source: str
    """Where it was read from: its URL, else the file, line or upload."""
    text: str
    """The text exactly as ingested; every offset points into it."""
    dateline: str | None
    url: str | None
    copy_of: str | None
    """The article this one is a near-copy of (a wire story run again)."""


class Entity(_Struct):
    id: str
    name: str
    type: str
    aliases: list[str]
    mentions: list[Span]


class Difference(_Struct):
    """A detail on which the reports differ: one span per article with its version."""

    kind: DifferenceKind
    values: list[Span]


class Fact(_Struct):
    id: str
    text: str
    status: Status
    differs_on: DifferenceKind | None
    note: str | None
    reports: list[Report]
    differences: list[Difference]
    omitted_by: list[str]


class FigureReport(Span):
    value: Number
    qualifier: str | None
    who: str | None
    attributed_to: str | None
    includes: list[str]
    chain: list[str]
    """Who the figure comes from, outermost first."""
    low: Number | None
    high: Number | None


class Figure(_Struct):
    what: str
    who: str | None
    low: Number
    high: Number
    best: Number | None
    status: Status
    scope: Scope
    """``background`` for history and other happenings, not this event's toll."""
    differences: list[str]
    sources: list[str]
    reports: list[FigureReport]


class Framing(_Struct):
    entity: str | None
    """The entity the term describes, or None where it is not tied to one."""
    entity_name: str | None
    article: str
    term: str
    voice: Voice
    wording: Wording
    speaker: str | None
    start: int
    end: int
    kind: str


class SummarySentence(_Struct):
    text: str
    sources: list[str]
    """Exactly the articles whose reports support the sentence."""


class Omission(_Struct):
    article: str
    facts: list[str]


class Event(_Struct):
    id: str
    title: str | None
    article_count: int
    independent_sources: int
    date_range: tuple[str | None, str | None]
    articles: list[Article]
    entities: list[Entity]
    facts: list[Fact]
    figures: list[Figure]
    framing: list[Framing]
    summary: list[SummarySentence]
    omissions: list[Omission]


class Document(_Struct):
    """What ``compare --format json`` prints: one comparison per event."""

    schema_version: Literal["1"]
    events: list[Event]


class Listing(_Struct):
    """One event in a list: what its articles alone tell."""

    id: str
    title: str | None
    article_count: int
    independent_sources: int
    date_range: tuple[str | None, str | None]
    outlets: list[str]


class EventList(_Struct):
    """What ``events --format json`` prints: the matching events, newest first."""

    schema_version: Literal["1"]
    events: list[Listing]
    total: int


def json_schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) of :class:`Document` and :class:`EventList`."""
    (document, events), definitions = msgspec.json.schema_components(
        (Document, EventList), ref_template="#/$defs/{name}")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "counterpoint document, schema version " + SCHEMA_VERSION,
        "description": "compare/show --format json and GET /api/events/{id} give a Document; "
                       "events --format json gives an EventList.",
        "oneOf": [document, events],
        "$defs": definitions,
    }


def validate(document: Any, kind: type[Document] | type[EventList] = Document) -> Any:
    """``document`` (parsed JSON) as the typed struct, or a :class:`msgspec.ValidationError`
    naming the path of the first field that breaks the schema (``$.events[0].facts[2]``)."""
    return msgspec.convert(document, kind, strict=True)
