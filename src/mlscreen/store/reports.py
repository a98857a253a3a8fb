"""The reports' queries: the plain tables each report reads, and the report built from them as JSON-ready data.

Reading is short (`read_tables` in a session); building (the mixed model, bootstraps) runs after the session is
released (`build`), so no transaction is held while the statistics are computed."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mlscreen.errors import UsageError
from mlscreen.reports.tables import Advice, Identity, Rating, Recommendation, StageScore, StageVisit
from mlscreen.store import selfid
from mlscreen.store.history import simulated_count
from mlscreen.store.models import AuditEvent, Candidate, OpeningStage, Scorecard, Submission, WrittenAnswer

REPORTS: tuple[str, ...] = ("funnel", "calibration", "reliability", "agreement", "adverse-impact")
MOVES = ("candidate.stage_changed", "candidate.status_changed", "decision.made")


@dataclass
class Tables:
    """The plain tables behind the reports over one scope (an opening or the organisation, since a date)."""

    ratings: list[Rating] = field(default_factory=list)
    recommendations: list[Recommendation] = field(default_factory=list)
    visits: list[StageVisit] = field(default_factory=list)
    advice: list[Advice] = field(default_factory=list)
    identities: list[Identity] = field(default_factory=list)
    scores: list[StageScore] = field(default_factory=list)
    simulated: int = 0
    """How many of the candidates in scope are simulated demo data (the adverse-impact report says so)."""


def check_name(name: str) -> str:
    """Return `name` if it is a report; raises `UsageError` naming the reports otherwise."""
    if name not in REPORTS:
        raise UsageError(f"unknown report {name!r}", hint=f"choose one of: {', '.join(REPORTS)}")
    return name


def _candidates(db: Session, opening_id: int | None, since: datetime | None) -> dict[int, Candidate]:
    query = select(Candidate)
    if opening_id is not None:
        query = query.where(Candidate.opening_id == opening_id)
    if since is not None:
        query = query.where(Candidate.created_at >= since)
    return {c.id: c for c in db.scalars(query)}


def _stage_names(db: Session, opening_ids: set[int]) -> dict[tuple[int, int], str]:
    rows = db.execute(
        select(OpeningStage.opening_id, OpeningStage.position, OpeningStage.stage_id).where(
            OpeningStage.opening_id.in_(opening_ids)
        )
    )
    return {(o, p): s for o, p, s in rows}


def _scorecards(db: Session, people: dict[int, Candidate], stages: dict[tuple[int, int], str], out: Tables) -> None:
    per_stage: dict[tuple[int, str], list[float]] = defaultdict(list)
    for card in db.scalars(select(Scorecard).where(Scorecard.candidate_id.in_(people))):
        stage = stages.get((people[card.candidate_id].opening_id, card.stage_position), str(card.stage_position))
        out.recommendations.append(Recommendation(card.candidate_id, card.interviewer_id, stage, card.recommendation))
        for category, given in card.ratings.items():
            level = int((given or {}).get("rating") or 0)
            if level in (1, 2, 3, 4):
                out.ratings.append(Rating(card.candidate_id, card.interviewer_id, stage, category, float(level)))
                per_stage[(card.candidate_id, stage)].append(level)
    out.scores.extend(StageScore(c, s, sum(v) / len(v)) for (c, s), v in per_stage.items())


def _visits(db: Session, people: dict[int, Candidate], stages: dict[tuple[int, int], str]) -> list[StageVisit]:
    """Stage visits rebuilt from the audit log: a move forward passes a stage, a rejection or withdrawal exits
    it (the reason is the status, never the free text), a decision passes or exits the last stage reached."""
    events: dict[int, list[AuditEvent]] = defaultdict(list)
    query = select(AuditEvent).where(
        AuditEvent.object_type == "candidate", AuditEvent.action.in_(MOVES), AuditEvent.object_id.in_(people)
    )
    for event in db.scalars(query.order_by(AuditEvent.at, AuditEvent.id)):
        events[event.object_id].append(event)
    out: list[StageVisit] = []
    for cid, person in people.items():
        out.extend(_walk(cid, person, events.get(cid, []), stages))
    return out


def _walk(
    cid: int, person: Candidate, events: list[AuditEvent], stages: dict[tuple[int, int], str]
) -> list[StageVisit]:
    """One candidate's visits, from their audited moves in order; the last is open unless they left."""
    out: list[StageVisit] = []
    position, since = 0, person.created_at
    for event in events:
        outcome, reason, after = _move(event)
        if outcome is None and after is None:
            continue
        name = stages.get((person.opening_id, position), str(position))
        out.append(StageVisit(cid, position, name, since, event.at, outcome, reason))
        if after is None:
            return out
        position, since = after, event.at
    name = stages.get((person.opening_id, position), str(position))
    out.append(StageVisit(cid, position, name, since))
    return out


def _move(event: AuditEvent) -> tuple[str | None, str | None, int | None]:
    """(outcome of the current visit, exit reason, the next position or None when the candidate left)."""
    detail = event.detail or {}
    if event.action == "candidate.stage_changed":
        after = int(detail.get("after", 0))
        return ("passed" if after > int(detail.get("before", 0)) else None), None, after
    if event.action == "decision.made":
        hired = detail.get("outcome") == "hire"
        return ("passed", None, None) if hired else ("exited", "no_hire", None)
    status = str(detail.get("after", ""))
    if status in ("rejected", "withdrawn"):
        return "exited", status, None
    return None, None, None


def _advice(db: Session, people: dict[int, Candidate], ratings: list[Rating]) -> list[Advice]:
    by_candidate: dict[int, list[Rating]] = defaultdict(list)
    for r in ratings:
        by_candidate[r.candidate].append(r)
    out: list[Advice] = []
    graded = select(Submission).where(Submission.candidate_id.in_(people), Submission.result.is_not(None))
    for sub in db.scalars(graded):
        rubric = (sub.result or {}).get("rubric") or {}
        for r in by_candidate.get(sub.candidate_id, []):
            level = rubric.get(r.category)
            if isinstance(level, int) and level in (1, 2, 3, 4):
                person = round(r.level)
                out.append(Advice("exercise", sub.exercise_id, level, person, level != person))
    reviewed = select(WrittenAnswer).where(
        WrittenAnswer.candidate_id.in_(people), WrittenAnswer.final_level.is_not(None)
    )
    for answer in db.scalars(reviewed):
        suggested = (answer.advice or {}).get("suggested_level")
        if isinstance(suggested, int) and answer.final_level is not None:
            out.append(
                Advice("question", answer.question_id, suggested, answer.final_level, suggested != answer.final_level)
            )
    return out


def parse_since(value: str | None) -> datetime | None:
    """The start of the day `value` (YYYY-MM-DD) in UTC; raises `UsageError` when it is not such a date."""
    if value is None:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--since {value!r} is not a date", hint="write it as YYYY-MM-DD, e.g. 2026-01-31") from None
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def read_tables(db: Session, *, opening_id: int | None = None, since: datetime | None = None) -> Tables:
    """Read every table the reports need for the candidates of `opening_id` (all openings when None) who applied
    on or after `since`. Voluntary self-identification is read only here, for the adverse-impact report's counts;
    candidates who gave none (or preferred not to say) count as "not_said"."""
    people = _candidates(db, opening_id, since)
    out = Tables()
    if not people:
        return out
    stages = _stage_names(db, {c.opening_id for c in people.values()})
    _scorecards(db, people, stages, out)
    out.visits = _visits(db, people, stages)
    out.advice = _advice(db, people, out.ratings)
    out.identities = selfid.identities(db, people)
    out.simulated = simulated_count(db, list(people))
    return out


def build(name: str, tables: Tables, *, min_group: int = 5) -> dict[str, Any]:
    """The report `name` over `tables` as JSON-ready data; slow for big tables, so call it outside a session."""
    from mlscreen import reports

    check_name(name)
    body: dict[str, Any]
    if name == "funnel":
        body = {"stages": [asdict(s) for s in reports.funnel(tables.visits)]}
    elif name == "calibration":
        body = asdict(reports.calibration(tables.ratings, tables.recommendations))
    elif name == "reliability":
        body = {"categories": [asdict(c) for c in reports.reliability(tables.ratings)]}
    elif name == "agreement":
        body = {"items": [asdict(i) for i in reports.agreement(tables.advice)]}
    else:
        body = {
            "min_group": min_group,
            "simulated_candidates": tables.simulated,
            "selection": [asdict(r) for r in reports.selection(tables.visits, tables.identities, min_group=min_group)],
            "scoring": [asdict(r) for r in reports.scoring(tables.scores, tables.identities, min_group=min_group)],
        }
    return {"report": name, "generated_at": datetime.now(UTC).isoformat(), **body}
