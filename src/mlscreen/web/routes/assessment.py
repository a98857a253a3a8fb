"""The candidate's assessment portal, opened by their link: a start page, then timer, editor, answers, result."""

from __future__ import annotations

from contextlib import suppress
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse, RedirectResponse, Response

from mlscreen.bank import Exercise, KnowledgeQuestion
from mlscreen.errors import ConflictError, InvalidFieldsError, MlscreenError
from mlscreen.store.assessments import (
    close_if_time_up,
    deadline,
    save_draft,
    start,
    submission_of,
    submit,
    time_up,
)
from mlscreen.store.models import Invite
from mlscreen.store.recordings import Ack, append, state_of
from mlscreen.web.errors import respond, wants_json
from mlscreen.web.forms import FormState, save_or_rerender
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


def _recording(form: Any) -> str | None:
    value = form.get("recording")
    return value if isinstance(value, str) and value else None


def _acknowledged(response: Response, ack: Ack) -> Response:
    """Tell the portal which recorded events the server holds (it sends the rest with the next save)."""
    response.headers["X-Recording-Seq"] = str(ack.seq)
    response.headers["X-Recording-State"] = ack.state
    return response


def _page(
    ctx: Ctx, *, status: int = 200, error: MlscreenError | None = None, invalid: dict[str, str] | None = None
) -> Response:
    invite = _invite(ctx)
    exercise = ctx.bank.get(invite.exercise_id, Exercise) if invite.exercise_id else None
    code = invite.draft_code
    if exercise is not None and code is None:
        code = ctx.bank.exercise_source(exercise.id, "starter")
    questions = [ctx.bank.get(q, KnowledgeQuestion) for q in invite.question_ids]
    ends = deadline(invite)
    over = time_up(invite, now=ctx.now, grace=ctx.grace)
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
        time_up=over,
        submission=submission_of(ctx.db, invite),
        recording=state_of(ctx.db, invite),
        error=error,
        invalid=invalid or {},
    )


def _closed_for_time(ctx: Ctx) -> Response | None:
    """Refuse writes before the start; close the assessment when its time is up, keeping the saved work.

    Returns the refusal to send, if any: returned, not raised, so the closing (and its grading job) commits with
    the request. Before the start a write answers 409, on which the page reloads and shows the start page.
    """
    invite = _invite(ctx)
    if invite.started_at is None and invite.submitted_at is None and ctx.request.method != "GET":
        error = ConflictError("the assessment has not started yet", hint="press Start on the assessment's first page")
        if wants_json(ctx.request) or ctx.request.headers.get("hx-request"):
            return respond(ctx.request, error.status, error.message, error.hint)
        return _page(ctx, status=error.status, error=error)
    if invite.submitted_at is not None or not time_up(invite, now=ctx.now, grace=ctx.grace):
        return None  # still open, or already submitted (writes then answer "submitted already")
    close_if_time_up(ctx.db, ctx.queue, invite, now=ctx.now, grace=ctx.grace)
    if ctx.request.method == "GET":
        return None
    error = ConflictError(
        "time is up: the assessment's deadline has passed, so this could not be saved",
        hint="your work saved before the deadline was submitted for you; the team will be in touch",
    )
    if wants_json(ctx.request) or ctx.request.headers.get("hx-request"):
        return respond(ctx.request, error.status, error.message, error.hint)
    return _page(ctx, status=error.status, error=error)


@router.get("/assess/{token}", name="portal_page")
def portal_page(ctx: CtxDep, token: str) -> Response:
    """The start page until the candidate starts; then the assessment (once time is up, that and the saved work).

    Opening the link never starts the timer, so a mail scanner or a link preview cannot start it.
    """
    _closed_for_time(ctx)
    return _page(ctx)


@router.post("/assess/{token}/start", name="portal_start")
def portal_start(ctx: CtxDep, token: str) -> Response:
    """Start the timer (the candidate's explicit choice on the start page), then show the assessment."""
    start(_invite(ctx), now=ctx.now)
    return RedirectResponse(f"/assess/{token}", status_code=303)


@router.post("/assess/{token}/draft", name="portal_draft")
async def portal_draft(ctx: CtxDep, token: str) -> Response:
    """Autosave the code and answers (called by the page every few seconds) with the session recording's new
    events; refused once time is up. The answer's headers say up to which event the recording is stored.
    """
    form = await ctx.request.form()
    code, answers, batch = _code(form), _answers(form), _recording(form)

    def work() -> Response:
        refused = _closed_for_time(ctx)
        if refused is not None:
            return refused
        invite = _invite(ctx)
        save_draft(invite, code=code, answers=answers, now=ctx.now, grace=ctx.grace)
        ack = append(ctx.db, invite, batch, now=ctx.now)
        return _acknowledged(HTMLResponse('<span class="saved">saved</span>'), ack)

    return await run_in_threadpool(work)


@router.post("/assess/{token}/submit", name="portal_submit")
async def portal_submit(ctx: CtxDep, token: str) -> Response:
    """Save the final work, then grade it in the background; the page polls for the result."""
    form = await ctx.request.form()
    code, answers = _code(form), _answers(form)

    def work() -> Response:
        refused = _closed_for_time(ctx)
        if refused is not None:
            return refused
        invite = _invite(ctx)
        # A malformed recording never blocks the submission: the replay then says it stops short of the code.
        with suppress(MlscreenError):
            append(ctx.db, invite, _recording(form), now=ctx.now)

        def save() -> Response:
            confirmed = form.get("confirm") == "yes"
            submit(
                ctx.db, ctx.queue, invite, code=code, answers=answers, confirmed=confirmed, now=ctx.now, grace=ctx.grace
            )
            return _page(ctx)

        def rerender(state: FormState, exc: MlscreenError) -> Response:
            if isinstance(exc, InvalidFieldsError):
                # Not confirmed yet: keep what was typed, so the page shows it again with the confirmation marked.
                save_draft(invite, code=code, answers=answers, now=ctx.now, grace=ctx.grace)
                return _page(ctx, status=exc.status, error=exc, invalid=exc.fields)
            return _page(ctx, status=exc.status, error=exc)

        return save_or_rerender(ctx, {}, save, rerender)

    return await run_in_threadpool(work)


@router.get("/assess/{token}/result", name="portal_result")
def portal_result(ctx: CtxDep, token: str) -> Response:
    """The grading result as an HTML fragment (HTMX polls it until grading is done)."""
    return render(ctx.request, "_result.html", submission=submission_of(ctx.db, _invite(ctx)), token=token)
