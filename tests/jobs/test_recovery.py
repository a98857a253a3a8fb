"""Jobs recover without a person: a killed worker, a broker that goes away and comes back, a missing sandbox."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from mlscreen.bank import Bank, Exercise
from mlscreen.jobs import adapters
from mlscreen.jobs.celery_backend import SWEEPER_LEASE, CeleryQueue
from mlscreen.jobs.handlers import default_handlers
from mlscreen.jobs.local import LocalQueue
from mlscreen.store import leases
from mlscreen.store.accounts import create_user
from mlscreen.store.assessments import create_invite, start, submit
from mlscreen.store.candidates import add_candidate
from mlscreen.store.db import Database
from mlscreen.store.models import Job, Submission, utcnow
from mlscreen.store.openings import create_opening
from mlscreen.web.app import create_app
from tests.conftest import require_service
from tests.jobs.proxy import Outage
from tests.jobs.test_celery import BROKER, redis_problem

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
REFERENCE = (ROOT / "src/mlscreen/bank/content/exercises/data-cleaning/reference.py").read_text(encoding="utf-8")


def submitted(db: Database, bank: Bank, queue: LocalQueue | CeleryQueue) -> tuple[int, int]:
    """Return (submission id, grading job id) of a candidate's submitted data-cleaning code."""
    exercises = {e.id for e in bank.items(Exercise)}
    with db.session() as s:
        hm = create_user(s, email="hm@example.org", name="HM", role="hiring_manager", password="a long password")
        opening = create_opening(s, bank, title="MLE", profile_id="ml-engineer", actor=hm)
        cand = add_candidate(s, opening, name="Cand", email="cand@example.net")
        coding = next(i for i, st in enumerate(opening.stages) if any(q in exercises for q in st.question_ids))
        invite = create_invite(s, bank, cand, position=coding).invite
        invite.exercise_id = "data-cleaning"  # whichever exercise the stage has, grade the one we hold a solution for
        start(invite)
        sub = submit(s, queue, invite, code=REFERENCE, answers={}, confirmed=True)
        assert sub is not None
        job = s.scalar(select(Job.id).where(Job.kind == "grade"))
        assert job is not None
        return sub.id, job


def row(db: Database, model: Any, key: int) -> Any:
    with db.session(write=False) as s:
        return s.get_one(model, key)


def kill_mid_job(db: Database, tmp_path: Path, kind: str) -> None:
    """Start a worker process that claims the next `kind` job, then SIGKILL it mid-job."""
    marker = tmp_path / "claimed"
    url = db.url.render_as_string(hide_password=False)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    argv = [sys.executable, "-m", "tests.jobs.crash_worker", url, db.schema or "", str(marker), kind]
    worker = subprocess.Popen(argv, cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert time.monotonic() < deadline and worker.poll() is None, "the worker never claimed the job"
            time.sleep(0.05)
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
    time.sleep(1.2)  # its one-second lease runs out


def test_a_lease_has_one_holder_until_it_expires_or_is_released(database: Database) -> None:
    assert leases.acquire(database, "duty", "a", seconds=30)
    assert not leases.acquire(database, "duty", "b", seconds=30)
    assert leases.acquire(database, "duty", "a", seconds=30)  # renewed by its holder
    later = utcnow() + timedelta(seconds=31)
    assert leases.acquire(database, "duty", "b", seconds=30, now=later)  # a's process died: b takes over
    assert leases.holder_of(database, "duty", now=later) == "b"
    leases.release(database, "duty", "b")
    assert leases.holder_of(database, "duty") is None
    assert leases.acquire(database, "duty", "a", seconds=30)


@pytest.mark.slow
def test_a_job_that_lost_its_worker_for_good_leaves_its_submission_visibly_not_graded(
    database: Database, bank: Bank, tmp_path: Path
) -> None:
    queue = LocalQueue(database, default_handlers(), workers=1, lease_seconds=1.0, poll_seconds=0.05)
    submission_id, job_id = submitted(database, bank, queue)
    with database.session() as s:
        s.get_one(Job, job_id).max_attempts = 1
    kill_mid_job(database, tmp_path, "grade")  # SIGKILL: its last attempt is gone
    assert queue.claim("probe") is None  # the next claim finds no attempt left and gives up
    job = row(database, Job, job_id)
    assert (job.status, job.attempts) == ("failed", 1) and "worker lost" in (job.error or "")
    assert row(database, Submission, submission_id).status == "failed"  # not "queued" forever


@pytest.fixture
def broker() -> Iterator[Outage]:
    problem = redis_problem()
    require_service("Redis", problem is None, problem or "")
    import redis

    redis.Redis.from_url(BROKER).flushdb()
    outage = Outage(("127.0.0.1", 6379))
    outage.restore()
    yield outage
    outage.cut()


@pytest.mark.services
@pytest.mark.slow
def test_with_no_workers_the_web_process_sweeps_and_health_follows_the_broker(
    database: Database, bank: Bank, broker: Outage
) -> None:
    from celery.contrib.testing.worker import start_worker

    url = f"redis://127.0.0.1:{broker.port}/15"
    handlers = {"double": lambda _db, p: {"value": p["n"] * 2}}
    queue = CeleryQueue(database, handlers, broker_url=url, sweep_seconds=0.3, lease_seconds=2.0)
    queue.app.conf.broker_transport_options = {"max_retries": 0}
    queue.app.conf.broker_connection_timeout = 1
    app = create_app(db=database, bank=bank, queue=queue, workers=0, migrate=False, key="k")
    with TestClient(app) as client:  # runs the lifespan, as `mlscreen serve` does with MLSCREEN_WORKERS=0
        assert client.get("/healthz").status_code == 200
        broker.cut()
        health = client.get("/healthz")
        assert health.status_code == 503 and health.json()["workers"] is False
        job_id = queue.enqueue("double", {"n": 4})  # its message cannot be published
        assert row(database, Job, job_id).status == "queued"
        broker.restore()
        assert client.get("/healthz").status_code == 200
        with start_worker(queue.app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            deadline = time.monotonic() + 60
            while row(database, Job, job_id).status != "done":
                assert time.monotonic() < deadline, "the sweeper never re-published the job"
                time.sleep(0.2)
        assert row(database, Job, job_id).result == {"value": 8}
        assert queue.sweeping and leases.holder_of(database, SWEEPER_LEASE) == queue.holder
    assert leases.holder_of(database, SWEEPER_LEASE) is None  # handed over on shutdown


@pytest.mark.services
def test_two_web_processes_sweep_one_at_a_time(database: Database, broker: Outage) -> None:
    url = f"redis://127.0.0.1:{broker.port}/15"
    first, second = (CeleryQueue(database, {}, broker_url=url, sweep_seconds=0.3) for _ in range(2))
    first.sweep_if_leader()
    second.sweep_if_leader()
    assert (first.sweeping, second.sweeping) == (True, False)
    first.stop()  # a clean shutdown hands the lease over at once (a killed one lets it expire)
    second.sweep_if_leader()
    assert second.sweeping
    second.stop()


def without_bwrap(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make this process's PATH hold the virtualenv's commands only: no `bwrap`, as on a host without it."""
    monkeypatch.setenv("PATH", str(BIN))


@pytest.mark.parametrize(
    ("backend", "argv"),
    [
        ("local", ["mlscreen", "worker"]),
        ("celery", ["mlscreen", "worker"]),
        ("celery", ["celery", "-A", "mlscreen.jobs.celery_backend", "worker", "--pool=solo"]),
    ],
)
def test_a_worker_without_a_sandbox_refuses_to_start_and_says_why(
    backend: str, argv: list[str], database: Database, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLSCREEN_")}
    env.update(PATH=str(BIN), MLSCREEN_DATABASE_URL=database.url.render_as_string(hide_password=False))
    env.update(MLSCREEN_SETTINGS_FILE=str(tmp_path / "none.json"), MLSCREEN_JOB_BACKEND=backend)
    env["MLSCREEN_REDIS_URL"] = "redis://127.0.0.1:6379/13"
    done = subprocess.run(
        [str(BIN / argv[0]), *argv[1:]], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 3, done.stderr
    assert "the worker did not start" in done.stderr and "bwrap" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.slow
def test_without_a_sandbox_grading_jobs_wait_and_are_not_the_candidates_error(
    database: Database, bank: Bank, monkeypatch: pytest.MonkeyPatch
) -> None:
    queue = LocalQueue(database, default_handlers(), workers=1, poll_seconds=0.05)
    submission_id, job_id = submitted(database, bank, queue)
    adapters.close_grader_pool()  # this process starts its sandboxes afresh, on a host without bwrap
    without_bwrap(monkeypatch)
    assert queue.run_one("no-sandbox")
    job, sub = row(database, Job, job_id), row(database, Submission, submission_id)
    assert (job.status, job.attempts, sub.status, sub.result) == ("queued", 0, "queued", None)
    assert "grade" in queue.unfit and "bwrap" in queue.unfit["grade"]
    # It stops claiming grading jobs, and does the rest (the submission's similarity indexing needs no sandbox)...
    ran = [queue.run_one("no-sandbox") for _ in range(3)]
    assert ran == [True, False, False]
    with database.session() as s:
        others = [(j.kind, j.status) for j in s.scalars(select(Job).where(Job.id != job_id))]
    assert others == [("similarity", "done")]
    assert row(database, Job, job_id).status == "queued"  # ...grading jobs wait for a worker that can run them
    monkeypatch.undo()
    healthy = LocalQueue(database, default_handlers(), workers=1, poll_seconds=0.05)
    try:
        assert healthy.run_one("with-sandbox")
    finally:
        adapters.close_grader_pool()
    graded = row(database, Submission, submission_id)
    assert graded.status == "graded" and graded.result["status"] == "passed", graded.result


@pytest.mark.services
@pytest.mark.slow
def test_the_job_of_a_killed_worker_is_finished_by_another_through_the_sweeper(
    database: Database, bank: Bank, broker: Outage, tmp_path: Path
) -> None:
    from celery.contrib.testing.worker import start_worker

    handlers = {"slow": lambda _db, p: {"finished": p["n"]}}
    queue = CeleryQueue(database, handlers, broker_url=f"redis://127.0.0.1:{broker.port}/15", sweep_seconds=0.3)
    job_id = queue.local.enqueue("slow", {"n": 7})  # written, its message never published
    kill_mid_job(database, tmp_path, "slow")  # claimed by a worker process, which is then SIGKILLed
    assert row(database, Job, job_id).status == "running"  # what a killed worker leaves behind
    app = create_app(db=database, bank=bank, queue=queue, workers=0, migrate=False, key="k")
    with TestClient(app), start_worker(queue.app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        deadline = time.monotonic() + 60
        while row(database, Job, job_id).status != "done":
            assert time.monotonic() < deadline, "the job of the killed worker was never run again"
            time.sleep(0.2)
    job = row(database, Job, job_id)
    assert (job.attempts, job.result) == (2, {"finished": 7})
