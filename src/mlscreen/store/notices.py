"""The e-mails actions write: each function stores one message in the caller's transaction (see store/outbox)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from mlscreen.store.models import Assignment, Candidate, Invite, OutboxMessage, User
from mlscreen.store.openings import stage_at
from mlscreen.store.outbox import write
from mlscreen.store.queue import JobQueue


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def assessment_invitation(db: Session, queue: JobQueue, invite: Invite, *, link: str) -> OutboxMessage:
    """Write the candidate's invitation to the assessment behind `link` (its address holds the link's secret)."""
    candidate = invite.candidate
    stage = stage_at(candidate.opening, invite.stage_position)
    context = {
        "name": candidate.name,
        "opening": candidate.opening.title,
        "stage": stage.title,
        "link": link,
        "expires": _when(invite.expires_at),
        "minutes": invite.minutes,
        "exercise": invite.exercise_id is not None,
    }
    return write(db, queue, to=candidate.email, template="invite", context=context, about=("invite", invite.id))


def interviewer_assignment(
    db: Session, queue: JobQueue, assignment: Assignment, candidate: Candidate, *, link: str
) -> OutboxMessage:
    """Write the interviewer's notice of an assignment, with `link` to the candidate's page."""
    interviewer = db.get_one(User, assignment.interviewer_id)
    stage = stage_at(candidate.opening, assignment.stage_position)
    context = {
        "name": interviewer.name,
        "candidate": candidate.name,
        "opening": candidate.opening.title,
        "stage": stage.title,
        "when": _when(assignment.scheduled_at) if assignment.scheduled_at else "",
        "link": link,
    }
    return write(
        db, queue, to=interviewer.email, template="assignment", context=context, about=("assignment", assignment.id)
    )
