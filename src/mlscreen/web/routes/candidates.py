"""A candidate: their stage, interviewers, assessment links, submissions, scorecards (as policy allows)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form
from sqlalchemy import select
from starlette.responses import RedirectResponse, Response

from mlscreen import settings
from mlscreen.errors import MlscreenError, UsageError
from mlscreen.store.assessments import create_invite, invites_of, submissions_of
from mlscreen.store.candidates import assign_interviewer, assignments, move_candidate, set_status
from mlscreen.store.models import User
from mlscreen.store.openings import member_ids
from mlscreen.store.packet import decision_of
from mlscreen.store.scorecards import answers_of, scorecards_of
from mlscreen.web.guard import Ctx, current
from mlscreen.web.links import portal_link
from mlscreen.web.policy import sees_all_scorecards, visible_scorecards
from mlscreen.web.templating import render

router = APIRouter(include_in_schema=False)
CtxDep = Annotated[Ctx, Depends(current)]


def candidate_view(
    ctx: Ctx, *, status: int = 200, error: MlscreenError | None = None, link: str | None = None
) -> Response:
    """Render the candidate page for the signed-in user."""
    candidate = ctx.candidate
    opening = candidate.opening
    cards = scorecards_of(ctx.db, candidate.id)
    visible = visible_scorecards(ctx.db, ctx.me, candidate, cards)
    hidden_stages = sorted(
        {c.stage_position for c in cards if c not in visible}
        | {s.position for s in opening.stages if not sees_all_scorecards(ctx.db, ctx.me, candidate, s.position)}
    )
    members = member_ids(ctx.db, opening.id)
    users = list(ctx.db.scalars(select(User).where(User.id.in_(members)).order_by(User.name)))
    return render(
        ctx.request,
        "candidate.html",
        status=status,
        candidate=candidate,
        opening=opening,
        assignments=assignments(ctx.db, candidate),
        invites=invites_of(ctx.db, candidate.id),
        submissions=submissions_of(ctx.db, candidate.id),
        answers=answers_of(ctx.db, candidate.id),
        scorecards=visible,
        hidden_count=len(cards) - len(visible),
        hidden_stages=hidden_stages,
        members=users,
        decision=decision_of(ctx.db, candidate.id),
        manage=ctx.can("candidate.manage", opening=opening, candidate=candidate),
        packet=ctx.can("packet.view", opening=opening, candidate=candidate),
        error=error,
        link=link,
    )


@router.get("/candidates/{candidate_id}", name="candidate_page")
def candidate_page(ctx: CtxDep, candidate_id: int) -> Response:
    """The candidate's record."""
    return candidate_view(ctx)


@router.post("/candidates/{candidate_id}/stage", name="candidate_move")
def candidate_move(ctx: CtxDep, candidate_id: int, position: Annotated[int, Form(ge=0, le=50)]) -> Response:
    """Move the candidate to another stage (audited)."""
    try:
        with ctx.db.begin_nested():
            move_candidate(ctx.db, ctx.candidate, position=position, actor=ctx.me)
    except MlscreenError as exc:
        return candidate_view(ctx, status=exc.status, error=exc)
    return RedirectResponse(f"/candidates/{candidate_id}", status_code=303)


@router.post("/candidates/{candidate_id}/status", name="candidate_status")
def candidate_status(
    ctx: CtxDep,
    candidate_id: int,
    status: Annotated[str, Form(max_length=16)],
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Reject, withdraw or reactivate the candidate (audited)."""
    try:
        with ctx.db.begin_nested():
            if status == "hired":
                raise UsageError("hiring is a decision", hint="record it from the decision packet")
            set_status(ctx.db, ctx.candidate, status=status, actor=ctx.me, reason=reason)
    except MlscreenError as exc:
        return candidate_view(ctx, status=exc.status, error=exc)
    return RedirectResponse(f"/candidates/{candidate_id}", status_code=303)


@router.post("/candidates/{candidate_id}/assignments", name="candidate_assign")
def candidate_assign(
    ctx: CtxDep,
    candidate_id: int,
    position: Annotated[int, Form(ge=0, le=50)],
    interviewer_id: Annotated[int, Form()],
    scheduled_at: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """Assign an interviewer to a stage, optionally with a time."""
    try:
        with ctx.db.begin_nested():
            when = None
            if scheduled_at:
                try:
                    when = datetime.fromisoformat(scheduled_at).replace(tzinfo=UTC)
                except ValueError:
                    raise UsageError("the time is not valid", hint="use the date picker") from None
            assign_interviewer(
                ctx.db, ctx.candidate, position=position, interviewer_id=interviewer_id, scheduled_at=when
            )
    except MlscreenError as exc:
        return candidate_view(ctx, status=exc.status, error=exc)
    return RedirectResponse(f"/candidates/{candidate_id}", status_code=303)


@router.post("/candidates/{candidate_id}/invites", name="candidate_invite")
def candidate_invite(ctx: CtxDep, candidate_id: int, position: Annotated[int, Form(ge=0, le=50)]) -> Response:
    """Create an assessment link and show it once (only its hash is stored)."""
    try:
        with ctx.db.begin_nested():
            days = settings.INVITE_DAYS.get()
            new = create_invite(ctx.db, ctx.bank, ctx.candidate, position=position, days=days)
    except MlscreenError as exc:
        return candidate_view(ctx, status=exc.status, error=exc)
    link = portal_link(ctx.request, new.token)
    return candidate_view(ctx, link=link)
