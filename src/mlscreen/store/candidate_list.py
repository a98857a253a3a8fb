"""The candidates list at scale: search, filters, sorting and pages over every candidate a user may see, and the
bulk actions on a selection (move, reject with a reason)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, func, or_, select
from sqlalchemy.orm import Session

from mlscreen.errors import ForbiddenError, MlscreenError, NotFoundError, UsageError
from mlscreen.store.blind import searchable_by_identity
from mlscreen.store.candidates import move_candidate, set_status
from mlscreen.store.models import CANDIDATE_STATUSES, Assignment, Candidate, Opening, OpeningMember, User

PER_PAGE = 25
MAX_PER_PAGE = 100
MAX_SELECTED = 500
SORTS: dict[str, tuple[Any, ...]] = {
    "newest": (Candidate.created_at.desc(), Candidate.id.desc()),
    "oldest": (Candidate.created_at, Candidate.id),
    "name": (func.lower(Candidate.name), Candidate.id),
    "stage": (Candidate.stage_position.desc(), Candidate.id),
    "status": (Candidate.status, Candidate.id),
}
"""The list's orders, by the name the page uses."""


@dataclass(frozen=True)
class CandidateFilter:
    """What the list shows: a search in names and e-mail addresses, filters, the order and the page (from 1)."""

    text: str = ""
    opening_id: int | None = None
    stage: int | None = None
    status: str | None = None
    interviewer_id: int | None = None
    sort: str = "newest"
    page: int = 1
    per_page: int = PER_PAGE

    def checked(self) -> CandidateFilter:
        """Return the filter itself; raises `UsageError` for an unknown status or order or a bad page size."""
        if self.status is not None and self.status not in CANDIDATE_STATUSES:
            raise UsageError(f"unknown status {self.status[:30]!r}", hint=f"use one of {', '.join(CANDIDATE_STATUSES)}")
        if self.sort not in SORTS:
            raise UsageError(f"unknown order {self.sort[:30]!r}", hint=f"use one of {', '.join(SORTS)}")
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise UsageError(f"a page holds 1 to {MAX_PER_PAGE} candidates", hint="choose a smaller page size")
        if len(self.text) > 200:
            raise UsageError("the search is too long", hint="search with at most 200 characters")
        return self


@dataclass
class CandidatePage:
    """One page of the list: its candidates, how many match in all, and the page numbers."""

    candidates: list[Candidate]
    total: int
    page: int
    pages: int
    filter: CandidateFilter = field(default_factory=CandidateFilter)


def visible_to(user: User) -> ColumnElement[bool]:
    """Return the condition on `Candidate` that keeps the candidates `user` may see (as the access policy does:
    admins every one, members of an opening its candidates, interviewers only those they interview)."""
    if user.role == "admin":
        return Candidate.id.is_not(None)
    # Uncorrelated IN subqueries: each runs once, where a correlated EXISTS would run for every candidate row.
    member = Candidate.opening_id.in_(select(OpeningMember.opening_id).where(OpeningMember.user_id == user.id))
    if user.role == "interviewer":
        return member & Candidate.id.in_(_assigned_to(user.id))
    return member


def _assigned_to(user_id: int) -> Select[int]:
    return select(Assignment.candidate_id).where(Assignment.interviewer_id == user_id)


def _filtered(user: User, wanted: CandidateFilter) -> Select[Candidate]:
    query = select(Candidate).where(visible_to(user))
    text = wanted.text.strip().lower()
    if text:
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        query = query.where(
            or_(func.lower(Candidate.name).like(pattern, escape="\\"), Candidate.email.like(pattern, escape="\\")),
            searchable_by_identity(user),
        )
    if wanted.opening_id is not None:
        query = query.where(Candidate.opening_id == wanted.opening_id)
    if wanted.stage is not None:
        query = query.where(Candidate.stage_position == wanted.stage)
    if wanted.status is not None:
        query = query.where(Candidate.status == wanted.status)
    if wanted.interviewer_id is not None:
        query = query.where(Candidate.id.in_(_assigned_to(wanted.interviewer_id)))
    return query


def list_candidates(db: Session, user: User, wanted: CandidateFilter) -> CandidatePage:
    """Return the page of candidates `user` may see that match `wanted`; raises `UsageError` for a bad filter.

    A page past the last shows the last.
    """
    wanted = wanted.checked()
    query = _filtered(user, wanted)
    total = db.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    pages = max(1, -(-total // wanted.per_page))
    page = min(max(1, wanted.page), pages)
    rows = db.scalars(query.order_by(*SORTS[wanted.sort]).limit(wanted.per_page).offset((page - 1) * wanted.per_page))
    return CandidatePage(list(rows.unique()), total, page, pages, wanted)


def openings_visible_to(db: Session, user: User) -> list[Opening]:
    """Return the openings `user` has access to (all for an admin), by title: the list's opening filter."""
    query = select(Opening).order_by(Opening.title, Opening.id)
    if user.role != "admin":
        query = query.where(exists().where(OpeningMember.opening_id == Opening.id, OpeningMember.user_id == user.id))
    return list(db.scalars(query))


def colleagues_of(db: Session, user: User) -> list[User]:
    """Return the active users who share an opening with `user` (every active user for an admin), by name: the
    list's interviewer filter, which names no one the user could not meet on an opening's page."""
    query = select(User).where(User.active.is_(True)).order_by(User.name, User.id)
    if user.role != "admin":
        mine = select(OpeningMember.opening_id).where(OpeningMember.user_id == user.id)
        query = query.where(exists().where(OpeningMember.user_id == User.id, OpeningMember.opening_id.in_(mine)))
    return list(db.scalars(query))


def selected(db: Session, ids: list[int], may_manage: Callable[[Candidate], bool]) -> list[Candidate]:
    """Return the candidates with `ids`, each checked with `may_manage(candidate)`.

    Raises `UsageError` when none or too many are chosen, `NotFoundError` for an unknown id and `ForbiddenError`
    when any of them may not be managed by the asking user (then nothing is done to any).
    """
    if not ids:
        raise UsageError("no candidate is selected", hint="tick the candidates first")
    if len(ids) > MAX_SELECTED:
        raise UsageError(f"at most {MAX_SELECTED} candidates at once", hint="select fewer")
    found = {c.id: c for c in db.scalars(select(Candidate).where(Candidate.id.in_(ids)))}
    chosen = []
    for candidate_id in dict.fromkeys(ids):
        candidate = found.get(candidate_id)
        if candidate is None:
            raise NotFoundError("a selected candidate no longer exists", hint="reload the list")
        if not may_manage(candidate):
            raise ForbiddenError(
                f"you may not change {candidate.name}'s application", hint="select only candidates of your openings"
            )
        chosen.append(candidate)
    return chosen


def move_all(db: Session, candidates: list[Candidate], *, position: int, actor: User) -> int:
    """Move every one of `candidates` to the stage at `position` of their opening (audited each); return how many.

    All or nothing: the first refusal (unknown stage, a decision made, not active) raises with the candidate named.
    """
    for candidate in candidates:
        _named(candidate, partial(move_candidate, db, candidate, position=position, actor=actor))
    return len(candidates)


def reject_all(db: Session, candidates: list[Candidate], *, reason: str, actor: User) -> int:
    """Reject every one of `candidates` with `reason` (required; audited each); return how many. All or nothing."""
    if not reason.strip():
        raise UsageError("rejecting needs a reason", hint="say why, for the audit log")
    for candidate in candidates:
        _named(candidate, partial(set_status, db, candidate, status="rejected", actor=actor, reason=reason))
    return len(candidates)


def _named(candidate: Candidate, action: Callable[[], object]) -> None:
    try:
        action()
    except MlscreenError as exc:
        exc.message = f"{candidate.name}: {exc.message}"  # which of the selection was refused
        raise
