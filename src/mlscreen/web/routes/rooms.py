"""Live interview rooms: the interviewer's room beside the kit, the candidate's room page, ending it, its record."""

from __future__ import annotations

import base64
from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from mlscreen import settings
from mlscreen.bank import Item
from mlscreen.errors import ConflictError, MlscreenError
from mlscreen.store.models import Room
from mlscreen.store.openings import stage_at
from mlscreen.store.rooms import (
    LIVE_KINDS,
    close_room,
    expected_components,
    has_board,
    is_open,
    new_link,
    open_room,
    record_of,
    room_of,
    save_notes,
)
from mlscreen.web.forms import EMPTY, FormState, first, form_values, save_or_rerender
from mlscreen.web.guard import Ctx, current
from mlscreen.web.rooms.hub import hub_of
from mlscreen.web.templating import render

router = APIRouter(include_in_schema=False)
CtxDep = Annotated[Ctx, Depends(current)]


def _room_page(
    ctx: Ctx,
    position: int,
    *,
    link: str | None = None,
    status: int = 200,
    error: MlscreenError | None = None,
    form: FormState = EMPTY,
) -> Response:
    candidate = ctx.candidate
    stage = stage_at(candidate.opening, position)
    room = room_of(ctx.db, candidate, position)
    live = room if room is not None and is_open(room, ctx.now) else None
    return render(
        ctx.request,
        "room.html",
        status=status,
        candidate=candidate,
        who=ctx.identity(candidate),
        stage=stage,
        live_stage=stage.kind in LIVE_KINDS,
        board=stage.kind == "system_design",
        room=live,
        last_room=room,
        questions=[ctx.bank.get(q, Item) for q in stage.question_ids if q in ctx.bank],
        checklist=expected_components(ctx.bank, room) if room is not None else [],
        link=link,
        error=error,
        form=form,
    )


def _open_room_of(ctx: Ctx, position: int) -> Room:
    room = room_of(ctx.db, ctx.candidate, position)
    if room is None or not is_open(room, ctx.now):
        raise ConflictError("no room is open for this stage", hint="open the room first")
    return room


def _join_link(ctx: Ctx, token: str) -> str:
    base: str = ctx.request.app.state.base_url
    return base + str(ctx.request.app.url_path_for("room_join", token=token))


@router.get("/candidates/{candidate_id}/stages/{position}/room", name="room_page")
def room_page(ctx: CtxDep, candidate_id: int, position: int) -> Response:
    """The interviewer's room: the shared pad and console, with the kit, private notes and the scorecard beside."""
    return _room_page(ctx, position)


@router.post("/candidates/{candidate_id}/stages/{position}/room", name="room_open")
async def room_open(ctx: CtxDep, candidate_id: int, position: int) -> Response:
    """Open the stage's room (or reuse the open one) and show a new candidate link once (only its hash is kept)."""
    values = form_values(await ctx.request.form())

    def save() -> Response:
        new = open_room(
            ctx.db,
            ctx.candidate,
            position=position,
            actor=ctx.me,
            max_minutes=settings.ROOM_MAX_MINUTES.get(),
            now=ctx.now,
        )
        return _room_page(ctx, position, link=_join_link(ctx, new.token))

    def rerender(form: FormState, exc: MlscreenError) -> Response:
        return _room_page(ctx, position, status=exc.status, error=exc, form=form)

    return await run_in_threadpool(save_or_rerender, ctx, values, save, rerender)


@router.post("/candidates/{candidate_id}/stages/{position}/room/link", name="room_link")
async def room_link(ctx: CtxDep, candidate_id: int, position: int) -> Response:
    """Give the candidate a new room link; the previous one stops working."""
    values = form_values(await ctx.request.form())

    def save() -> Response:
        new = new_link(ctx.db, _open_room_of(ctx, position), actor=ctx.me, now=ctx.now)
        return _room_page(ctx, position, link=_join_link(ctx, new.token))

    def rerender(form: FormState, exc: MlscreenError) -> Response:
        return _room_page(ctx, position, status=exc.status, error=exc, form=form)

    return await run_in_threadpool(save_or_rerender, ctx, values, save, rerender)


@router.post("/candidates/{candidate_id}/stages/{position}/room/notes", name="room_notes")
async def room_notes(ctx: CtxDep, candidate_id: int, position: int) -> Response:
    """Keep the interviewer's private notes and design checklist (never shown to the candidate)."""
    values = form_values(await ctx.request.form())

    def save() -> str:
        room = _open_room_of(ctx, position)
        save_notes(room, notes=first(values, "notes"), checked=values.get("component", []), bank=ctx.bank)
        return str(ctx.request.app.url_path_for("room_page", candidate_id=str(candidate_id), position=str(position)))

    def rerender(form: FormState, exc: MlscreenError) -> Response:
        return _room_page(ctx, position, status=exc.status, error=exc, form=form)

    return await run_in_threadpool(save_or_rerender, ctx, values, save, rerender)


@router.post("/candidates/{candidate_id}/stages/{position}/room/close", name="room_close")
async def room_close(ctx: CtxDep, candidate_id: int, position: int) -> Response:
    """End the interview: the candidate's link dies, the final code is kept with the record (audited)."""
    values = form_values(await ctx.request.form())
    # What this process still holds for the room goes to the log first: the final code is built from it.
    await ctx.release()
    hub = hub_of(ctx.request.app.state)
    await hub.flush()
    closed: list[int] = []
    async with ctx.transaction():

        def save() -> str:
            room = _open_room_of(ctx, position)
            close_room(ctx.db, room, actor=ctx.me, board_svg=first(values, "board_svg") or None, now=ctx.now)
            closed.append(room.id)
            path = ctx.request.app.url_path_for("room_record", candidate_id=str(candidate_id), position=str(position))
            return str(path)

        def rerender(form: FormState, exc: MlscreenError) -> Response:
            return _room_page(ctx, position, status=exc.status, error=exc, form=form)

        response = await run_in_threadpool(save_or_rerender, ctx, values, save, rerender)
    for room_id in closed:
        hub.closed(room_id)
    return response


@router.get("/candidates/{candidate_id}/stages/{position}/room/record", name="room_record")
def room_record(ctx: CtxDep, candidate_id: int, position: int) -> Response:
    """The room's record: final code, console history, and a replay of how the code was written."""
    candidate = ctx.candidate
    room = room_of(ctx.db, candidate, position)
    record = record_of(ctx.db, room) if room is not None else None
    frames = [{"t": f.seconds, "code": f.code} for f in record.frames] if record is not None else []
    svg = room.board_svg if room is not None else None
    board = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii") if svg else None
    return render(
        ctx.request,
        "room_record.html",
        candidate=candidate,
        who=ctx.identity(candidate),
        stage=stage_at(candidate.opening, position),
        record=record,
        frames=frames,
        board=board,
        checklist=expected_components(ctx.bank, room) if room is not None else [],
    )


@router.get("/room/{token}", name="room_join")
def room_join(ctx: CtxDep, token: str) -> Response:
    """The candidate's room: the shared pad and console, and what is recorded. No kit, notes or scorecard."""
    room = ctx.room
    if room is None:  # the guard sets it for every room link
        raise ConflictError("this interview room has closed", hint="ask your interviewer")
    return render(ctx.request, "room_join.html", token=token, room=room, board=has_board(room))
