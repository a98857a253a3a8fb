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
from mlscreen.store.blind import Identity, identity_of
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
    assignment: Assignment,
    stage: OpeningStage,
    *,
    title: str,
    name: str,
    attendees: list[str],
    cancel: bool,
    host: str,
) -> str | None:
    """Return the calendar event of a scheduled interview with the candidate called `name` (None if unscheduled)."""
    if assignment.scheduled_at is None:
        return None
    organizer = parseaddr(settings.MAIL_FROM.get())[1] or "mlscreen@localhost"
    return interview_event(
        uid=interview_uid(assignment.id, host),
        sequence=assignment.sequence,
        start=assignment.scheduled_at,
        minutes=stage.duration_min,
        summary=f"Interview: {name} ({stage.title}, {title})",
        description=f"{stage.title} interview for {title}.",
        organizer=organizer,
        attendees=attendees,
        cancel=cancel,
        stamp=utcnow(),
    )


def _invitations(
    assignment: Assignment, candidate: Candidate, interviewer: User, who: Identity, *, cancel: bool, host: str
) -> tuple[str | None, str | None]:
    """Return the calendar events (the candidate's, the interviewer's) of a scheduled interview.

    They are one event (same UID and SEQUENCE). Under blind review the interviewer's copy names the candidate by
    pseudonym and does not list their address among the attendees.
    """
    stage = stage_at(candidate.opening, assignment.stage_position)
    title = candidate.opening.title
    everyone = [interviewer.email, candidate.email]
    shared = _invitation(
        assignment, stage, title=title, name=candidate.name, attendees=everyone, cancel=cancel, host=host
    )
    if not who.hidden:
        return shared, shared
    blinded = _invitation(
        assignment, stage, title=title, name=who.name, attendees=[interviewer.email], cancel=cancel, host=host
    )
    return shared, blinded


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
    db: Session, queue: JobQueue, assignment: Assignment, candidate: Candidate, *, link: str, key: bytes
) -> OutboxMessage:
    """Write the interviewer's notice of an assignment, with `link` to the candidate's page.

    A scheduled interview also sends both the interviewer and the candidate a calendar invitation (METHOD:REQUEST):
    its UID is the assignment's, its SEQUENCE the assignment's `sequence`, so a new time replaces the old event.
    The interviewer's message and invitation name the candidate as `blind.identity_of` shows them to the
    interviewer (a pseudonym under blind review; `key` is the server's pseudonym key).
    """
    interviewer = db.get_one(User, assignment.interviewer_id)
    stage = stage_at(candidate.opening, assignment.stage_position)
    who = identity_of(db, interviewer, candidate, key=key)
    host = urlsplit(link).hostname or "mlscreen"
    to_candidate, to_interviewer = _invitations(assignment, candidate, interviewer, who, cancel=False, host=host)
    if to_candidate is not None and assignment.scheduled_at is not None:
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
        write(db, queue, to=candidate.email, template="interview", context=context, about=about, ics=to_candidate)
    context = {
        "name": interviewer.name,
        "candidate": who.name,
        "opening": candidate.opening.title,
        "stage": stage.title,
        "when": _when(assignment.scheduled_at, user_zone(interviewer)) if assignment.scheduled_at else "",
        "link": link,
        "blind": who.hidden,
    }
    return write(
        db,
        queue,
        to=interviewer.email,
        template="assignment",
        context=context,
        about=("assignment", assignment.id),
        ics=to_interviewer,
    )


def interview_cancelled(
    db: Session, queue: JobQueue, assignment: Assignment, candidate: Candidate, *, host: str, key: bytes
) -> None:
    """Write the cancellation (METHOD:CANCEL, the same UID, the SEQUENCE `remove_assignment` raised) to the
    interviewer and the candidate, each with the time in their zone.

    Only a scheduled interview has an event in their calendars to cancel; otherwise nothing is written. The
    interviewer's copy names the candidate as they are shown to the interviewer (see `interviewer_assignment`).
    """
    if assignment.scheduled_at is None:
        return
    interviewer = db.get_one(User, assignment.interviewer_id)
    stage = stage_at(candidate.opening, assignment.stage_position)
    who = identity_of(db, interviewer, candidate, key=key)
    to_candidate, to_interviewer = _invitations(assignment, candidate, interviewer, who, cancel=True, host=host)
    context = {
        "opening": candidate.opening.title,
        "stage": stage.title,
        "minutes": stage.duration_min,
        "updated": False,
        "cancelled": True,
    }
    about = ("assignment", assignment.id)
    people = (
        (candidate.email, candidate.name, assignment.timezone, to_candidate),
        (interviewer.email, interviewer.name, user_zone(interviewer), to_interviewer),
    )
    for person, name, zone_name, ics in people:
        when = _when(assignment.scheduled_at, zone_name)
        context = {**context, "name": name, "when": when}
        write(db, queue, to=person, template="interview", context=context, about=about, ics=ics)


def decision_made(
    db: Session, queue: JobQueue, decision: Decision, candidate: Candidate, *, link: str, key: bytes
) -> int:
    """Tell the hiring team (the opening's hiring manager and recruiters, the candidate's interviewers; not the person
    who decided) the outcome, with `link` to the candidate's page; returns how many messages were written.

    The rationale stays in the packet: interviewers do not see the packet, so the message does not carry it. Each
    person is told the candidate's name as `blind.identity_of` shows it to them (`key`: the pseudonym key).
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
        shown = identity_of(db, person, candidate, key=key).name
        context = {"name": person.name, "candidate": shown, "opening": opening.title, "outcome": outcome}
        context["link"] = link
        write(db, queue, to=person.email, template="decision", context=context, about=("decision", decision.id))
    return len(team)
