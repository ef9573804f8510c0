"""The JSON API: events, one event's comparison, entities, and ingest jobs.

Every error answers ``{"error": {"code": ..., "message": ...}}`` with a fitting status
(see :mod:`.app`). The request helpers here (the event search, the ingest submission) are
shared with the HTML pages.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Annotated, Any

import msgspec
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from counterpoint.report.json import to_document

from .catalog import EventQuery
from .jobs import Pasted, Submission, Upload

MAX_TEXT_CHARS = 2_000_000
"""The longest article text accepted (characters); a long feature is about 50,000."""
MAX_ARTICLES = 200
MAX_FILES = 50
MAX_URLS = 20
MAX_FIELD = 300
WAIT_S = 300


class ApiError(Exception):
    """An answer other than 2xx: HTTP status, a short code and a message for people."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class ErrorBody(BaseModel):
    code: str = Field(examples=["not_found"])
    message: str


class ErrorOut(BaseModel):
    """The shape of every error."""

    error: ErrorBody


class ArticleIn(BaseModel):
    """One article to ingest, as JSONL input lines give it."""

    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)
    outlet: str | None = Field(default=None, max_length=MAX_FIELD)
    title: str | None = Field(default=None, max_length=2000)
    published: date | None = None
    url: str | None = Field(default=None, max_length=2000)


class IngestIn(BaseModel):
    """Articles to ingest: texts, and pages to fetch (when the machine has network)."""

    model_config = ConfigDict(extra="forbid")
    articles: list[ArticleIn] = Field(default_factory=list, max_length=MAX_ARTICLES)
    urls: list[Annotated[str, Field(max_length=2000)]] = Field(
        default_factory=list, max_length=MAX_URLS
    )
    outlet: str | None = Field(default=None, max_length=MAX_FIELD)


ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorOut, "description": text}
    for status, text in (
        (404, "Unknown id"),
        (413, "Request too large"),
        (415, "Unsupported content type"),
        (422, "Invalid request"),
    )
}
MULTIPART_SCHEMA = {
    "type": "object",
    "properties": {
        "file": {"type": "array", "items": {"type": "string", "format": "binary"},
                 "description": ".txt, .html, .jsonl or .jsonl.gz files"},
        "text": {"type": "string", "description": "pasted article text"},
        "title": {"type": "string"},
        "published": {"type": "string", "format": "date"},
        "url": {"type": "string", "description": "the pasted text's address, or a page to fetch"},
        "outlet": {"type": "string"},
    },
}

router = APIRouter(prefix="/api", responses=ERRORS)


@router.get("/events", summary="Search and list events, newest first")
async def list_events(
    request: Request,
    q: Annotated[str | None, Query(max_length=MAX_FIELD, description="words in the text")] = None,
    entity: Annotated[str | None, Query(max_length=MAX_FIELD, description="id or name")] = None,
    outlet: Annotated[str | None, Query(max_length=MAX_FIELD)] = None,
    since: Annotated[str | None, Query(description="YYYY-MM-DD")] = None,
    until: Annotated[str | None, Query(description="YYYY-MM-DD")] = None,
    min_sources: Annotated[
        str | None, Query(description="at least this many independent sources")
    ] = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Response:
    query = event_query(q, entity, outlet, since, until, min_sources, page, per_page)
    catalog = request.app.state.catalog

    def make() -> tuple[bytes, bool]:
        found = catalog.find(query)
        return msgspec.json.encode({
            "events": found.rows,
            "total": found.total,
            "page": query.page,
            "per_page": query.per_page,
            "pages": found.pages,
        }), True

    return json_body(await catalog.bodies.get(("api/events", query), make))


@router.get("/events/{event_id}", summary="One event's comparison (the DESIGN.md JSON document)")
async def get_event(request: Request, event_id: str) -> Response:
    catalog = request.app.state.catalog
    event_id = _id(event_id)

    def make() -> tuple[bytes, bool]:
        return msgspec.json.encode(to_document([catalog.comparison(event_id)])), True

    return json_body(await catalog.bodies.get(("api/event", event_id), make))


@router.get(
    "/events/{event_id}/agreement",
    summary="How far the outlets agree on one event: its facts counted by status, and shares",
)
def get_agreement(request: Request, event_id: str) -> dict:
    catalog = request.app.state.catalog
    event = catalog.event(_id(event_id))
    return {"id": event.id, **catalog.agreement(event)}


@router.get("/entities/{entity_id}", summary="An entity: aliases, events and labels by outlet")
def get_entity(request: Request, entity_id: str) -> dict:
    return request.app.state.catalog.entity(_id(entity_id))


@router.post(
    "/articles",
    summary="Ingest articles (JSON, or files and text as multipart/form-data)",
    status_code=202,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/IngestIn"}},
                "multipart/form-data": {"schema": MULTIPART_SCHEMA},
            },
        }
    },
)
async def post_articles(
    request: Request,
    wait: Annotated[bool, Query(description="answer when the ingest has finished")] = False,
) -> JSONResponse:
    submission = await read_submission(request)
    ingester = request.app.state.ingester
    job = ingester.submit(submission)
    if wait:
        from starlette.concurrency import run_in_threadpool

        job = await run_in_threadpool(ingester.wait, job, timeout=WAIT_S)
    return JSONResponse(
        {"job": job.to_json()},
        status_code=200 if job.finished else 202,
        headers={"Location": f"/api/jobs/{job.id}"},
    )


@router.get("/jobs/{job_id}", summary="An ingest job's progress and, when done, its report")
def get_job(request: Request, job_id: str) -> dict:
    job = request.app.state.ingester.get(job_id)
    if job is None:
        raise ApiError(404, "not_found", f"No ingest job {job_id!r}; jobs are kept while the "
                       "server runs (the last 100)")
    return {"job": job.to_json()}


# --- request helpers shared with the pages ---------------------------------------------------


def json_body(body: bytes) -> Response:
    """A finished JSON body as the response (FastAPI would encode a dict once more)."""
    return Response(body, media_type="application/json")


def _id(value: str) -> str:
    if len(value) > 100:
        raise ApiError(422, "invalid_request", "The id is longer than any counterpoint id")
    return value


def parse_date(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ApiError(
            422, "invalid_request", f"{name}: {value!r} is not a date; use YYYY-MM-DD"
        ) from None


def parse_count(value: str | None, name: str) -> int:
    """A whole number of 0 or more from a query parameter; 0 for an empty one."""
    if not value:
        return 0
    if not value.isdigit() or len(value) > 6:
        raise ApiError(
            422, "invalid_request", f"{name}: {value[:20]!r} is not a count; use 0, 1, 2, …"
        )
    return int(value)


def event_query(q, entity, outlet, since, until, min_sources, page, per_page) -> EventQuery:
    return EventQuery(
        text=(q or "").strip() or None,
        entity=(entity or "").strip() or None,
        outlet=(outlet or "").strip() or None,
        since=parse_date(since, "since"),
        until=parse_date(until, "until"),
        min_sources=parse_count(min_sources, "min_sources"),
        page=page,
        per_page=per_page,
    )


async def read_submission(request: Request) -> Submission:
    """What a POST asks to ingest, from a JSON body or a multipart form."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json":
        submission = _from_json(await request.body())
    elif kind == "multipart/form-data":
        submission = await _from_form(request)
    else:
        raise ApiError(
            415, "unsupported_media_type",
            f"Content type {kind or 'none'!r} is not accepted; send application/json "
            '({"articles": [{"text": "...", "outlet": "..."}]}) or multipart/form-data',
        )
    if not len(submission):
        raise ApiError(422, "invalid_request",
                       "Nothing to ingest: give one or more files, a text, or a URL")
    return submission


def _from_json(body: bytes) -> Submission:
    try:
        given = IngestIn.model_validate_json(body)
    except ValidationError as exc:
        raise ApiError(422, "invalid_request", validation_message(exc.errors())) from None
    return Submission(
        pasted=tuple(Pasted(**a.model_dump()) for a in given.articles),
        urls=tuple(u.strip() for u in given.urls if u.strip()),
        outlet=given.outlet,
    )


async def _from_form(request: Request) -> Submission:
    try:
        form = await request.form(max_files=MAX_FILES, max_fields=20,
                                  max_part_size=MAX_TEXT_CHARS * 4)
    except Exception as exc:  # multipart errors come as several exception types
        raise ApiError(422, "invalid_request", f"The form cannot be read: {exc}") from None
    try:
        return await _submission_of(form)
    finally:
        await form.close()


async def _submission_of(form) -> Submission:
    from starlette.datastructures import UploadFile

    uploads = []
    for item in form.getlist("file"):
        if isinstance(item, UploadFile) and (item.filename or item.size):
            uploads.append(Upload(name=item.filename or "upload", data=await item.read()))
    fields = {}
    for name in ("text", "outlet", "title", "published", "url"):
        value = form.get(name)
        if value is not None and not isinstance(value, str):
            raise ApiError(422, "invalid_request", f"{name}: must be text, not a file")
        fields[name] = (value or "").strip() if name != "text" else (value or "")
        if name != "text" and len(fields[name]) > 2000:
            raise ApiError(422, "invalid_request", f"{name}: longer than 2000 characters")
    if len(fields["text"]) > MAX_TEXT_CHARS:
        raise ApiError(413, "too_large", f"text: longer than {MAX_TEXT_CHARS:,} characters")
    pasted: tuple[Pasted, ...] = ()
    urls: tuple[str, ...] = ()
    if fields["text"].strip():
        pasted = (
            Pasted(
                text=fields["text"],
                outlet=fields["outlet"] or None,
                title=fields["title"] or None,
                published=parse_date(fields["published"], "published"),
                url=fields["url"] or None,
            ),
        )
    elif fields["url"]:
        urls = (fields["url"],)
    return Submission(uploads=tuple(uploads), pasted=pasted, urls=urls,
                      outlet=fields["outlet"] or None)


def validation_message(errors: Sequence[Mapping[str, Any]]) -> str:
    """``field: what is wrong`` for each problem pydantic found."""
    parts = []
    for error in errors[:5]:
        where = ".".join(str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path"))
        parts.append(f"{where or 'body'}: {error.get('msg', 'invalid')}")
    return "; ".join(parts)
