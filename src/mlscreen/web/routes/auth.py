"""Signing in and out, and the health check."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, RedirectResponse, Response

from mlscreen.errors import AuthenticationError, ForbiddenError, MlscreenError
from mlscreen.store.accounts import SESSION_MAX, authenticate, close_session, open_session
from mlscreen.web.guard import Ctx, current
from mlscreen.web.security import LOGIN_CSRF_COOKIE, SESSION_COOKIE, same
from mlscreen.web.templating import render

router = APIRouter()


def _safe_next(target: str) -> str:
    # Only local paths: an open redirect would let a phishing link bounce through the sign-in page.
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/"


@router.get("/healthz", name="healthz", tags=["health"])
def healthz(request: Request) -> JSONResponse:
    """Return 200 when the database answers and the job queue works (its broker answers, its workers run)."""
    state = request.app.state
    database = state.db.ping()
    workers = state.queue.healthy()
    ok = database and workers
    return JSONResponse({"ok": ok, "database": database, "workers": workers}, status_code=200 if ok else 503)


@router.get("/login", name="login_form", include_in_schema=False)
def login_form(request: Request, next: str = "/") -> Response:
    """Show the sign-in form."""
    token = secrets.token_urlsafe(32)
    response = render(request, "login.html", next=_safe_next(next), login_csrf=token, error=None)
    request.app.state.cookies.set_login_csrf(response, token)
    return response


@router.post("/login", name="login", include_in_schema=False)
def login(
    request: Request,
    email: Annotated[str, Form(max_length=254)],
    password: Annotated[str, Form(max_length=1000)],
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """Check the credentials (rate-limited) and open a session."""
    if not same(csrf_token, request.cookies.get(LOGIN_CSRF_COOKIE)):
        raise ForbiddenError("the sign-in form expired", hint="reload the page and sign in again")
    client = request.client.host if request.client else "unknown"
    error: MlscreenError | None = None
    # Its own transaction: a failed attempt must be recorded even though the request fails.
    with request.app.state.db.session() as s:
        try:
            user = authenticate(s, email=email, password=password, client=client)
            new = open_session(s, user)
        except AuthenticationError as exc:
            error = exc
        except MlscreenError as exc:
            error = exc
    if error is not None:
        token = secrets.token_urlsafe(32)
        response = render(
            request, "login.html", status=error.status, next=_safe_next(next), login_csrf=token, error=error
        )
        request.app.state.cookies.set_login_csrf(response, token)
        return response
    redirect = RedirectResponse(_safe_next(next), status_code=303)
    request.app.state.cookies.set_session(redirect, new.token, int(SESSION_MAX.total_seconds()))
    redirect.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
    return redirect


@router.post("/logout", name="logout", include_in_schema=False)
async def logout(request: Request, ctx: Annotated[Ctx, Depends(current)]) -> Response:
    """End the session."""
    token = ctx.cookies.read_session(request.cookies.get(SESSION_COOKIE))
    if token:
        await run_in_threadpool(close_session, ctx.db, token)
    response = RedirectResponse("/login", status_code=303)
    ctx.cookies.clear_session(response)
    return response
