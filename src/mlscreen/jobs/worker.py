"""Running background workers on their own, for whichever backend `MLSCREEN_JOB_BACKEND` names."""

from __future__ import annotations

import signal
import threading
from types import FrameType

from mlscreen.errors import UsageError
from mlscreen.jobs import adapters

POOLS = ("solo", "threads", "prefork")


def _check(concurrency: int, pool: str) -> None:
    if concurrency < 1:
        raise UsageError("the concurrency must be at least 1", hint=f"got {concurrency}")
    if pool not in POOLS:
        raise UsageError(f"unknown pool {pool!r}", hint=f"use one of {', '.join(POOLS)}")


def run_worker(*, concurrency: int = 1, pool: str = "threads", stop: threading.Event | None = None) -> None:
    """Run job workers in this process until it is told to stop (SIGTERM, SIGINT, or `stop` being set).

    With the `celery` backend this is a Celery worker consuming from `MLSCREEN_REDIS_URL` (`pool` and
    `concurrency` as Celery understands them); with `local`, `concurrency` worker threads over the database.
    Raises `UsageError` for an unknown backend, pool or a concurrency below 1, and `SandboxUnavailableError`
    when this machine cannot grade (see `adapters.check_environment`).
    """
    _check(concurrency, pool)
    adapters.check_environment()
    from mlscreen.jobs.backends import make_queue
    from mlscreen.store.db import Database, job_connections

    done = stop or threading.Event()

    def ask_to_stop(_signum: int, _frame: FrameType | None) -> None:
        done.set()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, ask_to_stop)
        signal.signal(signal.SIGINT, ask_to_stop)
    db = Database(connections=job_connections(concurrency))
    try:
        make_queue(db, workers=concurrency).serve(concurrency=concurrency, pool=pool, stop=done)
    finally:
        db.dispose()
