"""The replay of how a candidate wrote their code, with the integrity signals drawn from it (advice for people)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.responses import Response

from mlscreen.store.recordings import replay_of
from mlscreen.web.guard import Ctx, current
from mlscreen.web.templating import render

router = APIRouter(include_in_schema=False)
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
