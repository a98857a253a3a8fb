"""Workers in their own process: a real `celery ... worker` and `mlscreen worker`, against the real services."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from mlscreen.bank import Bank
from mlscreen.jobs.celery_backend import CeleryQueue
from mlscreen.jobs.handlers import default_handlers
from mlscreen.jobs.local import LocalQueue
from mlscreen.jobs.queue import JobQueue
from mlscreen.store.accounts import create_user
from mlscreen.store.candidates import add_candidate
from mlscreen.store.db import Database
from mlscreen.store.models import Job
from mlscreen.store.openings import create_opening
from tests.conftest import CliResult, require_service
from tests.jobs.test_celery import redis_problem

REDIS_URL = "redis://127.0.0.1:6379/14"  # a database of its own; keys carry a per-test prefix besides
BIN = Path(sys.executable).parent


def database_url(db: Database) -> str:
    url = db.url.render_as_string(hide_password=False)
    return f"{url}?options=-csearch_path%3D{db.schema}" if db.schema else url


def seeded_candidate(db: Database, bank: Bank) -> int:
    with db.session() as s:
        hm = create_user(s, email="hm@example.org", name="HM", role="hiring_manager", password="a long password")
        opening = create_opening(s, bank, title="MLE", profile_id="ml-engineer", actor=hm)
        return add_candidate(s, opening, name="Cand", email="cand@example.net").id


class Worker:
    """A worker subprocess; stopped with SIGTERM (then SIGKILL) and never left running."""

    def __init__(self, argv: list[str], env: dict[str, str], log: Path) -> None:
        self.log = log
        self._out = log.open("wb")
        self.proc = subprocess.Popen(argv, env=env, stdout=self._out, stderr=subprocess.STDOUT)

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self._out.close()
        return self.proc.returncode


def wait_done(db: Database, job_id: int, worker: Worker, seconds: float = 60) -> Job:
    deadline = time.monotonic() + seconds
    while True:
        with db.session(write=False) as s:
            job = s.get_one(Job, job_id)
            if job.status in ("done", "failed"):
                return job
        assert worker.proc.poll() is None, f"the worker exited early:\n{worker.output()}"
        assert time.monotonic() < deadline, f"the job did not finish:\n{worker.output()}"
        time.sleep(0.2)


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    problem = redis_problem()
    require_service("Redis", problem is None, problem or "")
    import redis

    prefix = f"mlscreen-test-{uuid.uuid4().hex[:10]}:"
    client = redis.Redis.from_url(REDIS_URL)
    yield prefix
    for key in client.scan_iter(match=f"{prefix}*"):
        client.delete(key)
    client.close()


def worker_env(db: Database, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLSCREEN_")}
    env.update(
        MLSCREEN_DATABASE_URL=database_url(db),
        MLSCREEN_DATA_DIR=str(tmp_path / "data"),
        MLSCREEN_SETTINGS_FILE=str(tmp_path / "no-settings.json"),
        **extra,
    )
    return env


def run_report_job(db: Database, bank: Bank, queue: JobQueue, worker: Worker) -> Job:
    candidate = seeded_candidate(db, bank)
    with db.session() as s:
        job_id = queue.enqueue("report", {"candidate_id": candidate}, session=s)
    return wait_done(db, job_id, worker)


@pytest.mark.services
def test_a_celery_worker_process_runs_jobs_enqueued_through_the_queue(
    database: Database, bank: Bank, tmp_path: Path, redis_prefix: str
) -> None:
    import redis

    env = worker_env(
        database,
        tmp_path,
        MLSCREEN_JOB_BACKEND="celery",
        MLSCREEN_REDIS_URL=REDIS_URL,
        MLSCREEN_REDIS_PREFIX=redis_prefix,
    )
    # Celery's own command on one database, ours on the other: both start the same worker.
    if database.dialect == "sqlite":
        argv = [str(BIN / "celery"), "-A", "mlscreen.jobs.celery_backend", "worker", "--pool=solo", "--concurrency=1"]
    else:
        argv = [str(BIN / "mlscreen"), "worker", "--pool=threads", "--concurrency=1"]
    queue = CeleryQueue(database, default_handlers(), broker_url=REDIS_URL, key_prefix=redis_prefix)
    worker = Worker(argv, env, tmp_path / "worker.log")
    try:
        job = run_report_job(database, bank, queue, worker)
        assert job.status == "done", job.error
        assert job.worker is not None and job.worker.startswith("celery:")
        assert job.result is not None and job.result["recommendation"] == "insufficient_evidence"
        keys = [str(k) for k in redis.Redis.from_url(REDIS_URL, decode_responses=True).keys("*")]
        assert any(k.startswith(redis_prefix) for k in keys)  # the worker and the queue used the prefix...
        assert all(k.startswith("mlscreen-test-") for k in keys)  # ...and wrote no key without one
    finally:
        code = worker.stop()
    assert code == 0, worker.output()  # a warm shutdown on SIGTERM


@pytest.mark.sandbox
def test_mlscreen_worker_runs_local_jobs_in_its_own_process(database: Database, bank: Bank, tmp_path: Path) -> None:
    env = worker_env(database, tmp_path, MLSCREEN_JOB_BACKEND="local")
    queue = LocalQueue(database, default_handlers(), workers=0)  # this process only enqueues
    worker = Worker([str(BIN / "mlscreen"), "worker", "--concurrency=1"], env, tmp_path / "worker.log")
    try:
        job = run_report_job(database, bank, queue, worker)
        assert job.status == "done" and job.worker is not None and str(worker.proc.pid) in job.worker
    finally:
        code = worker.stop()
    assert code == 0, worker.output()


def test_bad_worker_options_are_refused_with_a_message(run_cli: Callable[..., CliResult]) -> None:
    result = run_cli("worker", "--concurrency", "0")
    assert result.exit_code == 2 and "concurrency must be at least 1" in result.stderr
    result = run_cli("worker", "--pool", "gevent")
    assert result.exit_code == 2 and "unknown pool 'gevent'" in result.stderr
