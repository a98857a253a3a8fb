"""A demo organisation: one user per role, an opening per profile, candidates at different stages, and an opening
of simulated history for the reports."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from mlscreen.bank import Bank, Exercise
from mlscreen.integrity.simulate import simulate
from mlscreen.jobs.queue import JobQueue
from mlscreen.store.accounts import create_user, strong_password
from mlscreen.store.assessments import create_invite, start, submit
from mlscreen.store.candidates import add_candidate, assign_interviewer, move_candidate
from mlscreen.store.db import Database
from mlscreen.store.history import seed_history
from mlscreen.store.models import Candidate, User, utcnow
from mlscreen.store.openings import add_member, create_opening
from mlscreen.store.recordings import append
from mlscreen.store.scorecards import PRESCREEN_KIND, categories, submit_prescreen, submit_scorecard

DEMO_USERS = (
    ("admin@example.org", "Ada Admin", "admin"),
    ("manager@example.org", "Hana Manager", "hiring_manager"),
    ("recruiter@example.org", "Rui Recruiter", "recruiter"),
    ("interviewer@example.org", "Ines Interviewer", "interviewer"),
    ("interviewer2@example.org", "Ivan Interviewer", "interviewer"),
)
DEMO_CANDIDATES = ("Alex Rivera", "Sam Chen", "Priya Natarajan", "Jordan Blake")


def seed_demo(db: Database, bank: Bank, queue: JobQueue, *, password: str | None = None) -> list[tuple[str, str, str]]:
    """Seed the demo organisation once and return (e-mail, role, password) per demo user.

    Passwords are random unless given; on a database already seeded, the existing users are kept and their
    passwords shown as "(unchanged)".
    """
    with db.session() as s:
        if s.scalar(select(User.id).where(User.email == DEMO_USERS[0][0])) is not None:
            return [(email, role, "(unchanged)") for email, _name, role in DEMO_USERS]
        logins = []
        users: dict[str, User] = {}
        for email, name, role in DEMO_USERS:
            secret = password or strong_password()
            users[email] = create_user(s, email=email, name=name, role=role, password=secret)
            logins.append((email, role, secret))
        manager = users["manager@example.org"]
        interviewers = [users["interviewer@example.org"], users["interviewer2@example.org"]]
        recruiter = users["recruiter@example.org"]
        for index, profile in enumerate(bank.profiles()):
            opening = create_opening(s, bank, title=f"{profile.title} (demo)", profile_id=profile.id, actor=manager)
            for user in (recruiter, *interviewers):
                add_member(s, opening, user.id)
            for n, name in enumerate(DEMO_CANDIDATES):
                email = f"{name.split()[0].lower()}.{index}@example.net"
                candidate = add_candidate(s, opening, name=name, email=email)
                target = min(n, len(opening.stages) - 1)
                # Each stage as it happens: assigned, done (scorecards), then the candidate moves on.
                for position in range(target + 1):
                    stage = opening.stages[position]
                    people = [recruiter] if stage.kind == PRESCREEN_KIND else interviewers
                    for person in people:
                        assign_interviewer(s, candidate, position=position, interviewer_id=person.id)
                    if position == target:
                        break  # the current stage is still to be done
                    if stage.kind == "coding":
                        _demo_submission(s, bank, queue, candidate, position, recruiter)
                    _demo_scorecards(s, bank, candidate, position, people, seed=n)
                    if stage.kind != PRESCREEN_KIND:  # a pre-screen that advances moves the candidate itself
                        move_candidate(s, candidate, position=position + 1, actor=recruiter)
        # Enough simulated history that every report and chart shows something (labelled as demo data).
        seed_history(s, bank, actor_id=manager.id)
        return logins


def _demo_scorecards(
    s: Session, bank: Bank, candidate: Candidate, position: int, people: list[User], seed: int
) -> None:
    stage = candidate.opening.stages[position]
    for k, person in enumerate(people):
        ratings = {
            cat.id: {"rating": 2 + (seed + k + i) % 3, "evidence": f"Demo note on {cat.name.lower()}."}
            for i, (_rubric, cat) in enumerate(categories(bank, stage))
        }
        if stage.kind == PRESCREEN_KIND:
            submit_prescreen(
                s, bank, candidate, position=position, recruiter=person, ratings=ratings, outcome="advance"
            )
            continue
        recommendation = ("no", "yes", "strong_yes")[(seed + k) % 3]
        submit_scorecard(
            s, bank, candidate, position=position, interviewer=person, ratings=ratings, recommendation=recommendation
        )


def _demo_submission(
    s: Session, bank: Bank, queue: JobQueue, candidate: Candidate, position: int, sender: User
) -> None:
    stage = candidate.opening.stages[position]
    exercise = next((q for q in stage.question_ids if isinstance(bank.get(q), Exercise)), None)
    if exercise is None:
        return
    new = create_invite(s, bank, candidate, position=position, actor=sender)
    code = bank.exercise_source(exercise, "reference")
    # A made-up session recording ending on the submitted code, so the demo's replay and signals show something.
    now = utcnow()
    events = simulate(bank.exercise_source(exercise, "starter"), code, start_ms=0, seed=candidate.id)
    began = now - timedelta(milliseconds=events[-1]["t"])
    for event in events:
        event["t"] += int(began.timestamp() * 1000)
    start(new.invite, now=began)
    append(s, new.invite, json.dumps(events), now=now)
    submit(s, queue, new.invite, code=code, answers={}, confirmed=True, now=now)
