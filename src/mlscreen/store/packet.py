"""The decision packet: ratings per stage and competency, weighted by the profile, combined by the bank's rule."""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import mean
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mlscreen.bank import COMPETENCIES, Bank, CombinationRule, Profile
from mlscreen.errors import ConflictError, ForbiddenError, InvalidFieldsError, UsageError
from mlscreen.store import audit
from mlscreen.store.assessments import attempt_of, revoke_unfinished
from mlscreen.store.models import Candidate, Decision, Scorecard, Submission, User
from mlscreen.store.scorecards import answers_of, scorecards_of

OUTCOMES: tuple[str, ...] = ("hire", "no_hire")


@dataclass
class Packet:
    """Everything a decision is made from, computed from submitted scorecards and graded submissions."""

    candidate_id: int
    stages: list[dict[str, Any]] = field(default_factory=list)
    competencies: dict[str, dict[str, Any]] = field(default_factory=dict)
    weighted_score: float | None = None
    coverage: float = 0.0
    recommendation: str = "insufficient_evidence"
    reasons: list[str] = field(default_factory=list)
    disagreements: list[dict[str, Any]] = field(default_factory=list)
    submissions: list[dict[str, Any]] = field(default_factory=list)
    answers: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """Return the packet as a JSON-ready dict."""
        return dict(self.__dict__)


def combine(
    competency_means: dict[str, float], weights: dict[str, float], rule: CombinationRule
) -> tuple[float | None, float, str, list[str]]:
    """Return (weighted score, coverage, recommendation, reasons) from mean ratings per competency under `rule`."""
    rated = {c: m for c, m in competency_means.items() if weights.get(c, 0) > 0}
    coverage = round(sum(weights[c] for c in rated), 4)
    if not rated or coverage < rule.min_coverage:
        return None, coverage, "insufficient_evidence", [f"only {coverage:.0%} of the profile's weight is rated"]
    score = sum(weights[c] * m for c, m in rated.items()) / coverage
    if score >= rule.strong_yes_at:
        rec = "strong_yes"
    elif score >= rule.yes_at:
        rec = "yes"
    elif score >= rule.no_at:
        rec = "no"
    else:
        rec = "strong_no"
    reasons = [f"weighted mean rating {score:.2f}"]
    vetoes = [c for c, m in rated.items() if weights[c] >= rule.veto_weight and m < rule.veto_below]
    if vetoes and rec in ("yes", "strong_yes"):
        rec = "no"
        reasons.append(f"veto: {', '.join(vetoes)} rated below {rule.veto_below} with weight >= {rule.veto_weight}")
    return round(score, 3), coverage, rec, reasons


def disagreements(cards: list[Scorecard], spread: int) -> list[dict[str, Any]]:
    """Return the disagreements within each stage: ratings of one category `spread` or more apart, and
    recommendations on both sides of the line."""
    out: list[dict[str, Any]] = []
    by_stage: dict[int, list[Scorecard]] = {}
    for card in cards:
        by_stage.setdefault(card.stage_position, []).append(card)
    for position, group in by_stage.items():
        if len(group) < 2:
            continue
        categories = {cat for card in group for cat in card.ratings}
        for cat in sorted(categories):
            values = [int(card.ratings[cat]["rating"]) for card in group if cat in card.ratings]
            if len(values) >= 2 and max(values) - min(values) >= spread:
                out.append({"position": position, "category": cat, "ratings": values})
        recs = {card.recommendation for card in group}
        if recs & {"yes", "strong_yes"} and recs & {"no", "strong_no"}:
            out.append({"position": position, "category": "recommendation", "ratings": sorted(recs)})
    return out


def build_packet(db: Session, bank: Bank, candidate: Candidate, *, cards: list[Scorecard] | None = None) -> Packet:
    """Return the candidate's decision packet (from `cards`, the candidate's scorecards, when already loaded)."""
    profile = bank.get(candidate.opening.profile_id, Profile)
    cards = scorecards_of(db, candidate.id) if cards is None else cards
    packet = Packet(candidate_id=candidate.id)
    per_comp: dict[str, list[int]] = {c: [] for c in COMPETENCIES}
    for stage in candidate.opening.stages:
        group = [c for c in cards if c.stage_position == stage.position]
        cats: dict[str, list[int]] = {}
        for card in group:
            for cat, value in card.ratings.items():
                cats.setdefault(cat, []).append(int(value["rating"]))
                per_comp.setdefault(str(value["competency"]), []).append(int(value["rating"]))
        packet.stages.append(
            {
                "position": stage.position,
                "title": stage.title,
                "scorecards": len(group),
                "recommendations": [c.recommendation for c in group],
                "categories": {k: round(mean(v), 2) for k, v in cats.items()},
            }
        )
    means = {c: mean(v) for c, v in per_comp.items() if v}
    for comp in COMPETENCIES:
        values = per_comp.get(comp, [])
        packet.competencies[comp] = {
            "weight": profile.weights[comp],
            "mean": round(mean(values), 2) if values else None,
            "ratings": len(values),
        }
    rule = bank.combination(profile.id)
    packet.weighted_score, packet.coverage, packet.recommendation, packet.reasons = combine(
        means, {str(k): v for k, v in profile.weights.items()}, rule
    )
    packet.disagreements = disagreements(cards, rule.disagreement_spread)
    subs = db.scalars(select(Submission).where(Submission.candidate_id == candidate.id).order_by(Submission.id))
    packet.submissions = [
        {"id": s.id, "exercise": s.exercise_id, "status": s.status, "result": s.result, **attempt_of(s.invite)}
        for s in subs
    ]
    packet.answers = [
        {
            "id": a.id,
            "question": a.question_id,
            "advice": a.advice,
            "final_level": a.final_level,
            **attempt_of(a.invite),
        }
        for a in answers_of(db, candidate.id)
    ]
    return packet


def decide(db: Session, bank: Bank, candidate: Candidate, *, outcome: str, rationale: str, actor: User) -> Decision:
    """Record the decision with its rationale and the mechanical packet it was made against (audited).

    Raises `UsageError` for an unknown outcome or a missing rationale, `ConflictError` if already decided.
    """
    if outcome not in OUTCOMES:
        raise UsageError(f"unknown outcome {outcome!r}", hint="use hire or no_hire")
    rationale = rationale.strip()
    if len(rationale) < 10:
        raise UsageError("the decision needs a rationale", hint="write at least a sentence on why")
    if db.scalar(select(Decision.id).where(Decision.candidate_id == candidate.id)) is not None:
        raise ConflictError("this candidate has a decision already", hint="decisions are final")
    packet = build_packet(db, bank, candidate)
    mechanical = {"recommendation": packet.recommendation, "weighted_score": packet.weighted_score}
    decision = Decision(
        candidate_id=candidate.id,
        outcome=outcome,
        rationale=rationale[:5000],
        mechanical=mechanical,
        decided_by=actor.id,
    )
    db.add(decision)
    candidate.status = "hired" if outcome == "hire" else "rejected"
    db.flush()
    revoke_unfinished(db, candidate, actor=actor, reason="decision made")
    audit.record(
        db,
        actor_id=actor.id,
        action="decision.made",
        object_type="candidate",
        object_id=candidate.id,
        opening_id=candidate.opening_id,
        outcome=outcome,
        mechanical=packet.recommendation,
    )
    return decision


def decision_of(db: Session, candidate_id: int) -> Decision | None:
    """Return the candidate's decision, if made."""
    return db.scalar(select(Decision).where(Decision.candidate_id == candidate_id))


def reopen(db: Session, candidate: Candidate, *, actor: User, reason: str) -> Candidate:
    """Undo the candidate's decision so they are active again at their stage (an admin's action, audited).

    The decision's outcome and rationale are kept in the audit log with the reason for reopening. Raises
    `ForbiddenError` for anyone but an admin, `InvalidFieldsError` without a reason, `ConflictError` when there is
    no decision to reopen.
    """
    if actor.role != "admin":
        raise ForbiddenError("only an admin can reopen a decision", hint="ask an administrator")
    reason = reason.strip()
    if len(reason) < 10:
        raise InvalidFieldsError(
            "reopening a decision needs a reason",
            fields={"reason": "say why the decision is reopened (a sentence)"},
            hint="write at least a sentence on why",
        )
    decision = decision_of(db, candidate.id)
    if decision is None:
        raise ConflictError("this candidate has no decision to reopen", hint="reload the page")
    audit.record(
        db,
        actor_id=actor.id,
        action="decision.reopened",
        object_type="candidate",
        object_id=candidate.id,
        opening_id=candidate.opening_id,
        outcome=decision.outcome,
        rationale=decision.rationale,
        decided_by=decision.decided_by,
        decided_at=decision.decided_at.isoformat(),
        reason=reason[:5000],
    )
    db.delete(decision)
    candidate.status = "active"
    db.flush()
    return candidate
