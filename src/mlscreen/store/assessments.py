"""Candidate assessments: expiring single-attempt links, autosaved drafts, submissions saved before grading."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from mlscreen.bank import Bank, Exercise, KnowledgeQuestion
from mlscreen.errors import (
    AuthenticationError,
    ConflictError,
    InvalidFieldsError,
    NotFoundError,
    UsageError,
)
from mlscreen.store import audit, notices
from mlscreen.store.accounts import token_hash
from mlscreen.store.models import Candidate, Invite, OpeningStage, Submission, User, WrittenAnswer, utcnow
from mlscreen.store.openings import stage_at
from mlscreen.store.queue import JobQueue
from mlscreen.store.similarity import JOB_KIND as SIMILARITY_JOB

MAX_ANSWER = 20_000
DEFAULT_GRACE = timedelta(seconds=60)


@dataclass(frozen=True)
class NewInvite:
    """An invite just created, with the raw token to put in the candidate's link (never stored)."""

    invite: Invite
    token: str


def create_invite(
    db: Session,
    bank: Bank,
    candidate: Candidate,
    *,
    position: int,
    days: int = 7,
    now: datetime | None = None,
    actor: User | None = None,
    second_attempt_reason: str = "",
) -> NewInvite:
    """Create an assessment link for the candidate's stage at `position` and return it with its raw token (audited).

    The stage's exercise (coding stages) and knowledge questions (knowledge stages) make up the assessment. A link
    for a stage the candidate already started or submitted is a second attempt: it is only made when
    `second_attempt_reason` says why, and it is marked as such wherever its results appear. A link not yet opened
    for the same stage is revoked: one live link per stage. Raises `UsageError` when the stage has nothing a
    candidate can do on their own, and `ConflictError` when the candidate is no longer in the process or when a
    second attempt has no reason.
    """
    now = now or utcnow()
    stage = stage_at(candidate.opening, position)
    exercise, questions = _assessment_of(bank, stage)
    if candidate.status != "active":
        raise ConflictError(
            f"the candidate is {candidate.status}, so no assessment link can be made",
            hint="links are only for candidates still in the process",
        )
    earlier = [i for i in invites_of(db, candidate.id) if i.stage_position == position]
    attempts = [i for i in earlier if i.started_at is not None]
    reason = _second_attempt_reason(stage, attempts, second_attempt_reason)
    for old in earlier:
        if old.revoked_at is None and old.started_at is None and old.expires_at > now:
            revoke_invite(db, old, actor=actor, reason="replaced by a new link", now=now)
    token = secrets.token_urlsafe(32)
    invite = Invite(
        candidate_id=candidate.id,
        stage_position=position,
        token_hash=token_hash(token),
        exercise_id=exercise,
        question_ids=questions,
        minutes=stage.duration_min,
        created_at=now,
        expires_at=now + timedelta(days=days),
        attempt=len(attempts) + 1,
        attempt_reason=reason,
    )
    db.add(invite)
    db.flush()
    audit.record(
        db,
        actor_id=actor.id if actor else None,
        action="invite.created",
        object_type="invite",
        object_id=invite.id,
        opening_id=candidate.opening_id,
        candidate_id=candidate.id,
        position=position,
        attempt=invite.attempt,
        reason=invite.attempt_reason,
    )
    return NewInvite(invite, token)


def _assessment_of(bank: Bank, stage: OpeningStage) -> tuple[str | None, list[str]]:
    """The stage's exercise (or None) and knowledge questions; raises `UsageError` when it has neither."""
    exercise = next((q for q in stage.question_ids if isinstance(bank.get(q), Exercise)), None)
    questions = [q for q in stage.question_ids if isinstance(bank.get(q), KnowledgeQuestion)]
    if exercise is None and not questions:
        raise UsageError(
            f"the stage {stage.title!r} has no exercise or knowledge questions for a candidate to answer",
            hint="pick an exercise or knowledge questions for the stage first",
        )
    return exercise, questions


def _second_attempt_reason(stage: OpeningStage, attempts: list[Invite], given: str) -> str | None:
    """The reason kept with a second attempt (None for a first one); raises `ConflictError` if it is missing."""
    if not attempts:
        return None
    reason = given.strip()[:500]
    if not reason:
        raise ConflictError(
            f"the candidate already took the assessment for {stage.title!r} (a new link would be a second attempt)",
            hint="to offer a second attempt on purpose, give the reason for it; it is shown beside every result",
        )
    return reason


def revoke_invite(
    db: Session, invite: Invite, *, actor: User | None, reason: str = "", now: datetime | None = None
) -> Invite:
    """Revoke an assessment link so that it opens no more (audited with the reason, which is required).

    Raises `InvalidFieldsError` without a reason and `ConflictError` if the link was revoked already.
    """
    reason = reason.strip()[:500]
    if not reason:
        raise InvalidFieldsError(
            "revoking a link needs a reason",
            fields={"reason": "say why the link is revoked"},
            hint="the reason is kept in the audit log",
        )
    if invite.revoked_at is not None:
        raise ConflictError("this link was revoked already", hint="create a new link if one is needed")
    invite.revoked_at = now or utcnow()
    invite.revoked_reason = reason
    audit.record(
        db,
        actor_id=actor.id if actor else None,
        action="invite.revoked",
        object_type="invite",
        object_id=invite.id,
        opening_id=invite.candidate.opening_id,
        candidate_id=invite.candidate_id,
        reason=invite.revoked_reason,
    )
    return invite


def revoke_unfinished(db: Session, candidate: Candidate, *, actor: User | None, reason: str) -> int:
    """Revoke every link of the candidate not yet submitted (when they leave the process); return how many."""
    live = [i for i in invites_of(db, candidate.id) if i.revoked_at is None and i.submitted_at is None]
    for invite in live:
        revoke_invite(db, invite, actor=actor, reason=reason)
    return len(live)


def invite_of(db: Session, candidate: Candidate, invite_id: int) -> Invite:
    """Return the candidate's invite with this id; raises `NotFoundError` for another candidate's or none."""
    invite = db.get(Invite, invite_id) if 0 <= invite_id < 2**31 else None
    if invite is None or invite.candidate_id != candidate.id:
        raise NotFoundError("no such assessment link", hint="check the link")
    return invite


def open_invite(db: Session, token: str, *, now: datetime | None = None, kind: str = "assessment") -> Invite:
    """Return the invite of `kind` for `token` (opening it never starts the timer: `start` does).

    Raises `AuthenticationError` for an unknown, expired or revoked link and for a candidate who left the process
    (withdrawn, rejected or decided). A submitted invite still opens (read-only) while the candidate is in the
    process, so they can see that their work arrived.
    """
    now = now or utcnow()
    invite = db.scalar(select(Invite).where(Invite.token_hash == token_hash(token), Invite.kind == kind))
    if invite is None or (invite.expires_at <= now and invite.submitted_at is None):
        raise AuthenticationError("this assessment link is not valid or has expired", hint="ask your recruiter")
    if invite.revoked_at is not None or invite.candidate.status != "active":
        raise AuthenticationError("this assessment link is no longer valid", hint="ask your recruiter")
    return invite


def start(invite: Invite, *, now: datetime | None = None) -> None:
    """Start the candidate's timer (their explicit choice on the start page); starting again changes nothing."""
    if invite.started_at is None and invite.submitted_at is None:
        invite.started_at = now or utcnow()


def deadline(invite: Invite) -> datetime | None:
    """Return when the candidate's time runs out (None before the assessment is opened)."""
    return None if invite.started_at is None else invite.started_at + timedelta(minutes=invite.minutes)


def time_up(invite: Invite, *, now: datetime, grace: timedelta = DEFAULT_GRACE) -> bool:
    """Return True once the deadline plus `grace` has passed (the server accepts no more work after that)."""
    ends = deadline(invite)
    return ends is not None and now >= ends + grace


def _time_up_error() -> ConflictError:
    return ConflictError(
        "time is up: the assessment's deadline has passed, so no more changes can be saved",
        hint="your work saved before the deadline was submitted for you; the team will be in touch",
    )


def _writable(invite: Invite, now: datetime, grace: timedelta) -> None:
    if invite.started_at is None and invite.submitted_at is None:
        raise ConflictError("the assessment has not started yet", hint="press Start on the assessment's first page")
    if invite.submitted_at is not None:
        raise ConflictError("this assessment was submitted already", hint="each link allows one attempt")
    if time_up(invite, now=now, grace=grace):
        raise _time_up_error()


def check_source(source: str) -> str:
    """Return `source` when it is acceptable code to store or run (the grader's one rule for all of them).

    Raises `TooLargeError` over the grader's `MAX_SOURCE_BYTES` and `UsageError` for NUL bytes.
    """
    from mlscreen.grader.submission import validate_source  # the grader loads on first use, not with the store

    validate_source(source)
    return source


def save_draft(
    invite: Invite,
    *,
    code: str | None,
    answers: dict[str, str],
    now: datetime | None = None,
    grace: timedelta = DEFAULT_GRACE,
) -> None:
    """Autosave the candidate's work in progress.

    Raises `ConflictError` once submitted or once the time (plus `grace`) is up.
    """
    _writable(invite, now or utcnow(), grace)
    if code is not None:
        invite.draft_code = check_source(code)
    known = {q: a[:MAX_ANSWER] for q, a in answers.items() if q in invite.question_ids}
    if known:
        invite.draft_answers = {**invite.draft_answers, **known}


def examples_to_run(invite: Invite, *, code: str, now: datetime | None = None, grace: timedelta = DEFAULT_GRACE) -> str:
    """Return the exercise whose visible examples `code` may run against now.

    Raises `ConflictError` once submitted or once the time (plus `grace`) is up, `NotFoundError` when the stage
    has no exercise, `TooLargeError`/`UsageError` for unacceptable or empty code.
    """
    _writable(invite, now or utcnow(), grace)
    if invite.exercise_id is None:
        raise NotFoundError("this assessment has no coding exercise", hint="there are no examples to run")
    if not check_source(code).strip():
        raise UsageError("there is no code to run", hint="write your solution in the editor first")
    return invite.exercise_id


def _claim(db: Session, invite: Invite, at: datetime) -> bool:
    # A conditional update, so two requests (or processes) can never both finish the same attempt.
    done = db.execute(
        update(Invite).where(Invite.id == invite.id, Invite.submitted_at.is_(None)).values(submitted_at=at)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        db.refresh(invite)
        return False
    return True


def _store_work(
    db: Session, queue: JobQueue, invite: Invite, source: str | None, answers: dict[str, str], *, on_time: bool = True
) -> Submission | None:
    submission = None
    if invite.exercise_id is not None and source is not None:
        submission = Submission(
            invite_id=invite.id, candidate_id=invite.candidate_id, exercise_id=invite.exercise_id, source=source
        )
        db.add(submission)
        db.flush()
        queue.enqueue("grade", {"submission_id": submission.id}, session=db)
        # Queued after grading; it needs no grade, only the code, so a sandbox that is down does not hold it up.
        queue.enqueue(SIMILARITY_JOB, {"submission_id": submission.id}, session=db)
    merged = {**invite.draft_answers, **{q: a[:MAX_ANSWER] for q, a in answers.items()}}
    written = [q for q in invite.question_ids if merged.get(q, "").strip()]
    for qid in written:
        db.add(
            WrittenAnswer(
                candidate_id=invite.candidate_id,
                invite_id=invite.id,
                stage_position=invite.stage_position,
                question_id=qid,
                answer=merged[qid],
            )
        )
    if written:
        db.flush()
        queue.enqueue("score_answers", {"candidate_id": invite.candidate_id}, session=db)
    invite.draft_answers = {}
    notices.submission_confirmation(db, queue, invite, closed_at_deadline=not on_time)
    return submission


def submit(
    db: Session,
    queue: JobQueue,
    invite: Invite,
    *,
    code: str | None,
    answers: dict[str, str],
    confirmed: bool,
    now: datetime | None = None,
    grace: timedelta = DEFAULT_GRACE,
) -> Submission | None:
    """Save the candidate's final code and answers, then queue grading and scoring in the same transaction.

    The single attempt ends here, so the candidate must have `confirmed` it. Returns the code submission (None
    when the stage had no exercise). Raises `ConflictError` before the start, when the link was used already or
    the time (plus `grace`) is up, `InvalidFieldsError` without confirmation, `TooLargeError`/`UsageError` for
    unacceptable code; nothing is saved in that case.
    """
    now = now or utcnow()
    _writable(invite, now, grace)
    source = None
    if invite.exercise_id is not None:
        source = check_source(code if code is not None else invite.draft_code or "")
        if not source.strip():
            raise UsageError("the code is empty", hint="write your solution in the editor, then submit")
    if not confirmed:
        raise InvalidFieldsError(
            "confirm that you are done before submitting",
            fields={"confirm": "tick the box to confirm that you are done; you cannot change your work afterwards"},
            hint="your work is saved; tick the confirmation, then submit",
        )
    if not _claim(db, invite, now):
        raise ConflictError("this assessment was submitted already", hint="each link allows one attempt")
    return _store_work(db, queue, invite, source, answers)


def close_if_time_up(
    db: Session, queue: JobQueue, invite: Invite, *, now: datetime | None = None, grace: timedelta = DEFAULT_GRACE
) -> bool:
    """Submit what the candidate saved before the deadline once their time (plus `grace`) is up.

    The autosaved code (if any was saved) is graded and the saved answers are scored, exactly as if the candidate
    had pressed submit at the deadline. Returns True when this call closed the assessment.
    """
    now = now or utcnow()
    ends = deadline(invite)
    if invite.submitted_at is not None or invite.revoked_at is not None or ends is None:
        return False
    if not time_up(invite, now=now, grace=grace):
        return False
    if not _claim(db, invite, ends):
        return False
    code = invite.draft_code if invite.draft_code and invite.draft_code.strip() else None
    _store_work(db, queue, invite, code, {}, on_time=False)
    return True


def close_overdue(
    db: Session, queue: JobQueue, *, now: datetime | None = None, grace: timedelta = DEFAULT_GRACE
) -> int:
    """Close every started, unsubmitted assessment whose time is up (see `close_if_time_up`); return how many."""
    now = now or utcnow()
    # Only assessments started at least `grace` ago can be over; the exact deadline depends on each one's minutes.
    query = select(Invite).where(
        Invite.submitted_at.is_(None),
        Invite.revoked_at.is_(None),
        Invite.started_at.is_not(None),
        Invite.started_at <= now - grace,
    )
    return sum(close_if_time_up(db, queue, invite, now=now, grace=grace) for invite in db.scalars(query).all())


def submission_of(db: Session, invite: Invite) -> Submission | None:
    """Return the invite's code submission, if any."""
    return db.scalar(select(Submission).where(Submission.invite_id == invite.id).order_by(Submission.id.desc()))


def invites_of(db: Session, candidate_id: int) -> list[Invite]:
    """Return the candidate's assessment links (not live rooms' links), newest first."""
    query = select(Invite).where(Invite.candidate_id == candidate_id, Invite.kind == "assessment")
    return list(db.scalars(query.order_by(Invite.id.desc())))


def submissions_of(db: Session, candidate_id: int) -> list[Submission]:
    """Return the candidate's code submissions, oldest first."""
    query = select(Submission).where(Submission.candidate_id == candidate_id).order_by(Submission.id)
    return list(db.scalars(query))


def stage_submissions(db: Session, candidate_id: int, position: int) -> list[Submission]:
    """Return the candidate's code submissions made through links for the stage at `position`, oldest first."""
    query = (
        select(Submission)
        .join(Invite, Invite.id == Submission.invite_id)
        .where(Submission.candidate_id == candidate_id, Invite.stage_position == position)
        .order_by(Submission.id)
    )
    return list(db.scalars(query))


def summary(submission: Submission) -> dict[str, Any]:
    """Return a submission as JSON for pages and the API."""
    return {
        "id": submission.id,
        "exercise": submission.exercise_id,
        "status": submission.status,
        "result": submission.result,
        "created_at": submission.created_at.isoformat(),
        **attempt_of(submission.invite),
    }


def attempt_of(invite: Invite | None) -> dict[str, Any]:
    """Return which attempt at its stage a result came from: `attempt` (1 is the first) and `attempt_reason`."""
    if invite is None:
        return {"attempt": 1, "attempt_reason": None}
    return {"attempt": invite.attempt, "attempt_reason": invite.attempt_reason}
