"""Simulated screening history for the demo: an opening of back-dated candidates, moves, scorecards, graded
submissions, reviewed answers and voluntary self-identification, all labelled as demo data, so that every report
and chart has something to show."""

from __future__ import annotations

import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mlscreen.bank import Bank
from mlscreen.reports.simulate import Design, Simulation, simulate
from mlscreen.reports.tables import StageVisit
from mlscreen.store import audit
from mlscreen.store.accounts import create_user, strong_password, token_hash
from mlscreen.store.models import (
    Candidate,
    Invite,
    OpeningStage,
    Scorecard,
    SelfIdentification,
    Submission,
    User,
    WrittenAnswer,
)
from mlscreen.store.openings import create_opening
from mlscreen.store.scorecards import PRESCREEN_KIND, categories
from mlscreen.store.selfid import PREFER_NOT

TITLE = "Simulated history (demo data)"
EMAIL_DOMAIN = "simulated.example.invalid"
"""Simulated candidates' addresses end with this, so reports can say how many of their candidates are simulated."""
PASS_RATES = {"female": 0.62, "male": 0.78}
"""A known gap in pass rates per stage (ratio about 0.8), for the adverse-impact report to find."""


@dataclass
class _Scene:
    """What the writers share: the opening, its stages, the simulation, the raters and the written candidates."""

    opening_id: int
    stages: list[OpeningStage]
    rated: OpeningStage
    sim: Simulation
    raters: list[int]
    competency: dict[str, str]
    people: dict[int, Candidate]
    visits: dict[int, list[StageVisit]]


def simulated_count(db: Session, candidate_ids: list[int]) -> int:
    """How many of `candidate_ids` are simulated demo candidates."""
    if not candidate_ids:
        return 0
    query = select(func.count(Candidate.id)).where(
        Candidate.id.in_(candidate_ids), Candidate.email.like(f"%@{EMAIL_DOMAIN}")
    )
    return int(db.scalar(query) or 0)


def seed_history(db: Session, bank: Bank, *, actor_id: int, candidates: int = 150, seed: int = 0) -> int:
    """Add an opening of simulated, back-dated history (labelled as demo data) so that every report and chart has
    something to show; return its id. Interviewers are simulated users who cannot sign in (random passwords)."""
    actor = db.get(User, actor_id)
    assert actor is not None
    profile = bank.profiles()[0]
    opening = create_opening(db, bank, title=TITLE, profile_id=profile.id, actor=actor)
    rated = next(st for st in opening.stages if st.rubric_ids and st.kind != PRESCREEN_KIND)
    design = Design(
        candidates=candidates,
        interviewers=6,
        categories=tuple(c.id for _r, c in categories(bank, rated)),
        stages=tuple(st.stage_id for st in opening.stages),
        rated_stage=rated.stage_id,
        pass_rates=dict(PASS_RATES),
    )
    sim = simulate(design, seed=seed)
    raters = [
        create_user(
            db,
            email=f"simulated.rater{i}@example.invalid",
            name=f"Simulated rater {i}",
            role="interviewer",
            password=strong_password(),
        ).id
        for i in range(design.interviewers)
    ]
    competency = {c.id: str(c.competency) for _r, c in categories(bank, rated)}
    visits: dict[int, list[StageVisit]] = defaultdict(list)
    for v in sim.visits:
        visits[v.candidate].append(v)
    scene = _Scene(opening.id, list(opening.stages), rated, sim, raters, competency, {}, visits)
    _write_candidates(db, scene)
    _write_moves(db, scene)
    _write_scorecards(db, scene)
    _write_advice(db, bank, scene, seed)
    _write_identities(db, scene, seed)
    return opening.id


def _write_candidates(db: Session, scene: _Scene) -> None:
    for c, mine in scene.visits.items():
        last = mine[-1]
        status = "active" if last.outcome != "exited" else ("withdrawn" if last.reason == "withdrew" else "rejected")
        scene.people[c] = Candidate(
            opening_id=scene.opening_id,
            name=f"Simulated candidate {c + 1}",
            email=f"candidate{c + 1}@{EMAIL_DOMAIN}",
            stage_position=last.position,
            status=status,
            created_at=mine[0].entered_at,
        )
    db.add_all(scene.people.values())
    db.flush()


def _write_moves(db: Session, scene: _Scene) -> None:
    """The candidates' audited moves, back-dated to when the simulation says they happened."""
    for c, mine in scene.visits.items():
        for v in mine:
            if v.outcome is None or v.left_at is None:
                continue
            moved = v.outcome == "passed"
            after: Any = v.position + 1 if moved else ("withdrawn" if v.reason == "withdrew" else "rejected")
            event = audit.record(
                db,
                actor_id=None,
                action="candidate.stage_changed" if moved else "candidate.status_changed",
                object_type="candidate",
                object_id=scene.people[c].id,
                opening_id=scene.opening_id,
                before=v.position if moved else "active",
                after=after,
            )
            event.at = v.left_at


def _write_scorecards(db: Session, scene: _Scene) -> None:
    cards: dict[tuple[int, int], dict[str, Any]] = defaultdict(dict)
    for r in scene.sim.ratings:
        cards[(r.candidate, r.rater)][r.category] = {  # the shape every scorecard has (the packet reads it)
            "rating": int(r.level),
            "evidence": "Simulated demo rating.",
            "competency": scene.competency[r.category],
        }
    said = {(r.candidate, r.rater): r.recommendation for r in scene.sim.recommendations}
    for (c, rater), ratings in cards.items():
        entered = next(v.entered_at for v in scene.visits[c] if v.position == scene.rated.position)
        db.add(
            Scorecard(
                candidate_id=scene.people[c].id,
                stage_position=scene.rated.position,
                interviewer_id=scene.raters[rater],
                ratings=ratings,
                recommendation=said[(c, rater)],
                notes="Simulated demo data.",
                submitted_at=entered + timedelta(days=1),
            )
        )


def _level(rng: Any, ability: float, noise: float) -> int:
    return int(min(4, max(1, round(2.5 + ability + float(rng.normal(0, noise))))))


def _invite(db: Session, candidate: Candidate, stage: OpeningStage, at: Any, exercise: str | None) -> Invite:
    """A used, expired link (a submission needs one); its token is random and never given to anyone."""
    invite = Invite(
        candidate_id=candidate.id,
        stage_position=stage.position,
        token_hash=token_hash(secrets.token_urlsafe(32)),
        exercise_id=exercise,
        question_ids=[],
        minutes=stage.duration_min,
        created_at=at,
        expires_at=at + timedelta(days=7),
        started_at=at,
        submitted_at=at + timedelta(minutes=stage.duration_min),
    )
    db.add(invite)
    db.flush()
    return invite


def _write_advice(db: Session, bank: Bank, scene: _Scene, seed: int) -> None:
    """The automatic advice beside people's levels, for the agreement report: an autograder's proposed level on
    the rated stage's first category for every rated candidate, and answer scoring's suggested level with a
    reviewer's confirmed or overridden level for candidates who reached a knowledge stage."""
    import numpy as np

    from mlscreen.bank import Exercise, KnowledgeQuestion

    rng = np.random.default_rng(seed + 1)
    category = next(iter(scene.competency), None)
    exercise = next((q for q in scene.rated.question_ids if isinstance(bank.get(q), Exercise)), "exercise")
    knowledge = next((st for st in scene.stages if st.kind == "knowledge"), None)
    questions = [q for q in (knowledge.question_ids if knowledge else []) if isinstance(bank.get(q), KnowledgeQuestion)]
    rated = {r.candidate for r in scene.sim.ratings}
    for c, mine in scene.visits.items():
        ability, person = scene.sim.abilities[c], scene.people[c]
        reached = {v.position: v.entered_at for v in mine}
        if c in rated and category is not None:
            at = reached[scene.rated.position]
            invite = _invite(db, person, scene.rated, at, exercise)
            level = _level(rng, ability, 0.6)
            result = {
                "exercise": exercise,
                "status": "graded",
                "passed": level,
                "total": 4,
                "rubric": {category: level},
            }
            db.add(
                Submission(
                    invite_id=invite.id,
                    candidate_id=person.id,
                    exercise_id=exercise,
                    source="# Simulated demo submission.\n",
                    status="done",
                    result=result,
                    created_at=at,
                    graded_at=at,
                )
            )
        if knowledge is None or knowledge.position not in reached:
            continue
        for question in questions[:3]:
            suggested = _level(rng, ability, 0.6)
            final = suggested if rng.random() < 0.6 else _level(rng, ability, 0.5)
            db.add(
                WrittenAnswer(
                    candidate_id=person.id,
                    stage_position=knowledge.position,
                    question_id=question,
                    answer="Simulated demo answer.",
                    advice={"suggested_level": suggested, "score": suggested / 4, "points": []},
                    final_level=final,
                    reviewed_by=scene.raters[int(rng.integers(len(scene.raters)))],
                    override_reason=None if final == suggested else "Simulated demo override.",
                    created_at=reached[knowledge.position],
                )
            )


def _write_identities(db: Session, scene: _Scene, seed: int) -> None:
    """The simulated candidates' voluntary self-identification; about one in ten prefers not to say."""
    import numpy as np

    rng = np.random.default_rng(seed + 2)
    for identity in scene.sim.identities:
        sex = identity.sex if rng.random() > 0.1 and identity.sex else PREFER_NOT
        race = identity.race if rng.random() > 0.1 and identity.race else PREFER_NOT
        db.add(SelfIdentification(candidate_id=scene.people[identity.candidate].id, sex=sex, race=race))
    db.flush()
