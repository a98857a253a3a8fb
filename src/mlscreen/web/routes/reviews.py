"""Pre-screens, scorecards beside the interview kit, answer reviews, the decision packet and the decision."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from mlscreen.bank import Item, KnowledgeQuestion
from mlscreen.errors import MlscreenError
from mlscreen.store import notices
from mlscreen.store.accounts import users_with_ids
from mlscreen.store.assessments import stage_submissions, submissions_of
from mlscreen.store.candidates import assignments
from mlscreen.store.drafts import draft_of
from mlscreen.store.grades import question_reliability, question_scoring
from mlscreen.store.openings import stage_at
from mlscreen.store.packet import build_packet, decide, decision_of, reopen
from mlscreen.store.recordings import signals_of
from mlscreen.store.rooms import rooms_of
from mlscreen.store.scorecards import (
    PRESCREEN_KIND,
    answers_of,
    categories,
    find_scorecard,
    get_answer,
    may_prescreen,
    may_score,
    prescreen_checks,
    prescreen_stage,
    review_answer,
    scorecards_of,
    submit_prescreen,
    submit_scorecard,
)
from mlscreen.store.similarity import similar_by_submission
from mlscreen.web.forms import EMPTY, FormState, first, form_values, save_or_rerender
from mlscreen.web.guard import Ctx, current
from mlscreen.web.links import page_link
from mlscreen.web.policy import visible_scorecards
from mlscreen.web.templating import render

router = APIRouter(include_in_schema=False)
CtxDep = Annotated[Ctx, Depends(current)]


def ratings_from_form(form: Mapping[str, list[str]]) -> dict[str, dict[str, str]]:
    """Return {category: {rating, evidence}} from `rating:CAT` and `evidence:CAT` fields."""
    out: dict[str, dict[str, str]] = {}
    for key, values in form.items():
        kind, _, cat = key.partition(":")
        if kind in ("rating", "evidence") and cat and values:
            out.setdefault(cat, {})[kind] = values[0]
    return out


def _stage_page(
    ctx: Ctx,
    position: int,
    template: str,
    *,
    status: int = 200,
    error: MlscreenError | None = None,
    form: FormState = EMPTY,
    reviewing: int | None = None,
) -> Response:
    candidate = ctx.candidate
    stage = stage_at(candidate.opening, position)
    questions = [ctx.bank.get(q, Item) for q in stage.question_ids if q in ctx.bank]
    answers = [a for a in answers_of(ctx.db, candidate.id) if a.stage_position == position]
    reliability = question_reliability(ctx.db, [a.question_id for a in answers])
    submissions = stage_submissions(ctx.db, candidate.id, position)
    if stage.kind == PRESCREEN_KIND:
        may_file = may_prescreen(ctx.db, candidate, position, ctx.me)
    else:
        may_file = may_score(ctx.db, candidate, position, ctx.me)
    draft = draft_of(ctx.db, candidate.id, position, ctx.me) if may_file else None
    if draft is not None and form is EMPTY:  # the page reopens where the interviewer left it
        form = FormState(draft.fields)
    return render(
        ctx.request,
        template,
        status=status,
        candidate=candidate,
        who=ctx.identity(candidate),
        stage=stage,
        questions=questions,
        categories=categories(ctx.bank, stage),
        answers=answers,
        reliability=reliability,
        submissions=submissions,
        integrity=signals_of(ctx.db, ctx.bank, candidate.id),
        questions_by_id={q.id: q for q in questions},
        mine=find_scorecard(ctx.db, candidate.id, position, ctx.me.id),
        may_file=may_file,
        may_review=may_score(ctx.db, candidate, position, ctx.me),
        prescreen=stage.kind == PRESCREEN_KIND,
        scheduled=[a for a in assignments(ctx.db, candidate) if a.stage_position == position and a.scheduled_at],
        error=error,
        form=form,
        reviewing=reviewing,
        draft=draft,
    )


@router.get("/candidates/{candidate_id}/stages/{position}/prescreen", name="prescreen_form")
def prescreen_form(ctx: CtxDep, candidate_id: int, position: int) -> Response:
    """The recruiter's pre-screen: questions with look-fors and red-flag checkboxes, notes, advance or reject."""
    prescreen_stage(ctx.candidate, position)
    return _stage_page(ctx, position, "prescreen.html")


@router.post("/candidates/{candidate_id}/stages/{position}/prescreen", name="prescreen_submit")
async def prescreen_submit(ctx: CtxDep, candidate_id: int, position: int) -> Response:
    """Store the pre-screen as a scorecard and advance or reject the candidate."""
    values = form_values(await ctx.request.form())

    def save() -> str:
        stage = prescreen_stage(ctx.candidate, position)
        submit_prescreen(
            ctx.db,
            ctx.bank,
            ctx.candidate,
            position=position,
            recruiter=ctx.me,
            ratings=ratings_from_form(values),
            outcome=first(values, "outcome"),
            notes=first(values, "notes"),
            checks=prescreen_checks(ctx.bank, stage, values),
        )
        return f"/candidates/{candidate_id}"

    def rerender(form: FormState, exc: MlscreenError) -> Response:
        return _stage_page(ctx, position, "prescreen.html", status=exc.status, error=exc, form=form)

    return await run_in_threadpool(save_or_rerender, ctx, values, save, rerender, done="Pre-screen saved.")


@router.get("/candidates/{candidate_id}/stages/{position}/scorecard", name="scorecard_form")
def scorecard_form(ctx: CtxDep, candidate_id: int, position: int) -> Response:
    """The interview kit beside the scorecard."""
    return _stage_page(ctx, position, "scorecard.html")


@router.post("/candidates/{candidate_id}/stages/{position}/scorecard", name="scorecard_submit")
async def scorecard_submit(ctx: CtxDep, candidate_id: int, position: int) -> Response:
    """Submit the scorecard (a rating and evidence per category, and a recommendation)."""
    values = form_values(await ctx.request.form())

    def save() -> str:
        submit_scorecard(
            ctx.db,
            ctx.bank,
            ctx.candidate,
            position=position,
            interviewer=ctx.me,
            ratings=ratings_from_form(values),
            recommendation=first(values, "recommendation"),
            notes=first(values, "notes"),
        )
        return f"/candidates/{candidate_id}"

    def rerender(form: FormState, exc: MlscreenError) -> Response:
        return _stage_page(ctx, position, "scorecard.html", status=exc.status, error=exc, form=form)

    return await run_in_threadpool(save_or_rerender, ctx, values, save, rerender, done="Scorecard submitted.")


@router.get("/questions/{question_id}", name="question_page")
def question_page(ctx: CtxDep, question_id: str) -> Response:
    """A knowledge question with what answer scoring learned on it: reviewed answers and agreement with people."""
    question = ctx.bank.get(question_id, KnowledgeQuestion)
    return render(ctx.request, "question.html", q=question, scoring=question_scoring(ctx.db, question.id))


@router.post("/answers/{answer_id}/review", name="answer_review")
async def answer_review(ctx: CtxDep, answer_id: int) -> Response:
    """Confirm or override the automatic level of a written answer, or change a review (with a reason; audited)."""
    values = form_values(await ctx.request.form())

    def work() -> Response:
        answer = get_answer(ctx.db, answer_id)
        level_text = first(values, "level")
        anchor = f"/candidates/{answer.candidate_id}/stages/{answer.stage_position}/scorecard#answer-{answer.id}"

        def save() -> str:
            level = int(level_text) if level_text.isdigit() and len(level_text) == 1 else 0
            review_answer(ctx.db, answer, reviewer=ctx.me, level=level, reason=first(values, "reason"))
            return anchor

        def rerender(form: FormState, exc: MlscreenError) -> Response:
            page = "scorecard.html"
            return _stage_page(
                ctx, answer.stage_position, page, status=exc.status, error=exc, form=form, reviewing=answer.id
            )

        return save_or_rerender(ctx, values, save, rerender, done="Review saved.")

    return await run_in_threadpool(work)


def _packet_page(
    ctx: Ctx, *, status: int = 200, error: MlscreenError | None = None, form: FormState = EMPTY
) -> Response:
    candidate = ctx.candidate
    every = scorecards_of(ctx.db, candidate.id)
    cards = visible_scorecards(ctx.db, ctx.me, candidate, every)
    interviewers = {u.id: u for u in users_with_ids(ctx.db, {c.interviewer_id for c in cards})}
    similar = None
    if ctx.can("similarity.view", opening=candidate.opening, candidate=candidate):
        ids = [s.id for s in submissions_of(ctx.db, candidate.id)]
        similar = similar_by_submission(ctx.db, ids, all_openings=ctx.me.role == "admin")
    return render(
        ctx.request,
        "packet.html",
        status=status,
        candidate=candidate,
        who=ctx.identity(candidate),
        packet=build_packet(ctx.db, ctx.bank, candidate, cards=every),
        integrity=signals_of(ctx.db, ctx.bank, candidate.id),
        similar=similar,
        scorecards=cards,
        interviewers=interviewers,
        decision=decision_of(ctx.db, candidate.id),
        rooms=rooms_of(ctx.db, candidate.id),
        reopen=ctx.can("decision.reopen", opening=candidate.opening, candidate=candidate),
        error=error,
        form=form,
    )


@router.get("/candidates/{candidate_id}/packet", name="packet_page")
def packet_page(ctx: CtxDep, candidate_id: int) -> Response:
    """The decision packet."""
    return _packet_page(ctx)


@router.post("/candidates/{candidate_id}/decision", name="decision_submit")
async def decision_submit(ctx: CtxDep, candidate_id: int) -> Response:
    """Record the decision with its rationale (audited)."""
    values = form_values(await ctx.request.form())

    def save() -> str:
        outcome, rationale = first(values, "outcome"), first(values, "rationale")
        decision = decide(ctx.db, ctx.bank, ctx.candidate, outcome=outcome, rationale=rationale, actor=ctx.me)
        link = page_link(ctx.request, "candidate_page", candidate_id=candidate_id)
        notices.decision_made(ctx.db, ctx.queue, decision, ctx.candidate, link=link, key=ctx.pseudonym_key)
        return f"/candidates/{candidate_id}/packet"

    def rerender(form: FormState, exc: MlscreenError) -> Response:
        return _packet_page(ctx, status=exc.status, error=exc, form=form)

    return await run_in_threadpool(save_or_rerender, ctx, values, save, rerender, done="Decision recorded.")


@router.post("/candidates/{candidate_id}/reopen", name="candidate_reopen")
async def candidate_reopen(ctx: CtxDep, candidate_id: int) -> Response:
    """Reopen the candidate's decision (admins only, with a reason; audited): they are active again."""
    values = form_values(await ctx.request.form())

    def save() -> str:
        reopen(ctx.db, ctx.candidate, actor=ctx.me, reason=first(values, "reason"))
        return f"/candidates/{candidate_id}"

    def rerender(form: FormState, exc: MlscreenError) -> Response:
        return _packet_page(ctx, status=exc.status, error=exc, form=form)

    return await run_in_threadpool(save_or_rerender, ctx, values, save, rerender, done="Decision reopened.")
