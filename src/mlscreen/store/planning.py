"""Openings from a team plan: one opening per hiring wave that has a screening profile in the bank."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from mlscreen.bank import Bank
from mlscreen.errors import ForbiddenError, NotFoundError
from mlscreen.planning import TeamPlan, Wave
from mlscreen.store import audit
from mlscreen.store.models import Opening, User
from mlscreen.store.openings import create_opening

PLANNERS = ("admin", "hiring_manager")


@dataclass
class PlannedOpenings:
    """What `open_plan_roles` did: the openings it created and the waves it skipped (no profile in the bank)."""

    created: list[Opening] = field(default_factory=list)
    skipped: list[Wave] = field(default_factory=list)
    existing: list[Opening] = field(default_factory=list)
    """Open roles of the same title and profile the actor already manages: opening the plan's roles again (a second
    press of the button, a re-run of the command) creates no duplicates."""


def open_plan_roles(db: Session, bank: Bank, plan: TeamPlan, *, actor: User) -> PlannedOpenings:
    """Create one opening per wave of `plan` with a bank profile, owned by `actor`, and audit it; return them.

    A wave for which `actor` already manages an open role of the same title and profile gets no new one (it is
    returned under `existing`), so doing this twice opens each role once. Waves whose profile is None are
    skipped (and returned as such). Raises `ForbiddenError` if `actor` is
    not an admin or hiring manager and `NotFoundError` if a wave names a profile the bank does not have.
    """
    if actor.role not in PLANNERS:
        raise ForbiddenError(
            f"{actor.email} is a {actor.role.replace('_', ' ')}; only admins and hiring managers open roles",
            hint="use the account of a hiring manager or an administrator",
        )
    out = PlannedOpenings()
    already = list(
        db.scalars(
            select(Opening).where(Opening.hiring_manager_id == actor.id, Opening.status == "open").order_by(Opening.id)
        )
    )
    for wave in plan.waves:
        if wave.profile is None:
            out.skipped.append(wave)
            continue
        same = next((o for o in already if (o.title, o.profile_id) == (wave.title, wave.profile)), None)
        if same is not None:
            already.remove(same)
            out.existing.append(same)
            continue
        out.created.append(create_opening(db, bank, title=wave.title, profile_id=wave.profile, actor=actor))
    audit.record(
        db,
        actor_id=actor.id,
        action="plan.roles_opened",
        object_type="user",
        object_id=actor.id,
        openings=[o.id for o in out.created],
        already_open=[o.id for o in out.existing],
        profiles=[o.profile_id for o in out.created],
        skipped_roles=[w.role for w in out.skipped],
        org_model=plan.org.model,
    )
    return out


def planner_by_email(db: Session, email: str) -> User:
    """Return the active admin or hiring manager with this e-mail.

    Raises `NotFoundError` when no active user has it and `ForbiddenError` when the user has another role.
    """
    user = db.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or not user.active:
        raise NotFoundError(f"no active user with e-mail {email!r}", hint="add one with `mlscreen user add`")
    if user.role not in PLANNERS:
        raise ForbiddenError(
            f"{user.email} is a {user.role.replace('_', ' ')}; only admins and hiring managers open roles",
            hint="name a hiring manager or an administrator with --as",
        )
    return user
