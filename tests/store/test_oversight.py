"""The audit log keeps each automatic proposal beside the human rating made with it (SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import select

from mlscreen.bank import Bank
from mlscreen.store.accounts import create_user
from mlscreen.store.assessments import create_invite
from mlscreen.store.candidates import add_candidate
from mlscreen.store.db import Database
from mlscreen.store.models import AuditEvent, Submission
from mlscreen.store.openings import create_opening, stage_at
from mlscreen.store.scorecards import categories, submit_scorecard
from tests.store.privacy_data import PASSWORD


def test_a_scorecard_records_the_autograder_proposal_it_was_made_beside(database: Database, bank: Bank) -> None:
    with database.session() as s:
        hm = create_user(s, email="hm@example.org", name="Hm", role="hiring_manager", password=PASSWORD)
        opening = create_opening(s, bank, title="ML engineer", profile_id="ml-engineer", actor=hm)
        candidate = add_candidate(s, opening, name="C", email="c@example.org")
        s.flush()
        invite = create_invite(s, bank, candidate, position=1, actor=hm).invite
        rubric = {"correctness": 3, "ml_judgement": 2}
        s.add(
            Submission(
                invite_id=invite.id,
                candidate_id=candidate.id,
                exercise_id=invite.exercise_id or "data-cleaning",
                source="x = 1\n",
                status="done",
                result={"status": "failed", "passed": 5, "total": 8, "rubric": rubric, "tests": []},
            )
        )
        s.flush()
        stage = stage_at(candidate.opening, 1)
        ratings = {c.id: {"rating": 4, "evidence": "clear"} for _r, c in categories(bank, stage)}
        submit_scorecard(s, bank, candidate, position=1, interviewer=hm, ratings=ratings, recommendation="yes")
    with database.session() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "scorecard.submitted")).one()
        assert event.detail["ratings"] == {k: 4 for k in ratings}
        assert event.detail["autograded"] == [{"submission_id": 1, "status": "failed", "rubric": rubric}]
