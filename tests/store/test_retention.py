"""The retention policy erases closed candidates after the set number of days, once, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from mlscreen.bank import Bank
from mlscreen.store.db import Database
from mlscreen.store.models import AuditEvent, Candidate, utcnow
from mlscreen.store.retention import apply_daily, apply_retention, due, last_runs
from tests.store.privacy_data import MARKERS, populate
from tests.store.test_privacy import found_in_tables


def test_closed_candidates_are_erased_after_the_retention_days(database: Database, bank: Bank) -> None:
    with database.session() as s:
        person, other = populate(s, bank)  # `person` was rejected just now; `other` is still in the process
    now = utcnow()
    with database.session(write=False) as s:
        assert due(s, days=30, now=now + timedelta(days=29)) == []
        found = due(s, days=30, now=now + timedelta(days=31))
        assert [d.candidate_id for d in found] == [person] and found[0].status == "rejected"
        assert due(s, days=0, now=now + timedelta(days=3650)) == []  # 0 turns the policy off
    run = apply_retention(database, days=30, now=now + timedelta(days=31))
    assert run.erased == [person]
    assert found_in_tables(database, MARKERS) == []
    with database.session() as s:
        assert s.get_one(Candidate, other).erased_at is None
        assert [e.object_id for e in last_runs(s)] == [person]
    again = apply_retention(database, days=30, now=now + timedelta(days=400))
    assert again.erased == []  # idempotent: nothing is due twice


def test_the_daily_run_happens_once_a_day_across_processes(database: Database, bank: Bank) -> None:
    with database.session() as s:
        person, _ = populate(s, bank)
    later = utcnow() + timedelta(days=400)
    first = apply_daily(database, days=30, now=later)
    second = apply_daily(database, days=30, now=later + timedelta(hours=1))
    assert (first.skipped, first.erased, second.skipped) == (False, [person], True)
    assert apply_daily(database, days=30, now=later + timedelta(days=1, minutes=1)).skipped is False
    with database.session() as s:
        erasures = s.scalars(select(AuditEvent).where(AuditEvent.action == "candidate.erased")).all()
        assert [(e.object_id, e.detail["via"]) for e in erasures] == [(person, "retention")]
