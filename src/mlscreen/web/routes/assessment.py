"""The candidate's assessment portal, opened by their link: instructions, timer, editor, answers, result."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse, Response

from mlscreen.bank import Exercise, KnowledgeQuestion
from mlscreen.errors import MlscreenError
from mlscreen.store.assessments import deadline, save_draft, submission_of, submit
from mlscreen.store.models import Invite
from mlscreen.web.guard import Ctx, current
from mlscreen.web.templating import render

router = APIRouter(include_in_schema=False)
CtxDep = Annotated[Ctx, Depends(current)]


def _invite(ctx: Ctx) -> Invite:
    assert ctx.invite is not None  # the guard opened it for every candidate-link route
    return ctx.invite


def _answers(form: Any) -> dict[str, str]:
    return {k[7:]: v for k, v in form.items() if k.startswith("answer:") and isinstance(v, str)}


def _code(form: Any) -> str | None:
    value = form.get("code")
    return value if isinstance(value, str) else None


def _page(ctx: Ctx, *, status: int = 200, error: MlscreenError | None = None) -> Response:
    invite = _invite(ctx)
    exercise = ctx.bank.get(invite.exercise_id, Exercise) if invite.exercise_id else None
    code = invite.draft_code
    if exercise is not None and code is None:
        code = ctx.bank.exercise_source(exercise.id, "starter")
    questions = [ctx.bank.get(q, KnowledgeQuestion) for q in invite.question_ids]
    ends = deadline(invite)
    return render(
        ctx.request,
        "portal.html",
        status=status,
        invite=invite,
        token=ctx.portal_token,
        exercise=exercise,
        code=code or "",
        questions=questions,
        deadline=ends.isoformat() if ends else "",
        submission=submission_of(ctx.db, invite),
        error=error,
    )


@router.get("/assess/{token}", name="portal_page")
def portal_page(ctx: CtxDep, token: str) -> Response:
    """The assessment (starts the timer on first opening)."""
    return _page(ctx)


@router.post("/assess/{token}/draft", name="portal_draft")
async def portal_draft(ctx: CtxDep, token: str) -> Response:
    """Autosave the code and answers (called by the page every few seconds)."""
    form = await ctx.request.form()
    code, answers = _code(form), _answers(form)
    await run_in_threadpool(save_draft, _invite(ctx), code=code, answers=answers)
    return HTMLResponse('<span class="saved">saved</span>')


@router.post("/assess/{token}/submit", name="portal_submit")
async def portal_submit(ctx: CtxDep, token: str) -> Response:
    """Save the final work, then grade it in the background; the page polls for the result."""
    form = await ctx.request.form()
    code, answers = _code(form), _answers(form)

    def work() -> Response:
        try:
            with ctx.db.begin_nested():
                submit(ctx.db, ctx.queue, _invite(ctx), code=code, answers=answers)
        except MlscreenError as exc:
            return _page(ctx, status=exc.status, error=exc)
        return _page(ctx)

    return await run_in_threadpool(work)


@router.get("/assess/{token}/result", name="portal_result")
def portal_result(ctx: CtxDep, token: str) -> Response:
    """The grading result as an HTML fragment (HTMX polls it until grading is done)."""
    return render(ctx.request, "_result.html", submission=submission_of(ctx.db, _invite(ctx)), token=token)
