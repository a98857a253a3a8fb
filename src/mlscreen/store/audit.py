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
    "calendar_feed.created",
    "calendar_feed.revoked",
    "candidate.erased",
    "candidate.cv_uploaded",
    "candidate.exported",
    "candidate.revealed",
    "candidate.profile_changed",
    "candidate.stage_changed",
    "candidate.status_changed",
    "decision.made",
    "decision.reopened",
    "invite.created",
    "invite.revoked",
    "job.retried",
    "opening.blind_review_changed",
    "opening.created",
    "opening.renamed",
    "opening.stage_changed",
    "opening.status_changed",
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


# Detail fields that hold a stage's position (0-based in storage); pages number stages from 1, as scorecards do.
STAGE_FIELDS = frozenset({"position", "stage_position", "from_position", "to_position"})
# Events whose before/after are stage positions.
STAGE_MOVES = frozenset({"candidate.stage_changed"})


def describe(event: AuditEvent) -> list[str]:
    """Return the event's detail as phrases for people: stages numbered from 1 ("stage 3"), lists joined, yes/no.

    The stored detail (and the JSON API) keep the raw values."""
    out: list[str] = []
    for key, value in (event.detail or {}).items():
        if key in STAGE_FIELDS:
            out.append(_text(value, stage=True))
            continue
        is_stage = event.action in STAGE_MOVES and key in ("before", "after")
        out.append(f"{key.replace('_', ' ')}: {_text(value, stage=is_stage)}")
    return out


def _text(value: Any, *, stage: bool) -> str:
    if stage and isinstance(value, int) and not isinstance(value, bool):
        return f"stage {value + 1}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_text(v, stage=stage) for v in value) or "none"
    if value is None:
        return "—"
    if isinstance(value, dict):
        return ", ".join(f"{k.replace('_', ' ')} {_text(v, stage=False)}" for k, v in value.items())
    return str(value)
