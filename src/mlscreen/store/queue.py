"""The job-queue interface the domain layer enqueues through; the backends in `mlscreen.jobs` implement it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mlscreen.store.db import Database
from mlscreen.store.models import Job

Handler = Callable[[Database, dict[str, Any]], dict[str, Any]]
"""A job handler: takes the database and the job's payload, returns a JSON-ready result.

Handlers must be idempotent: a job whose worker died is run again from the start.
"""


class JobQueue(Protocol):
    """Durable background jobs: grading, answer scoring, reports."""

    def enqueue(self, kind: str, payload: dict[str, Any], *, session: Session | None = None) -> int:
        """Record a job and return its id; with `session`, the job commits (or not) with the caller's writes."""
        ...

    def start(self) -> None:
        """Start executing jobs."""
        ...

    def stop(self, timeout: float = 10.0) -> None:
        """Stop executing jobs; a job still running is left to be retried when its lease expires."""
        ...

    def healthy(self) -> bool:
        """Return True when the queue can take and run jobs."""
        ...

    def pending(self) -> int:
        """Return how many jobs are queued or running."""
        ...


def job_counts(db: Session) -> dict[str, int]:
    """The number of jobs in each status (a status with no job is left out)."""
    rows = db.execute(select(Job.status, func.count()).group_by(Job.status))
    return {str(status): int(n) for status, n in rows}
