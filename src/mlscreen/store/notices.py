"""The e-mails actions write: each function stores one message in the caller's transaction (see store/outbox)."""

from __future__ import annotations

from datetime import datetime
from email.utils import parseaddr
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from mlscreen import settings
from mlscreen.mail.ics import interview_event, interview_uid
from mlscreen.store.accounts import user_zone
from mlscreen.store.models import Assignment, Candidate, Decision, Invite, OpeningStage, OutboxMessage, User, utcnow
from mlscreen.store.openings import member_ids, stage_at
from mlscreen.store.outbox import write
from mlscreen.store.queue import JobQueue
from mlscreen.zones import show_named


def _when(moment: datetime, zone_name: str | None = None) -> str:
    """The moment as a person reads it in their zone (candidates: the interview's, else the default zone)."""
    return show_named(moment, zone_name or settings.DEFAULT_TIMEZONE.get())


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


def _invitation(
    assignment: Assignment, candidate: Candidate, interviewer: User, stage: OpeningStage, *, cancel: bool, host: str
) -> str | None:
    if assignment.scheduled_at is None:
        return None
    organizer = parseaddr(settings.MAIL_FROM.get())[1] or "mlscreen@localhost"
    return interview_event(
        uid=interview_uid(assignment.id, host),
        sequence=assignment.sequence,
        start=assignment.scheduled_at,
        minutes=stage.duration_min,
        summary=f"Interview: {candidate.name} ({stage.title}, {candidate.opening.title})",
        description=f"{stage.title} interview for {candidate.opening.title}.",
        organizer=organizer,
        attendees=[interviewer.email, candidate.email],
        cancel=cancel,
        stamp=utcnow(),
    )


def submission_confirmation(db: Session, queue: JobQueue, invite: Invite, *, closed_at_deadline: bool) -> OutboxMessage:
    """Write the candidate's confirmation that their assessment arrived (also when the deadline submitted it)."""
    candidate = invite.candidate
    stage = stage_at(candidate.opening, invite.stage_position)
    context = {
        "name": candidate.name,
        "opening": candidate.opening.title,
        "stage": stage.title,
        "at_deadline": closed_at_deadline,
    }
    return write(db, queue, to=candidate.email, template="submitted", context=context, about=("invite", invite.id))


def interviewer_assignment(
    db: Session, queue: JobQueue, assignment: Assignment, candidate: Candidate, *, link: str
) -> OutboxMessage:
    """Write the interviewer's notice of an assignment, with `link` to the candidate's page.

    A scheduled interview also sends both the interviewer and the candidate a calendar invitation (METHOD:REQUEST):
    its UID is the assignment's, its SEQUENCE the assignment's `sequence`, so a new time replaces the old event.
    """
    interviewer = db.get_one(User, assignment.interviewer_id)
    stage = stage_at(candidate.opening, assignment.stage_position)
    ics = _invitation(
        assignment, candidate, interviewer, stage, cancel=False, host=urlsplit(link).hostname or "mlscreen"
    )
    if ics is not None and assignment.scheduled_at is not None:
        when = _when(assignment.scheduled_at, assignment.timezone)
        context = {
            "name": candidate.name,
            "opening": candidate.opening.title,
            "stage": stage.title,
            "when": when,
            "minutes": stage.duration_min,
            "updated": assignment.sequence > 0,
            "cancelled": False,
        }
        about = ("assignment", assignment.id)
        write(db, queue, to=candidate.email, template="interview", context=context, about=about, ics=ics)
    context = {
        "name": interviewer.name,
        "candidate": candidate.name,
        "opening": candidate.opening.title,
        "stage": stage.title,
        "when": _when(assignment.scheduled_at, user_zone(interviewer)) if assignment.scheduled_at else "",
        "link": link,
    }
    return write(
        db,
        queue,
        to=interviewer.email,
        template="assignment",
        context=context,
        about=("assignment", assignment.id),
        ics=ics,
    )


def interview_cancelled(
    db: Session, queue: JobQueue, assignment: Assignment, candidate: Candidate, *, host: str
) -> None:
    """Write the cancellation (METHOD:CANCEL, the same UID, the SEQUENCE `remove_assignment` raised) to the
    interviewer and the candidate, each with the time in their zone.

    Only a scheduled interview has an event in their calendars to cancel; otherwise nothing is written.
    """
    if assignment.scheduled_at is None:
        return
    interviewer = db.get_one(User, assignment.interviewer_id)
    stage = stage_at(candidate.opening, assignment.stage_position)
    ics = _invitation(assignment, candidate, interviewer, stage, cancel=True, host=host)
    context = {
        "opening": candidate.opening.title,
        "stage": stage.title,
        "minutes": stage.duration_min,
        "updated": False,
        "cancelled": True,
    }
    about = ("assignment", assignment.id)
    people = (
        (candidate.email, candidate.name, assignment.timezone),
        (interviewer.email, interviewer.name, user_zone(interviewer)),
    )
    for person, name, zone_name in people:
        when = _when(assignment.scheduled_at, zone_name)
        context = {**context, "name": name, "when": when}
        write(db, queue, to=person, template="interview", context=context, about=about, ics=ics)


def decision_made(db: Session, queue: JobQueue, decision: Decision, candidate: Candidate, *, link: str) -> int:
    """Tell the hiring team (the opening's hiring manager and recruiters, the candidate's interviewers; not the person
    who decided) the outcome, with `link` to the candidate's page; returns how many messages were written.

    The rationale stays in the packet: interviewers do not see the packet, so the message does not carry it.
    """
    opening = candidate.opening
    assigned = {a.interviewer_id for a in db.scalars(select(Assignment).where(Assignment.candidate_id == candidate.id))}
    members = db.scalars(select(User).where(User.id.in_(member_ids(db, opening.id)), User.active.is_(True))).all()
    team = [
        u
        for u in members
        if u.id != decision.decided_by
        and (u.id == opening.hiring_manager_id or u.role == "recruiter" or u.id in assigned)
    ]
    outcome = "hire" if decision.outcome == "hire" else "no hire"
    for person in team:
        context = {"name": person.name, "candidate": candidate.name, "opening": opening.title, "outcome": outcome}
        context["link"] = link
        write(db, queue, to=person.email, template="decision", context=context, about=("decision", decision.id))
    return len(team)
