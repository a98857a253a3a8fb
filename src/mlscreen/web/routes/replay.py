"""The replay of how a candidate wrote their code, with the integrity signals drawn from it (advice for people)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from starlette.responses import Response

from mlscreen.store.recordings import replay_of
from mlscreen.web.api_models import ERRORS, ReplayOut
from mlscreen.web.guard import Ctx, current
from mlscreen.web.templating import render

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["api"], responses=ERRORS)
CtxDep = Annotated[Ctx, Depends(current)]


@router.get("/candidates/{candidate_id}/invites/{invite_id}/replay", name="assessment_replay")
def assessment_replay(ctx: CtxDep, candidate_id: int, invite_id: int) -> Response:
    """The session recording of one assessment link as a player: scrubber, speeds, events beside the code."""
    view = replay_of(ctx.db, ctx.bank, ctx.candidate, invite_id)
    return render(
        ctx.request,
        "replay.html",
        candidate=ctx.candidate,
        view=view,
        report=view.report.to_json(),
        stage=ctx.candidate.opening.stages[view.invite.stage_position].title
        if view.invite.stage_position < len(ctx.candidate.opening.stages)
        else "",
    )


@api.get(
    "/candidates/{candidate_id}/invites/{invite_id}/replay", name="api_assessment_replay", response_model=ReplayOut
)
def api_assessment_replay(ctx: CtxDep, candidate_id: int, invite_id: int) -> dict[str, Any]:
    """The session recording of one assessment link, its events and integrity signals (advice, never a verdict)."""
    view = replay_of(ctx.db, ctx.bank, ctx.candidate, invite_id)
    return {
        "invite_id": view.invite.id,
        "submission_id": view.submission.id if view.submission else None,
        "capped": bool(view.recording and view.recording.capped_at),
        "events": view.events,
        "integrity": view.report.to_json(),
    }
