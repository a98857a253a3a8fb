"""Jobs seen by people: what a job that failed for good leaves behind, and an admin's retry of failed jobs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mlscreen.errors import NotFoundError
from mlscreen.store import audit
from mlscreen.store.models import Job, Submission, utcnow
from mlscreen.store.outbox import JOB_KIND as MAIL_JOB
from mlscreen.store.outbox import give_up

SUBMISSION_NOT_GRADED = "failed"
"""A submission's final status when its grading job gave up: saved, but not graded automatically."""


@dataclass(frozen=True)
class FailedJob:
    """A job that gave up, as pages, the API and the command line show it (no payload: it may hold personal data)."""

    id: int
    kind: str
    attempts: int
    error: str
    finished_at: str | None
    submission_id: int | None

    def to_json(self) -> dict[str, Any]:
        """Return the job as JSON."""
        return dict(self.__dict__)


def _submission_id(job: Job) -> int | None:
    value = job.payload.get("submission_id") if job.kind == "grade" else None
    return value if isinstance(value, int) else None


def _submission(db: Session, job: Job) -> Submission | None:
    found = _submission_id(job)
    return None if found is None else db.get(Submission, found)


def job_gave_up(db: Session, job: Job) -> None:
    """Leave the object of a job that failed for good in a final state that says so, in the caller's transaction.

    A grading job's submission becomes "failed" (saved, not graded): the candidate is told their work arrived
    and will be looked at, instead of a page that waits forever. An e-mail's message becomes "failed" (kept).
    """
    submission = _submission(db, job)
    if submission is not None and submission.status == "queued":
        submission.status = SUBMISSION_NOT_GRADED
    message_id = job.payload.get("message_id") if job.kind == MAIL_JOB else None
    if isinstance(message_id, int):  # kept, marked failed: an admin's retry of the job sends it
        give_up(db, message_id)


def failed_jobs(db: Session, *, limit: int = 200) -> list[FailedJob]:
    """Return the newest jobs that failed for good."""
    query = select(Job).where(Job.status == "failed").order_by(Job.id.desc()).limit(limit)
    return [
        FailedJob(
            id=job.id,
            kind=job.kind,
            attempts=job.attempts,
            error=job.error or "",
            finished_at=job.finished_at.isoformat() if job.finished_at else None,
            submission_id=_submission_id(job),
        )
        for job in db.scalars(query)
    ]


def retry_failed(db: Session, *, actor_id: int | None, job_ids: list[int] | None = None, via: str) -> list[int]:
    """Queue failed jobs again from their first attempt (all of them, or those in `job_ids`); return their ids.

    Each retry is audited with `via` (page, api or cli). A grading job's submission goes back to "queued".
    Raises `NotFoundError` when an id given is not a failed job.
    """
    query = select(Job).where(Job.status == "failed").order_by(Job.id)
    if job_ids is not None:
        query = query.where(Job.id.in_(job_ids))
    jobs = list(db.scalars(query))
    missing = sorted(set(job_ids or ()) - {job.id for job in jobs})
    if missing:
        raise NotFoundError(
            f"no failed job with id {', '.join(map(str, missing))}", hint="list the failed jobs to see their ids"
        )
    now = utcnow()
    for job in jobs:
        job.status, job.attempts, job.run_after = "queued", 0, now
        job.error = job.worker = job.lease_expires_at = job.finished_at = None
        submission = _submission(db, job)
        if submission is not None and submission.status == SUBMISSION_NOT_GRADED:
            submission.status = "queued"
        audit.record(
            db,
            actor_id=actor_id,
            action="job.retried",
            object_type="job",
            object_id=job.id,
            kind=job.kind,
            via=via,
        )
    return [job.id for job in jobs]
