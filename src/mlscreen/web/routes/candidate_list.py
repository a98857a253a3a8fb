"""The candidates list: search, filters, sorting, pages, and bulk actions (move, reject with a reason, invite)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Depends
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from mlscreen import settings
from mlscreen.errors import MlscreenError, UsageError
from mlscreen.store import notices
from mlscreen.store.assessments import create_invite
from mlscreen.store.candidate_list import (
    SORTS,
    CandidateFilter,
    colleagues_of,
    list_candidates,
    move_all,
    openings_visible_to,
    reject_all,
    selected,
)
from mlscreen.store.models import CANDIDATE_STATUSES, Candidate
from mlscreen.web.forms import EMPTY, FormState, first, form_values, save_or_rerender
from mlscreen.web.guard import Ctx, current
from mlscreen.web.links import portal_link
from mlscreen.web.templating import render

router = APIRouter(include_in_schema=False)
CtxDep = Annotated[Ctx, Depends(current)]
FILTER_FIELDS = ("q", "opening", "stage", "status", "interviewer", "sort", "page")
BULK_ACTIONS = ("move", "reject", "invite")


def _number(values: Mapping[str, str], name: str, what: str) -> int | None:
    text = values.get(name, "").strip()
    if not text:
        return None
    if not text.isdigit() or len(text) > 9:
        raise UsageError(f"{text[:20]!r} is not {what}", hint="choose from the lists above the table")
    return int(text)


def parse_filter(values: Mapping[str, str]) -> CandidateFilter:
    """Return the list's filter from the page's query values; raises `UsageError` for a bad one."""
    stage = _number(values, "stage", "a stage")
    return CandidateFilter(
        text=values.get("q", "")[:300],
        opening_id=_number(values, "opening", "an opening"),
        stage=None if stage is None else stage - 1,  # stages are numbered from 1 on pages
        status=values.get("status") or None,
        interviewer_id=_number(values, "interviewer", "an interviewer"),
        sort=values.get("sort") or "newest",
        page=_number(values, "page", "a page number") or 1,
    ).checked()


def _query(values: Mapping[str, str], **changes: object) -> str:
    kept = {k: str(v) for k, v in {**values, **changes}.items() if k in FILTER_FIELDS and str(v)}
    return "?" + urlencode(kept) if kept else ""


def _list_page(
    ctx: Ctx,
    values: Mapping[str, str],
    *,
    status: int = 200,
    error: MlscreenError | None = None,
    form: FormState = EMPTY,
) -> Response:
    try:
        found = list_candidates(ctx.db, ctx.me, parse_filter(values))
    except UsageError as exc:
        found, error, status = list_candidates(ctx.db, ctx.me, CandidateFilter()), exc, exc.status
    openings = openings_visible_to(ctx.db, ctx.me)
    chosen = next((o for o in openings if o.id == found.filter.opening_id), None)
    if chosen is None and len(openings) == 1:  # one opening: its stages have names
        chosen = openings[0]
    most = max((len(o.stages) for o in openings), default=0)
    stages = (
        [(s.position + 1, s.title) for s in chosen.stages]
        if chosen
        else [(n, f"Stage {n}") for n in range(1, most + 1)]
    )
    managed = {c.id for c in found.candidates if ctx.can("candidate.manage", opening=c.opening, candidate=c)}
    return render(
        ctx.request,
        "candidates.html",
        status=status,
        page=found,
        values=values,
        openings=openings,
        stages=stages,
        statuses=CANDIDATE_STATUSES,
        sorts=list(SORTS),
        interviewers=colleagues_of(ctx.db, ctx.me),
        managed=managed,
        who=ctx.identities(found.candidates),
        query=_query(values),
        prev_query=_query(values, page=found.page - 1) if found.page > 1 else None,
        next_query=_query(values, page=found.page + 1) if found.page < found.pages else None,
        error=error,
        form=form,
    )


@router.get("/candidates", name="candidates_page")
def candidates_page(ctx: CtxDep) -> Response:
    """Every candidate the user may see: search, filter, sort, pages."""
    return _list_page(ctx, dict(ctx.request.query_params))


def _ids(values: Mapping[str, list[str]]) -> list[int]:
    out = []
    for text in values.get("candidate_ids", []):
        if not text.isdigit() or len(text) > 9:
            raise UsageError("a selected candidate is not valid", hint="reload the list and select again")
        out.append(int(text))
    return out


def _bulk(ctx: Ctx, values: Mapping[str, list[str]]) -> str:
    action = first(values, "action")
    if action not in BULK_ACTIONS:
        raise UsageError("choose what to do with the selected candidates", hint=f"one of: {', '.join(BULK_ACTIONS)}")
    chosen = selected(ctx.db, _ids(values), lambda c: ctx.can("candidate.manage", opening=c.opening, candidate=c))
    if action == "reject":
        return f"{reject_all(ctx.db, chosen, reason=first(values, 'reason'), actor=ctx.me)} candidate(s) rejected."
    stage = first(values, "stage").strip()
    if not stage.isdigit() or not 1 <= int(stage) <= 99:
        raise UsageError("choose a stage", hint="pick the stage from the list")
    position = int(stage) - 1
    if action == "move":
        return f"{move_all(ctx.db, chosen, position=position, actor=ctx.me)} candidate(s) moved."
    for candidate in chosen:
        _invite(ctx, candidate, position)
    return f"{len(chosen)} assessment invitation(s) sent."


def _invite(ctx: Ctx, candidate: Candidate, position: int) -> None:
    try:
        new = create_invite(
            ctx.db, ctx.bank, candidate, position=position, days=settings.INVITE_DAYS.get(), actor=ctx.me
        )
    except MlscreenError as exc:
        exc.message = f"{candidate.name}: {exc.message}"
        raise
    notices.assessment_invitation(ctx.db, ctx.queue, new.invite, link=portal_link(ctx.request, new.token))


@router.post("/candidates/bulk", name="candidates_bulk")
async def candidates_bulk(ctx: CtxDep) -> Response:
    """Move, reject (with a reason) or invite the selected candidates: all of them, or none when one is refused."""
    values = form_values(await ctx.request.form())
    back = dict(parse_qsl(first(values, "back").lstrip("?")))
    message: list[str] = []

    def save() -> str:
        message.append(_bulk(ctx, values))
        return "/candidates" + _query(back)

    def rerender(form: FormState, exc: MlscreenError) -> Response:
        return _list_page(ctx, back, status=exc.status, error=exc, form=form)

    return await run_in_threadpool(save_or_rerender, ctx, values, save, rerender, done=lambda: message[0])
