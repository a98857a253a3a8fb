"""The one job-backend factory: the web app and `mlscreen worker` get their queue here, by MLSCREEN_JOB_BACKEND.

Nothing else branches on the backend's name: each backend's queue knows how to enqueue, sweep and serve.
"""

from __future__ import annotations

import threading
from typing import Protocol

from mlscreen import settings
from mlscreen.errors import UsageError
from mlscreen.store.db import Database
from mlscreen.store.queue import JobQueue

BACKENDS = ("local", "celery")


class ServingQueue(JobQueue, Protocol):
    """A job queue that can also run as a dedicated worker process."""

    def serve(self, *, concurrency: int, pool: str, stop: threading.Event) -> None:
        """Run jobs in this process until `stop` is set (or the backend's own worker is told to stop)."""
        ...


def make_queue(db: Database, *, workers: int) -> ServingQueue:
    """Return the queue `MLSCREEN_JOB_BACKEND` names over `db`, running the application's handlers.

    `workers` is how many jobs this process runs at once when the backend runs them in-process. Raises
    `UsageError` for an unknown backend.
    """
    from mlscreen.jobs.handlers import default_handlers

    backend = settings.JOB_BACKEND.get()
    if backend == "local":
        from mlscreen.jobs.local import LocalQueue

        return LocalQueue(db, default_handlers(), workers=workers)
    if backend == "celery":
        from mlscreen.jobs.celery_backend import CeleryQueue

        return CeleryQueue(
            db, default_handlers(), broker_url=settings.REDIS_URL.get(), key_prefix=settings.REDIS_PREFIX.get()
        )
    raise UsageError(f"unknown job backend {backend!r}", hint=f"set MLSCREEN_JOB_BACKEND to one of {BACKENDS}")
