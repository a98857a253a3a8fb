"""Dashboard, openings list, users and the audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from mlscreen.errors import InvalidFieldsError, MlscreenError
from mlscreen.store import audit
from mlscreen.store.accounts import all_users, create_user, get_user, set_active, strong_password
from mlscreen.store.models import ROLES
from mlscreen.store.openings import stage_counts, visible_openings
from mlscreen.store.resets import invite_staff
from mlscreen.store.schedule import interviews_for
from mlscreen.web.forms import EMPTY, FormState, first, form_values, save_or_rerender
from mlscreen.web.guard import Ctx, current
from mlscreen.web.links import page_link
from mlscreen.web.templating import render

router = APIRouter(include_in_schema=False)
CtxDep = Annotated[Ctx, Depends(current)]


@router.get("/", name="dashboard")
def dashboard(ctx: CtxDep) -> Response:
    """My upcoming interviews, my pending and overdue scorecards, and candidates per stage of my openings."""
    me = ctx.me
    mine = interviews_for(ctx.db, me, now=ctx.now)
    openings = [(o, stage_counts(ctx.db, o)) for o in visible_openings(ctx.db, me)]
    return render(
        ctx.request,
        "dashboard.html",
        upcoming=mine.upcoming,
        pending=mine.pending,
        overdue=mine.overdue,
        openings=openings,
        who=ctx.identities(row.candidate for row in (*mine.upcoming, *mine.pending, *mine.overdue)),
    )


@router.get("/openings", name="openings")
def openings(ctx: CtxDep, archived: bool = False) -> Response:
    """The openings I have access to: open and closed ones, or with `?archived=true` the archived ones."""
    rows = [(o, stage_counts(ctx.db, o)) for o in visible_openings(ctx.db, ctx.me, archived=archived)]
    return render(ctx.request, "openings.html", openings=rows, archived=archived)


@router.get("/admin/audit", name="audit_page")
def audit_page(ctx: CtxDep) -> Response:
    """The newest audit events."""
    users = {u.id: u for u in all_users(ctx.db)}
    return render(ctx.request, "audit.html", events=audit.events(ctx.db), users=users, describe=audit.describe)


def _users_page(
    ctx: Ctx, *, status: int = 200, error: MlscreenError | None = None, form: FormState = EMPTY
) -> Response:
    users = all_users(ctx.db)
    return render(ctx.request, "users.html", status=status, users=users, roles=ROLES, error=error, form=form)


@router.get("/admin/users", name="users_page")
def users_page(ctx: CtxDep) -> Response:
    """Everyone who can sign in."""
    return _users_page(ctx)


@router.post("/admin/users/{user_id}/active", name="user_active")
async def user_active(ctx: CtxDep, user_id: int) -> Response:
    """Deactivate a user (their sessions end at once, their history stays) or activate them again."""
    values = form_values(await ctx.request.form())

    def save() -> str:
        choice = first(values, "active")
        if choice not in ("true", "false"):
            raise InvalidFieldsError("say whether the user is active", fields={"active": "true or false"})
        set_active(ctx.db, get_user(ctx.db, user_id), active=choice == "true", actor=ctx.me)
        return "/admin/users"

    def rerender(form: FormState, exc: MlscreenError) -> Response:
        return _users_page(ctx, status=exc.status, error=exc, form=form)

    return await run_in_threadpool(save_or_rerender, ctx, values, save, rerender, done="Account updated.")


@router.post("/admin/users", name="user_create")
async def user_create(ctx: CtxDep) -> Response:
    """Add a user (audited); without a password, they are invited by e-mail to set their own."""
    values = form_values(await ctx.request.form())

    def save() -> str:
        password = first(values, "password")
        user = create_user(
            ctx.db,
            email=first(values, "email"),
            name=first(values, "name"),
            role=first(values, "role"),
            password=password or strong_password(),  # invited: a password nobody knows until they set theirs
            actor=ctx.me,
        )
        if not password:

            def link_for(token: str) -> str:
                return page_link(ctx.request, "password_reset_form", reset_token=token)

            invite_staff(ctx.db, ctx.queue, user, inviter=ctx.me, link_for=link_for)
        return "/admin/users"

    def rerender(form: FormState, exc: MlscreenError) -> Response:
        # The password is never sent back to the browser.
        kept = FormState({k: v for k, v in form.values.items() if k != "password"}, form.invalid)
        return _users_page(ctx, status=exc.status, error=exc, form=kept)

    return await run_in_threadpool(save_or_rerender, ctx, values, save, rerender, done="User added.")
