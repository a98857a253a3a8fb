"""The signed-in user's own account: the time zone they see times in, and their private calendar feed."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from mlscreen.errors import MlscreenError
from mlscreen.store.accounts import set_timezone, user_zone
from mlscreen.store.calendar import feed_of, feed_owner, feed_text, make_feed, revoke_feed
from mlscreen.web.forms import EMPTY, FormState, first, form_values, save_or_rerender
from mlscreen.web.guard import Ctx, current
from mlscreen.web.links import page_link
from mlscreen.web.templating import render
from mlscreen.zones import zone_names

router = APIRouter()
CtxDep = Annotated[Ctx, Depends(current)]


def account_view(
    ctx: Ctx, *, status: int = 200, error: MlscreenError | None = None, form: FormState = EMPTY, feed_url: str = ""
) -> Response:
    """Render the account page (`feed_url`: a feed address just made, shown this once)."""
    feed = feed_of(ctx.db, ctx.me)
    return render(
        ctx.request,
        "account.html",
        status=status,
        error=error,
        form=form,
        zone=user_zone(ctx.me),
        chosen=ctx.me.timezone,
        zones=zone_names(),
        feed=feed,
        feed_url=feed_url,
    )


@router.get("/account", name="account_page", include_in_schema=False)
def account_page(ctx: CtxDep) -> Response:
    """Show the user's time zone and calendar feed."""
    return account_view(ctx)


@router.post("/account/timezone", name="account_timezone", include_in_schema=False)
async def account_timezone(ctx: CtxDep) -> Response:
    """Set the time zone the user sees times in (empty: the default zone)."""
    values = form_values(await ctx.request.form())

    def save() -> str:
        set_timezone(ctx.db, ctx.me, first(values, "timezone"))
        return str(ctx.request.app.url_path_for("account_page"))

    def rerender(form: FormState, exc: MlscreenError) -> Response:
        return account_view(ctx, status=exc.status, error=exc, form=form)

    return await run_in_threadpool(save_or_rerender, ctx, values, save, rerender)


@router.post("/account/calendar", name="calendar_feed_make", include_in_schema=False)
async def calendar_feed_make(ctx: CtxDep) -> Response:
    """Make a new feed address (the old one, if any, stops at once) and show it once."""
    values = form_values(await ctx.request.form())

    def save() -> Response:
        token = make_feed(ctx.db, ctx.me)
        return account_view(ctx, feed_url=page_link(ctx.request, "calendar_feed", feed_token=token))

    def rerender(form: FormState, exc: MlscreenError) -> Response:
        return account_view(ctx, status=exc.status, error=exc, form=form)

    return await run_in_threadpool(save_or_rerender, ctx, values, save, rerender)


@router.post("/account/calendar/revoke", name="calendar_feed_revoke", include_in_schema=False)
async def calendar_feed_revoke(ctx: CtxDep) -> Response:
    """Stop the feed address at once."""
    values = form_values(await ctx.request.form())

    def save() -> str:
        revoke_feed(ctx.db, ctx.me)
        return str(ctx.request.app.url_path_for("account_page"))

    def rerender(form: FormState, exc: MlscreenError) -> Response:
        return account_view(ctx, status=exc.status, error=exc, form=form)

    return await run_in_threadpool(save_or_rerender, ctx, values, save, rerender)


@router.get("/calendar/{feed_token}.ics", name="calendar_feed", include_in_schema=False)
def calendar_feed(ctx: CtxDep, feed_token: str) -> Response:
    """Serve a user's interviews as an iCalendar feed to whoever holds the secret address (no sign-in)."""
    user = feed_owner(ctx.db, feed_token)
    state = ctx.request.app.state
    host = urlsplit(state.base_url).hostname or "mlscreen"
    body = feed_text(
        ctx.db,
        user,
        now=ctx.now,
        host=host,
        candidate_link=lambda candidate_id: page_link(ctx.request, "candidate_page", candidate_id=candidate_id),
    )
    # The address is the secret: no shared cache may keep the feed, and it is sent nowhere else.
    headers = {"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer"}
    return Response(body, media_type="text/calendar; charset=utf-8", headers=headers)
