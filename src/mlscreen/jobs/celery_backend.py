"""The distributed backend: the same durable job rows, executed by Celery workers over a Redis broker.

The database stays the source of truth: a job row is written in the caller's transaction and a message naming
it is published after the commit. Workers claim the row under a lease exactly as local workers do, so a
duplicated message is harmless; a sweeper re-publishes jobs whose message was lost or whose worker died.
"""

from __future__ import annotations

import logging
import socket
import threading
from typing import Any

from celery import Celery
from sqlalchemy import event
from sqlalchemy.orm import Session

from mlscreen.jobs.local import LocalQueue
from mlscreen.jobs.queue import Handler
from mlscreen.store.db import Database

log = logging.getLogger(__name__)
TASK = "mlscreen.run_job"


class CeleryQueue:
    """A `JobQueue` whose jobs run in Celery workers (`celery -A mlscreen.jobs.celery_backend worker`)."""

    def __init__(
        self,
        db: Database,
        handlers: dict[str, Handler],
        *,
        broker_url: str,
        key_prefix: str = "",
        lease_seconds: float = 60.0,
        sweep_seconds: float = 15.0,
    ) -> None:
        self.local = LocalQueue(db, handlers, workers=0, lease_seconds=lease_seconds)
        self.db = db
        self.sweep_seconds = sweep_seconds
        self.app = Celery("mlscreen", broker=broker_url)
        self.app.conf.update(
            task_acks_late=True,
            task_reject_on_worker_lost=True,
            worker_prefetch_multiplier=1,
            broker_connection_retry_on_startup=True,
            task_ignore_result=True,
        )
        if key_prefix:  # several deployments (or tests) can then share one Redis database
            self.app.conf.broker_transport_options = {"global_keyprefix": key_prefix}
        local = self.local

        def run_job(job_id: int) -> None:
            local.run_one(f"celery:{socket.gethostname()}", job_id=job_id)

        self.run_task = self.app.task(name=TASK, shared=False)(run_job)
        self._stop = threading.Event()
        self._sweeper: threading.Thread | None = None

    def _publish(self, job_id: int) -> None:
        try:
            self.run_task.apply_async(args=[job_id])
        except Exception:  # the broker is down: the sweeper publishes the job once it is back
            log.warning("could not publish job %s; it will be re-published by the sweeper", job_id, exc_info=True)

    def enqueue(self, kind: str, payload: dict[str, Any], *, session: Session | None = None) -> int:
        """Record the job (in the caller's transaction when given) and publish it once committed."""
        job_id = self.local.enqueue(kind, payload, session=session)
        if session is None:
            self._publish(job_id)
        else:
            event.listen(session, "after_commit", lambda _s: self._publish(job_id), once=True)
        return job_id

    def sweep(self, *, grace_seconds: float | None = None) -> int:
        """Re-publish jobs that should have run by now; return how many."""
        grace = self.sweep_seconds if grace_seconds is None else grace_seconds
        ids = self.local.runnable_ids(grace_seconds=grace)
        for job_id in ids:
            self._publish(job_id)
        return len(ids)

    def _sweep_loop(self) -> None:
        while not self._stop.wait(self.sweep_seconds):
            try:
                self.sweep()
            except Exception:
                log.exception("job sweep failed")

    def start(self) -> None:
        """Start the sweeper in this process (the jobs themselves run in Celery workers)."""
        if self._sweeper is None:
            self._stop.clear()
            self._sweeper = threading.Thread(target=self._sweep_loop, name="mlscreen-sweeper", daemon=True)
            self._sweeper.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the sweeper."""
        self._stop.set()
        if self._sweeper is not None:
            self._sweeper.join(timeout)
            self._sweeper = None

    def healthy(self) -> bool:
        """Return True when the database and the broker answer."""
        try:
            with self.app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
        except Exception:
            return False
        return self.db.ping()

    def pending(self) -> int:
        """Return how many jobs are queued or running."""
        return self.local.pending()


def from_settings() -> CeleryQueue:
    """Return the queue configured by MLSCREEN_DATABASE_URL and MLSCREEN_REDIS_URL, with the app's handlers."""
    from mlscreen import settings
    from mlscreen.jobs.handlers import default_handlers

    return CeleryQueue(
        Database(),
        default_handlers(),
        broker_url=settings.REDIS_URL.get(),
        key_prefix=settings.REDIS_PREFIX.get(),
    )


def __getattr__(name: str) -> Any:
    # `celery -A mlscreen.jobs.celery_backend worker` looks up `celery`; build it only then.
    if name == "celery":
        return from_settings().app
    raise AttributeError(name)
