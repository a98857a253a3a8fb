"""The distributed backend: the same durable job rows, executed by Celery workers over a Redis broker.

The database stays the source of truth: a job row is written in the caller's transaction and a message naming
it is published after the commit. Workers claim the row under a lease exactly as local workers do, so a
duplicated message is harmless; a sweeper re-publishes jobs whose message was lost or whose worker died.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
import threading
import uuid
from typing import Any

from celery import Celery
from sqlalchemy import event
from sqlalchemy.orm import Session

from mlscreen.jobs.local import LocalQueue
from mlscreen.jobs.queue import Handler
from mlscreen.store import leases
from mlscreen.store.db import Database

log = logging.getLogger(__name__)
TASK = "mlscreen.run_job"
SWEEPER_LEASE = "jobs.sweeper"


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
        # Every web process starts a sweeper; the lease lets exactly one of them sweep at a time.
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.sweeping = False

    def _publish(self, job_id: int) -> bool:
        try:
            self.run_task.apply_async(args=[job_id])
        except Exception as exc:  # the broker is down: the sweeper publishes the job once it is back
            log.warning("could not publish job %s (%s); the sweeper re-publishes it", job_id, type(exc).__name__)
            return False
        return True

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
        for n, job_id in enumerate(ids):
            if not self._publish(job_id):  # the broker is away: the rest wait for the next sweep
                return n
        return len(ids)

    def sweep_if_leader(self) -> int:
        """Sweep when this process holds (or can take) the sweeper lease; return how many jobs were re-published."""
        held = leases.acquire(self.db, SWEEPER_LEASE, self.holder, seconds=3 * self.sweep_seconds)
        if held != self.sweeping:
            log.info("this process %s the job sweeper", "now runs" if held else "no longer runs")
            self.sweeping = held
        return self.sweep() if held else 0

    def _sweep_loop(self) -> None:
        while not self._stop.wait(self.sweep_seconds):
            try:
                self.sweep_if_leader()
            except Exception:  # the database is away: try again on the next tick
                log.warning("job sweep failed", exc_info=True)

    def start(self) -> None:
        """Start the sweeper in this process (the jobs themselves run in Celery workers)."""
        if self._sweeper is None:
            self._stop.clear()
            self._sweeper = threading.Thread(target=self._sweep_loop, name="mlscreen-sweeper", daemon=True)
            self._sweeper.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the sweeper and hand its lease over."""
        self._stop.set()
        if self._sweeper is not None:
            self._sweeper.join(timeout)
            self._sweeper = None
        if self.sweeping:
            self.sweeping = False
            try:
                leases.release(self.db, SWEEPER_LEASE, self.holder)
            except Exception:  # it expires on its own
                log.warning("could not release the sweeper lease", exc_info=True)

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

    def serve(self, *, concurrency: int, pool: str, stop: threading.Event) -> None:
        """Run a Celery worker in this process; it stops on SIGTERM or SIGINT (Celery's own handling)."""
        self.app.worker_main(celery_argv(concurrency=concurrency, pool=pool))


def celery_argv(*, concurrency: int, pool: str, loglevel: str = "INFO") -> list[str]:
    """Return the arguments of the Celery worker `serve` starts (what `celery ... worker` would get)."""
    return ["worker", f"--concurrency={concurrency}", f"--pool={pool}", f"--loglevel={loglevel}", "--without-gossip"]


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
        from mlscreen.errors import SandboxUnavailableError
        from mlscreen.jobs.adapters import check_environment

        try:
            check_environment()
        except SandboxUnavailableError as exc:  # a worker that cannot grade does not start: said plainly
            print(f"error: {exc}", file=sys.stderr)
            raise SystemExit(exc.exit_code) from None
        return from_settings().app
    raise AttributeError(name)
