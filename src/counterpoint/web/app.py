"""The web app: pages and JSON API over one database file, served by Uvicorn.

Safety, since article text and metadata come from anywhere:

- templates escape everything; the pages' policy (``Content-Security-Policy``) runs only
  the app's own script, so even a slip could not run an article's ``<script>``;
- static files are read once from the package into memory; no part of a request is used as
  a path;
- requests are limited in size, and a write (POST) from another site's page is refused;
- the server binds to 127.0.0.1 unless told otherwise, and answers only requests addressed
  to that host (Starlette's ``TrustedHostMiddleware``; so a web page cannot reach it under
  another name);
- with a ``token`` (always, when it listens on other addresses than loopback), a write
  needs it: ``Authorization: Bearer TOKEN``, or the cookie a browser gets by opening any page
  once with ``?token=TOKEN``;
- pages added by URL are fetched only from public addresses (:mod:`counterpoint.ingest.fetch`).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from counterpoint.config import Settings
from counterpoint.errors import CounterpointError, NotFoundError
from counterpoint.ingest.fetch import Network

from . import api, views
from .catalog import Catalog
from .jobs import Ingester

MAX_BODY_BYTES = 32 * 1024 * 1024
STATIC = Path(__file__).parent / "static"
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                ".svg": "image/svg+xml"}
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
TOKEN_COOKIE = "counterpoint_token"
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
log = logging.getLogger("counterpoint.web")


def create_app(db: str, *, host: str = "127.0.0.1", token: str | None = None,
               fetch_allowed: tuple[Network, ...] = (),
               settings: Settings | None = None) -> FastAPI:
    """The app over the database file ``db``. ``host`` is the address it is served on;
    ``token``, when given, is needed for every write; pages are fetched from public
    addresses and the ``fetch_allowed`` networks. ``settings`` (None: the defaults) say
    how ingests read and analyse, and where embeddings run."""
    settings = settings or Settings()
    catalog = Catalog(db, device=settings.device)
    ingester = Ingester(catalog, allowed=fetch_allowed, settings=settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        ingester.close()
        catalog.close()

    app = FastAPI(
        title="counterpoint",
        version="1",
        summary="How news outlets report the same event, fact by fact, every item a span of a "
        "source article.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
    )
    app.state.catalog = catalog
    app.state.ingester = ingester
    app.include_router(api.router)
    app.include_router(views.router)
    app.add_api_route("/static/{name}", static_file, include_in_schema=False)
    _handle_errors(app)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]  # FastAPI documents this
    app.add_middleware(Guard, token=token)
    hosts = _allowed_hosts(host)
    if hosts is not None:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=sorted(hosts))
    return app


def serve(db: str, *, host: str = "127.0.0.1", port: int = 8000, token: str | None = None,
          fetch_allowed: tuple[Network, ...] = (), settings: Settings | None = None,
          say=print) -> None:
    """Serve the app until interrupted (Ctrl-C). Listening on other addresses than loopback,
    writes need a token: ``token``, or one made here and told through ``say``. ``settings``
    as for :func:`create_app`."""
    import uvicorn

    if token is None and not is_loopback(host):
        token = secrets.token_urlsafe(18)
        say(f"writes need this token: open http://{host}:{port}/?token={token} once in a "
            f"browser, or send 'Authorization: Bearer {token}'")
    app = create_app(db, host=host, token=token, fetch_allowed=fetch_allowed, settings=settings)
    uvicorn.run(app, host=host, port=port, log_level="info")


def is_loopback(host: str) -> bool:
    return host.strip("[]").lower() in LOCAL_HOSTS


# --- static files, from memory ---------------------------------------------------------------


def _load_static() -> dict[str, tuple[bytes, str, str]]:
    files = {}
    for path in STATIC.iterdir():
        if path.suffix in STATIC_TYPES:
            data = path.read_bytes()
            tag = hashlib.sha256(data).hexdigest()[:16]
            files[path.name] = (data, STATIC_TYPES[path.suffix], tag)
    return files


_STATIC_FILES = _load_static()


def static_file(name: str, request: Request) -> Response:
    found = _STATIC_FILES.get(name)
    if found is None:
        raise api.ApiError(404, "not_found", f"No static file {name[:100]!r}")
    data, kind, tag = found
    if request.headers.get("if-none-match") == f'"{tag}"':
        return Response(status_code=304)
    return Response(data, media_type=kind,
                    headers={"ETag": f'"{tag}"', "Cache-Control": "no-cache"})


# --- errors: one shape for the API, a page for people ---------------------------------------


def _error(request: Request, status: int, code: str, message: str) -> Response:
    if request.url.path.startswith("/api/") or request.url.path == "/api":
        return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)
    return views.render("error.html.j2", status=status, nav=None, title="Not found"
                        if status == 404 else "Something went wrong", status_code=status,
                        message=message)


CODES = {400: "bad_request", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         413: "too_large", 415: "unsupported_media_type", 422: "invalid_request"}


def _handle_errors(app: FastAPI) -> None:
    @app.exception_handler(api.ApiError)
    async def api_error(request: Request, exc: api.ApiError):
        return _error(request, exc.status, exc.code, exc.message)

    @app.exception_handler(NotFoundError)
    async def not_found(request: Request, exc: NotFoundError):
        return _error(request, 404, "not_found", str(exc))

    @app.exception_handler(CounterpointError)
    async def failed(request: Request, exc: CounterpointError):
        return _error(request, 500, "store_error", str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        return _error(request, 422, "invalid_request", api.validation_message(list(exc.errors())))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        message = {404: f"Nothing at {request.url.path[:200]!r}; the API starts at /api/events",
                   405: f"{request.method} is not allowed on {request.url.path[:200]!r}"}
        text = message.get(exc.status_code, str(exc.detail))
        return _error(request, exc.status_code, CODES.get(exc.status_code, "error"), text)

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception):
        log.exception("unexpected error on %s", request.url.path)
        return _error(request, 500, "internal",
                      f"The server failed on this request ({type(exc).__name__}); see its log")


def _openapi(app: FastAPI) -> dict:
    if app.openapi_schema is None:
        schema = get_openapi(title=app.title, version=app.version, summary=app.summary,
                             routes=app.routes)
        models = api.IngestIn.model_json_schema(ref_template="#/components/schemas/{model}")
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.update(models.pop("$defs", {}))
        components["IngestIn"] = models
        app.openapi_schema = schema
    return app.openapi_schema


# --- the guard: hosts, cross-site writes, sizes, headers -----------------------------------


def _allowed_hosts(host: str) -> set[str] | None:
    """The Host header values to answer, or None to answer any (bound to every address)."""
    if host in ("0.0.0.0", "::", ""):
        return None
    return {host.strip("[]").lower(), *LOCAL_HOSTS, "[::1]"}


class Guard:
    """Plain ASGI middleware that checks every request before the app sees it."""

    def __init__(self, app, *, token: str | None = None) -> None:
        self.app = app
        self.token = token

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        refused = self._refuse(scope, headers)
        if refused is not None:
            status, code, message = refused
            response = JSONResponse({"error": {"code": code, "message": message}}, status)
            return await response(scope, receive, send)
        remember = self.token is not None and self._given(_query_token(scope))
        return await self.app(scope, self._limited(receive), self._with_headers(send, remember))

    def _given(self, value: str) -> bool:
        return bool(value) and hmac.compare_digest(value.encode(), (self.token or "").encode())

    def _refuse(self, scope, headers) -> tuple[int, str, str] | None:
        if scope["method"] not in ("GET", "HEAD", "OPTIONS"):
            if self.token is not None and not (
                self._given(headers.get("authorization", "").removeprefix("Bearer ").strip())
                or self._given(_cookie(headers.get("cookie", ""), TOKEN_COOKIE))
                or self._given(_query_token(scope))
            ):
                return 401, "unauthorized", (
                    "Writes to this server need its token: open the address it printed when it "
                    "started (ending in ?token=…) once in this browser, or send "
                    "'Authorization: Bearer TOKEN'")
            origin = headers.get("origin")
            if origin and origin != "null" and _hostport(origin) != headers.get("host", "").lower():
                return 403, "forbidden", ("Writes from another site's page are refused; use the "
                                          "Add articles page or call the API directly")
            if headers.get("sec-fetch-site") == "cross-site":
                return 403, "forbidden", "Writes from another site's page are refused"
        length = headers.get("content-length")
        if length and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
            return 413, "too_large", f"The request is larger than {MAX_BODY_BYTES // 2**20} MiB"
        return None

    @staticmethod
    def _limited(receive):
        seen = 0

        async def limited():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > MAX_BODY_BYTES:
                    raise api.ApiError(413, "too_large",
                                       f"The request is larger than {MAX_BODY_BYTES // 2**20} MiB")
            return message

        return limited

    def _with_headers(self, send, remember: bool):
        async def sending(message):
            if message["type"] == "http.response.start":
                extra = [
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"content-security-policy", POLICY.encode()),
                    (b"x-frame-options", b"DENY"),
                ]
                if remember:
                    cookie = f"{TOKEN_COOKIE}={self.token}; Path=/; HttpOnly; SameSite=Strict"
                    extra.append((b"set-cookie", cookie.encode()))
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        return sending


def _query_token(scope) -> str:
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token", [""])
    return values[0]


def _cookie(header: str, name: str) -> str:
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return ""


def _hostport(origin: str) -> str:
    parts = urlsplit(origin.lower())
    return parts.netloc
