"""Pre-screens, scorecards beside the interview kit, answer reviews, the decision packet and the decision."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from mlscreen.bank import Item
from mlscreen.errors import MlscreenError
from mlscreen.store.assessments import stage_submissions
from mlscreen.store.candidates import set_status
from mlscreen.store.models import User, WrittenAnswer
from mlscreen.store.openings import stage_at
from mlscreen.store.packet import build_packet, decide, decision_of
from mlscreen.store.scorecards import (
    answers_of,
    categories,
    find_scorecard,
    prescreen_checks,
    review_answer,
    scorecards_of,
    submit_scorecard,
)
from mlscreen.web.guard import Ctx, current
from mlscreen.web.policy import visible_scorecards
from mlscreen.web.templating import render

router = APIRouter(include_in_schema=False)
CtxDep = Annotated[Ctx, Depends(current)]


def _form_lists(form: Any) -> dict[str, list[str]]:
    return {key: [v for v in form.getlist(key) if isinstance(v, str)] for key in form}


def ratings_from_form(form: dict[str, list[str]]) -> dict[str, dict[str, str]]:
    """Return {category: {rating, evidence}} from `rating:CAT` and `evidence:CAT` fields."""
    out: dict[str, dict[str, str]] = {}
    for key, values in form.items():
        kind, _, cat = key.partition(":")
        if kind in ("rating", "evidence") and cat and values:
            out.setdefault(cat, {})[kind] = values[0]
    return out


def _stage_page(ctx: Ctx, position: int, template: str, *, status: int = 200, error: Any = None) -> Response:
    candidate = ctx.candidate
    stage = stage_at(candidate.opening, position)
    questions = [ctx.bank.get(q, Item) for q in stage.question_ids if q in ctx.bank]
    answers = [a for a in answers_of(ctx.db, candidate.id) if a.stage_position == position]
    submissions = stage_submissions(ctx.db, candidate.id, position)
    return render(
        ctx.request,
        template,
        status=status,
        candidate=candidate,
        stage=stage,
        questions=questions,
        categories=categories(ctx.bank, stage),
        answers=answers,
        submissions=submissions,
        questions_by_id={q.id: q for q in questions},
        mine=find_scorecard(ctx.db, candidate.id, position, ctx.me.id),
        error=error,
    )


@router.get("/candidates/{candidate_id}/stages/{position}/prescreen", name="prescreen_form")
def prescreen_form(ctx: CtxDep, candidate_id: int, position: int) -> Response:
    """The recruiter's pre-screen: questions with look-fors and red-flag checkboxes, notes, advance or reject."""
    return _stage_page(ctx, position, "prescreen.html")


@router.post("/candidates/{candidate_id}/stages/{position}/prescreen", name="prescreen_submit")
async def prescreen_submit(ctx: CtxDep, candidate_id: int, position: int) -> Response:
    """Store the pre-screen as a scorecard and advance or reject the candidate."""
    form = _form_lists(await ctx.request.form())

    def work() -> Response:
        try:
            with ctx.db.begin_nested():
                stage = stage_at(ctx.candidate.opening, position)
                outcome = (form.get("outcome") or [""])[0]
                recommendation = {"advance": "yes", "reject": "no"}.get(outcome, "")
                submit_scorecard(
                    ctx.db,
                    ctx.bank,
                    ctx.candidate,
                    position=position,
                    interviewer=ctx.me,
                    ratings=ratings_from_form(form),
                    recommendation=recommendation,
                    notes=(form.get("notes") or [""])[0],
                    checks=prescreen_checks(ctx.bank, stage, form),
                )
                if outcome == "advance" and position + 1 < len(ctx.candidate.opening.stages):
                    from mlscreen.store.candidates import move_candidate

                    move_candidate(ctx.db, ctx.candidate, position=position + 1, actor=ctx.me)
                elif outcome == "reject":
                    set_status(ctx.db, ctx.candidate, status="rejected", actor=ctx.me, reason="pre-screen")
        except MlscreenError as exc:
            return _stage_page(ctx, position, "prescreen.html", status=exc.status, error=exc)
        return RedirectResponse(f"/candidates/{candidate_id}", status_code=303)

    return await run_in_threadpool(work)


@router.get("/candidates/{candidate_id}/stages/{position}/scorecard", name="scorecard_form")
def scorecard_form(ctx: CtxDep, candidate_id: int, position: int) -> Response:
    """The interview kit beside the scorecard."""
    return _stage_page(ctx, position, "scorecard.html")


@router.post("/candidates/{candidate_id}/stages/{position}/scorecard", name="scorecard_submit")
async def scorecard_submit(ctx: CtxDep, candidate_id: int, position: int) -> Response:
    """Submit the scorecard (a rating and evidence per category, and a recommendation)."""
    form = _form_lists(await ctx.request.form())

    def work() -> Response:
        try:
            with ctx.db.begin_nested():
                submit_scorecard(
                    ctx.db,
                    ctx.bank,
                    ctx.candidate,
                    position=position,
                    interviewer=ctx.me,
                    ratings=ratings_from_form(form),
                    recommendation=(form.get("recommendation") or [""])[0],
                    notes=(form.get("notes") or [""])[0],
                )
        except MlscreenError as exc:
            return _stage_page(ctx, position, "scorecard.html", status=exc.status, error=exc)
        return RedirectResponse(f"/candidates/{candidate_id}", status_code=303)

    return await run_in_threadpool(work)


@router.post("/answers/{answer_id}/review", name="answer_review")
def answer_review(
    ctx: CtxDep,
    answer_id: int,
    level: Annotated[int, Form(ge=1, le=4)],
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Confirm or override the automatic level of a written answer (an override needs a reason; audited)."""
    answer = ctx.db.get_one(WrittenAnswer, answer_id)
    try:
        with ctx.db.begin_nested():
            review_answer(ctx.db, answer, reviewer=ctx.me, level=level, reason=reason)
    except MlscreenError as exc:
        return _stage_page(ctx, answer.stage_position, "scorecard.html", status=exc.status, error=exc)
    return RedirectResponse(
        f"/candidates/{answer.candidate_id}/stages/{answer.stage_position}/scorecard#answer-{answer.id}",
        status_code=303,
    )


def _packet_page(ctx: Ctx, *, status: int = 200, error: Any = None) -> Response:
    candidate = ctx.candidate
    every = scorecards_of(ctx.db, candidate.id)
    cards = visible_scorecards(ctx.db, ctx.me, candidate, every)
    interviewers = {c.interviewer_id: ctx.db.get(User, c.interviewer_id) for c in cards}
    return render(
        ctx.request,
        "packet.html",
        status=status,
        candidate=candidate,
        packet=build_packet(ctx.db, ctx.bank, candidate, cards=every),
        scorecards=cards,
        interviewers=interviewers,
        decision=decision_of(ctx.db, candidate.id),
        error=error,
    )


@router.get("/candidates/{candidate_id}/packet", name="packet_page")
def packet_page(ctx: CtxDep, candidate_id: int) -> Response:
    """The decision packet."""
    return _packet_page(ctx)


@router.post("/candidates/{candidate_id}/decision", name="decision_submit")
def decision_submit(
    ctx: CtxDep,
    candidate_id: int,
    outcome: Annotated[str, Form(max_length=16)],
    rationale: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    """Record the decision with its rationale (audited)."""
    try:
        with ctx.db.begin_nested():
            decide(ctx.db, ctx.bank, ctx.candidate, outcome=outcome, rationale=rationale, actor=ctx.me)
    except MlscreenError as exc:
        return _packet_page(ctx, status=exc.status, error=exc)
    return RedirectResponse(f"/candidates/{candidate_id}/packet", status_code=303)
