"""Openings: create one from a profile, adjust its stages and questions, add members and candidates."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, File, UploadFile
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from mlscreen.errors import MlscreenError, TooLargeError
from mlscreen.store.accounts import active_users
from mlscreen.store.blind import set_blind_review
from mlscreen.store.candidates import add_candidate, candidates_of, import_csv
from mlscreen.store.openings import (
    MANAGER_ROLES,
    add_member,
    alternatives,
    create_opening,
    member_ids,
    rename_opening,
    set_opening_status,
    stage_counts,
    update_stage,
)
from mlscreen.web.flash import flash
from mlscreen.web.forms import EMPTY, FormState, chosen_id, first, form_values, required_id, save_or_rerender
from mlscreen.web.guard import Ctx, current
from mlscreen.web.templating import render

router = APIRouter(include_in_schema=False)
CtxDep = Annotated[Ctx, Depends(current)]
MAX_CSV = 512 * 1024


def _opening_page(
    ctx: Ctx, *, status: int = 200, error: MlscreenError | None = None, form: FormState = EMPTY, **extra: object
) -> Response:
    opening = ctx.opening
    candidates = [
        c for c in candidates_of(ctx.db, opening.id) if ctx.can("candidate.view", opening=opening, candidate=c)
    ]
    members = set(member_ids(ctx.db, opening.id))
    users = active_users(ctx.db)
    return render(
        ctx.request,
        "opening.html",
        status=status,
        opening=opening,
        profile=ctx.bank.get(opening.profile_id),
        counts=stage_counts(ctx.db, opening),
        candidates=candidates,
        who=ctx.identities(candidates),
        members=[u for u in users if u.id in members],
        non_members=[u for u in users if u.id not in members],
        alternatives={s.position: alternatives(ctx.bank, opening, s) for s in opening.stages},
        reports=ctx.can("packet.view", opening=opening),
        similarity=ctx.can("similarity.view", opening=opening),
        manage=ctx.can("opening.manage", opening=opening),
        add=ctx.can("candidate.manage", opening=opening),
        error=error,
        form=form,
        **extra,
    )


def _new_opening_page(
    ctx: Ctx, *, status: int = 200, error: MlscreenError | None = None, form: FormState = EMPTY
) -> Response:
    managers = active_users(ctx.db, roles=MANAGER_ROLES)
    return render(
        ctx.request,
        "opening_new.html",
        status=status,
        profiles=ctx.bank.profiles(),
        managers=managers,
        error=error,
        form=form,
    )


@router.get("/openings/new", name="opening_new_form")
def opening_new_form(ctx: CtxDep) -> Response:
    """The form to open a role from a profile."""
    return _new_opening_page(ctx)


@router.post("/openings", name="opening_create")
async def opening_create(ctx: CtxDep) -> Response:
    """Open the role with the profile's loop."""
    values = form_values(await ctx.request.form())

    def save() -> str:
        opening = create_opening(
            ctx.db,
            ctx.bank,
            title=first(values, "title"),
            profile_id=first(values, "profile_id"),
            actor=ctx.me,
            level=first(values, "level") or None,
            hiring_manager_id=chosen_id(values, "hiring_manager_id", "a hiring manager"),
            blind_review=first(values, "blind_review") == "on",
        )
        return f"/openings/{opening.id}"

    def rerender(form: FormState, exc: MlscreenError) -> Response:
        return _new_opening_page(ctx, status=exc.status, error=exc, form=form)

    return await run_in_threadpool(save_or_rerender, ctx, values, save, rerender, done="Opening created.")


@router.get("/openings/{opening_id}", name="opening_page")
def opening_page(ctx: CtxDep, opening_id: int) -> Response:
    """The opening: its loop, candidates per stage, members."""
    return _opening_page(ctx)


@router.post("/openings/{opening_id}/stages/{position}", name="opening_stage_update")
async def opening_stage_update(ctx: CtxDep, opening_id: int, position: int) -> Response:
    """Adjust a stage's duration, interviewer and questions."""
    values = form_values(await ctx.request.form())

    def save() -> str:
        update_stage(
            ctx.db,
            ctx.bank,
            ctx.opening,
            position,
            actor=ctx.me,
            duration_min=required_id(values, "duration_min", "a duration in minutes"),
            interviewer_role=first(values, "interviewer_role"),
            question_ids=values.get("question_ids") or [],
        )
        return f"/openings/{opening_id}#stage-{position}"

    def rerender(form: FormState, exc: MlscreenError) -> Response:
        ctx.db.refresh(ctx.opening)
        return _opening_page(ctx, status=exc.status, error=exc, form=form)

    return await run_in_threadpool(save_or_rerender, ctx, values, save, rerender, done="Stage saved.")


async def _change_opening(ctx: Ctx, change: Callable[[dict[str, list[str]]], object], fragment: str = "") -> Response:
    """Apply one manager's change from a form of the opening's page, then show the page again (or the form with
    its error)."""
    values = form_values(await ctx.request.form())

    def save() -> str:
        change(values)
        return f"/openings/{ctx.opening.id}{fragment}"

    def rerender(form: FormState, exc: MlscreenError) -> Response:
        return _opening_page(ctx, status=exc.status, error=exc, form=form)

    return await run_in_threadpool(save_or_rerender, ctx, values, save, rerender)


@router.post("/openings/{opening_id}/blind-review", name="opening_blind_review")
async def opening_blind_review(ctx: CtxDep, opening_id: int) -> Response:
    """Turn blind review on or off (audited): interviewers then see candidates under a pseudonym."""
    return await _change_opening(
        ctx,
        lambda v: set_blind_review(ctx.db, ctx.opening, enabled=first(v, "blind_review") == "on", actor=ctx.me),
        "#blind-review",
    )


@router.post("/openings/{opening_id}/title", name="opening_rename")
async def opening_rename(ctx: CtxDep, opening_id: int) -> Response:
    """Give the opening a new title (audited)."""
    return await _change_opening(
        ctx, lambda v: rename_opening(ctx.db, ctx.opening, title=first(v, "title"), actor=ctx.me)
    )


@router.post("/openings/{opening_id}/status", name="opening_status")
async def opening_status(ctx: CtxDep, opening_id: int) -> Response:
    """Close, reopen or archive the opening (audited)."""
    return await _change_opening(
        ctx, lambda v: set_opening_status(ctx.db, ctx.opening, status=first(v, "status"), actor=ctx.me)
    )


@router.post("/openings/{opening_id}/members", name="opening_member_add")
async def opening_member_add(ctx: CtxDep, opening_id: int) -> Response:
    """Give a user access to the opening."""
    values = form_values(await ctx.request.form())

    def save() -> str:
        add_member(ctx.db, ctx.opening, required_id(values, "user_id", "a user"))
        return f"/openings/{opening_id}"

    def rerender(form: FormState, exc: MlscreenError) -> Response:
        return _opening_page(ctx, status=exc.status, error=exc, form=form)

    return await run_in_threadpool(save_or_rerender, ctx, values, save, rerender, done="Access given.")


@router.post("/openings/{opening_id}/candidates", name="candidate_create")
async def candidate_create(ctx: CtxDep, opening_id: int) -> Response:
    """Add one candidate."""
    values = form_values(await ctx.request.form())

    def save() -> str:
        candidate = add_candidate(ctx.db, ctx.opening, name=first(values, "name"), email=first(values, "email"))
        return f"/candidates/{candidate.id}"

    def rerender(form: FormState, exc: MlscreenError) -> Response:
        return _opening_page(ctx, status=exc.status, error=exc, form=form)

    return await run_in_threadpool(save_or_rerender, ctx, values, save, rerender, done="Candidate added.")


@router.post("/openings/{opening_id}/candidates/import", name="candidate_import")
async def candidate_import(ctx: CtxDep, opening_id: int, file: Annotated[UploadFile, File()]) -> Response:
    """Import candidates from a CSV file; any bad row means nothing is imported and every problem is shown."""
    data = await file.read(MAX_CSV + 1)
    if len(data) > MAX_CSV:
        raise TooLargeError(f"the CSV file is larger than {MAX_CSV // 1024} KiB", hint="split it into parts")
    added, problems = await run_in_threadpool(import_csv, ctx.db, ctx.opening, data)
    if problems:
        return await run_in_threadpool(lambda: _opening_page(ctx, status=422, row_errors=problems))
    done = RedirectResponse(f"/openings/{opening_id}?imported={len(added)}", status_code=303)
    return flash(ctx.request, done, f"{len(added)} candidate(s) imported.")
