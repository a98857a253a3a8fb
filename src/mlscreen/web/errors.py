"""One error handler: `MlscreenError` (and framework errors) as an HTML page or JSON, never a stack trace."""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mlscreen.errors import AuthenticationError, MlscreenError
from mlscreen.logs import request_id, where
from mlscreen.web.requestlog import loggable_path
from mlscreen.web.templating import render_error

log = logging.getLogger(__name__)
HTTP_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")


def wants_json(request: Request) -> bool:
    """Return True for API clients (the /api/ prefix, /healthz, or a JSON-only Accept header)."""
    path = request.url.path
    accept = request.headers.get("accept", "")
    return path.startswith("/api/") or path == "/healthz" or ("application/json" in accept and "html" not in accept)


def respond(request: Request, status: int, message: str, hint: str | None, errors: list[str] | None = None) -> Response:
    """Return the error as JSON for API clients and as a page for browsers."""
    if wants_json(request):
        body: dict[str, object] = {"error": message, "status": status}
        if hint:
            body["hint"] = hint
        if errors:
            body["errors"] = errors
        return JSONResponse(body, status_code=status)
    return render_error(request, status=status, message=message, hint=hint, errors=errors or [])


async def _mlscreen_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, MlscreenError)
    browser_get = not wants_json(request) and request.method == "GET"
    # A link that is its own credential (a candidate's, a password reset) says what is wrong: signing in cannot help.
    own_credential = request.url.path.startswith(("/assess/", "/room/", "/password/reset/"))
    if isinstance(exc, AuthenticationError) and browser_get and not own_credential:
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
    return respond(request, exc.status, exc.message, exc.hint)


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "form"))
        problems.append(f"{where or 'request'}: {err.get('msg', 'invalid')}")
    return respond(request, 422, "the request is not valid", "correct the fields listed and retry", problems)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    messages = {404: "page not found", 405: "method not allowed"}
    response = respond(request, exc.status_code, messages.get(exc.status_code, str(exc.detail)), None)
    if exc.status_code == 405:
        response.headers["Allow"] = ", ".join(allowed_methods(request))
    return response


def allowed_methods(request: Request) -> list[str]:
    """Return every method some route answers on the request's path (the router names only the first route's)."""
    allowed = []
    for method in HTTP_METHODS:
        probe = {"type": "http", "method": method, "path": request.url.path, "root_path": "", "headers": []}
        if any(route.matches(probe)[0] is Match.FULL for route in request.app.router.routes):
            allowed.append(method)
    return allowed


class UnexpectedErrors:
    """ASGI middleware: any other exception becomes a plain 500 and one log record with its traceback.

    The record has the request id, method, path (tokens replaced) and where the error happened, without the
    exception's message or local variables (`mlscreen.logs.where`). The exception goes no further: a server
    that logged it again would write its message and the raw path.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            path = loggable_path(str(scope.get("path", "")), scope.get("path_params"))
            log.error("internal error on %s %s\n%s", scope.get("method"), path, where(exc))
            if not started:
                hint = f"try again; if it persists, tell the admin the request id {request_id.get()}"
                response = respond(Request(scope, receive), 500, "something went wrong on our side", hint)
                await response(scope, receive, send)


# SQLite's primary result codes that mean "cannot write now", not "the statement is wrong": busy, locked,
# read-only, I/O error, full, cannot open. PostgreSQL's SQLSTATE classes: connection, resources, shutdown.
_SQLITE_UNAVAILABLE = frozenset({5, 6, 8, 10, 13, 14})
_POSTGRES_UNAVAILABLE = ("08", "53", "57P")


def unavailable(exc: OperationalError) -> bool:
    """Return True when the database failed for a reason outside the request (full disk, lost connection)."""
    code = getattr(exc.orig, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _SQLITE_UNAVAILABLE
    state = getattr(exc.orig, "sqlstate", None)
    return state is None or str(state).startswith(_POSTGRES_UNAVAILABLE)


async def _database_unavailable(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, OperationalError)
    if not unavailable(exc):  # a broken query or schema is a bug like any other: `UnexpectedErrors` logs it
        raise exc
    # A full disk, a lost connection: answered like any other error (the connection stays usable), type only.
    path = loggable_path(request.url.path, request.path_params)
    log.error("database unavailable on %s %s: %s", request.method, path, type(exc).__name__)
    return respond(request, 503, "the service cannot save changes right now", "try again in a few minutes")


def install(app: FastAPI) -> None:
    """Register the handlers on `app`."""
    app.add_exception_handler(MlscreenError, _mlscreen_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(OperationalError, _database_unavailable)
