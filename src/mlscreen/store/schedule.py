"""An interviewer's interviews: upcoming ones by time, scorecards waiting, and scorecards overdue."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session

from mlscreen.store.models import Assignment, Candidate, OpeningStage, Scorecard, User

SCORECARD_OVERDUE_AFTER = timedelta(hours=24)
"""A scorecard not filed this long after its interview's start is overdue."""


@dataclass(frozen=True)
class Interview:
    """One of the user's unscored assignments, with its candidate and stage."""

    assignment: Assignment
    candidate: Candidate
    stage: OpeningStage


@dataclass
class Interviews:
    """The user's unscored assignments, sorted: `upcoming` (scheduled, not over, soonest first, then those not yet
    scheduled), `pending` (the candidate reached the stage: a scorecard is expected) and `overdue` (scheduled
    longer than `SCORECARD_OVERDUE_AFTER` ago, still no scorecard; oldest first), the last two apart."""

    upcoming: list[Interview] = field(default_factory=list)
    pending: list[Interview] = field(default_factory=list)
    overdue: list[Interview] = field(default_factory=list)


def interviews_for(db: Session, user: User, *, now: datetime) -> Interviews:
    """Return the user's interviews with active candidates for which they have filed no scorecard."""
    scored = exists().where(
        and_(
            Scorecard.candidate_id == Assignment.candidate_id,
            Scorecard.stage_position == Assignment.stage_position,
            Scorecard.interviewer_id == Assignment.interviewer_id,
        )
    )
    query = (
        select(Assignment, Candidate)
        .join(Candidate, Candidate.id == Assignment.candidate_id)
        .where(Assignment.interviewer_id == user.id, Candidate.status == "active", ~scored)
        .order_by(Assignment.scheduled_at, Assignment.id)
    )
    out = Interviews()
    for assignment, candidate in db.execute(query).all():
        stage = next((s for s in candidate.opening.stages if s.position == assignment.stage_position), None)
        if stage is None:  # the stage was removed from the loop since: nothing left to interview for
            continue
        item = Interview(assignment, candidate, stage)
        when = assignment.scheduled_at
        if when is not None and when + SCORECARD_OVERDUE_AFTER < now:
            out.overdue.append(item)
            continue
        if when is None or when + timedelta(minutes=stage.duration_min) >= now:
            out.upcoming.append(item)
        if candidate.stage_position >= assignment.stage_position:
            out.pending.append(item)
    out.upcoming.sort(key=lambda i: (i.assignment.scheduled_at is None, i.assignment.scheduled_at or now))
    return out
