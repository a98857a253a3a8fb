"""The app keeps serving while one candidate's code runs, many sign-ins at once all answer, a full pool says 503.

These run a real server (uvicorn, one event loop, in a thread of the test process) over SQLite and PostgreSQL, so
requests really overlap and the test can look at the connection pool meanwhile.
"""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import event

from mlscreen.bank import Bank
from mlscreen.errors import UsageError
from mlscreen.jobs.adapters import close_grader_pool
from mlscreen.store.accounts import create_user, open_session, token_hash
from mlscreen.store.db import REQUEST_CONNECTIONS, Database
from mlscreen.store.models import User
from mlscreen.web.app import create_app
from mlscreen.web.routes.examples import limiter_of
from mlscreen.web.security import SESSION_COOKIE
from tests.conftest import require_service
from tests.store.dbutil import BACKENDS, fresh_database
from tests.web.conftest import PASSWORD, World, seed
from tests.web.served import served

# Code that runs until the sandbox's wall-clock limit kills it.
SLEEPING = "import time\n\ntime.sleep(3600)\n"


@contextmanager
def staff(app: FastAPI, base: str, user_id: int) -> Iterator[tuple[httpx.Client, str]]:
    """Yield a client signed in as the user (cookie session) and its CSRF token."""
    with app.state.db.session() as s:
        new = open_session(s, s.get_one(User, user_id))
    with httpx.Client(base_url=base, follow_redirects=False, timeout=60) as client:
        client.cookies.set(SESSION_COOKIE, app.state.cookies._signer.sign(new.token).decode("ascii"))
        yield client, new.csrf_token


class PoolWatch:
    """Counts the connections checked out of a database's pool now and at most."""

    def __init__(self, db: Database) -> None:
        self.now = self.most = 0
        self._lock = threading.Lock()
        event.listen(db.engine, "checkout", self._out)
        event.listen(db.engine, "checkin", self._in)

    def _out(self, *_args: object) -> None:
        with self._lock:
            self.now += 1
            self.most = max(self.most, self.now)

    def _in(self, *_args: object) -> None:
        with self._lock:
            self.now -= 1


@pytest.fixture
def sandboxed(make_world: Callable[..., World], monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., World]]:
    require_service("bubblewrap", shutil.which("bwrap") is not None, "install it with `apt-get install bubblewrap`")
    monkeypatch.setenv("MLSCREEN_WORKERS", "1")
    yield make_world
    close_grader_pool()


@pytest.mark.sandbox
@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_the_app_keeps_serving_while_examples_loop(sandboxed: Callable[..., World], backend: str) -> None:
    world = sandboxed(backend)
    pool = PoolWatch(world.db)
    with (
        served(world.app) as base,
        ThreadPoolExecutor(8) as threads,
        httpx.Client(base_url=base, timeout=120) as portal,
        staff(world.app, base, world.users["recruiter"]) as (recruiter, staff_csrf),
    ):
        assert portal.get(f"/assess/{world.token}").status_code == 200
        csrf = str(world.app.state.cookies.portal_csrf(token_hash(world.token)))
        assert portal.post(f"/assess/{world.token}/start", data={"csrf_token": csrf}).status_code in (200, 303)
        runs = limiter_of(world.app)

        looping: Future[httpx.Response] = threads.submit(
            portal.post, f"/assess/{world.token}/examples", data={"csrf_token": csrf, "code": SLEEPING}
        )
        while not runs.running():  # the run has started
            assert not looping.done(), looping.result().text
            time.sleep(0.05)
        added = threads.submit(
            recruiter.post,
            f"/openings/{world.opening}/candidates",
            data={"csrf_token": staff_csrf, "name": "Added Meanwhile", "email": "meanwhile@example.net"},
        )
        health = threads.submit(httpx.get, f"{base}/healthz", timeout=60)
        signed = threads.submit(
            httpx.post, f"{base}/api/v1/session", json={"email": "hm@example.org", "password": PASSWORD}, timeout=60
        )
        saved = threads.submit(
            portal.post, f"/assess/{world.token}/draft", data={"csrf_token": csrf, "code": "x = 1\n"}
        )
        answers = [f.result() for f in (added, health, signed, saved)]
        still_running = not looping.done()
        held_while_running = pool.now
        result = looping.result()

    assert [r.status_code for r in answers] == [303, 200, 201, 200], [r.text[:200] for r in answers]
    assert still_running, "the other requests waited for the candidate's run to end"
    assert held_while_running == 0, "a connection stayed checked out while the code ran"
    assert result.status_code == 200 and "the run ended early (timeout)" in result.text


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_more_simultaneous_sign_ins_than_connections_all_answer(
    bank: Bank, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, backend: str
) -> None:
    monkeypatch.setenv("MLSCREEN_DATA_DIR", str(tmp_path / "data"))
    with fresh_database(backend, tmp_path, create=False) as db:
        app = create_app(db=db, bank=bank, workers=0, key="test-secret-key")
        seed(db, bank)
        valid = [f"user{n}@example.org" for n in range(24)]  # with the wrong ones, 28: far more than the pool
        with db.session() as s:
            for email in valid:
                create_user(s, email=email, name=email, role="interviewer", password=PASSWORD)
        pool = PoolWatch(db)
        # Four failures in all: the client address (the same for every request here) stays under its limit.
        wrong = [("admin@example.org", "not the password"), ("nobody@example.org", PASSWORD)] * 2
        with served(app) as base, ThreadPoolExecutor(len(valid) + len(wrong)) as threads:
            start = threading.Barrier(len(valid) + len(wrong))

            def api(email: str, password: str) -> int:
                start.wait()
                data = {"email": email, "password": password}
                return httpx.post(f"{base}/api/v1/session", json=data, timeout=60).status_code

            def by_form(email: str, password: str) -> int:
                with httpx.Client(base_url=base, follow_redirects=False, timeout=60) as form:
                    page = form.get("/login")
                    token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
                    start.wait()
                    data = {"email": email, "password": password, "csrf_token": token, "next": "/"}
                    return form.post("/login", data=data).status_code

            futures = [threads.submit(api if n % 2 else by_form, e, PASSWORD) for n, e in enumerate(valid)]
            failing = [threads.submit(api, e, p) for e, p in wrong]
            codes = [f.result() for f in futures]
            failed = [f.result() for f in failing]
            assert httpx.get(f"{base}/healthz").status_code == 200
    assert codes == [303 if n % 2 == 0 else 201 for n in range(len(valid))]
    assert failed == [401] * len(wrong)
    assert pool.most <= REQUEST_CONNECTIONS, "a request held more than one connection"


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_request_that_cannot_get_a_connection_is_answered_503(
    bank: Bank, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, backend: str
) -> None:
    monkeypatch.setenv("MLSCREEN_DATA_DIR", str(tmp_path / "data"))
    with fresh_database(backend, tmp_path, create=False) as made:
        # Room for one writing request (2 connections are the sweepers'; SQLite keeps one more for its one writer,
        # which PostgreSQL's writers share with readers). It gets stuck behind a lock this test takes.
        room = 3 if backend == "postgresql" else 4
        db = Database(made.url.render_as_string(hide_password=False), schema=made.schema, connections=room, wait=0.5)
        app = create_app(db=db, bank=bank, workers=0, key="test-secret-key")
        ids = seed(db, bank)
        with (
            served(app) as base,
            ThreadPoolExecutor(2) as threads,
            staff(app, base, ids["recruiter"]) as (recruiter, csrf),
        ):
            with locked(made, backend):
                stuck = threads.submit(
                    recruiter.post,
                    f"/openings/{ids['opening']}/candidates",
                    data={"csrf_token": csrf, "name": "Stuck", "email": "stuck@example.net"},
                )
                while not any(slots.locked() or turn.locked() for slots, turn in app.state.gates.values()):
                    assert not stuck.done(), stuck.result().text  # it is to take the one slot and wait
                    time.sleep(0.01)
                busy = recruiter.post(
                    f"/openings/{ids['opening']}/candidates",
                    data={"csrf_token": csrf, "name": "Also", "email": "also@example.net"},
                    headers={"Accept": "application/json"},
                    timeout=30,
                )
                waiting = not stuck.done()
            finished = stuck.result()
        db.dispose()
    assert waiting, "the request meant to hold the connection did not wait for the lock"
    assert busy.status_code == 503
    assert busy.json()["error"] == "the server is busy: no database connection came free in time"
    assert finished.status_code == 303, finished.text[:300]


@contextmanager
def locked(db: Database, backend: str) -> Iterator[None]:
    """Hold a lock that makes the next staff write wait: SQLite's write lock, or a PostgreSQL table lock."""
    if backend == "sqlite":
        raw = sqlite3.connect(str(db.url.database), isolation_level=None)
        raw.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            raw.execute("COMMIT")
            raw.close()
        return
    with db.engine.connect() as conn:
        conn.exec_driver_sql("LOCK TABLE users IN ACCESS EXCLUSIVE MODE")
        try:
            yield
        finally:
            conn.rollback()


def test_a_pool_too_small_for_the_workers_is_refused(bank: Bank, tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'small.db'}", connections=6)
    try:
        with pytest.raises(UsageError, match="too small for 2 workers"):
            create_app(db=db, bank=bank, workers=2, key="test-secret-key")
        assert db.request_slots(1) == 1  # 6 - 2 per worker - 2 for sweepers - 1 kept for SQLite's one writer
    finally:
        db.dispose()
