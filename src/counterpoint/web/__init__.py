"""serve: the web app and JSON API over a counterpoint database.

::

    app.py        the FastAPI app: routes, one error shape, limits, security headers
    api.py        /api/events, /api/events/{id}, /api/entities/{id}, /api/articles, /api/jobs/{id}
    views.py      the HTML pages (Jinja2 templates in templates/, app.css and app.js in static/)
    catalog.py    what the pages read: event search, cached comparisons, the entity index
    jobs.py       ingest from the web: one worker thread, one writer, progress to poll
    pages.py      the event page: marked-up articles, figure charts, the timeline
    highlight.py  article text -> escaped HTML with every span marked

Start it with ``counterpoint serve --db news.duckdb`` and open http://127.0.0.1:8000/.
"""

from .app import create_app, serve

__all__ = ["create_app", "serve"]
