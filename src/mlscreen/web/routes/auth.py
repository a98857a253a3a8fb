"""Signing in and out, resetting a forgotten password, and the health check."""

from __future__ import annotations

import asyncio
import os
import secrets
import weakref
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, RedirectResponse, Response

from mlscreen.errors import ForbiddenError, MlscreenError
from mlscreen.store.accounts import (
    SESSION_MAX,
    NewSession,
    check_password,
    close_session,
    fail_sign_in,
    finish_sign_in,
    hash_password,
    open_session,
    start_sign_in,
)
from mlscreen.store.db import ping
from mlscreen.store.resets import finish_reset, open_reset, request_reset
from mlscreen.web.api_models import HealthOut
from mlscreen.web.guard import Ctx, current
from mlscreen.web.links import page_link
from mlscreen.web.security import LOGIN_CSRF_COOKIE, SESSION_COOKIE, same
from mlscreen.web.templating import render

router = APIRouter()
CtxDep = Annotated[Ctx, Depends(current)]
# Password checks (argon2, a fifth of a second of CPU each) run at most one per core at a time: a burst of
# sign-ins then queues here, holding nothing, instead of starving the short transactions of every request.
_hashing: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = weakref.WeakKeyDictionary()


def _hashing_turns() -> asyncio.Semaphore:
    loop = asyncio.get_running_loop()
    found = _hashing.get(loop)
    if found is None:
        found = _hashing[loop] = asyncio.Semaphore(os.cpu_count() or 1)
    return found


def _safe_next(target: str) -> str:
    # Only local paths: an open redirect would let a phishing link bounce through the sign-in page.
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/"


async def sign_in(ctx: Ctx, *, email: str, password: str) -> tuple[NewSession, int, str]:
    """Check the credentials (rate-limited) and open a session; return it with the user's id and role.

    One connection at a time and none during the password check (a fifth of a second of CPU): the limiter's
    check and the attempt are one short transaction, the failure or the session another. Raises
    `RateLimitError` or `AuthenticationError`; a failed attempt stays recorded.
    """
    client = ctx.request.client.host if ctx.request.client else "unknown"
    await ctx.release()  # the guard's reading transaction: nothing in it is needed here
    async with ctx.transaction() as db:
        attempt = await run_in_threadpool(start_sign_in, db, email=email, client=client)
    async with _hashing_turns():
        ok, rehashed = await run_in_threadpool(check_password, attempt, password)
    if not ok:
        async with ctx.transaction() as db:
            failed = fail_sign_in(db, attempt)
        raise failed

    def finish(db: Session) -> tuple[NewSession, int, str]:
        user = finish_sign_in(db, attempt, rehashed=rehashed)
        return open_session(db, user), user.id, user.role

    async with ctx.transaction() as db:
        return await run_in_threadpool(finish, db)


@router.get(
    "/healthz",
    name="healthz",
    tags=["health"],
    response_model=HealthOut,
    responses={503: {"model": HealthOut, "description": "The database or the background workers are down."}},
)
async def healthz(ctx: CtxDep) -> JSONResponse:
    """Return 200 when the database answers and the job queue works (broker reachable, workers running), else 503."""
    state = ctx.request.app.state
    database = await run_in_threadpool(ping, ctx.db)
    await ctx.release()  # the queue's own check may take a connection of its own
    workers = await run_in_threadpool(state.queue.healthy)
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
async def login(
    request: Request,
    ctx: CtxDep,
    email: Annotated[str, Form(max_length=254)],
    password: Annotated[str, Form(max_length=1000)],
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """Check the credentials (rate-limited) and open a session."""
    if not same(csrf_token, request.cookies.get(LOGIN_CSRF_COOKIE)):
        raise ForbiddenError("the sign-in form expired", hint="reload the page and sign in again")
    try:
        new, _user_id, _role = await sign_in(ctx, email=email, password=password)
    except MlscreenError as error:
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
async def logout(request: Request, ctx: CtxDep) -> Response:
    """End the session."""
    token = ctx.cookies.read_session(request.cookies.get(SESSION_COOKIE))
    if token:
        await run_in_threadpool(close_session, ctx.db, token)
    response = RedirectResponse("/login", status_code=303)
    ctx.cookies.clear_session(response)
    return response


def _public_form(request: Request, name: str, *, status: int = 200, **context: object) -> Response:
    """Render a form shown to people not signed in, with its double-submit CSRF token."""
    token = secrets.token_urlsafe(32)
    response = render(request, name, status=status, login_csrf=token, **context)
    request.app.state.cookies.set_login_csrf(response, token)
    return response


def _check_public_csrf(request: Request, submitted: str) -> None:
    if not same(submitted, request.cookies.get(LOGIN_CSRF_COOKIE)):
        raise ForbiddenError("the form expired", hint="reload the page and try again")


@router.get("/password/forgot", name="password_forgot_form", include_in_schema=False)
def password_forgot_form(request: Request) -> Response:
    """Ask for the e-mail address to send a reset link to."""
    return _public_form(request, "password_forgot.html", sent=False)


@router.post("/password/forgot", name="password_forgot", include_in_schema=False)
def password_forgot(
    request: Request,
    ctx: CtxDep,
    email: Annotated[str, Form(max_length=254)],
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Send a reset link if the address has an account; the answer is the same either way."""
    _check_public_csrf(request, csrf_token)

    def link_for(token: str) -> str:
        return page_link(request, "password_reset_form", reset_token=token)

    request_reset(ctx.db, ctx.queue, email=email, link_for=link_for)
    return _public_form(request, "password_forgot.html", sent=True)


@router.get("/password/reset/{reset_token}", name="password_reset_form", include_in_schema=False)
def password_reset_form(request: Request, ctx: CtxDep, reset_token: str) -> Response:
    """Ask for the new password (an invalid or used link answers 401 and says how to get a new one)."""
    open_reset(ctx.db, reset_token[:200])
    return _public_form(request, "password_reset.html", error=None)


@router.post("/password/reset/{reset_token}", name="password_reset", include_in_schema=False)
async def password_reset(
    request: Request,
    ctx: CtxDep,
    reset_token: str,
    password: Annotated[str, Form(max_length=1000)],
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Set the new password (hashed holding no transaction), end every session of the user, go to sign-in."""
    _check_public_csrf(request, csrf_token)
    ticket = await run_in_threadpool(open_reset, ctx.db, reset_token[:200])
    await ctx.release()
    try:
        async with _hashing_turns():
            hashed = await run_in_threadpool(hash_password, password, personal=ticket.personal)
    except MlscreenError as error:
        return _public_form(request, "password_reset.html", status=error.status, error=error)
    async with ctx.transaction() as db:
        await run_in_threadpool(finish_reset, db, ticket, password_hash=hashed)
    return RedirectResponse("/login?reset=1", status_code=303)
