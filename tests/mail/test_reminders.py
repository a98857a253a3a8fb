"""Reminders: an unopened link a day before it expires, a scorecard a day after its interview; each only once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from mlscreen.bank import Bank
from mlscreen.jobs.local import LocalQueue
from mlscreen.store.accounts import create_user
from mlscreen.store.assessments import create_invite
from mlscreen.store.blind import pseudonym, set_blind_review
from mlscreen.store.candidates import add_candidate, assign_interviewer
from mlscreen.store.db import Database
from mlscreen.store.models import OutboxMessage, Scorecard, User, utcnow
from mlscreen.store.openings import add_member, create_opening
from mlscreen.web.deadlines import send_due_reminders
from mlscreen.zones import show_named
from tests.mail.test_sending import make_queue

KEY = b"a pseudonym key for the tests"


def link(candidate_id: int) -> str:
    return f"https://screening.example.org/candidates/{candidate_id}"


def written(db: Database) -> list[tuple[str, str]]:
    with db.session() as s:
        return [(m.template, m.recipient) for m in s.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


def test_reminders_fall_due_once(database: Database, bank: Bank) -> None:
    queue: LocalQueue = make_queue(database)
    now = utcnow()
    with database.session() as s:
        hm = create_user(s, email="hm@example.org", name="HM", role="hiring_manager", password="a long enough password")
        iv = create_user(s, email="iv@example.org", name="IV", role="interviewer", password="a long enough password")
        opening = create_opening(s, bank, title="MLE", profile_id="ml-engineer", actor=hm)
        add_member(s, opening, iv.id)
        soon = add_candidate(s, opening, name="Soon", email="soon@example.net")
        later = add_candidate(s, opening, name="Later", email="later@example.net")
        create_invite(s, bank, soon, position=1, now=now - timedelta(days=6, hours=12))  # expires in 12 h
        create_invite(s, bank, later, position=1, now=now - timedelta(days=1))  # expires in 6 days
        for cand, hours_ago, scored in ((soon, 30, False), (later, 30, True), (later, 2, False)):
            found = assign_interviewer(
                s,
                cand,
                position=2 if hours_ago == 30 else 3,
                interviewer_id=iv.id,
                scheduled_at=now - timedelta(hours=hours_ago),
            )
            if scored:
                s.add(
                    Scorecard(
                        candidate_id=cand.id,
                        stage_position=found.stage_position,
                        interviewer_id=iv.id,
                        recommendation="yes",
                    )
                )
    assert send_due_reminders(database, queue, now=now, candidate_link=link, key=KEY) == 2
    assert written(database) == [("link_reminder", "soon@example.net"), ("scorecard_reminder", "iv@example.org")]
    with database.session() as s:
        reminder = s.scalars(select(OutboxMessage).where(OutboxMessage.template == "scorecard_reminder")).one()
        assert "https://screening.example.org/candidates/" in reminder.body_text and "Soon" in reminder.subject
    assert send_due_reminders(database, queue, now=now + timedelta(minutes=5), candidate_link=link, key=KEY) == 0
    assert len(written(database)) == 2


def test_a_scorecard_reminder_names_a_blinded_candidate_by_pseudonym(database: Database, bank: Bank) -> None:
    queue: LocalQueue = make_queue(database)
    now = utcnow()
    with database.session() as s:
        hm = User(email="hm@example.org", name="HM", role="hiring_manager", password_hash="-")
        iv = User(email="iv@example.org", name="IV", role="interviewer", password_hash="-")
        s.add_all([hm, iv])
        s.flush()
        opening = create_opening(s, bank, title="MLE", profile_id="ml-engineer", actor=hm)
        set_blind_review(s, opening, enabled=True, actor=hm)
        add_member(s, opening, iv.id)
        cand = add_candidate(s, opening, name="Rosalind Vexley", email="rosalind@example.net")
        assign_interviewer(s, cand, position=2, interviewer_id=iv.id, scheduled_at=now - timedelta(hours=30))
        alias = pseudonym(cand.id, KEY)
    assert send_due_reminders(database, queue, now=now, candidate_link=link, key=KEY) == 1
    with database.session() as s:
        reminder = s.scalars(select(OutboxMessage).where(OutboxMessage.template == "scorecard_reminder")).one()
        text = reminder.subject + reminder.body_text + reminder.body_html
        assert alias in reminder.subject and "Rosalind" not in text and "Vexley" not in text


def test_a_scorecard_reminder_gives_the_interview_time_in_the_interviewers_zone(database: Database, bank: Bank) -> None:
    queue: LocalQueue = make_queue(database)
    now = utcnow()
    held = now - timedelta(hours=30)
    with database.session() as s:
        hm = create_user(s, email="hm@example.org", name="HM", role="hiring_manager", password="a long enough password")
        iv = create_user(s, email="iv@example.org", name="IV", role="interviewer", password="a long enough password")
        iv.timezone = "Asia/Kolkata"
        opening = create_opening(s, bank, title="MLE", profile_id="ml-engineer", actor=hm)
        add_member(s, opening, iv.id)
        cand = add_candidate(s, opening, name="Late", email="late@example.net")
        assign_interviewer(s, cand, position=2, interviewer_id=iv.id, scheduled_at=held, timezone="Europe/Paris")
    assert send_due_reminders(database, queue, now=now, candidate_link=link, key=KEY) == 1
    with database.session() as s:
        [reminder] = s.scalars(select(OutboxMessage).where(OutboxMessage.template == "scorecard_reminder"))
        text = reminder.body_text
    assert show_named(held, "Asia/Kolkata") in text and "IST (Asia/Kolkata)" in text
