"""Candidates' rights, for admins: find a candidate, download everything stored about them, erase it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from mlscreen import settings
from mlscreen.errors import InvalidFieldsError, MlscreenError
from mlscreen.store.privacy import erase_candidate, export_candidate, find_candidates, vacuum
from mlscreen.store.retention import apply_retention, due, last_runs
from mlscreen.web.forms import FormState, first, save_or_rerender
from mlscreen.web.guard import Ctx, current
from mlscreen.web.templating import render

router = APIRouter()
CtxDep = Annotated[Ctx, Depends(current)]


def _page(
    ctx: Ctx,
    *,
    q: str = "",
    erased: int | None = None,
    retained: int | None = None,
    error: MlscreenError | None = None,
    status: int = 200,
) -> Response:
    days = settings.RETENTION_DAYS.get()
    return render(
        ctx.request,
        "privacy.html",
        status=status,
        q=q,
        found=find_candidates(ctx.db, q),
        erased=erased,
        retained=retained,
        error=error,
        days=days,
        due=due(ctx.db, days=days, now=ctx.request.app.state.clock()),
        runs=last_runs(ctx.db, limit=20),
    )


@router.get("/admin/privacy", name="privacy_page", include_in_schema=False)
def privacy_page(
    ctx: CtxDep,
    q: Annotated[str, Query(max_length=254)] = "",
    erased: Annotated[int | None, Query(ge=1, lt=2**31)] = None,
    retained: Annotated[int | None, Query(ge=0, lt=2**31)] = None,
) -> Response:
    """The retention policy and what it will erase next; find candidates to export or erase their data."""
    return _page(ctx, q=q, erased=erased, retained=retained)


@router.get("/admin/privacy/candidates/{candidate_id}/export", name="candidate_export", include_in_schema=False)
def candidate_export(ctx: CtxDep) -> Response:
    """Everything stored about the candidate, as a ZIP (JSON plus their code files); the export is audited."""
    data = export_candidate(ctx.db, ctx.candidate.id, actor=ctx.me)
    filename = f"candidate-{ctx.candidate.id}.zip"
    return Response(
        data,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


@router.post("/admin/privacy/candidates/{candidate_id}/erase", name="candidate_erase", include_in_schema=False)
async def candidate_erase(ctx: CtxDep) -> Response:
    """Erase the candidate's personal data once the admin typed the candidate's id to confirm."""
    form = await ctx.request.form()
    values = {k: [str(v) for v in form.getlist(k)] for k in form}
    candidate_id = ctx.candidate.id

    def save() -> str:
        if first(values, "confirm").strip() != str(candidate_id):
            raise InvalidFieldsError(
                "the erasure was not confirmed",
                fields={"confirm": f"type {candidate_id}, the candidate's id"},
                hint="erasure cannot be undone: type the candidate's id in the box to confirm",
            )
        erase_candidate(ctx.db, candidate_id, actor=ctx.me)
        return f"/admin/privacy?erased={candidate_id}"

    def rerender(_state: FormState, exc: MlscreenError) -> Response:
        return _page(ctx, q=str(candidate_id), error=exc, status=exc.status)

    response = await run_in_threadpool(save_or_rerender, ctx, values, save, rerender)
    if response.status_code == 303:
        await ctx.release()  # commits the erasure; then the old values leave SQLite's write-ahead log
        await run_in_threadpool(vacuum, ctx.request.app.state.db)
    return response


@router.post("/admin/privacy/retention", name="retention_apply", include_in_schema=False)
async def retention_apply(ctx: CtxDep) -> Response:
    """Apply the retention policy now (it also runs by itself once a day), then show how many were erased."""
    await ctx.release()  # each erasure runs in its own short transaction
    db = ctx.request.app.state.db
    run = await run_in_threadpool(
        apply_retention, db, days=settings.RETENTION_DAYS.get(), now=ctx.request.app.state.clock()
    )
    return RedirectResponse(f"/admin/privacy?retained={len(run.erased)}", status_code=303)
