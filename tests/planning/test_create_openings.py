"""`mlscreen plan-team --create-openings`: the plan's roles opened in the configured database."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from mlscreen.store.db import Database
from mlscreen.store.models import AuditEvent, Opening, User
from tests.conftest import CliResult

FACTS = ["--use-cases", "6", "--production-models", "4", "--product-teams", "3", "--stage", "growth"]
TEAM = ["--ml-engineers", "2", "--data-scientists", "2"]


@pytest.fixture
def database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., CliResult]
) -> Callable[[], list[tuple[str, str, str]]]:
    monkeypatch.setenv("MLSCREEN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("MLSCREEN_DATABASE_URL", raising=False)
    monkeypatch.setenv("PW", "a long enough password")
    assert run_cli("db", "upgrade").exit_code == 0
    for email, role in (("hm@example.org", "hiring_manager"), ("rec@example.org", "recruiter")):
        assert run_cli("user", "add", email, "--role", role, "--password-env", "PW").exit_code == 0

    def rows() -> list[tuple[str, str, str]]:
        db = Database()
        try:
            with db.session() as s:
                found = s.execute(
                    select(Opening.title, Opening.profile_id, User.email)
                    .join(User, User.id == Opening.hiring_manager_id)
                    .order_by(Opening.id)
                )
                return [(title, profile, email) for title, profile, email in found]
        finally:
            db.dispose()

    return rows


def test_creates_one_opening_per_wave_with_a_profile(
    database: Callable[[], list[tuple[str, str, str]]], run_cli: Callable[..., CliResult]
) -> None:
    result = run_cli("plan-team", *FACTS, *TEAM, "--create-openings", "--as", "HM@example.org")
    assert result.exit_code == 0, result.stderr
    assert database() == [
        ("ML engineer", "ml-engineer", "hm@example.org"),
        ("MLOps / ML platform engineer", "mlops-engineer", "hm@example.org"),
    ]
    assert "(profile ml-engineer)" in result.stdout and "(profile mlops-engineer)" in result.stdout
    assert "skipped: Head of ML / Director of ML engineering" in result.stdout
    assert "2 opening(s) created for HM@example.org, 3 wave(s) skipped" in result.stdout
    db = Database()
    try:
        with db.session() as s:
            assert s.scalars(select(AuditEvent).where(AuditEvent.action == "plan.roles_opened")).one()
    finally:
        db.dispose()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ([], "needs the owner"),
        (["--as", "nobody@example.org"], "no active user with e-mail"),
        (["--as", "rec@example.org"], "only admins and hiring managers open roles"),
    ],
)
def test_refuses_without_a_planner(
    database: Callable[[], list[tuple[str, str, str]]],
    run_cli: Callable[..., CliResult],
    extra: list[str],
    message: str,
) -> None:
    result = run_cli("plan-team", *FACTS, *TEAM, "--create-openings", *extra)
    assert result.exit_code != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert database() == []


def test_bad_facts_create_nothing(
    database: Callable[[], list[tuple[str, str, str]]], run_cli: Callable[..., CliResult]
) -> None:
    result = run_cli("plan-team", *FACTS, "--ml-engineers", "-2", "--create-openings", "--as", "hm@example.org")
    assert result.exit_code == 2
    assert "headcount.ml_engineers" in result.stderr
    assert database() == []


def test_creating_the_openings_again_creates_no_duplicates(
    database: Callable[[], list[tuple[str, str, str]]], run_cli: Callable[..., CliResult]
) -> None:
    assert run_cli("plan-team", *FACTS, *TEAM, "--create-openings", "--as", "hm@example.org").exit_code == 0
    again = run_cli("plan-team", *FACTS, *TEAM, "--create-openings", "--as", "hm@example.org")
    assert again.exit_code == 0, again.stderr
    assert "0 opening(s) created for hm@example.org, 2 already open, 3 wave(s) skipped" in again.stdout
    assert "already open 1: ML engineer (profile ml-engineer)" in again.stdout
    assert len(database()) == 2
