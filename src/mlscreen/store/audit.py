"""The audit log: one append-only record per scorecard, override, stage change and decision."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mlscreen.store.models import AuditEvent

AUDITED_ACTIONS: tuple[str, ...] = (
    "scorecard.submitted",
    "answer.confirmed",
    "answer.overridden",
    "answer.revised",
    "assignment.removed",
    "candidate.erased",
    "candidate.exported",
    "candidate.stage_changed",
    "candidate.status_changed",
    "decision.made",
    "decision.reopened",
    "invite.created",
    "invite.revoked",
    "job.retried",
    "opening.created",
    "opening.stage_changed",
    "plan.roles_opened",
    "room.closed",
    "room.link_created",
    "room.opened",
    "user.password_reset",
    "user.created",
    "user.deactivated",
    "user.reactivated",
)


def record(
    db: Session,
    *,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: int,
    opening_id: int | None = None,
    **detail: Any,
) -> AuditEvent:
    """Append an audit event and return it. `detail` must hold ids, levels and reasons, never personal data."""
    if action not in AUDITED_ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    event = AuditEvent(
        actor_id=actor_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        opening_id=opening_id,
        detail=detail,
    )
    db.add(event)
    return event


def events(db: Session, *, opening_id: int | None = None, limit: int = 200) -> list[AuditEvent]:
    """Return the newest audit events, optionally only those of one opening."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if opening_id is not None:
        query = query.where(AuditEvent.opening_id == opening_id)
    return list(db.scalars(query))
