"""Candidate assessments: expiring single-attempt links, autosaved drafts, submissions saved before grading."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from mlscreen.bank import Bank, Exercise, KnowledgeQuestion
from mlscreen.errors import AuthenticationError, ConflictError, TooLargeError, UsageError
from mlscreen.store.accounts import token_hash
from mlscreen.store.models import Candidate, Invite, Submission, WrittenAnswer, utcnow
from mlscreen.store.openings import stage_at
from mlscreen.store.queue import JobQueue

MAX_SOURCE = 200_000
MAX_ANSWER = 20_000
DEFAULT_GRACE = timedelta(seconds=60)


@dataclass(frozen=True)
class NewInvite:
    """An invite just created, with the raw token to put in the candidate's link (never stored)."""

    invite: Invite
    token: str


def create_invite(
    db: Session, bank: Bank, candidate: Candidate, *, position: int, days: int = 7, now: datetime | None = None
) -> NewInvite:
    """Create an assessment link for the candidate's stage at `position` and return it with its raw token.

    The stage's exercise (coding stages) and knowledge questions (knowledge stages) make up the assessment.
    Raises `UsageError` when the stage has nothing a candidate can do on their own.
    """
    now = now or utcnow()
    stage = stage_at(candidate.opening, position)
    exercise = next((q for q in stage.question_ids if isinstance(bank.get(q), Exercise)), None)
    questions = [q for q in stage.question_ids if isinstance(bank.get(q), KnowledgeQuestion)]
    if exercise is None and not questions:
        raise UsageError(
            f"the stage {stage.title!r} has no exercise or knowledge questions for a candidate to answer",
            hint="pick an exercise or knowledge questions for the stage first",
        )
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
    )
    db.add(invite)
    db.flush()
    return NewInvite(invite, token)


def open_invite(db: Session, token: str, *, now: datetime | None = None) -> Invite:
    """Return the invite for `token`, starting its timer on first use.

    Raises `AuthenticationError` for an unknown or expired link. A submitted invite still opens (read-only),
    so the candidate can see that their work arrived.
    """
    now = now or utcnow()
    invite = db.scalar(select(Invite).where(Invite.token_hash == token_hash(token)))
    if invite is None or (invite.expires_at <= now and invite.submitted_at is None):
        raise AuthenticationError("this assessment link is not valid or has expired", hint="ask your recruiter")
    if invite.started_at is None:
        invite.started_at = now
    return invite


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
    if invite.submitted_at is not None:
        raise ConflictError("this assessment was submitted already", hint="each link allows one attempt")
    if time_up(invite, now=now, grace=grace):
        raise _time_up_error()


def _check_source(source: str) -> str:
    if len(source.encode("utf-8")) > MAX_SOURCE:
        raise TooLargeError(f"the code is larger than {MAX_SOURCE // 1000} kB", hint="submit a smaller file")
    if "\x00" in source:
        raise UsageError("the code contains NUL bytes", hint="submit plain Python source")
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
        invite.draft_code = _check_source(code)
    known = {q: a[:MAX_ANSWER] for q, a in answers.items() if q in invite.question_ids}
    if known:
        invite.draft_answers = {**invite.draft_answers, **known}


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
    db: Session, queue: JobQueue, invite: Invite, source: str | None, answers: dict[str, str]
) -> Submission | None:
    submission = None
    if invite.exercise_id is not None and source is not None:
        submission = Submission(
            invite_id=invite.id, candidate_id=invite.candidate_id, exercise_id=invite.exercise_id, source=source
        )
        db.add(submission)
        db.flush()
        queue.enqueue("grade", {"submission_id": submission.id}, session=db)
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
    return submission


def submit(
    db: Session,
    queue: JobQueue,
    invite: Invite,
    *,
    code: str | None,
    answers: dict[str, str],
    now: datetime | None = None,
    grace: timedelta = DEFAULT_GRACE,
) -> Submission | None:
    """Save the candidate's final code and answers, then queue grading and scoring in the same transaction.

    Returns the code submission (None when the stage had no exercise). Raises `ConflictError` when the link
    was used already or the time (plus `grace`) is up, `TooLargeError`/`UsageError` for unacceptable code;
    nothing is saved in that case.
    """
    now = now or utcnow()
    _writable(invite, now, grace)
    source = None
    if invite.exercise_id is not None:
        source = _check_source(code if code is not None else invite.draft_code or "")
        if not source.strip():
            raise UsageError("the code is empty", hint="write your solution in the editor, then submit")
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
    if invite.submitted_at is not None or ends is None or not time_up(invite, now=now, grace=grace):
        return False
    if not _claim(db, invite, ends):
        return False
    code = invite.draft_code if invite.draft_code and invite.draft_code.strip() else None
    _store_work(db, queue, invite, code, {})
    return True


def close_overdue(
    db: Session, queue: JobQueue, *, now: datetime | None = None, grace: timedelta = DEFAULT_GRACE
) -> int:
    """Close every started, unsubmitted assessment whose time is up (see `close_if_time_up`); return how many."""
    now = now or utcnow()
    # Only assessments started at least `grace` ago can be over; the exact deadline depends on each one's minutes.
    query = select(Invite).where(
        Invite.submitted_at.is_(None), Invite.started_at.is_not(None), Invite.started_at <= now - grace
    )
    return sum(close_if_time_up(db, queue, invite, now=now, grace=grace) for invite in db.scalars(query).all())


def submission_of(db: Session, invite: Invite) -> Submission | None:
    """Return the invite's code submission, if any."""
    return db.scalar(select(Submission).where(Submission.invite_id == invite.id).order_by(Submission.id.desc()))


def invites_of(db: Session, candidate_id: int) -> list[Invite]:
    """Return the candidate's invites, newest first."""
    return list(db.scalars(select(Invite).where(Invite.candidate_id == candidate_id).order_by(Invite.id.desc())))


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
    }
