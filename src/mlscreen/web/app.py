"""The FastAPI application: wiring of the database, job queue, guard, error handler, routes and static files."""

from __future__ import annotations

import gc
import logging
import weakref
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path

from fastapi import Depends, FastAPI
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route

from mlscreen import __version__, settings
from mlscreen.bank import Bank, load_bank
from mlscreen.jobs.backends import make_queue
from mlscreen.jobs.queue import JobQueue
from mlscreen.logs import configure_logging
from mlscreen.store.db import Database
from mlscreen.store.migrate import upgrade
from mlscreen.store.models import utcnow
from mlscreen.web import errors, policy
from mlscreen.web.assets import Assets
from mlscreen.web.deadlines import DeadlineSweeper
from mlscreen.web.guard import guard
from mlscreen.web.headers import SecurityHeaders
from mlscreen.web.limits import BodyLimit
from mlscreen.web.links import resolve_base_url
from mlscreen.web.proxies import ClientAddress
from mlscreen.web.requestlog import RequestLog
from mlscreen.web.retention import RetentionDuty
from mlscreen.web.rooms import sockets
from mlscreen.web.rooms.hub import hub_of
from mlscreen.web.rooms.overdue import OverdueRooms
from mlscreen.web.routes import (
    account,
    api,
    assessment,
    auth,
    candidate_list,
    candidates,
    drafts,
    examples,
    jobs,
    openings,
    outbox,
    pages,
    planning,
    privacy,
    profiles,
    replay,
    reports,
    reviews,
    rooms,
    selfid,
    similarity,
)
from mlscreen.web.security import CookieJar, pseudonym_key, secret_key
from mlscreen.web.templating import compile_templates

STATIC = Path(__file__).parent / "static"
# One per process: each file is hashed and compressed once, whatever the number of apps made (tests make many).
ASSETS = Assets(STATIC)
log = logging.getLogger(__name__)


def create_app(
    *,
    db: Database | None = None,
    bank: Bank | None = None,
    queue: JobQueue | None = None,
    workers: int | None = None,
    migrate: bool = True,
    secure_cookies: bool | None = None,
    key: str | None = None,
    clock: Callable[[], datetime] | None = None,
    base_url: str | None = None,
) -> FastAPI:
    """Return the web application over `db` (default: the configured database, migrated to the newest schema).

    Workers start with the application and stop with it. `clock` (default: the current UTC time) is what
    assessment deadlines are checked against. Links handed out start with `base_url` (default:
    `MLSCREEN_BASE_URL`, required). Raises `UsageError` for bad or missing settings.
    """
    base = resolve_base_url(base_url)
    if not logging.getLogger().handlers:  # served by a bare `uvicorn --factory`: nobody set logging up
        configure_logging()
    db = db or Database()
    if migrate:
        upgrade(db)
    bank = bank or load_bank()
    count = workers if workers is not None else settings.WORKERS.get()
    db.request_slots(count)  # refuses now, not at the first request, a pool too small for the workers
    queue = queue or make_queue(db, workers=count)
    now = clock or utcnow
    grace = timedelta(seconds=settings.DEADLINE_GRACE_SECONDS.get())
    secret = key or secret_key()
    pseudonyms = pseudonym_key(secret)
    retention = RetentionDuty(db, days=settings.RETENTION_DAYS.get, clock=now)
    deadlines = DeadlineSweeper(
        db,
        queue,
        clock=now,
        grace=grace,
        candidate_link=lambda cid: f"{base}/candidates/{cid}",
        pseudonym_key=pseudonyms,
        also=(retention, OverdueRooms(db, clock=now)),
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        settle_memory()
        deadlines.start()  # even without workers here: the grading jobs it queues may run elsewhere
        queue.start()  # with no workers here it still runs what the backend needs (the Celery sweeper)
        try:
            yield
        finally:
            await hub_of(_app.state).stop()
            deadlines.stop()
            queue.stop()

    app = FastAPI(
        title="mlscreen",
        version=__version__,
        description="Structured screening of machine-learning candidates. JSON API under /api/v1.",
        lifespan=lifespan,
        dependencies=[Depends(guard, scope="function")],
        docs_url=None,
        redoc_url=None,
    )
    app.state.db = db
    app.state.base_url = base
    app.state.bank = bank
    app.state.assets = ASSETS
    app.state.queue = queue
    app.state.workers = count
    app.state.clock = now
    app.state.grace = grace
    app.state.gates = weakref.WeakKeyDictionary()
    secure = settings.SECURE_COOKIES.get() if secure_cookies is None else secure_cookies
    app.state.cookies = CookieJar(secret, secure=bool(secure))
    app.state.pseudonym_key = pseudonyms
    routers = (
        auth,
        pages,
        account,
        openings,
        candidate_list,
        candidates,
        profiles,
        reviews,
        drafts,
        rooms,
        assessment,
        examples,
        selfid,
        planning,
        jobs,
        privacy,
        outbox,
        replay,
        similarity,
        api,
    )
    for module in (*routers, reports):
        app.include_router(module.router)
    app.include_router(reports.api)
    app.include_router(replay.api)
    app.router.routes.extend(sockets.ROUTES)  # websockets: authorized at the handshake (web/rooms/sockets.py)
    app.router.routes.append(Mount("/static", app=ASSETS, name="static"))
    app.router.routes.append(Route("/favicon.ico", favicon, methods=["GET", "HEAD"], name="favicon"))
    errors.install(app)
    compile_templates()
    # Innermost first. The body limit's own signal must reach it before anything takes it for an error;
    # unexpected errors become 500s inside the access log, which sees the proxied client.
    app.add_middleware(BodyLimit, max_bytes=settings.MAX_UPLOAD_KB.get() * 1024)
    app.add_middleware(errors.UnexpectedErrors)
    app.add_middleware(RequestLog)
    app.add_middleware(SecurityHeaders)  # outside the body limit and error handling: their answers get them too
    app.add_middleware(ClientAddress, trusted=settings.TRUSTED_PROXIES.get())
    missing = unguarded_routes(app)
    if missing:
        raise RuntimeError(f"routes without an access policy: {', '.join(missing)}")
    return app


async def favicon(request: Request) -> Response:
    """The icon browsers ask for at the site's root (pages also name it in their head)."""
    return ASSETS.response("favicon.svg", request.headers, head=request.method == "HEAD")


def settle_memory() -> None:
    """Move every object alive now (modules, the bank, templates) out of the garbage collector's sight.

    They live as long as the process; without this, each full collection walks them all again, a pause of
    tens of milliseconds that lands on whichever requests are in flight.
    """
    gc.collect()
    gc.freeze()


# Routes FastAPI or Starlette add themselves, and the shipped static files: they serve no data of ours and need
# neither a user nor a database connection.
FRAMEWORK_ROUTES = frozenset({"openapi", "static", "favicon"})


def all_routes(routes: list[BaseRoute]) -> list[BaseRoute]:
    """Return every route, looking inside included routers."""
    out: list[BaseRoute] = []
    for route in routes:
        inner = getattr(route, "original_router", None)
        out.extend(all_routes(inner.routes) if inner is not None else [route])
    return out


def unguarded_routes(app: FastAPI) -> list[str]:
    """Return the names of routes that have no entry in the policy's route table."""
    names = [str(getattr(r, "name", "")) for r in all_routes(app.router.routes)]
    return sorted(n for n in names if n not in policy.ROUTES and n not in FRAMEWORK_ROUTES)
