"""Scorecards and pre-screens: a 1-4 rating with evidence per rubric category, and an overall recommendation."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mlscreen.bank import Bank, Item, PrescreenQuestion, Rubric
from mlscreen.bank.models import RubricCategory
from mlscreen.errors import ConflictError, UsageError
from mlscreen.store import audit
from mlscreen.store.models import RECOMMENDATIONS, Candidate, OpeningStage, Scorecard, User, WrittenAnswer
from mlscreen.store.openings import stage_at

MAX_NOTE = 5000


def categories(bank: Bank, stage: OpeningStage) -> list[tuple[Rubric, RubricCategory]]:
    """Return every (rubric, category) a scorecard for this stage rates, in rubric order."""
    return [(rubric, c) for rid in stage.rubric_ids for rubric in [bank.get(rid, Rubric)] for c in rubric.categories]


def _ratings(bank: Bank, stage: OpeningStage, raw: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    problems: list[str] = []
    for _rubric, category in categories(bank, stage):
        given = raw.get(category.id) or {}
        try:
            rating = int(given.get("rating") or 0)
        except (TypeError, ValueError):
            rating = 0
        evidence = str(given.get("evidence") or "").strip()
        if rating not in (1, 2, 3, 4):
            problems.append(f"{category.name}: choose a rating 1-4")
        elif not evidence:
            problems.append(f"{category.name}: write the evidence for your rating")
        elif len(evidence) > MAX_NOTE:
            problems.append(f"{category.name}: the evidence is longer than {MAX_NOTE} characters")
        out[category.id] = {"rating": rating, "evidence": evidence[:MAX_NOTE], "competency": category.competency}
    if problems:
        raise UsageError("the scorecard is incomplete: " + "; ".join(problems), hint="every rating needs evidence")
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

    Raises `UsageError` when a rating, its evidence or the recommendation is missing, and `ConflictError`
    when this interviewer already submitted one for this stage.
    """
    stage = stage_at(candidate.opening, position)
    if recommendation not in RECOMMENDATIONS:
        raise UsageError("choose an overall recommendation", hint=f"one of: {', '.join(RECOMMENDATIONS)}")
    clean = _ratings(bank, stage, ratings)
    if find_scorecard(db, candidate.id, position, interviewer.id) is not None:
        raise ConflictError("you already submitted a scorecard for this stage", hint="scorecards cannot be edited")
    card = Scorecard(
        candidate_id=candidate.id,
        stage_position=position,
        interviewer_id=interviewer.id,
        ratings=clean,
        checks=checks or {},
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
    )
    return card


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


def answers_of(db: Session, candidate_id: int) -> list[WrittenAnswer]:
    """Return the candidate's written answers."""
    query = select(WrittenAnswer).where(WrittenAnswer.candidate_id == candidate_id)
    return list(db.scalars(query.order_by(WrittenAnswer.id)))


def review_answer(db: Session, answer: WrittenAnswer, *, reviewer: User, level: int, reason: str = "") -> None:
    """Confirm or override the automatic level proposed for a written answer (audited).

    Raises `UsageError` when the level is not 1-4, or when it differs from the advice and no reason is given.
    """
    if level not in (1, 2, 3, 4):
        raise UsageError("choose a level 1-4", hint="the rubric anchors describe each level")
    suggested = (answer.advice or {}).get("suggested_level")
    overridden = suggested is not None and level != suggested
    reason = reason.strip()
    if overridden and not reason:
        raise UsageError("overriding the suggested level needs a reason", hint="say what the scoring missed")
    answer.final_level = level
    answer.reviewed_by = reviewer.id
    answer.override_reason = reason[:MAX_NOTE] if overridden else None
    candidate = db.get(Candidate, answer.candidate_id)
    audit.record(
        db,
        actor_id=reviewer.id,
        action="answer.overridden" if overridden else "answer.confirmed",
        object_type="answer",
        object_id=answer.id,
        opening_id=candidate.opening_id if candidate else None,
        suggested=suggested,
        level=level,
        reason=answer.override_reason,
    )
