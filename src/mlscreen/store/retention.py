"""Storage limitation: erase candidates' personal data a set number of days after their decision or exit."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mlscreen.store import leases
from mlscreen.store.db import Database
from mlscreen.store.models import AuditEvent, Candidate, Decision, utcnow
from mlscreen.store.privacy import erase_candidate, vacuum

CLOSED = ("hired", "rejected", "withdrawn")
"""Statuses after which the retention clock runs."""
LEASE = "retention"
DAY = 24 * 3600.0


@dataclass
class Due:
    """A candidate whose data is due for erasure, and when their process ended."""

    candidate_id: int
    opening_id: int
    status: str
    closed_at: datetime


@dataclass
class RetentionRun:
    """What one application of the policy did."""

    days: int
    erased: list[int] = field(default_factory=list)
    skipped: bool = False


def closed_dates(db: Session) -> dict[int, tuple[Candidate, datetime]]:
    """Return, per closed candidate not yet erased, the candidate and when their process ended.

    The end is the latest of the decision and the last status change; a candidate closed with neither on
    record (imported that way) counts from when they were added.
    """
    rows = list(db.scalars(select(Candidate).where(Candidate.status.in_(CLOSED), Candidate.erased_at.is_(None))))
    if not rows:
        return {}
    ids = [c.id for c in rows]
    decided: dict[int, datetime] = {
        cid: at
        for cid, at in db.execute(
            select(Decision.candidate_id, Decision.decided_at).where(Decision.candidate_id.in_(ids))
        )
    }
    changed: dict[int, datetime] = {
        cid: at
        for cid, at in db.execute(
            select(AuditEvent.object_id, func.max(AuditEvent.at))
            .where(
                AuditEvent.object_type == "candidate",
                AuditEvent.action.in_(("candidate.status_changed", "decision.made")),
                AuditEvent.object_id.in_(ids),
            )
            .group_by(AuditEvent.object_id)
        )
    }
    out = {}
    for c in rows:
        known = [d for d in (decided.get(c.id), changed.get(c.id)) if d is not None]
        out[c.id] = (c, max(known) if known else c.created_at)
    return out


def due(db: Session, *, days: int, now: datetime | None = None) -> list[Due]:
    """Return the candidates whose process ended more than `days` days before `now`, oldest first (none if 0)."""
    if days <= 0:
        return []
    cutoff = (now or utcnow()) - timedelta(days=days)
    found = [
        Due(c.id, c.opening_id, c.status, closed_at)
        for c, closed_at in closed_dates(db).values()
        if closed_at <= cutoff
    ]
    return sorted(found, key=lambda d: (d.closed_at, d.candidate_id))


def apply_retention(db: Database, *, days: int, now: datetime | None = None) -> RetentionRun:
    """Erase every candidate due under a `days`-day policy, each in its own short transaction; return the run.

    Idempotent: an erased candidate is never due again, so running twice (or in two processes) erases nothing
    more. Each erasure is audited as `candidate.erased` with `via="retention"`.
    """
    run = RetentionRun(days)
    if days <= 0:
        return run
    with db.session(write=False) as s:
        ids = [d.candidate_id for d in due(s, days=days, now=now)]
    for candidate_id in ids:
        with db.session() as s:
            candidate = s.get(Candidate, candidate_id)
            if candidate is None or candidate.erased_at is not None:
                continue  # erased meanwhile, by hand or by another process
            erase_candidate(s, candidate_id, actor=None, via="retention")
        run.erased.append(candidate_id)
    if run.erased:
        vacuum(db)
    return run


def apply_daily(db: Database, *, days: int, now: datetime | None = None) -> RetentionRun:
    """Apply the policy unless some process did in the last day (a lease records the last run); return the run."""
    if days <= 0 or not leases.acquire(db, LEASE, f"run-{uuid.uuid4().hex}", seconds=DAY, now=now):
        return RetentionRun(days, skipped=True)
    return apply_retention(db, days=days, now=now)


def last_runs(db: Session, *, limit: int = 50) -> list[AuditEvent]:
    """Return the newest erasures the retention policy made."""
    query = select(AuditEvent).where(AuditEvent.action == "candidate.erased").order_by(AuditEvent.id.desc())
    return [e for e in db.scalars(query.limit(limit * 4)) if e.detail.get("via") == "retention"][:limit]
