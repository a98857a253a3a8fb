"""The portal's optional self-identification page: voluntary, never required, changeable while the link is valid."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from mlscreen.errors import MlscreenError
from mlscreen.store.models import Invite
from mlscreen.store.selfid import RACES, SEXES, own_answers, save_answers, withdraw_answers
from mlscreen.web.forms import EMPTY, FormState, first, form_values, save_or_rerender
from mlscreen.web.guard import Ctx, current
from mlscreen.web.templating import render

router = APIRouter(include_in_schema=False)
CtxDep = Annotated[Ctx, Depends(current)]


def _invite(ctx: Ctx) -> Invite:
    assert ctx.invite is not None  # the guard opened it for every candidate-link route
    return ctx.invite


def _page(
    ctx: Ctx, *, status: int = 200, error: MlscreenError | None = None, form: FormState = EMPTY, saved: str = ""
) -> Response:
    return render(
        ctx.request,
        "selfid.html",
        status=status,
        token=ctx.portal_token,
        answers=own_answers(ctx.db, _invite(ctx)),
        sexes=SEXES,
        races=RACES,
        error=error,
        form=form,
        saved=saved,
    )


@router.get("/assess/{token}/about-you", name="portal_selfid")
def portal_selfid(ctx: CtxDep, token: str, saved: str = "") -> Response:
    """The voluntary self-identification page, with the candidate's current answers (if any)."""
    return _page(ctx, saved=saved if saved in ("saved", "withdrawn") else "")


@router.post("/assess/{token}/about-you", name="portal_selfid_save")
async def portal_selfid_save(ctx: CtxDep, token: str) -> Response:
    """Save, change or withdraw the answers (the "withdraw" button deletes them)."""
    values = form_values(await ctx.request.form())

    def save() -> str:
        invite = _invite(ctx)
        if first(values, "action") == "withdraw":
            withdraw_answers(ctx.db, invite)
            return f"/assess/{token}/about-you?saved=withdrawn"
        save_answers(ctx.db, invite, sex=first(values, "sex"), race=first(values, "race"), now=ctx.now)
        return f"/assess/{token}/about-you?saved=saved"

    def rerender(form: FormState, exc: MlscreenError) -> Response:
        return _page(ctx, status=exc.status, error=exc, form=form)

    return await run_in_threadpool(save_or_rerender, ctx, values, save, rerender)
