"""The default backend: jobs as rows in the database, run by worker threads under an expiring lease."""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from mlscreen.jobs.queue import Handler, WorkerUnfit
from mlscreen.store.db import Database
from mlscreen.store.jobs import job_gave_up
from mlscreen.store.models import Job, utcnow

log = logging.getLogger(__name__)
MAX_BACKOFF = 60.0


class LocalQueue:
    """A durable queue in the `jobs` table with `workers` threads in this process.

    A worker claims a job by setting a lease; a heartbeat extends it while the handler runs. A job whose
    lease expired (its process crashed or was killed) is claimed again, up to the job's `max_attempts`.
    Idle workers look for work every `poll_seconds`, backing off to `idle_poll_seconds` while nothing comes,
    so an idle server does not keep querying the database; a job enqueued in this process wakes them at once.
    """

    def __init__(
        self,
        db: Database,
        handlers: dict[str, Handler],
        *,
        workers: int = 2,
        lease_seconds: float = 60.0,
        poll_seconds: float = 0.25,
        idle_poll_seconds: float = 2.0,
        retry_base_seconds: float = 2.0,
    ) -> None:
        self.db = db
        self.handlers = dict(handlers)
        self.workers = workers
        self.lease = timedelta(seconds=lease_seconds)
        self.poll = poll_seconds
        self.idle_poll = max(poll_seconds, idle_poll_seconds)
        self.retry_base = retry_base_seconds
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._threads: list[threading.Thread] = []
        self._name = f"{socket.gethostname()}:{os.getpid()}"
        self.unfit: dict[str, str] = {}  # job kinds this process stopped claiming, with the reason

    # ------------------------------------------------------------------ producer side
    def enqueue(self, kind: str, payload: dict[str, Any], *, session: Session | None = None) -> int:
        """Record a job and return its id; with `session` it commits together with the caller's writes."""
        if kind not in self.handlers:
            raise ValueError(f"no handler for job kind {kind!r}")
        job = Job(kind=kind, payload=payload)
        if session is not None:
            session.add(job)
            session.flush()
        else:
            with self.db.session() as own:
                own.add(job)
                own.flush()
        self._wake.set()
        return job.id

    def pending(self) -> int:
        """Return how many jobs are queued or running."""
        with self.db.session() as s:
            return int(
                s.scalar(select(func.count()).select_from(Job).where(Job.status.in_(("queued", "running")))) or 0
            )

    # ------------------------------------------------------------------ worker side
    def start(self) -> None:
        """Start the worker threads (idempotent)."""
        if self._threads:
            return
        self._stop.clear()
        for n in range(self.workers):
            thread = threading.Thread(target=self._loop, name=f"mlscreen-worker-{n}", args=(n,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the workers to stop after their current job and wait up to `timeout` seconds."""
        self._stop.set()
        self._wake.set()
        for thread in self._threads:
            thread.join(timeout)
        self._threads = []

    def serve(self, *, concurrency: int, pool: str, stop: threading.Event) -> None:
        """Run this queue's worker threads until `stop` is set (`mlscreen worker`; `concurrency` and `pool` are
        Celery's and were already applied: the threads are this queue's `workers`)."""
        self.start()
        try:
            stop.wait()
        finally:
            self.stop()

    def healthy(self) -> bool:
        """Return True when the database answers, every worker thread asked for runs, and every job kind can run.

        With `workers=0` (jobs run in other processes) only the database matters.
        """
        running = len(self._threads) == self.workers and all(t.is_alive() for t in self._threads)
        return running and not self.unfit and self.db.ping()

    def _loop(self, n: int) -> None:
        worker = f"{self._name}:{n}"
        wait = self.poll
        while not self._stop.is_set():
            try:
                ran = self.run_one(worker)
            except Exception:  # a database hiccup must not kill the worker; the lease protects the job
                log.exception("worker %s failed to claim or finish a job", worker)
                ran = False
            if ran:
                wait = self.poll
                continue
            woken = self._wake.wait(wait)
            self._wake.clear()
            # Back off while idle; new work in this process (enqueue) sets the event and resets the pace.
            wait = self.poll if woken else min(self.idle_poll, wait * 2)

    def claim(self, worker: str, *, job_id: int | None = None, now: datetime | None = None) -> Job | None:
        """Claim the oldest runnable job (queued and due, or running with an expired lease) and return it.

        With `job_id`, claim only that job (None when it is not runnable: done, or running under a live lease).
        """
        now = now or utcnow()
        runnable = or_(
            and_(Job.status == "queued", Job.run_after <= now),
            and_(Job.status == "running", Job.lease_expires_at < now),
        )
        if self.unfit:  # jobs of these kinds wait for a process that can run them
            runnable = and_(runnable, Job.kind.not_in(list(self.unfit)))
        if job_id is None:
            # Look first in a read-only transaction: on SQLite a claiming one takes the write lock, which
            # requests saving work would then wait for, although there is usually nothing to claim.
            with self.db.session(write=False) as s:
                if s.scalar(select(Job.id).where(runnable).limit(1)) is None:
                    return None
        with self.db.session() as s:
            query = select(Job).where(runnable).order_by(Job.id).limit(1)
            if job_id is not None:
                query = query.where(Job.id == job_id)
            if self.db.dialect == "postgresql":
                query = query.with_for_update(skip_locked=True)
            job = s.scalar(query)
            if job is None:
                return None
            if job.attempts >= job.max_attempts:
                job.status = "failed"
                job.error = job.error or f"gave up after {job.attempts} attempts (worker lost)"
                job.finished_at = now
                job_gave_up(s, job)
                return None
            done = s.execute(
                update(Job)
                .where(Job.id == job.id, runnable)
                .values(status="running", attempts=Job.attempts + 1, worker=worker, lease_expires_at=now + self.lease)
            )
            if done.rowcount != 1:  # type: ignore[attr-defined]
                return None
            s.refresh(job)
            return job

    def run_one(self, worker: str, *, job_id: int | None = None) -> bool:
        """Claim and run one job (or the job `job_id`); return False when there was nothing to run."""
        job = self.claim(worker, job_id=job_id)
        if job is None:
            return False
        beat_stop = threading.Event()
        beat = threading.Thread(target=self._heartbeat, args=(job.id, worker, beat_stop), daemon=True)
        beat.start()
        try:
            result = self.handlers[job.kind](self.db, dict(job.payload))
        except WorkerUnfit as exc:
            beat_stop.set()
            beat.join()
            self._unfit(job, worker, str(exc))
            return True
        except Exception as exc:
            beat_stop.set()
            beat.join()
            self._failed(job, worker, exc)
            return True
        beat_stop.set()
        beat.join()
        with self.db.session() as s:
            s.execute(
                update(Job)
                .where(Job.id == job.id, Job.worker == worker)
                .values(status="done", result=result, error=None, finished_at=utcnow(), lease_expires_at=None)
            )
        return True

    def _heartbeat(self, job_id: int, worker: str, stop: threading.Event) -> None:
        interval = self.lease.total_seconds() / 3
        while not stop.wait(interval):
            try:
                with self.db.session() as s:
                    s.execute(
                        update(Job)
                        .where(Job.id == job_id, Job.worker == worker, Job.status == "running")
                        .values(lease_expires_at=utcnow() + self.lease)
                    )
            except Exception:
                log.exception("heartbeat for job %s failed", job_id)

    def _unfit(self, job: Job, worker: str, reason: str) -> None:
        if job.kind not in self.unfit:
            log.error("this process stops running %s jobs until it is restarted: %s", job.kind, reason)
        self.unfit[job.kind] = reason
        with self.db.session() as s:  # back to the queue, the attempt not counted: the job did nothing wrong
            s.execute(
                update(Job)
                .where(Job.id == job.id, Job.worker == worker)
                .values(
                    status="queued", attempts=Job.attempts - 1, worker=None, lease_expires_at=None, run_after=utcnow()
                )
            )

    def _failed(self, job: Job, worker: str, exc: Exception) -> None:
        # Only the exception's type and message: payloads may hold candidate data and never reach the log.
        message = f"{type(exc).__name__}: {exc}"[:2000]
        log.warning("job %s (%s) attempt %s failed: %s", job.id, job.kind, job.attempts, type(exc).__name__)
        final = job.attempts >= job.max_attempts
        backoff = min(MAX_BACKOFF, self.retry_base * 2.0 ** (job.attempts - 1))
        with self.db.session() as s:
            done = s.execute(
                update(Job)
                .where(Job.id == job.id, Job.worker == worker)
                .values(
                    status="failed" if final else "queued",
                    error=message,
                    lease_expires_at=None,
                    run_after=utcnow() + timedelta(seconds=0 if final else backoff),
                    finished_at=utcnow() if final else None,
                )
            )
            if final and done.rowcount == 1:  # type: ignore[attr-defined]
                job_gave_up(s, job)

    def runnable_ids(self, *, grace_seconds: float = 0.0, limit: int = 500) -> list[int]:
        """Return ids of jobs due to run: queued for longer than `grace_seconds`, or with an expired lease."""
        now = utcnow()
        query = (
            select(Job.id)
            .where(
                or_(
                    and_(Job.status == "queued", Job.run_after <= now - timedelta(seconds=grace_seconds)),
                    and_(Job.status == "running", Job.lease_expires_at < now),
                )
            )
            .order_by(Job.id)
            .limit(limit)
        )
        with self.db.session(write=False) as s:
            return list(s.scalars(query))

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no job is queued or running; return False if `timeout` seconds pass first."""
        deadline = utcnow() + timedelta(seconds=timeout)
        while utcnow() < deadline:
            if self.pending() == 0:
                return True
            self._stop.wait(0.1)
        return self.pending() == 0
