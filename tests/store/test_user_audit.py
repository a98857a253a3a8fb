"""Rules and audit events live in store, so the command line and the pages share them."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from mlscreen.bank import Bank
from mlscreen.errors import UsageError
from mlscreen.store.accounts import create_user
from mlscreen.store.candidates import add_candidate, set_status
from mlscreen.store.db import Database
from mlscreen.store.models import AuditEvent, User
from mlscreen.store.openings import create_opening


def test_cli_user_add_is_audited(run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("MLSCREEN_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("MLSCREEN_DATABASE_URL", raising=False)
    monkeypatch.setenv("NEW_PASSWORD", "a very good password")
    assert run_cli("db", "upgrade").exit_code == 0
    added = run_cli("user", "add", "lee@example.org", "--role", "recruiter", "--password-env", "NEW_PASSWORD")
    assert added.exit_code == 0, added.stderr
    refused = run_cli("user", "add", "lee@example.org", "--role", "recruiter", "--password-env", "NEW_PASSWORD")
    assert refused.exit_code == 2
    db = Database(f"sqlite:///{tmp_path / 'mlscreen.db'}")
    try:
        with db.session() as s:
            user = s.scalars(select(User).where(User.email == "lee@example.org")).one()
            events = list(s.scalars(select(AuditEvent).where(AuditEvent.action == "user.created")))
            assert [(e.object_type, e.object_id, e.actor_id) for e in events] == [("user", user.id, None)]
    finally:
        db.dispose()


def test_hiring_is_refused_outside_a_decision_by_store_itself(database: Database, bank: Bank) -> None:
    with database.session() as s:
        hm = create_user(s, email="hm@example.org", name="HM", role="hiring_manager", password="a long password here")
        opening = create_opening(s, bank, title="MLE", profile_id="ml-engineer", actor=hm)
        candidate = add_candidate(s, opening, name="Ada", email="ada@example.org")
        with pytest.raises(UsageError, match="hiring is a decision"):
            set_status(s, candidate, status="hired", actor=hm)
        assert candidate.status == "active"
        assert set_status(s, candidate, status="withdrawn", actor=hm).status == "withdrawn"
