"""A candidate: their stage, interviewers, assessment links, submissions, scorecards (as policy allows)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from mlscreen import settings
from mlscreen.errors import MlscreenError
from mlscreen.store import notices
from mlscreen.store.accounts import user_zone, users_with_ids
from mlscreen.store.assessments import create_invite, invite_of, invites_of, revoke_invite, submissions_of
from mlscreen.store.blind import reveal
from mlscreen.store.candidates import (
    assign_interviewer,
    assignments,
    move_candidate,
    remove_assignment,
    set_status,
)
from mlscreen.store.openings import member_ids
from mlscreen.store.packet import decision_of
from mlscreen.store.recordings import signals_of
from mlscreen.store.scorecards import answers_of, scorecards_of
from mlscreen.store.similarity import similar_by_submission
from mlscreen.web.forms import EMPTY, FormState, first, form_values, required_id, save_or_rerender
from mlscreen.web.guard import Ctx, current
from mlscreen.web.links import page_link, portal_link
from mlscreen.web.policy import sees_all_scorecards, visible_scorecards
from mlscreen.web.templating import render
from mlscreen.zones import check_zone, from_wall_clock

router = APIRouter(include_in_schema=False)
CtxDep = Annotated[Ctx, Depends(current)]


def candidate_view(
    ctx: Ctx,
    *,
    status: int = 200,
    error: MlscreenError | None = None,
    link: str | None = None,
    form: FormState = EMPTY,
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
    users = users_with_ids(ctx.db, members)
    submissions = submissions_of(ctx.db, candidate.id)
    similar = None
    if ctx.can("similarity.view", opening=opening, candidate=candidate):
        similar = similar_by_submission(ctx.db, [s.id for s in submissions], all_openings=ctx.me.role == "admin")
    return render(
        ctx.request,
        "candidate.html",
        status=status,
        candidate=candidate,
        opening=opening,
        assignments=assignments(ctx.db, candidate),
        invites=invites_of(ctx.db, candidate.id),
        submissions=submissions,
        integrity=signals_of(ctx.db, ctx.bank, candidate.id),
        similar=similar,
        answers=answers_of(ctx.db, candidate.id),
        scorecards=visible,
        hidden_count=len(cards) - len(visible),
        hidden_stages=hidden_stages,
        members=users,
        decision=decision_of(ctx.db, candidate.id),
        who=ctx.identity(candidate),
        reveal=opening.blind_review
        and candidate.revealed_at is None
        and ctx.can("candidate.reveal", opening=opening, candidate=candidate),
        manage=ctx.can("candidate.manage", opening=opening, candidate=candidate),
        packet=ctx.can("packet.view", opening=opening, candidate=candidate),
        error=error,
        link=link,
        form=form,
        max_cv_kb=settings.MAX_CV_KB.get(),
    )


@router.get("/candidates/{candidate_id}", name="candidate_page")
def candidate_page(ctx: CtxDep, candidate_id: int) -> Response:
    """The candidate's record."""
    return candidate_view(ctx)


@router.post("/candidates/{candidate_id}/stage", name="candidate_move")
async def candidate_move(ctx: CtxDep, candidate_id: int) -> Response:
    """Move the candidate to another stage (audited)."""
    values = form_values(await ctx.request.form())

    def save() -> str:
        position = required_id(values, "position", "a stage")
        move_candidate(ctx.db, ctx.candidate, position=position, actor=ctx.me)
        return f"/candidates/{candidate_id}"

    def rerender(form: FormState, exc: MlscreenError) -> Response:
        return candidate_view(ctx, status=exc.status, error=exc, form=form)

    return await run_in_threadpool(save_or_rerender, ctx, values, save, rerender, done="Moved to the new stage.")


@router.post("/candidates/{candidate_id}/status", name="candidate_status")
async def candidate_status(ctx: CtxDep, candidate_id: int) -> Response:
    """Reject, withdraw or reactivate the candidate (audited); leaving the process ends their assessment links."""
    values = form_values(await ctx.request.form())

    def save() -> str:
        status, reason = first(values, "status"), first(values, "reason")
        set_status(ctx.db, ctx.candidate, status=status, actor=ctx.me, reason=reason)
        return f"/candidates/{candidate_id}"

    def rerender(form: FormState, exc: MlscreenError) -> Response:
        return candidate_view(ctx, status=exc.status, error=exc, form=form)

    return await run_in_threadpool(save_or_rerender, ctx, values, save, rerender, done="Status saved.")


@router.post("/candidates/{candidate_id}/assignments", name="candidate_assign")
async def candidate_assign(ctx: CtxDep, candidate_id: int) -> Response:
    """Assign an interviewer to a stage, optionally with a time."""
    values = form_values(await ctx.request.form())

    def save() -> str:
        position = required_id(values, "position", "a stage")
        interviewer_id = required_id(values, "interviewer_id", "an interviewer")
        scheduled_at = first(values, "scheduled_at")
        zone_name = check_zone(first(values, "timezone") or user_zone(ctx.me))
        when = from_wall_clock(scheduled_at, zone_name) if scheduled_at else None
        found = assign_interviewer(
            ctx.db,
            ctx.candidate,
            position=position,
            interviewer_id=interviewer_id,
            scheduled_at=when,
            timezone=zone_name,
        )
        link = page_link(ctx.request, "candidate_page", candidate_id=candidate_id)
        notices.interviewer_assignment(ctx.db, ctx.queue, found, ctx.candidate, link=link, key=ctx.pseudonym_key)
        return f"/candidates/{candidate_id}"

    def rerender(form: FormState, exc: MlscreenError) -> Response:
        return candidate_view(ctx, status=exc.status, error=exc, form=form)

    return await run_in_threadpool(save_or_rerender, ctx, values, save, rerender, done="Interviewer assigned.")


@router.post("/candidates/{candidate_id}/assignments/{assignment_id}/remove", name="candidate_unassign")
async def candidate_unassign(ctx: CtxDep, candidate_id: int, assignment_id: int) -> Response:
    """Remove an interviewer from a stage; a scheduled interview's calendar event is cancelled by e-mail."""
    values = form_values(await ctx.request.form())

    def save() -> str:
        found = remove_assignment(ctx.db, ctx.candidate, assignment_id, actor=ctx.me)
        host = urlsplit(ctx.request.app.state.base_url).hostname or "mlscreen"
        notices.interview_cancelled(ctx.db, ctx.queue, found, ctx.candidate, host=host, key=ctx.pseudonym_key)
        return f"/candidates/{candidate_id}"

    def rerender(form: FormState, exc: MlscreenError) -> Response:
        return candidate_view(ctx, status=exc.status, error=exc, form=form)

    return await run_in_threadpool(save_or_rerender, ctx, values, save, rerender)


@router.post("/candidates/{candidate_id}/reveal", name="candidate_reveal")
async def candidate_reveal(ctx: CtxDep, candidate_id: int) -> Response:
    """Reveal a blind-reviewed candidate's identity to everyone on the opening (audited, with an optional reason)."""
    values = form_values(await ctx.request.form())

    def save() -> str:
        reveal(ctx.db, ctx.candidate, actor=ctx.me, reason=first(values, "reason"))
        return f"/candidates/{candidate_id}"

    def rerender(form: FormState, exc: MlscreenError) -> Response:
        return candidate_view(ctx, status=exc.status, error=exc, form=form)

    return await run_in_threadpool(save_or_rerender, ctx, values, save, rerender, done="Interviewer removed.")


@router.post("/candidates/{candidate_id}/invites", name="candidate_invite")
async def candidate_invite(ctx: CtxDep, candidate_id: int) -> Response:
    """Create an assessment link and show it once (only its hash is stored); a second attempt needs a reason."""
    values = form_values(await ctx.request.form())

    def save() -> Response:
        new = create_invite(
            ctx.db,
            ctx.bank,
            ctx.candidate,
            position=required_id(values, "position", "a stage"),
            days=settings.INVITE_DAYS.get(),
            actor=ctx.me,
            second_attempt_reason=first(values, "second_attempt_reason"),
        )
        link = portal_link(ctx.request, new.token)
        notices.assessment_invitation(ctx.db, ctx.queue, new.invite, link=link)
        return candidate_view(ctx, link=link)

    def rerender(form: FormState, exc: MlscreenError) -> Response:
        return candidate_view(ctx, status=exc.status, error=exc, form=form)

    return await run_in_threadpool(save_or_rerender, ctx, values, save, rerender)


@router.post("/candidates/{candidate_id}/invites/{invite_id}/revoke", name="candidate_invite_revoke")
async def candidate_invite_revoke(ctx: CtxDep, candidate_id: int, invite_id: int) -> Response:
    """Revoke an assessment link, with a reason (audited): it opens no more."""
    values = form_values(await ctx.request.form())

    def save() -> str:
        invite = invite_of(ctx.db, ctx.candidate, invite_id)
        revoke_invite(ctx.db, invite, actor=ctx.me, reason=first(values, "reason"))
        return f"/candidates/{candidate_id}"

    def rerender(form: FormState, exc: MlscreenError) -> Response:
        return candidate_view(ctx, status=exc.status, error=exc, form=form)

    return await run_in_threadpool(save_or_rerender, ctx, values, save, rerender, done="Link revoked.")
