"""The request guard every route runs behind: a database session, the signed-in user, CSRF and the policy.

Transactions are short. The guard checks a connection out, authorizes in one transaction and hands the route that
same transaction as `ctx.db`; the guard commits it when the route returns (or rolls it back on an error). A
route about to do slow work (the sandbox, answer scoring, mail, a websocket peer) first calls
`await ctx.release()`, which commits and gives the connection back, does the work holding nothing, and writes
afterwards, if it must, in `async with ctx.transaction() as db:`, a new short transaction. A request never holds
two connections: `transaction()` refuses while one is held.

Connections are handed out in the event loop, never in a worker thread: a request waits at most the database's
`wait` seconds for one of the process's reader slots (on SQLite a writer waits instead for its turn on the
connection kept for the one writer) and is otherwise answered 503. A thread blocked on the pool would keep the
request holding a connection from getting a thread to finish, and a burst would stall until timeouts. The rule
and the sizes are in docs/web.md, "Transactions and connections".
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import AbstractContextManager, asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import urlsplit

from fastapi import Request
from sqlalchemy.orm import Session, joinedload
from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection
from starlette.routing import Match

from mlscreen.bank import Bank
from mlscreen.errors import AuthenticationError, BusyError, ForbiddenError, NotFoundError, UsageError
from mlscreen.jobs.queue import JobQueue
from mlscreen.store.accounts import resolve_session, token_hash, user_zone
from mlscreen.store.assessments import open_invite
from mlscreen.store.blind import Identity, identities_of, identity_of
from mlscreen.store.models import Candidate, Invite, Opening, Room, User, WebSession, WrittenAnswer, utcnow
from mlscreen.store.rooms import is_open, room_by_link, room_of
from mlscreen.web import policy
from mlscreen.web.security import CSRF_FIELD, CSRF_HEADER, SESSION_COOKIE, CookieJar, same

T = TypeVar("T")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Viewer:
    """Plain facts about who is asking, still usable after the request's transaction ended (error pages)."""

    id: int
    name: str
    role: str
    timezone: str = "UTC"
    """The zone the pages show times in (theirs, or MLSCREEN_DEFAULT_TIMEZONE)."""


@dataclass
class _Hold:
    """One checked-out connection: its request slot (or, for SQLite's one writer, its turn) and its transaction."""

    manager: AbstractContextManager[Session]
    session: Session
    slot: asyncio.Semaphore | asyncio.Lock


async def _within(acquire: Awaitable[object], locked: bool, deadline: float) -> None:
    if not locked:
        await acquire  # free: taken without yielding to a timeout
        return
    try:
        await asyncio.wait_for(acquire, max(0.0, deadline - asyncio.get_running_loop().time()))
    except TimeoutError:
        raise BusyError(
            "the server is busy: no database connection came free in time", hint="try again in a few seconds"
        ) from None


async def _open(state: Any, *, write: bool, then: Callable[[Session], object] | None = None) -> _Hold:
    """Check out a connection for a request and begin its transaction, then run `then` on it in the same thread.

    On SQLite the one writer of the process has a connection of its own: writers queue for their turn (holding
    no connection meanwhile), readers for the other slots. Raises `BusyError` after the database's `wait` s,
    or what `then` raises (the transaction is then rolled back).
    """
    readers, writer = _gates(state)
    slot: asyncio.Semaphore | asyncio.Lock = writer if write and state.db.dialect == "sqlite" else readers
    await _within(slot.acquire(), slot.locked(), asyncio.get_running_loop().time() + state.db.wait)
    manager = state.db.session(write=write)

    def begin() -> Session:
        session: Session = manager.__enter__()
        if then is not None:
            try:
                then(session)
            except BaseException as exc:
                manager.__exit__(type(exc), exc, exc.__traceback__)
                raise
        return session

    try:
        # One trip to a worker thread for checking out, beginning and (the guard's) authorizing.
        return _Hold(manager, await run_in_threadpool(begin), slot)
    except BaseException:
        slot.release()
        raise


async def _close(hold: _Hold, exc: BaseException | None) -> None:
    """End the transaction (commit, or roll back when `exc` is given) and give the connection back."""
    try:
        if exc is None:
            await run_in_threadpool(hold.manager.__exit__, None, None, None)
        else:
            await run_in_threadpool(hold.manager.__exit__, type(exc), exc, exc.__traceback__)
    finally:
        hold.slot.release()


@dataclass
class Ctx:
    """What a route handler gets: the session, who is asking, and the objects the path names (authorized).

    `db` is the request's transaction; `release()` ends it early and `transaction()` opens a new short one (see
    the module's docstring).
    """

    request: Request
    _hold: _Hold | None
    bank: Bank
    queue: JobQueue
    cookies: CookieJar
    now: datetime = field(default_factory=utcnow)
    grace: timedelta = timedelta(0)
    user: User | None = None
    web_session: WebSession | None = None
    bearer: bool = False
    target: policy.Target = field(default_factory=policy.Target)
    invite: Invite | None = None
    portal_token: str | None = None
    room: Room | None = None

    @property
    def db(self) -> Session:
        """Return the session of the transaction the request holds now."""
        if self._hold is None:
            raise RuntimeError("the request holds no transaction: use `async with ctx.transaction()`")
        return self._hold.session

    async def release(self) -> None:
        """Commit the request's transaction and give its connection back (before slow work); idempotent.

        Objects read so far stay readable; anything not loaded yet needs a new `transaction()`.
        """
        await self._end(None)

    @asynccontextmanager
    async def transaction(self, *, write: bool = True) -> AsyncIterator[Session]:
        """Open a new short transaction after `release()`: committed when the block ends, rolled back on an error.

        `write=False` promises only reads. Raises `BusyError` when no connection comes free in time.
        """
        if self._hold is not None:
            raise RuntimeError("the request holds a transaction already: one connection per request")
        self._hold = await _open(self.request.app.state, write=write)
        try:
            yield self._hold.session
        except BaseException as exc:
            await self._end(exc)
            raise
        await self._end(None)

    async def _end(self, exc: BaseException | None) -> None:
        hold, self._hold = self._hold, None
        if hold is not None:
            await _close(hold, exc)

    @property
    def me(self) -> User:
        """Return the signed-in user (routes behind a non-public policy always have one)."""
        if self.user is None:
            raise AuthenticationError("please sign in", hint="sign in, then try again")
        return self.user

    @property
    def opening(self) -> Opening:
        """Return the opening the path names."""
        if self.target.opening is None:
            raise NotFoundError("no opening in this address")
        return self.target.opening

    @property
    def candidate(self) -> Candidate:
        """Return the candidate the path names."""
        if self.target.candidate is None:
            raise NotFoundError("no candidate in this address")
        return self.target.candidate

    @property
    def csrf_token(self) -> str:
        """Return the CSRF token forms on this page must carry."""
        if self.web_session is not None:
            return self.web_session.csrf_token
        if self.invite is not None:
            return self.cookies.portal_csrf(self.invite.token_hash)
        return ""

    @property
    def pseudonym_key(self) -> bytes:
        """Return the server's key for blind review's pseudonyms (for the e-mails routes write)."""
        key: bytes = self.request.app.state.pseudonym_key
        return key

    def identity(self, candidate: Candidate) -> Identity:
        """Return what the signed-in user is shown of `candidate` (the store's blind-review rule decides)."""
        return identity_of(self.db, self.me, candidate, key=self.pseudonym_key)

    def identities(self, candidates: Iterable[Candidate]) -> dict[int, Identity]:
        """Return {candidate id: identity} for the signed-in user (see `identity`)."""
        return identities_of(self.db, self.me, candidates, key=self.pseudonym_key)

    def can(self, action: str, **target: Any) -> bool:
        """Return True when the user may perform `action` on the given opening/candidate."""
        return self.user is not None and policy.can(self.db, self.user, action, policy.Target(**target))


def _int(params: dict[str, Any], name: str) -> int | None:
    if name not in params:
        return None
    try:
        value = int(params[name])
    except (TypeError, ValueError):
        raise NotFoundError(f"{name} must be a number") from None
    if not 0 <= value < 2**31:  # larger ids exist nowhere (and overflow database integers)
        raise NotFoundError(f"no such {name.removesuffix('_id')}", hint="check the link")
    return value


def _load_target(db: Session, params: dict[str, Any]) -> policy.Target:
    target = policy.Target(position=_int(params, "position"))
    answer_id = _int(params, "answer_id")
    candidate_id = _int(params, "candidate_id")
    if answer_id is not None:
        target.answer = db.get(WrittenAnswer, answer_id)
        if target.answer is None:
            raise policy.not_found("answer")
        candidate_id = target.answer.candidate_id
    if candidate_id is not None:
        # The opening and its stages come in the same query: nearly every candidate page needs them.
        target.candidate = db.get(
            Candidate, candidate_id, options=[joinedload(Candidate.opening).joinedload(Opening.stages)]
        )
        if target.candidate is None:
            raise policy.not_found("candidate")
        target.opening = target.candidate.opening
    opening_id = _int(params, "opening_id")
    if opening_id is not None:
        target.opening = db.get(Opening, opening_id)
        if target.opening is None:
            raise policy.not_found("opening")
    return target


async def _submitted_csrf(request: Request) -> str | None:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    kind = request.headers.get("content-type", "")
    if kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


def route_name(request: Request) -> str:
    """Return the name of the route serving the request."""
    route = request.scope.get("route")
    if route is not None:
        return str(getattr(route, "name", ""))
    for candidate in request.app.router.routes:
        if candidate.matches(request.scope)[0] == Match.FULL:
            return str(getattr(candidate, "name", ""))
    return ""


def _authorize(ctx: Ctx, db: Session, action: str, submitted_csrf: str | None) -> None:
    request = ctx.request
    params = dict(request.path_params)
    if action == policy.CANDIDATE_LINK:
        ctx.portal_token = str(params.get("token", ""))
        ctx.invite = open_invite(db, ctx.portal_token, now=ctx.now)
        if request.method not in SAFE_METHODS and not same(
            submitted_csrf, ctx.cookies.portal_csrf(token_hash(ctx.portal_token))
        ):
            raise ForbiddenError("the form's security token is missing or wrong", hint="reload the page and retry")
        return
    if action == policy.ROOM_LINK:
        ctx.portal_token = str(params.get("token", ""))
        ctx.room = room_by_link(db, ctx.portal_token, now=ctx.now)
        return
    auth = request.headers.get("authorization", "")
    token = None
    if auth.lower().startswith("bearer "):
        token, ctx.bearer = auth[7:].strip(), True
    else:
        token = ctx.cookies.read_session(request.cookies.get(SESSION_COOKIE))
    if token:
        try:
            ctx.web_session = resolve_session(db, token)
            ctx.user = ctx.web_session.user
        except AuthenticationError:
            if action != policy.PUBLIC:
                raise
    # Bearer tokens are not sent by browsers on their own, so only cookie-authenticated writes need CSRF.
    # Public routes (signing in) act with no one's authority, so a stale cookie does not make them need a token.
    cookie_write = (
        ctx.web_session is not None
        and not ctx.bearer
        and request.method not in SAFE_METHODS
        and action != policy.PUBLIC
    )
    if cookie_write and ctx.web_session is not None and not same(submitted_csrf, ctx.web_session.csrf_token):
        raise ForbiddenError("the form's security token is missing or wrong", hint="reload the page and retry")
    ctx.target = _load_target(db, params)
    policy.authorize(db, ctx.user, action, ctx.target)


def _remember(request: Request, ctx: Ctx) -> None:
    request.state.ctx = ctx
    request.state.csrf_token = ctx.csrf_token
    if ctx.user is not None:
        request.state.viewer = Viewer(ctx.user.id, ctx.user.name, ctx.user.role, user_zone(ctx.user))


async def guard(request: Request) -> AsyncIterator[Ctx]:
    """Open the request's transaction, authenticate, check CSRF and authorize; commit only if the route succeeds.

    Raises `BusyError` (503) when no connection comes free within the database's `wait` seconds.
    """
    action = policy.action_of(route_name(request))
    submitted = None
    if request.method not in SAFE_METHODS:
        try:
            submitted = await _submitted_csrf(request)
        except Exception as exc:  # a malformed or oversized multipart body
            raise UsageError("the form could not be read", hint="submit it again from the page") from exc
    state = request.app.state
    # Public writes (signing in) write in transactions of their own, after the slow password check.
    writes = (request.method not in SAFE_METHODS and action != policy.PUBLIC) or action == policy.CANDIDATE_LINK
    ctx = Ctx(
        request=request,
        _hold=None,
        bank=state.bank,
        queue=state.queue,
        cookies=state.cookies,
        now=state.clock(),
        grace=state.grace,
    )

    def authorize(db: Session) -> None:
        try:
            _authorize(ctx, db, action, submitted)
        finally:
            _remember(request, ctx)  # before a refusal rolls back: error pages still show who is asking

    try:
        ctx._hold = await _open(state, write=writes, then=authorize)
    finally:
        if getattr(request.state, "ctx", None) is not ctx:  # no connection came free
            _remember(request, ctx)
    try:
        yield ctx
    except BaseException as exc:
        await ctx._end(exc)
        raise
    await ctx._end(None)


@dataclass(frozen=True)
class SocketPeer:
    """Who opened a room's websocket, decided at the handshake: the room, their role in it and their name."""

    room_id: int
    role: str
    """"interviewer" (a signed-in user allowed to host the room) or "candidate" (through the room link)."""
    name: str
    user_id: int | None
    invite_id: int | None = None
    """The room link a candidate came through: revoking it disconnects them."""


def _socket_peer(conn: HTTPConnection, db: Session, action: str, now: datetime) -> SocketPeer:
    params = dict(conn.path_params)
    if action == policy.ROOM_LINK:
        room = room_by_link(db, str(params.get("token", "")), now=now)
        return SocketPeer(room.id, "candidate", "Candidate", None, room.invite_id)
    cookies: CookieJar = conn.app.state.cookies
    token = cookies.read_session(conn.cookies.get(SESSION_COOKIE))
    if not token:
        raise AuthenticationError("please sign in", hint="sign in, then open the room again")
    user = resolve_session(db, token).user
    target = _load_target(db, params)
    policy.authorize(db, user, action, target)
    found = room_of(db, target.candidate, int(params["position"])) if target.candidate is not None else None
    if found is None or not is_open(found, now):
        raise NotFoundError("this room is not open", hint="open it from the interview kit")
    return SocketPeer(found.id, "interviewer", user.name, user.id)


def same_origin(conn: HTTPConnection) -> bool:
    """Return True when a websocket handshake comes from a page of this application (`MLSCREEN_BASE_URL`).

    Browsers send cookies with cross-site websocket handshakes: without this check any site could act in a room
    with an interviewer's session.
    """
    base = urlsplit(str(conn.app.state.base_url))
    return conn.headers.get("origin", "").lower() == f"{base.scheme}://{base.netloc}".lower()


async def authorize_socket(conn: HTTPConnection, action: str) -> SocketPeer:
    """Authorize a websocket handshake for `action` (the policy's action of its route) in a short transaction.

    Raises `ForbiddenError` for a handshake from another site, and what the policy raises otherwise.
    """
    if not same_origin(conn):
        raise ForbiddenError("this room's connection must come from its own pages", hint="open the room page")
    state = conn.app.state
    found: list[SocketPeer] = []
    now = state.clock()
    hold = await _open(state, write=False, then=lambda db: found.append(_socket_peer(conn, db, action, now)))
    await _close(hold, None)
    return found[0]


async def in_transaction(state: Any, work: Callable[[Session], T], *, write: bool = True) -> T:
    """Run `work` in a short transaction of its own, in a worker thread, and return what it returns.

    For work done outside a request (a room's relay): it waits for a connection like a request does and raises
    `BusyError` likewise.
    """
    found: list[T] = []
    hold = await _open(state, write=write, then=lambda db: found.append(work(db)))
    await _close(hold, None)
    return found[0]


def _gates(state: Any) -> tuple[asyncio.Semaphore, asyncio.Lock]:
    # The request slots leave the job threads of this process their connections (Database.request_slots);
    # on SQLite the lock is the one writer's turn, with a connection kept for it.
    loop = asyncio.get_running_loop()
    gates: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, tuple[asyncio.Semaphore, asyncio.Lock]]
    gates = state.gates
    found = gates.get(loop)
    if found is None:
        found = gates[loop] = (asyncio.Semaphore(state.db.request_slots(state.workers)), asyncio.Lock())
    return found


def current(request: Request) -> Ctx:
    """Return the guard's context for this request (routes declare `ctx: Ctx = Depends(current)`)."""
    ctx: Ctx = request.state.ctx
    return ctx
