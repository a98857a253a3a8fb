"""The database-backed queue runs each job once, retries failures, and survives a worker killed mid-job."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from mlscreen.bank import Bank
from mlscreen.jobs.handlers import candidate_report
from mlscreen.jobs.local import LocalQueue
from mlscreen.store.accounts import create_user
from mlscreen.store.candidates import add_candidate
from mlscreen.store.db import Database
from mlscreen.store.models import Job
from mlscreen.store.openings import create_opening

ROOT = Path(__file__).resolve().parents[2]


def job(db: Database, job_id: int) -> Job:
    with db.session() as s:
        found = s.get(Job, job_id)
        assert found is not None
        return found


def test_report_job_runs_in_a_worker(database: Database, bank: Bank) -> None:
    with database.session() as s:
        hm = create_user(s, email="hm@example.org", name="HM", role="hiring_manager", password="a long enough password")
        opening = create_opening(s, bank, title="MLE", profile_id="ml-engineer", actor=hm)
        cand = add_candidate(s, opening, name="Cand", email="c@example.org")
        cand_id = cand.id
    queue = LocalQueue(database, {"report": candidate_report}, workers=1, poll_seconds=0.05)
    job_id = queue.enqueue("report", {"candidate_id": cand_id})
    queue.start()
    try:
        assert queue.wait_idle(30)
    finally:
        queue.stop()
    done = job(database, job_id)
    assert done.status == "done" and done.attempts == 1
    assert done.result is not None and done.result["candidate_id"] == cand_id
    assert done.result["recommendation"] == "insufficient_evidence"


def test_failures_are_retried_then_given_up(database: Database) -> None:
    calls: list[int] = []

    def flaky(_db: Database, payload: dict[str, Any]) -> dict[str, Any]:
        calls.append(payload["n"])
        if payload["n"] == 1 and calls.count(1) < 2:
            raise RuntimeError("transient")
        if payload["n"] == 2:
            raise RuntimeError("always")
        return {"n": payload["n"]}

    queue = LocalQueue(database, {"flaky": flaky}, workers=1, poll_seconds=0.02, retry_base_seconds=0.05)
    first = queue.enqueue("flaky", {"n": 1})
    with database.session() as s:
        second = queue.enqueue("flaky", {"n": 2}, session=s)
        s.get_one(Job, second).max_attempts = 3
    queue.start()
    try:
        assert queue.wait_idle(30)
    finally:
        queue.stop()
    assert (job(database, first).status, job(database, first).attempts) == ("done", 2)
    failed = job(database, second)
    assert (failed.status, failed.attempts) == ("failed", 3)
    assert failed.error == "RuntimeError: always"


def test_enqueue_commits_with_the_callers_transaction(database: Database) -> None:
    queue = LocalQueue(database, {"report": candidate_report})
    with pytest.raises(RuntimeError), database.session() as s:
        queue.enqueue("report", {"candidate_id": 1}, session=s)
        raise RuntimeError("the caller's write failed")
    with database.session() as s:
        assert s.scalars(select(Job)).all() == []
    with pytest.raises(ValueError, match="no handler"):
        queue.enqueue("unknown", {})


def test_two_processes_worth_of_workers_run_each_job_once(database: Database) -> None:
    seen: list[int] = []
    lock = threading.Lock()

    def record(_db: Database, payload: dict[str, Any]) -> dict[str, Any]:
        with lock:
            seen.append(payload["n"])
        return {}

    queues = [LocalQueue(database, {"rec": record}, workers=2, poll_seconds=0.01) for _ in range(2)]
    for n in range(40):
        queues[0].enqueue("rec", {"n": n})
    for q in queues:
        q.start()
    try:
        assert queues[0].wait_idle(60)
    finally:
        for q in queues:
            q.stop()
    assert sorted(seen) == list(range(40))


@pytest.mark.slow
def test_job_of_a_killed_worker_is_retried(database: Database, tmp_path: Path) -> None:
    marker = tmp_path / "claimed"
    probe = LocalQueue(database, {"slow": lambda _db, p: {"finished": p["n"]}}, lease_seconds=1.0, poll_seconds=0.05)
    job_id = probe.enqueue("slow", {"n": 7})
    url = database.url.render_as_string(hide_password=False)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    worker = subprocess.Popen(
        [sys.executable, "-m", "tests.jobs.crash_worker", url, database.schema or "", str(marker)], cwd=ROOT, env=env
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert time.monotonic() < deadline, "the worker process never claimed the job"
            assert worker.poll() is None, "the worker process died early"
            time.sleep(0.05)
        assert job(database, job_id).status == "running"
        time.sleep(1.5)  # the heartbeat keeps the lease alive while the process lives
        assert job(database, job_id).status == "running"
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
    probe.start()
    try:
        assert probe.wait_idle(30)
    finally:
        probe.stop()
    done = job(database, job_id)
    assert done.status == "done" and done.attempts == 2
    assert done.result == {"finished": 7}
