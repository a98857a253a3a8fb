"""Scorecard drafts: the kit page's autosave of what the interviewer has written so far."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.concurrency import run_in_threadpool
from starlette.responses import PlainTextResponse, Response

from mlscreen.errors import MlscreenError
from mlscreen.store.drafts import save_draft
from mlscreen.web.forms import form_values
from mlscreen.web.guard import Ctx, current

router = APIRouter(include_in_schema=False)
CtxDep = Annotated[Ctx, Depends(current)]


@router.post("/candidates/{candidate_id}/stages/{position}/scorecard/draft", name="scorecard_draft")
async def scorecard_draft(ctx: CtxDep, candidate_id: int, position: int) -> Response:
    """Keep the scorecard form as the signed-in interviewer's draft; answer a short status line (plain text)."""
    values = form_values(await ctx.request.form())

    def save() -> Response:
        try:
            with ctx.db.begin_nested():
                draft = save_draft(ctx.db, ctx.candidate, position=position, author=ctx.me, values=values, now=ctx.now)
        except MlscreenError as exc:
            return PlainTextResponse(f"Draft not saved: {exc.message}", status_code=exc.status)
        return PlainTextResponse(f"Draft saved at {draft.updated_at.strftime('%H:%M:%S')} UTC (only you can see it).")

    return await run_in_threadpool(save)
