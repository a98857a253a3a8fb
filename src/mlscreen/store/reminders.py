"""Reminders: an unused assessment link about to expire, a scorecard overdue after its interview."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mlscreen import settings
from mlscreen.store.accounts import user_zone
from mlscreen.store.blind import identity_of
from mlscreen.store.models import Assignment, Candidate, Invite, OutboxMessage, Scorecard, User
from mlscreen.store.openings import stage_at
from mlscreen.store.outbox import write
from mlscreen.store.queue import JobQueue
from mlscreen.store.schedule import SCORECARD_OVERDUE_AFTER
from mlscreen.zones import show_named

LINK_REMINDER_BEFORE = timedelta(hours=24)
"""An unopened link is recalled this long before it expires."""


def _when(moment: datetime, zone_name: str | None = None) -> str:
    return show_named(moment, zone_name or settings.DEFAULT_TIMEZONE.get())


def _written(db: Session, kind: str) -> set[str]:
    query = select(OutboxMessage.once_key).where(OutboxMessage.once_key.like(f"{kind}:%"))
    return {k for k in db.scalars(query) if k}


def _once(
    db: Session, queue: JobQueue, key: str, *, to: str, template: str, context: dict[str, Any], about: tuple[str, int]
) -> bool:
    """Write a message at most once: another process that wrote it first wins, and this one writes nothing."""
    try:
        with db.begin_nested():
            write(db, queue, to=to, template=template, context=context, about=about, once_key=key)
    except IntegrityError:
        return False
    return True


def due_link_reminders(db: Session, *, now: datetime) -> list[Invite]:
    """Return unopened, live links of active candidates that expire within `LINK_REMINDER_BEFORE`, not yet recalled."""
    query = (
        select(Invite)
        .join(Candidate, Candidate.id == Invite.candidate_id)
        .where(
            Candidate.status == "active",
            Invite.kind == "assessment",
            Invite.started_at.is_(None),
            Invite.revoked_at.is_(None),
            Invite.submitted_at.is_(None),
            Invite.expires_at > now,
            Invite.expires_at <= now + LINK_REMINDER_BEFORE,
        )
    )
    done = _written(db, "link_reminder")
    return [i for i in db.scalars(query) if f"link_reminder:{i.id}" not in done]


def due_scorecard_reminders(db: Session, *, now: datetime) -> list[Assignment]:
    """Return assignments whose interview started `SCORECARD_OVERDUE_AFTER` ago with no scorecard, not yet recalled."""
    scored = exists().where(
        and_(
            Scorecard.candidate_id == Assignment.candidate_id,
            Scorecard.stage_position == Assignment.stage_position,
            Scorecard.interviewer_id == Assignment.interviewer_id,
        )
    )
    query = (
        select(Assignment)
        .join(Candidate, Candidate.id == Assignment.candidate_id)
        .where(Candidate.status == "active", Assignment.scheduled_at <= now - SCORECARD_OVERDUE_AFTER, ~scored)
    )
    done = _written(db, "scorecard_reminder")
    return [a for a in db.scalars(query) if f"scorecard_reminder:{a.id}" not in done]


def send_reminders(
    db: Session, queue: JobQueue, *, now: datetime, candidate_link: Callable[[int], str], key: bytes
) -> int:
    """Write every reminder due now (each at most once, whatever the number of processes); return how many.

    A scorecard reminder names the candidate as the interviewer is shown them (`blind.identity_of`; `key` is the
    server's pseudonym key).
    """
    written = 0
    for invite in due_link_reminders(db, now=now):
        candidate = invite.candidate
        context = {
            "name": candidate.name,
            "opening": candidate.opening.title,
            "stage": stage_at(candidate.opening, invite.stage_position).title,
            "expires": _when(invite.expires_at),
            "sent": _when(invite.created_at),
        }
        written += _once(
            db,
            queue,
            f"link_reminder:{invite.id}",
            to=candidate.email,
            template="link_reminder",
            context=context,
            about=("invite", invite.id),
        )
    for assignment in due_scorecard_reminders(db, now=now):
        candidate = db.get_one(Candidate, assignment.candidate_id)
        interviewer = db.get_one(User, assignment.interviewer_id)
        assert assignment.scheduled_at is not None
        context = {
            "name": interviewer.name,
            "candidate": identity_of(db, interviewer, candidate, key=key).name,
            "opening": candidate.opening.title,
            "stage": stage_at(candidate.opening, assignment.stage_position).title,
            "when": _when(assignment.scheduled_at, user_zone(interviewer)),
            "link": candidate_link(candidate.id),
        }
        written += _once(
            db,
            queue,
            f"scorecard_reminder:{assignment.id}",
            to=interviewer.email,
            template="scorecard_reminder",
            context=context,
            about=("assignment", assignment.id),
        )
    return written
