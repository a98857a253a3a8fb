"""A candidate's profile fields and CV: edited by those who manage the candidate, the CV served to those who may
view them, as a download only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, UploadFile
from starlette.concurrency import run_in_threadpool
from starlette.responses import FileResponse, Response

from mlscreen import settings
from mlscreen.errors import MlscreenError, TooLargeError
from mlscreen.store.profiles import cv_path, save_cv, update_profile
from mlscreen.web.forms import FormState, first, form_values, save_or_rerender
from mlscreen.web.guard import Ctx, current
from mlscreen.web.routes.candidates import candidate_view

router = APIRouter(include_in_schema=False)
CtxDep = Annotated[Ctx, Depends(current)]


@router.post("/candidates/{candidate_id}/profile", name="candidate_profile")
async def candidate_profile(ctx: CtxDep, candidate_id: int) -> Response:
    """Save the candidate's LinkedIn and GitHub addresses, source and notes (audited)."""
    values = form_values(await ctx.request.form())

    def save() -> str:
        update_profile(
            ctx.db,
            ctx.candidate,
            actor=ctx.me,
            linkedin_url=first(values, "linkedin_url"),
            github_url=first(values, "github_url"),
            source=first(values, "source"),
            notes=first(values, "notes"),
        )
        return f"/candidates/{candidate_id}#profile"

    def rerender(form: FormState, exc: MlscreenError) -> Response:
        return candidate_view(ctx, status=exc.status, error=exc, form=form)

    return await run_in_threadpool(save_or_rerender, ctx, values, save, rerender, done="Profile saved.")


@router.post("/candidates/{candidate_id}/cv", name="candidate_cv_upload")
async def candidate_cv_upload(ctx: CtxDep, candidate_id: int, file: Annotated[UploadFile, File()]) -> Response:
    """Upload the candidate's CV: a PDF (checked by its first bytes) up to `MLSCREEN_MAX_CV_KB`."""
    limit = settings.MAX_CV_KB.get() * 1024
    data = await file.read(limit + 1)
    name = file.filename or "cv.pdf"

    def save() -> str:
        if len(data) > limit:
            raise TooLargeError(f"the CV is larger than {limit // 1024} KiB", hint="upload a smaller PDF")
        save_cv(ctx.db, ctx.candidate, data, filename=name, actor=ctx.me)
        return f"/candidates/{candidate_id}#profile"

    def rerender(_form: FormState, exc: MlscreenError) -> Response:
        return candidate_view(ctx, status=exc.status, error=exc)

    return await run_in_threadpool(save_or_rerender, ctx, {}, save, rerender, done="CV uploaded.")


@router.get("/candidates/{candidate_id}/cv", name="candidate_cv")
def candidate_cv(ctx: CtxDep, candidate_id: int) -> Response:
    """The candidate's CV as a download (never shown inline: it is a file someone else made)."""
    path = cv_path(ctx.candidate, identity_hidden=ctx.identity(ctx.candidate).hidden)
    return FileResponse(
        path,
        media_type="application/pdf",
        filename=f"cv-candidate-{candidate_id}.pdf",
        content_disposition_type="attachment",
        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"},
    )
