"""Openings: a role opened from a bank profile, its loop copied into stages the hiring manager can adjust."""

from __future__ import annotations

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from mlscreen.bank import Bank, Profile, Stage
from mlscreen.bank.kit import select_questions
from mlscreen.bank.models import ITEM_TYPES, Question
from mlscreen.errors import ConflictError, ForbiddenError, NotFoundError, UsageError
from mlscreen.store import audit
from mlscreen.store.models import Candidate, Opening, OpeningMember, OpeningStage, User
from mlscreen.store.names import clean_name

MANAGER_ROLES: tuple[str, ...] = ("hiring_manager", "admin")
STATUSES: tuple[str, ...] = ("open", "closed", "archived")
"""An open role takes new candidates; a closed one only finishes the loops it has; an archived one is also left
out of the lists (its pages, packets and reports stay)."""


def create_opening(
    db: Session,
    bank: Bank,
    *,
    title: str,
    profile_id: str,
    actor: User,
    hiring_manager_id: int | None = None,
    level: str | None = None,
    seed: int = 0,
    blind_review: bool = False,
) -> Opening:
    """Open a role from `profile_id` with the profile's loop and kit questions; return it.

    With `blind_review`, interviewers see its candidates under a pseudonym from the start (store/blind.py).

    The hiring manager (the actor when not given) must be an active user who may manage openings: a hiring
    manager or an admin. Raises `NotFoundError` for an unknown profile, `UsageError` for an empty title, a bad
    level, or a hiring manager who does not exist or may not manage openings.
    """
    if not title.strip():
        raise UsageError("the opening needs a title", hint="e.g. 'Senior ML Engineer, Payments'")
    title = clean_name(title, what="the title")
    if level not in (None, "junior", "mid", "senior"):
        raise UsageError(f"unknown level {level!r}", hint="use junior, mid or senior")
    bank.get(profile_id, Profile)
    manager = hiring_manager_id if hiring_manager_id is not None else actor.id
    check_manager(db, manager)
    opening = Opening(
        title=title,
        profile_id=profile_id,
        level=level,
        seed=seed,
        hiring_manager_id=manager,
        blind_review=blind_review,
    )
    for position, entry in enumerate(bank.loop(profile_id)):
        questions, _ = select_questions(bank, entry, profile=profile_id, seed=seed, level=level)
        opening.stages.append(
            OpeningStage(
                position=position,
                stage_id=entry.stage.id,
                kind=entry.stage.kind,
                title=entry.stage.title,
                duration_min=entry.stage.duration_max,
                interviewer_role=entry.stage.interviewer_role,
                question_ids=[q.id for q in questions],
                rubric_ids=list(entry.stage.rubrics),
            )
        )
    db.add(opening)
    db.flush()
    add_member(db, opening, manager)
    if manager != actor.id:
        add_member(db, opening, actor.id)
    audit.record(
        db,
        actor_id=actor.id,
        action="opening.created",
        object_type="opening",
        object_id=opening.id,
        opening_id=opening.id,
        profile=profile_id,
        blind_review=blind_review,
    )
    return opening


def check_manager(db: Session, user_id: int) -> User:
    """Return the user who is to manage an opening; raises `UsageError` unless they exist, are active and may."""
    user = db.get(User, user_id)
    if user is None or not user.active:
        raise UsageError(
            f"there is no active user with id {user_id} to be the hiring manager",
            hint="pick the hiring manager from the list of users",
        )
    if user.role not in MANAGER_ROLES:
        raise UsageError(
            f"user {user_id} is {user.role.replace('_', ' ')}, and cannot manage an opening",
            hint="the hiring manager must have the hiring manager or admin role",
        )
    return user


def add_member(db: Session, opening: Opening, user_id: int) -> None:
    """Give a user access to the opening (idempotent); raises `NotFoundError` for an unknown user."""
    if db.get(User, user_id) is None:
        raise NotFoundError(f"no user with id {user_id}", hint="pick a user from the list")
    exists = db.scalar(
        select(OpeningMember.id).where(OpeningMember.opening_id == opening.id, OpeningMember.user_id == user_id)
    )
    if exists is None:
        db.add(OpeningMember(opening_id=opening.id, user_id=user_id))
        db.flush()


def member_ids(db: Session, opening_id: int) -> set[int]:
    """Return the ids of users who have access to the opening.

    Remembered for the rest of the session (one request), since every access check asks; adding a member
    through the session forgets it again.
    """
    cache: dict[int, frozenset[int]] = db.info.setdefault(_MEMBERS, {})
    found = cache.get(opening_id)
    if found is None:
        query = select(OpeningMember.user_id).where(OpeningMember.opening_id == opening_id)
        found = cache[opening_id] = frozenset(db.scalars(query))
    return set(found)


_MEMBERS = "mlscreen.member_ids"


@event.listens_for(Session, "before_flush")
def _forget_members(session: Session, _context: object, _instances: object) -> None:
    if any(isinstance(obj, OpeningMember) for obj in (*session.new, *session.deleted, *session.dirty)):
        session.info.pop(_MEMBERS, None)


def visible_openings(db: Session, user: User, *, archived: bool = False) -> list[Opening]:
    """Return the openings `user` may see: all for an admin, else those they are a member of; archived ones
    only when `archived` is true (then only those)."""
    query = select(Opening).order_by(Opening.id)
    query = query.where(Opening.status == "archived") if archived else query.where(Opening.status != "archived")
    if user.role != "admin":
        query = query.join(OpeningMember, OpeningMember.opening_id == Opening.id).where(
            OpeningMember.user_id == user.id
        )
    return list(db.scalars(query))


def manages(actor: User, opening: Opening) -> bool:
    """Return True when `actor` may change the opening: an admin, or its own hiring manager."""
    return actor.role == "admin" or (actor.role == "hiring_manager" and opening.hiring_manager_id == actor.id)


def _check_manages(opening: Opening, actor: User) -> None:
    if not manages(actor, opening):
        raise ForbiddenError("only the opening's hiring manager or an admin can change it", hint="ask one of them")


def rename_opening(db: Session, opening: Opening, *, title: str, actor: User) -> Opening:
    """Give the opening a new title (audited) and return it.

    Raises `UsageError` for an empty or unprintable title and `ForbiddenError` unless `actor` manages it.
    """
    _check_manages(opening, actor)
    if not title.strip():
        raise UsageError("the opening needs a title", hint="e.g. 'Senior ML Engineer, Payments'")
    title = clean_name(title, what="the title")
    if title != opening.title:
        before, opening.title = opening.title, title
        audit.record(
            db,
            actor_id=actor.id,
            action="opening.renamed",
            object_type="opening",
            object_id=opening.id,
            opening_id=opening.id,
            before=before,
            after=title,
        )
    return opening


def set_opening_status(db: Session, opening: Opening, *, status: str, actor: User) -> Opening:
    """Open, close or archive the opening (audited; setting the status it has changes nothing) and return it.

    Raises `UsageError` for an unknown status and `ForbiddenError` unless `actor` manages the opening.
    """
    _check_manages(opening, actor)
    if status not in STATUSES:
        raise UsageError(f"unknown opening status {status!r}", hint=f"use one of: {', '.join(STATUSES)}")
    if status != opening.status:
        before, opening.status = opening.status, status
        audit.record(
            db,
            actor_id=actor.id,
            action="opening.status_changed",
            object_type="opening",
            object_id=opening.id,
            opening_id=opening.id,
            before=before,
            after=status,
        )
    return opening


def check_takes_candidates(opening: Opening) -> None:
    """Raise `ConflictError` unless the opening is open: closed and archived roles take no new candidates."""
    if opening.status != "open":
        raise ConflictError(
            f"the opening is {opening.status} and takes no new candidates",
            hint="its hiring manager can reopen it from the opening's page",
        )


def stage_at(opening: Opening, position: int) -> OpeningStage:
    """Return the opening's stage at `position`; raises `NotFoundError` when there is none."""
    for stage in opening.stages:
        if stage.position == position:
            return stage
    raise NotFoundError(f"the opening has no stage {position}", hint=f"stages are 0-{len(opening.stages) - 1}")


def update_stage(
    db: Session,
    bank: Bank,
    opening: Opening,
    position: int,
    *,
    actor: User,
    duration_min: int | None = None,
    interviewer_role: str | None = None,
    question_ids: list[str] | None = None,
) -> OpeningStage:
    """Adjust one stage (duration, interviewer role, questions) and return it.

    Raises `UsageError` for a duration out of 5-240 minutes or a question that is unknown or of the wrong type.
    """
    stage = stage_at(opening, position)
    if duration_min is not None:
        if not 5 <= duration_min <= 240:
            raise UsageError("the duration must be 5-240 minutes", hint=f"got {duration_min}")
        stage.duration_min = duration_min
    if interviewer_role is not None and interviewer_role.strip():
        stage.interviewer_role = clean_name(interviewer_role, what="the interviewer role")
    if question_ids is not None:
        stage.question_ids = validate_questions(bank, stage, question_ids)
    audit.record(
        db,
        actor_id=actor.id,
        action="opening.stage_changed",
        object_type="opening",
        object_id=opening.id,
        opening_id=opening.id,
        position=position,
        questions=list(stage.question_ids),
    )
    return stage


def validate_questions(bank: Bank, stage: OpeningStage, question_ids: list[str]) -> list[str]:
    """Return the de-duplicated question ids; raises `UsageError` if one is unknown or of the wrong type."""
    kind = bank.get(stage.stage_id, Stage).question_type
    if kind is None:
        if question_ids:
            raise UsageError(f"the stage {stage.title!r} takes no questions", hint="leave the questions empty")
        return []
    wanted = ITEM_TYPES[kind]
    out: list[str] = []
    for qid in question_ids:
        qid = qid.strip()
        if not qid or qid in out:
            continue
        if qid not in bank or not isinstance(bank.get(qid), wanted):
            raise UsageError(f"{qid!r} is not a {kind} question in the bank", hint="pick one from the list offered")
        out.append(qid)
    return out


def alternatives(bank: Bank, opening: Opening, stage: OpeningStage) -> list[Question]:
    """Return the bank questions that could replace or join the stage's questions."""
    kind = bank.get(stage.stage_id, Stage).question_type
    if kind is None:
        return []
    pool = [q for q in bank.items(ITEM_TYPES[kind]) if isinstance(q, Question)]
    return sorted(pool, key=lambda q: (opening.profile_id not in q.profiles, q.id))


def stage_counts(db: Session, opening: Opening) -> dict[int, int]:
    """Return the number of active candidates at each stage position of the opening."""
    rows = db.execute(
        select(Candidate.stage_position, func.count())
        .where(Candidate.opening_id == opening.id, Candidate.status == "active")
        .group_by(Candidate.stage_position)
    )
    counts = {s.position: 0 for s in opening.stages}
    for position, count in rows:
        counts[int(position)] = int(count)
    return counts
