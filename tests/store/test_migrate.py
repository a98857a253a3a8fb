"""Migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from mlscreen.store.db import Database
from mlscreen.store.migrate import current_revision, head_revision, upgrade
from mlscreen.store.models import Base


def test_upgrade_reaches_head_and_matches_models(empty_database: Database) -> None:
    assert current_revision(empty_database) is None
    assert upgrade(empty_database) == head_revision()
    with empty_database.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []
    assert {"users", "jobs", "scorecards", "audit_events"} <= set(inspect(empty_database.engine).get_table_names())


def test_upgrade_twice_is_a_no_op(empty_database: Database) -> None:
    upgrade(empty_database)
    assert upgrade(empty_database) == head_revision()


def test_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'nested' / 'x.db'}")
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    db.dispose()


def test_session_rolls_back_on_error(database: Database) -> None:
    from mlscreen.store.models import User

    try:
        with database.session() as s:
            s.add(User(email="a@example.org", name="A", role="admin", password_hash="x"))
            s.flush()
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    with database.session() as s:
        assert s.query(User).count() == 0


def test_cli_db_upgrade(run_cli, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("MLSCREEN_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("MLSCREEN_DATABASE_URL", raising=False)
    result = run_cli("db", "upgrade")
    assert result.exit_code == 0, result.stderr
    assert head_revision() in result.stdout
    assert (tmp_path / "mlscreen.db").exists()


def test_cli_user_add(run_cli, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from mlscreen.store.accounts import authenticate

    monkeypatch.setenv("MLSCREEN_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("MLSCREEN_DATABASE_URL", raising=False)
    monkeypatch.setenv("NEW_PASSWORD", "a very good password")
    assert run_cli("db", "upgrade").exit_code == 0
    added = run_cli("user", "add", "Lee@Example.org", "--role", "recruiter", "--password-env", "NEW_PASSWORD")
    assert added.exit_code == 0, added.stderr
    assert "a very good password" not in added.stdout
    again = run_cli("user", "add", "lee@example.org", "--role", "recruiter", "--password-env", "NEW_PASSWORD")
    assert again.exit_code == 2 and "exists already" in again.stderr
    bad = run_cli("user", "add", "x@example.org", "--role", "owner", "--password-env", "NEW_PASSWORD")
    assert bad.exit_code == 2 and "unknown role" in bad.stderr
    db = Database(f"sqlite:///{tmp_path / 'mlscreen.db'}")
    with db.session() as s:
        assert authenticate(s, email="lee@example.org", password="a very good password", client="x").role == "recruiter"
    db.dispose()
