"""The JSON API under /api/v1: the same resources and the same policy as the pages."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response

from mlscreen import settings
from mlscreen.store import audit, notices
from mlscreen.store.accounts import SESSION_MAX, close_session, user_zone
from mlscreen.store.assessments import create_invite, invite_of, revoke_invite, submissions_of, summary
from mlscreen.store.blind import reveal, set_blind_review
from mlscreen.store.candidates import add_candidate, assign_interviewer, candidates_of, move_candidate
from mlscreen.store.models import Candidate, Opening, Scorecard
from mlscreen.store.openings import (
    create_opening,
    rename_opening,
    set_opening_status,
    stage_counts,
    update_stage,
    visible_openings,
)
from mlscreen.store.packet import build_packet, decide, decision_of, reopen
from mlscreen.store.queue import job_counts
from mlscreen.store.scorecards import scorecards_of, submit_scorecard
from mlscreen.web.api_models import (
    ERRORS,
    AssignmentOut,
    AuditEventOut,
    CandidateDetailOut,
    CandidateOut,
    DecisionOut,
    InviteOut,
    MeOut,
    OpeningOut,
    PacketOut,
    ProfileOut,
    ScorecardOut,
    SessionOut,
)
from mlscreen.web.guard import Ctx, current
from mlscreen.web.links import page_link, portal_link
from mlscreen.web.policy import visible_scorecards
from mlscreen.web.routes.auth import sign_in
from mlscreen.web.security import SESSION_COOKIE
from mlscreen.zones import check_zone, from_wall_clock

router = APIRouter(prefix="/api/v1", tags=["api"], responses=ERRORS)
CtxDep = Annotated[Ctx, Depends(current)]


class Body(BaseModel):
    """Request bodies refuse unknown fields."""

    model_config = ConfigDict(extra="forbid")


class Credentials(Body):
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=1000)


class OpeningIn(Body):
    title: str = Field(min_length=1, max_length=200)
    profile_id: str = Field(min_length=1, max_length=64)
    level: Literal["junior", "mid", "senior"] | None = None
    hiring_manager_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    blind_review: bool = False


class OpeningUpdateIn(Body):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    status: Literal["open", "closed", "archived"] | None = Field(
        default=None, description="Closed roles take no new candidates; archived ones are also left out of lists."
    )


class StageIn(Body):
    duration_min: int | None = Field(default=None, ge=5, le=240)
    interviewer_role: str | None = Field(default=None, max_length=200)
    question_ids: list[Annotated[str, Field(max_length=64)]] | None = Field(default=None, max_length=20)


class CandidateIn(Body):
    name: str = Field(min_length=1, max_length=200)
    email: str = Field(min_length=3, max_length=254)


class BlindReviewIn(Body):
    enabled: bool


class RevealIn(Body):
    reason: str = Field(default="", max_length=500)


class MoveIn(Body):
    position: int = Field(ge=0, le=50)


class AssignIn(Body):
    position: int = Field(ge=0, le=50)
    interviewer_id: int = Field(ge=1, le=2**31 - 1)
    scheduled_at: datetime | None = Field(
        default=None, description="The interview's start; without an offset it is read in `timezone`."
    )
    timezone: str | None = Field(
        default=None,
        max_length=64,
        description="IANA zone (e.g. Europe/Paris) the candidate's e-mail shows the time in; default: the caller's.",
    )


class InviteIn(Body):
    position: int = Field(ge=0, le=50)
    second_attempt_reason: str = Field(default="", max_length=500)


class ReasonIn(Body):
    reason: str = Field(min_length=1, max_length=5000)


class RatingIn(Body):
    rating: int = Field(ge=1, le=4)
    evidence: str = Field(min_length=1, max_length=5000)


class ScorecardIn(Body):
    position: int = Field(ge=0, le=50)
    ratings: dict[Annotated[str, Field(max_length=64)], RatingIn] = Field(max_length=50)
    recommendation: Literal["strong_no", "no", "yes", "strong_yes"]
    notes: str = Field(default="", max_length=5000)


class DecisionIn(Body):
    outcome: Literal["hire", "no_hire"]
    rationale: str = Field(min_length=1, max_length=5000)


def opening_json(ctx: Ctx, opening: Opening) -> dict[str, Any]:
    counts = stage_counts(ctx.db, opening)
    return {
        "id": opening.id,
        "title": opening.title,
        "profile_id": opening.profile_id,
        "level": opening.level,
        "status": opening.status,
        "hiring_manager_id": opening.hiring_manager_id,
        "blind_review": opening.blind_review,
        "stages": [
            {
                "position": s.position,
                "stage_id": s.stage_id,
                "title": s.title,
                "kind": s.kind,
                "duration_min": s.duration_min,
                "interviewer_role": s.interviewer_role,
                "question_ids": list(s.question_ids),
                "rubric_ids": list(s.rubric_ids),
                "candidates": counts.get(s.position, 0),
            }
            for s in opening.stages
        ],
    }


def candidate_json(ctx: Ctx, candidate: Candidate) -> dict[str, Any]:
    who = ctx.identity(candidate)
    return {
        "id": candidate.id,
        "opening_id": candidate.opening_id,
        "name": who.name,
        "email": who.email,
        "identity_hidden": who.hidden,
        "stage_position": candidate.stage_position,
        "status": candidate.status,
        # Under blind review the profile (it names the person) is hidden with the name.
        "linkedin_url": None if who.hidden else candidate.linkedin_url,
        "github_url": None if who.hidden else candidate.github_url,
        "source": "" if who.hidden else candidate.source,
        "notes": "" if who.hidden else candidate.notes,
        "has_cv": candidate.cv_file is not None and not who.hidden,
    }


def scorecard_json(card: Scorecard) -> dict[str, Any]:
    return {
        "id": card.id,
        "candidate_id": card.candidate_id,
        "position": card.stage_position,
        "interviewer_id": card.interviewer_id,
        "ratings": card.ratings,
        "checks": card.checks,
        "recommendation": card.recommendation,
        "notes": card.notes,
        "submitted_at": card.submitted_at.isoformat(),
    }


@router.post("/session", name="api_session_create", response_model=SessionOut, status_code=201)
async def api_session_create(request: Request, ctx: CtxDep, body: Credentials) -> JSONResponse:
    """Sign in; returns a bearer token (also set as the session cookie) and the CSRF token for cookie clients."""
    new, user_id, role = await sign_in(ctx, email=body.email, password=body.password)
    response = JSONResponse(
        {"token": new.token, "csrf_token": new.csrf_token, "user_id": user_id, "role": role}, status_code=201
    )
    request.app.state.cookies.set_session(response, new.token, int(SESSION_MAX.total_seconds()))
    return response


@router.delete("/session", name="api_session_delete", status_code=204)
def api_session_delete(ctx: CtxDep) -> Response:
    """Sign out (ends the session used for this request)."""
    auth = ctx.request.headers.get("authorization", "")
    token = auth[7:].strip() if ctx.bearer else ctx.cookies.read_session(ctx.request.cookies.get(SESSION_COOKIE))
    if token:
        close_session(ctx.db, token)
    return Response(status_code=204)


@router.get("/me", name="api_me", response_model=MeOut)
def api_me(ctx: CtxDep) -> dict[str, Any]:
    """Who is signed in."""
    me = ctx.me
    return {"id": me.id, "email": me.email, "name": me.name, "role": me.role, "timezone": user_zone(me)}


@router.get("/profiles", name="api_profiles", response_model=list[ProfileOut])
def api_profiles(ctx: CtxDep) -> list[dict[str, Any]]:
    """The bank's role profiles and their competency weights."""
    return [{"id": p.id, "title": p.title, "weights": dict(p.weights)} for p in ctx.bank.profiles()]


@router.get("/openings", name="api_openings", response_model=list[OpeningOut])
def api_openings(ctx: CtxDep, archived: bool = False) -> list[dict[str, Any]]:
    """The openings the user has access to: open and closed ones, or with `archived=true` the archived ones."""
    return [opening_json(ctx, o) for o in visible_openings(ctx.db, ctx.me, archived=archived)]


@router.post("/openings", name="api_opening_create", response_model=OpeningOut, status_code=201)
def api_opening_create(ctx: CtxDep, body: OpeningIn) -> dict[str, Any]:
    """Open a role from a profile."""
    opening = create_opening(
        ctx.db,
        ctx.bank,
        title=body.title,
        profile_id=body.profile_id,
        actor=ctx.me,
        level=body.level,
        hiring_manager_id=body.hiring_manager_id,
        blind_review=body.blind_review,
    )
    return opening_json(ctx, opening)


@router.get("/openings/{opening_id}", name="api_opening", response_model=OpeningOut)
def api_opening(ctx: CtxDep, opening_id: int) -> dict[str, Any]:
    """One opening with its stages."""
    return opening_json(ctx, ctx.opening)


@router.patch("/openings/{opening_id}/stages/{position}", name="api_opening_stage_update", response_model=OpeningOut)
def api_opening_stage_update(ctx: CtxDep, opening_id: int, position: int, body: StageIn) -> dict[str, Any]:
    """Adjust a stage's duration, interviewer role or questions."""
    update_stage(
        ctx.db,
        ctx.bank,
        ctx.opening,
        position,
        actor=ctx.me,
        duration_min=body.duration_min,
        interviewer_role=body.interviewer_role,
        question_ids=body.question_ids,
    )
    return opening_json(ctx, ctx.opening)


@router.patch("/openings/{opening_id}", name="api_opening_update", response_model=OpeningOut)
def api_opening_update(ctx: CtxDep, opening_id: int, body: OpeningUpdateIn) -> dict[str, Any]:
    """Rename, close, reopen or archive the opening (each change audited)."""
    if body.title is not None:
        rename_opening(ctx.db, ctx.opening, title=body.title, actor=ctx.me)
    if body.status is not None:
        set_opening_status(ctx.db, ctx.opening, status=body.status, actor=ctx.me)
    return opening_json(ctx, ctx.opening)


@router.put("/openings/{opening_id}/blind-review", name="api_opening_blind_review", response_model=OpeningOut)
def api_opening_blind_review(ctx: CtxDep, opening_id: int, body: BlindReviewIn) -> dict[str, Any]:
    """Turn blind review on or off (audited): interviewers then see candidates under a pseudonym."""
    set_blind_review(ctx.db, ctx.opening, enabled=body.enabled, actor=ctx.me)
    return opening_json(ctx, ctx.opening)


@router.get("/openings/{opening_id}/candidates", name="api_candidates", response_model=list[CandidateOut])
def api_candidates(ctx: CtxDep, opening_id: int) -> list[dict[str, Any]]:
    """The opening's candidates the user may see."""
    return [
        candidate_json(ctx, c)
        for c in candidates_of(ctx.db, ctx.opening.id)
        if ctx.can("candidate.view", opening=ctx.opening, candidate=c)
    ]


@router.post(
    "/openings/{opening_id}/candidates", name="api_candidate_create", response_model=CandidateOut, status_code=201
)
def api_candidate_create(ctx: CtxDep, opening_id: int, body: CandidateIn) -> dict[str, Any]:
    """Add a candidate at the first stage."""
    return candidate_json(ctx, add_candidate(ctx.db, ctx.opening, name=body.name, email=body.email))


@router.get("/candidates/{candidate_id}", name="api_candidate", response_model=CandidateDetailOut)
def api_candidate(ctx: CtxDep, candidate_id: int) -> dict[str, Any]:
    """One candidate, with their submissions and decision."""
    out = candidate_json(ctx, ctx.candidate)
    who = ctx.identity(ctx.candidate)
    out["submissions"] = [who.redact_all(summary(s)) for s in submissions_of(ctx.db, ctx.candidate.id)]
    decision = decision_of(ctx.db, ctx.candidate.id)
    out["decision"] = (
        None if decision is None else {"outcome": decision.outcome, "rationale": who.redact(decision.rationale)}
    )
    return out


@router.post("/candidates/{candidate_id}/stage", name="api_candidate_move", response_model=CandidateOut)
def api_candidate_move(ctx: CtxDep, candidate_id: int, body: MoveIn) -> dict[str, Any]:
    """Move the candidate to another stage (audited)."""
    return candidate_json(ctx, move_candidate(ctx.db, ctx.candidate, position=body.position, actor=ctx.me))


@router.post("/candidates/{candidate_id}/reveal", name="api_candidate_reveal", response_model=CandidateOut)
def api_candidate_reveal(ctx: CtxDep, candidate_id: int, body: RevealIn) -> dict[str, Any]:
    """Reveal a blind-reviewed candidate's identity to everyone on the opening (audited)."""
    return candidate_json(ctx, reveal(ctx.db, ctx.candidate, actor=ctx.me, reason=body.reason))


@router.post(
    "/candidates/{candidate_id}/assignments", name="api_candidate_assign", response_model=AssignmentOut, status_code=201
)
def api_candidate_assign(ctx: CtxDep, candidate_id: int, body: AssignIn) -> dict[str, Any]:
    """Assign an interviewer to one of the candidate's stages, optionally at a time."""
    zone_name = check_zone(body.timezone or user_zone(ctx.me))
    when = body.scheduled_at
    if when is not None and when.tzinfo is None:
        when = from_wall_clock(when.isoformat(), zone_name)
    found = assign_interviewer(
        ctx.db,
        ctx.candidate,
        position=body.position,
        interviewer_id=body.interviewer_id,
        scheduled_at=when,
        timezone=zone_name,
    )
    link = page_link(ctx.request, "candidate_page", candidate_id=candidate_id)
    notices.interviewer_assignment(ctx.db, ctx.queue, found, ctx.candidate, link=link, key=ctx.pseudonym_key)
    return {"id": found.id, "position": found.stage_position, "interviewer_id": found.interviewer_id}


@router.post(
    "/candidates/{candidate_id}/invites", name="api_candidate_invite", response_model=InviteOut, status_code=201
)
def api_candidate_invite(ctx: CtxDep, candidate_id: int, body: InviteIn) -> dict[str, Any]:
    """Create an assessment link; the link is returned once and only its hash is kept.

    A link for a stage the candidate already took is a second attempt, made only with `second_attempt_reason`.
    """
    new = create_invite(
        ctx.db,
        ctx.bank,
        ctx.candidate,
        position=body.position,
        days=settings.INVITE_DAYS.get(),
        actor=ctx.me,
        second_attempt_reason=body.second_attempt_reason,
    )
    link = portal_link(ctx.request, new.token)
    notices.assessment_invitation(ctx.db, ctx.queue, new.invite, link=link)
    return {
        "id": new.invite.id,
        "link": link,
        "expires_at": new.invite.expires_at.isoformat(),
        "attempt": new.invite.attempt,
        "attempt_reason": new.invite.attempt_reason,
    }


@router.post("/candidates/{candidate_id}/invites/{invite_id}/revoke", name="api_invite_revoke")
def api_invite_revoke(ctx: CtxDep, candidate_id: int, invite_id: int, body: ReasonIn) -> dict[str, Any]:
    """Revoke an assessment link with a reason (audited); it opens no more."""
    invite = revoke_invite(ctx.db, invite_of(ctx.db, ctx.candidate, invite_id), actor=ctx.me, reason=body.reason)
    assert invite.revoked_at is not None
    return {"id": invite.id, "revoked_at": invite.revoked_at.isoformat(), "reason": invite.revoked_reason}


@router.get("/candidates/{candidate_id}/scorecards", name="api_scorecards", response_model=list[ScorecardOut])
def api_scorecards(ctx: CtxDep, candidate_id: int) -> list[dict[str, Any]]:
    """The candidate's scorecards the user may read (others' only after submitting one's own)."""
    cards = visible_scorecards(ctx.db, ctx.me, ctx.candidate, scorecards_of(ctx.db, ctx.candidate.id))
    who = ctx.identity(ctx.candidate)
    return [who.redact_all(scorecard_json(c)) for c in cards]


@router.post(
    "/candidates/{candidate_id}/scorecards", name="api_scorecard_create", response_model=ScorecardOut, status_code=201
)
def api_scorecard_create(ctx: CtxDep, candidate_id: int, body: ScorecardIn) -> dict[str, Any]:
    """Submit a scorecard for a stage (audited)."""
    card = submit_scorecard(
        ctx.db,
        ctx.bank,
        ctx.candidate,
        position=body.position,
        interviewer=ctx.me,
        ratings={k: v.model_dump() for k, v in body.ratings.items()},
        recommendation=body.recommendation,
        notes=body.notes,
    )
    return scorecard_json(card)


@router.get("/candidates/{candidate_id}/packet", name="api_packet", response_model=PacketOut)
def api_packet(ctx: CtxDep, candidate_id: int) -> dict[str, Any]:
    """The decision packet."""
    return build_packet(ctx.db, ctx.bank, ctx.candidate).to_json()


@router.post(
    "/candidates/{candidate_id}/decision", name="api_decision_create", response_model=DecisionOut, status_code=201
)
def api_decision_create(ctx: CtxDep, candidate_id: int, body: DecisionIn) -> dict[str, Any]:
    """Record the decision with its rationale (audited)."""
    decision = decide(ctx.db, ctx.bank, ctx.candidate, outcome=body.outcome, rationale=body.rationale, actor=ctx.me)
    link = page_link(ctx.request, "candidate_page", candidate_id=candidate_id)
    notices.decision_made(ctx.db, ctx.queue, decision, ctx.candidate, link=link, key=ctx.pseudonym_key)
    return {"candidate_id": decision.candidate_id, "outcome": decision.outcome, "mechanical": decision.mechanical}


@router.post("/candidates/{candidate_id}/reopen", name="api_candidate_reopen")
def api_candidate_reopen(ctx: CtxDep, candidate_id: int, body: ReasonIn) -> dict[str, Any]:
    """Reopen the candidate's decision (admins only, with a reason; audited); the candidate is active again."""
    return candidate_json(ctx, reopen(ctx.db, ctx.candidate, actor=ctx.me, reason=body.reason))


@router.get("/audit", name="api_audit", response_model=list[AuditEventOut])
def api_audit(ctx: CtxDep) -> list[dict[str, Any]]:
    """The newest audit events."""
    return [
        {
            "id": e.id,
            "at": e.at.isoformat(),
            "actor_id": e.actor_id,
            "action": e.action,
            "object_type": e.object_type,
            "object_id": e.object_id,
            "detail": e.detail,
        }
        for e in audit.events(ctx.db)
    ]


@router.get("/jobs", name="api_jobs", response_model=dict[str, int])
async def api_jobs(ctx: CtxDep) -> dict[str, int]:
    """Job counts by status (for operators)."""
    return await run_in_threadpool(job_counts, ctx.db)
