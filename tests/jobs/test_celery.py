"""The Celery backend against the real Redis: jobs run in a Celery worker, lost messages are re-published."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from mlscreen.jobs.celery_backend import CeleryQueue
from mlscreen.store.db import Database
from mlscreen.store.models import Job
from tests.conftest import require_service

pytestmark = pytest.mark.services
BROKER = "redis://127.0.0.1:6379/15"


def redis_problem() -> str | None:
    import redis

    try:
        redis.Redis.from_url(BROKER, socket_connect_timeout=2).ping()
        return None
    except redis.RedisError as exc:
        return str(exc)


def double(_db: Database, payload: dict[str, Any]) -> dict[str, Any]:
    return {"value": payload["n"] * 2}


@pytest.fixture
def celery_queue(database: Database) -> Iterator[CeleryQueue]:
    problem = redis_problem()
    require_service("Redis", problem is None, problem or "")
    import redis
    from celery.contrib.testing.worker import start_worker

    redis.Redis.from_url(BROKER).flushdb()
    queue = CeleryQueue(database, {"double": double}, broker_url=BROKER, sweep_seconds=0.5)
    with start_worker(queue.app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield queue
    queue.stop()


def wait_done(db: Database, job_id: int, seconds: float = 30) -> Job:
    deadline = time.monotonic() + seconds
    while True:
        with db.session() as s:
            job = s.get_one(Job, job_id)
            if job.status in ("done", "failed"):
                return job
        assert time.monotonic() < deadline, "the job did not finish"
        time.sleep(0.1)


def test_jobs_run_in_a_celery_worker(celery_queue: CeleryQueue, database: Database) -> None:
    with database.session() as s:
        job_id = celery_queue.enqueue("double", {"n": 21}, session=s)
    job = wait_done(database, job_id)
    assert (job.status, job.result, job.attempts) == ("done", {"value": 42}, 1)
    assert job.worker is not None and job.worker.startswith("celery:")
    assert celery_queue.healthy()


def test_a_job_whose_message_was_lost_is_republished(celery_queue: CeleryQueue, database: Database) -> None:
    job_id = celery_queue.local.enqueue("double", {"n": 5})  # written, never published
    time.sleep(0.6)
    assert celery_queue.sweep() >= 1
    assert wait_done(database, job_id).result == {"value": 10}
