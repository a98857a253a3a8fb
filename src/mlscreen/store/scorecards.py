"""Scorecards and pre-screens: a 1-4 rating with evidence per rubric category, and an overall recommendation."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from mlscreen.bank import Bank, Item, PrescreenQuestion, Rubric
from mlscreen.bank.models import RubricCategory
from mlscreen.errors import ConflictError, ForbiddenError, InvalidFieldsError, NotFoundError, UsageError
from mlscreen.store import audit
from mlscreen.store.assessments import stage_submissions
from mlscreen.store.candidates import ensure_undecided, move_candidate, set_status
from mlscreen.store.models import (
    RECOMMENDATIONS,
    Assignment,
    Candidate,
    OpeningStage,
    Scorecard,
    ScorecardDraft,
    User,
    WrittenAnswer,
)
from mlscreen.store.openings import member_ids, stage_at

MAX_NOTE = 5000
PRESCREEN_KIND = "recruiter_screen"
PRESCREEN_OUTCOMES: dict[str, str] = {"advance": "yes", "reject": "no"}  # the outcome's recommendation


def manages(user: User, candidate: Candidate) -> bool:
    """Return True for an admin and for the hiring manager of the candidate's opening."""
    return user.role == "admin" or (user.role == "hiring_manager" and candidate.opening.hiring_manager_id == user.id)


def assigned_to_stage(db: Session, candidate: Candidate, position: int, user: User) -> bool:
    """Return True when `user` is assigned to run the candidate's stage at `position`."""
    query = select(Assignment.id).where(
        Assignment.candidate_id == candidate.id,
        Assignment.stage_position == position,
        Assignment.interviewer_id == user.id,
    )
    return db.scalar(query.limit(1)) is not None


def may_score(db: Session, candidate: Candidate, position: int, user: User) -> bool:
    """Return True when `user` is one of the stage's reviewers: assigned to it, the hiring manager, or an admin.

    Only they file the stage's scorecard and review the written answers given at that stage.
    """
    return manages(user, candidate) or assigned_to_stage(db, candidate, position, user)


def may_prescreen(db: Session, candidate: Candidate, position: int, user: User) -> bool:
    """Return True when `user` may file the pre-screen at `position`: its reviewers or the opening's recruiters."""
    if may_score(db, candidate, position, user):
        return True
    return user.role == "recruiter" and user.id in member_ids(db, candidate.opening_id)


def _not_a_reviewer(stage: OpeningStage) -> ForbiddenError:
    return ForbiddenError(
        f"you are not assigned to the stage {stage.title!r}",
        hint="only the stage's interviewers, the hiring manager and admins file its scorecard; ask to be assigned",
    )


def categories(bank: Bank, stage: OpeningStage) -> list[tuple[Rubric, RubricCategory]]:
    """Return every (rubric, category) a scorecard for this stage rates, in rubric order."""
    return [(rubric, c) for rid in stage.rubric_ids for rubric in [bank.get(rid, Rubric)] for c in rubric.categories]


def _ratings(bank: Bank, stage: OpeningStage, raw: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Return the cleaned ratings; raises `InvalidFieldsError` naming each bad `rating:ID`/`evidence:ID` field."""
    out: dict[str, dict[str, Any]] = {}
    fields: dict[str, str] = {}
    for _rubric, category in categories(bank, stage):
        given = raw.get(category.id) or {}
        try:
            rating = int(given.get("rating") or 0)
        except (TypeError, ValueError):
            rating = 0
        evidence = str(given.get("evidence") or "").strip()
        if rating not in (1, 2, 3, 4):
            fields[f"rating:{category.id}"] = f"{category.name}: choose a rating 1-4"
        if not evidence:
            fields[f"evidence:{category.id}"] = f"{category.name}: write the evidence for your rating"
        elif len(evidence) > MAX_NOTE:
            fields[f"evidence:{category.id}"] = f"{category.name}: the evidence is longer than {MAX_NOTE} characters"
        out[category.id] = {"rating": rating, "evidence": evidence[:MAX_NOTE], "competency": category.competency}
    if fields:
        raise InvalidFieldsError(
            "the scorecard is incomplete: " + "; ".join(fields.values()),
            fields=fields,
            hint="every rating needs evidence",
        )
    return out


def submit_scorecard(
    db: Session,
    bank: Bank,
    candidate: Candidate,
    *,
    position: int,
    interviewer: User,
    ratings: dict[str, Any],
    recommendation: str,
    notes: str = "",
    checks: dict[str, Any] | None = None,
) -> Scorecard:
    """Store a submitted scorecard (audited) and return it.

    Raises `ForbiddenError` unless `interviewer` is one of the stage's reviewers (see `may_score`), `UsageError`
    for the pre-screen stage (see `submit_prescreen`), `InvalidFieldsError` when a rating, its evidence or the
    recommendation is missing, and `ConflictError` when this interviewer already submitted one for this stage.
    """
    stage = stage_at(candidate.opening, position)
    if stage.kind == PRESCREEN_KIND:
        raise UsageError(
            f"the stage {stage.title!r} is the recruiter pre-screen", hint="file it with the pre-screen form"
        )
    if not may_score(db, candidate, position, interviewer):
        raise _not_a_reviewer(stage)
    card = _store(db, bank, candidate, stage, interviewer, ratings, recommendation, notes, {})
    db.execute(  # the draft it was written from has done its work (store/drafts.py)
        delete(ScorecardDraft).where(
            ScorecardDraft.candidate_id == candidate.id,
            ScorecardDraft.stage_position == position,
            ScorecardDraft.author_id == interviewer.id,
        )
    )
    return card


def prescreen_stage(candidate: Candidate, position: int) -> OpeningStage:
    """Return the stage at `position`; raises `UsageError` unless it is the recruiter pre-screen stage."""
    stage = stage_at(candidate.opening, position)
    if stage.kind != PRESCREEN_KIND:
        raise UsageError(
            f"the stage {stage.title!r} is not a pre-screen",
            hint="pre-screens are filed only for the recruiter pre-screen stage; use the stage's scorecard",
        )
    return stage


def submit_prescreen(
    db: Session,
    bank: Bank,
    candidate: Candidate,
    *,
    position: int,
    recruiter: User,
    ratings: dict[str, Any],
    outcome: str,
    notes: str = "",
    checks: dict[str, Any] | None = None,
) -> Scorecard:
    """Store a recruiter pre-screen (a scorecard with look-fors and red flags in `checks`), then advance or reject.

    `outcome` is "advance" (recommendation yes; the candidate moves to the next stage) or "reject" (no; the
    candidate is rejected). Everything is audited. Raises `UsageError` when the stage at `position` is not the
    pre-screen stage, `ForbiddenError` unless `recruiter` may pre-screen (see `may_prescreen`),
    `InvalidFieldsError` for a missing rating, evidence or outcome, and `ConflictError` as `submit_scorecard`.
    """
    stage = prescreen_stage(candidate, position)
    if not may_prescreen(db, candidate, position, recruiter):
        raise _not_a_reviewer(stage)
    recommendation = PRESCREEN_OUTCOMES.get(outcome, "")
    try:
        card = _store(db, bank, candidate, stage, recruiter, ratings, recommendation, notes, checks or {})
    except InvalidFieldsError as exc:
        fields = {("outcome" if k == "recommendation" else k): v for k, v in exc.fields.items()}
        if "outcome" in fields:
            fields["outcome"] = "choose advance or reject"
        raise InvalidFieldsError(
            "the pre-screen is incomplete: " + "; ".join(fields.values()), fields=fields, hint=exc.hint
        ) from None
    if outcome == "advance" and position + 1 < len(candidate.opening.stages):
        move_candidate(db, candidate, position=position + 1, actor=recruiter)
    elif outcome == "reject":
        set_status(db, candidate, status="rejected", actor=recruiter, reason="pre-screen")
    return card


def _store(
    db: Session,
    bank: Bank,
    candidate: Candidate,
    stage: OpeningStage,
    interviewer: User,
    ratings: dict[str, Any],
    recommendation: str,
    notes: str,
    checks: dict[str, Any],
) -> Scorecard:
    ensure_undecided(db, candidate, frozen="their scorecards are")
    position = stage.position
    problems: dict[str, str] = {}
    clean: dict[str, dict[str, Any]] = {}
    if recommendation not in RECOMMENDATIONS:
        problems["recommendation"] = "choose an overall recommendation"
    try:
        clean = _ratings(bank, stage, ratings)
    except InvalidFieldsError as exc:
        problems.update(exc.fields)
    if problems:
        raise InvalidFieldsError(
            "the scorecard is incomplete: " + "; ".join(problems.values()),
            fields=problems,
            hint="every rating needs evidence, and the scorecard an overall recommendation",
        )
    if find_scorecard(db, candidate.id, position, interviewer.id) is not None:
        raise ConflictError("you already submitted a scorecard for this stage", hint="scorecards cannot be edited")
    card = Scorecard(
        candidate_id=candidate.id,
        stage_position=position,
        interviewer_id=interviewer.id,
        ratings=clean,
        checks=checks,
        recommendation=recommendation,
        notes=notes.strip()[:MAX_NOTE],
    )
    db.add(card)
    db.flush()
    audit.record(
        db,
        actor_id=interviewer.id,
        action="scorecard.submitted",
        object_type="scorecard",
        object_id=card.id,
        opening_id=candidate.opening_id,
        candidate_id=candidate.id,
        position=position,
        recommendation=recommendation,
        ratings={k: v["rating"] for k, v in clean.items()},
        autograded=_autograded(db, candidate.id, position),
    )
    return card


def _autograded(db: Session, candidate_id: int, position: int) -> list[dict[str, Any]]:
    """Return the automatic proposals the interviewer had beside them: each graded submission's rubric levels.

    Recorded with the scorecard, so the audit log shows every automatic suggestion next to the human rating.
    """
    return [
        {"submission_id": sub.id, "status": sub.result.get("status"), "rubric": sub.result.get("rubric", {})}
        for sub in stage_submissions(db, candidate_id, position)
        if sub.result is not None
    ]


def prescreen_checks(bank: Bank, stage: OpeningStage, form: dict[str, list[str]]) -> dict[str, Any]:
    """Return the look-fors seen and red flags raised per pre-screen question, from `qid:look:N`/`qid:flag:N` keys."""
    out: dict[str, Any] = {}
    for qid in stage.question_ids:
        question = bank.get(qid, Item)
        if not isinstance(question, PrescreenQuestion):
            continue
        looks = [q for i, q in enumerate(question.look_fors) if form.get(f"{qid}:look:{i}")]
        flags = [f for i, f in enumerate(question.red_flags) if form.get(f"{qid}:flag:{i}")]
        out[qid] = {"look_fors": looks, "red_flags": flags, "knockout": question.knockout and bool(flags)}
    return out


def find_scorecard(db: Session, candidate_id: int, position: int, interviewer_id: int) -> Scorecard | None:
    """Return the interviewer's scorecard for the candidate's stage, if submitted."""
    return db.scalar(
        select(Scorecard).where(
            Scorecard.candidate_id == candidate_id,
            Scorecard.stage_position == position,
            Scorecard.interviewer_id == interviewer_id,
        )
    )


def scorecards_of(db: Session, candidate_id: int) -> list[Scorecard]:
    """Return every submitted scorecard of the candidate, by stage then submission."""
    query = select(Scorecard).where(Scorecard.candidate_id == candidate_id)
    return list(db.scalars(query.order_by(Scorecard.stage_position, Scorecard.id)))


def get_answer(db: Session, answer_id: int) -> WrittenAnswer:
    """Return the written answer with this id; raises `NotFoundError`."""
    found = db.get(WrittenAnswer, answer_id)
    if found is None:
        raise NotFoundError(f"no written answer with id {answer_id}", hint="go back to the candidate's page")
    return found


def answers_of(db: Session, candidate_id: int) -> list[WrittenAnswer]:
    """Return the candidate's written answers."""
    query = select(WrittenAnswer).where(WrittenAnswer.candidate_id == candidate_id)
    return list(db.scalars(query.order_by(WrittenAnswer.id)))


def review_answer(db: Session, answer: WrittenAnswer, *, reviewer: User, level: int, reason: str = "") -> None:
    """Confirm or override the automatic level proposed for a written answer, or change an earlier review (audited).

    The review belongs to the reviewers of the stage the answer was given at (see `may_score`). A change keeps the
    earlier level, reviewer and reason in the audit log beside the new ones. Raises `ForbiddenError` for anyone
    else, and `UsageError` when the level is not 1-4, when it differs from the advice and no reason is given, or
    when an earlier review is changed without a reason.
    """
    candidate = db.get_one(Candidate, answer.candidate_id)
    if not may_score(db, candidate, answer.stage_position, reviewer):
        stage = stage_at(candidate.opening, answer.stage_position)
        raise ForbiddenError(
            f"you are not assigned to the stage {stage.title!r}",
            hint="written answers are reviewed by the stage's interviewers, the hiring manager and admins",
        )
    ensure_undecided(db, candidate, frozen="the reviews of their answers are")
    if level not in (1, 2, 3, 4):
        raise InvalidFieldsError(
            "choose a level 1-4", fields={"level": "choose a level 1-4"}, hint="the rubric anchors describe each level"
        )
    suggested = (answer.advice or {}).get("suggested_level")
    overridden = suggested is not None and level != suggested
    revised = answer.final_level is not None
    reason = reason.strip()[:MAX_NOTE]
    if revised and not reason:
        raise InvalidFieldsError(
            "changing an earlier review needs a reason",
            fields={"reason": "say why the earlier review changes"},
            hint="the earlier level and its reason stay in the audit log",
        )
    if overridden and not reason:
        raise InvalidFieldsError(
            "overriding the suggested level needs a reason",
            fields={"reason": "say what the scoring missed"},
            hint="say what the scoring missed",
        )
    earlier = {"previous_level": answer.final_level, "previous_reason": answer.override_reason}
    earlier["previous_reviewer"] = answer.reviewed_by
    answer.final_level = level
    answer.reviewed_by = reviewer.id
    answer.override_reason = reason if (overridden or revised) else None
    action = "answer.revised" if revised else "answer.overridden" if overridden else "answer.confirmed"
    audit.record(
        db,
        actor_id=reviewer.id,
        action=action,
        object_type="answer",
        object_id=answer.id,
        opening_id=candidate.opening_id,
        suggested=suggested,
        level=level,
        reason=answer.override_reason,
        **(earlier if revised else {}),
    )
