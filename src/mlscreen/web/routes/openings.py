"""Openings: create one from a profile, adjust its stages and questions, add members and candidates."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, UploadFile
from sqlalchemy import select
from starlette.responses import RedirectResponse, Response

from mlscreen.errors import MlscreenError
from mlscreen.store.candidates import add_candidate, import_csv
from mlscreen.store.models import Candidate, User
from mlscreen.store.openings import alternatives, create_opening, member_ids, stage_counts, update_stage
from mlscreen.web.guard import Ctx, current
from mlscreen.web.templating import render

router = APIRouter(include_in_schema=False)
CtxDep = Annotated[Ctx, Depends(current)]
MAX_CSV = 512 * 1024


def _opening_page(ctx: Ctx, *, status: int = 200, error: MlscreenError | None = None, **extra: object) -> Response:
    opening = ctx.opening
    query = select(Candidate).where(Candidate.opening_id == opening.id).order_by(Candidate.id)
    candidates = [c for c in ctx.db.scalars(query) if ctx.can("candidate.view", opening=opening, candidate=c)]
    members = set(member_ids(ctx.db, opening.id))
    users = list(ctx.db.scalars(select(User).where(User.active.is_(True)).order_by(User.name)))
    return render(
        ctx.request,
        "opening.html",
        status=status,
        opening=opening,
        profile=ctx.bank.get(opening.profile_id),
        counts=stage_counts(ctx.db, opening),
        candidates=candidates,
        members=[u for u in users if u.id in members],
        non_members=[u for u in users if u.id not in members],
        alternatives={s.position: alternatives(ctx.bank, opening, s) for s in opening.stages},
        manage=ctx.can("opening.manage", opening=opening),
        add=ctx.can("candidate.manage", opening=opening),
        error=error,
        **extra,
    )


@router.get("/openings/new", name="opening_new_form")
def opening_new_form(ctx: CtxDep) -> Response:
    """The form to open a role from a profile."""
    managers = ctx.db.scalars(select(User).where(User.role == "hiring_manager").order_by(User.name))
    return render(ctx.request, "opening_new.html", profiles=ctx.bank.profiles(), managers=list(managers), error=None)


@router.post("/openings", name="opening_create")
def opening_create(
    ctx: CtxDep,
    title: Annotated[str, Form(max_length=200)],
    profile_id: Annotated[str, Form(max_length=64)],
    level: Annotated[str, Form(max_length=16)] = "",
    hiring_manager_id: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """Open the role with the profile's loop."""
    try:
        with ctx.db.begin_nested():
            opening = create_opening(
                ctx.db,
                ctx.bank,
                title=title,
                profile_id=profile_id,
                actor=ctx.me,
                level=level or None,
                hiring_manager_id=int(hiring_manager_id) if hiring_manager_id.isdigit() else None,
            )
    except MlscreenError as exc:
        managers = ctx.db.scalars(select(User).where(User.role == "hiring_manager").order_by(User.name))
        return render(
            ctx.request,
            "opening_new.html",
            status=exc.status,
            profiles=ctx.bank.profiles(),
            managers=list(managers),
            error=exc,
        )
    return RedirectResponse(f"/openings/{opening.id}", status_code=303)


@router.get("/openings/{opening_id}", name="opening_page")
def opening_page(ctx: CtxDep, opening_id: int) -> Response:
    """The opening: its loop, candidates per stage, members."""
    return _opening_page(ctx)


@router.post("/openings/{opening_id}/stages/{position}", name="opening_stage_update")
def opening_stage_update(
    ctx: CtxDep,
    opening_id: int,
    position: int,
    duration_min: Annotated[int, Form(ge=5, le=240)],
    interviewer_role: Annotated[str, Form(max_length=200)] = "",
    question_ids: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Adjust a stage's duration, interviewer and questions."""
    try:
        with ctx.db.begin_nested():
            update_stage(
                ctx.db,
                ctx.bank,
                ctx.opening,
                position,
                actor=ctx.me,
                duration_min=duration_min,
                interviewer_role=interviewer_role,
                question_ids=question_ids or [],
            )
    except MlscreenError as exc:
        ctx.db.refresh(ctx.opening)
        return _opening_page(ctx, status=exc.status, error=exc)
    return RedirectResponse(f"/openings/{opening_id}#stage-{position}", status_code=303)


@router.post("/openings/{opening_id}/members", name="opening_member_add")
def opening_member_add(ctx: CtxDep, opening_id: int, user_id: Annotated[int, Form()]) -> Response:
    """Give a user access to the opening."""
    from mlscreen.store.openings import add_member

    try:
        with ctx.db.begin_nested():
            add_member(ctx.db, ctx.opening, user_id)
    except MlscreenError as exc:
        return _opening_page(ctx, status=exc.status, error=exc)
    return RedirectResponse(f"/openings/{opening_id}", status_code=303)


@router.post("/openings/{opening_id}/candidates", name="candidate_create")
def candidate_create(
    ctx: CtxDep,
    opening_id: int,
    name: Annotated[str, Form(max_length=200)],
    email: Annotated[str, Form(max_length=254)],
) -> Response:
    """Add one candidate."""
    try:
        with ctx.db.begin_nested():
            candidate = add_candidate(ctx.db, ctx.opening, name=name, email=email)
    except MlscreenError as exc:
        return _opening_page(ctx, status=exc.status, error=exc, form={"name": name, "email": email})
    return RedirectResponse(f"/candidates/{candidate.id}", status_code=303)


@router.post("/openings/{opening_id}/candidates/import", name="candidate_import")
async def candidate_import(ctx: CtxDep, opening_id: int, file: Annotated[UploadFile, File()]) -> Response:
    """Import candidates from a CSV file; any bad row means nothing is imported and every problem is shown."""
    from starlette.concurrency import run_in_threadpool

    data = await file.read(MAX_CSV + 1)
    if len(data) > MAX_CSV:
        from mlscreen.errors import TooLargeError

        raise TooLargeError(f"the CSV file is larger than {MAX_CSV // 1024} KiB", hint="split it into parts")
    added, problems = await run_in_threadpool(import_csv, ctx.db, ctx.opening, data)
    if problems:
        return await run_in_threadpool(lambda: _opening_page(ctx, status=422, row_errors=problems))
    return RedirectResponse(f"/openings/{opening_id}?imported={len(added)}", status_code=303)
