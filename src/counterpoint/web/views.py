"""The HTML pages: events, one event, one entity, adding articles and following an ingest.

Pages are rendered on the server from Jinja2 templates with autoescaping on, so every
string from an article (text, title, outlet, URL) reaches the browser as text. The one
script (``static/app.js``) lights spans and polls ingest progress; the pages read fine
without it.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

import jinja2
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from counterpoint.report import _view

from . import pages
from .api import MAX_FIELD, ApiError, event_query, read_submission
from .catalog import EventQuery

TEMPLATES = Path(__file__).parent / "templates"

router = APIRouter(include_in_schema=False)


@cache
def environment() -> jinja2.Environment:
    env = _view.templates(TEMPLATES)
    env.globals.update(
        voices=_view.VOICES,
        voice_labels=_view.VOICE_LABELS,
        status_labels=_view.STATUS_LABELS,
        number=_view.number,
    )
    env.filters["dates"] = _dates
    env.filters["basename"] = lambda source: re.split(r"[\\/]", str(source))[-1]
    return env


def render(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(html(name, **context), status_code=status)


def html(name: str, **context: Any) -> str:
    return environment().get_template(name).render(**context)


def _dates(date_range: Any) -> str:
    first, last = (list(date_range or []) + [None, None])[:2]
    return _view.date_span(first, last) or "date unknown"


@router.get("/", response_class=HTMLResponse)
async def events_page(
    request: Request,
    q: Annotated[str | None, Query(max_length=MAX_FIELD)] = None,
    entity: Annotated[str | None, Query(max_length=MAX_FIELD)] = None,
    outlet: Annotated[str | None, Query(max_length=MAX_FIELD)] = None,
    since: str | None = None,
    until: str | None = None,
    min_sources: str | None = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> HTMLResponse:
    catalog = request.app.state.catalog
    query = event_query(q, entity, outlet, since, until, min_sources, page, 20)

    def make() -> tuple[bytes, bool]:
        # the agreement bars the page does not have at hand are fetched by the page itself;
        # a page still waiting for one is made again for the next reader
        found = catalog.find(query, compare=False)
        page = html(
            "events.html.j2",
            nav="events",
            title="Events",
            found=found,
            query=query,
            outlets=catalog.outlets(),
            searching=any(
                (query.text, query.entity, query.outlet, query.since, query.until,
                 query.min_sources)
            ),
            page_url=lambda number: _page_url(query, number),
        )
        return page.encode(), all(row["facts"] is not None for row in found.rows)

    return HTMLResponse(await catalog.bodies.get(("page/events", query), make))


def _page_url(query: EventQuery, number: int) -> str:
    params = {
        "q": query.text,
        "entity": query.entity,
        "outlet": query.outlet,
        "since": query.since.isoformat() if query.since else None,
        "until": query.until.isoformat() if query.until else None,
        "min_sources": query.min_sources or None,
        "page": number if number > 1 else None,
    }
    given = {k: v for k, v in params.items() if v}
    return "/?" + urlencode(given) if given else "/"


@router.get("/events/{event_id}", response_class=HTMLResponse)
async def event_page(request: Request, event_id: str) -> HTMLResponse:
    catalog = request.app.state.catalog
    event_id = event_id[:100]

    def make() -> tuple[bytes, bool]:
        comparison = catalog.comparison(event_id)
        page = pages.event_page(comparison, catalog.analyses(comparison.event.article_ids))
        body = html("event.html.j2", nav="events", title=page["view"].title, page=page)
        return body.encode(), True

    return HTMLResponse(await catalog.bodies.get(("page/event", event_id), make))


@router.get("/entities/{entity_id}", response_class=HTMLResponse)
def entity_page(request: Request, entity_id: str) -> HTMLResponse:
    entity = request.app.state.catalog.entity(entity_id[:100])
    outlets: dict[str, list[dict]] = {}
    for label in entity["labels"]:
        outlets.setdefault(label["outlet"], []).append(label)
    return render("entity.html.j2", nav="events", title=entity["name"], entity=entity,
                  labels_by_outlet=outlets)


@router.get("/add", response_class=HTMLResponse)
def add_page(request: Request) -> HTMLResponse:
    return render("add.html.j2", nav="add", title="Add articles", problem=None)


@router.post("/add")
async def add_submit(request: Request):
    try:
        submission = await read_submission(request)
    except ApiError as err:
        return render("add.html.j2", status=err.status, nav="add", title="Add articles",
                      problem=err.message)
    job = request.app.state.ingester.submit(submission)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, job_id: str) -> HTMLResponse:
    job = request.app.state.ingester.get(job_id)
    if job is None:
        raise ApiError(404, "not_found", f"No ingest job {job_id[:100]!r}; it may be from "
                       "before the server was restarted")
    return render("job.html.j2", nav="add", title="Adding articles", job=job.to_json())
