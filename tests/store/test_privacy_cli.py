"""The privacy and backup commands, end to end through the CLI, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text

from mlscreen.bank import Bank
from mlscreen.store.db import Database
from mlscreen.store.migrate import upgrade
from tests.conftest import CliResult
from tests.store.privacy_data import MARKERS, NAME, populate
from tests.store.test_privacy import found_in_tables


def url_of(db: Database) -> str:
    return db.url.render_as_string(hide_password=False)


@pytest.fixture
def filled(empty_database: Database, bank: Bank, monkeypatch: pytest.MonkeyPatch) -> tuple[Database, int]:
    upgrade(empty_database)
    if empty_database.schema:  # the commands reach the test's own schema
        monkeypatch.setenv("PGOPTIONS", f"-csearch_path={empty_database.schema}")
    with empty_database.session() as s:
        person, _ = populate(s, bank)
    return empty_database, person


def test_export_then_erase_from_the_cli(
    filled: tuple[Database, int], run_cli: Callable[..., CliResult], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, person = filled
    out = tmp_path / "subject.zip"
    done = run_cli("candidates", "export", str(person), "--out", str(out), "--url", url_of(db))
    assert done.exit_code == 0, done.stderr
    assert json.loads(zipfile.ZipFile(out).read("candidate.json"))["candidate"]["name"] == NAME
    assert run_cli("candidates", "export", str(person), "--out", str(out), "--url", url_of(db)).exit_code == 2
    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
    refused = run_cli("candidates", "erase", str(person), "--url", url_of(db))
    assert refused.exit_code == 2 and found_in_tables(db, MARKERS)
    done = run_cli("candidates", "erase", str(person), "--yes", "--url", url_of(db))
    assert done.exit_code == 0 and "erased" in done.stdout
    assert found_in_tables(db, MARKERS) == []
    missing = run_cli("candidates", "erase", "999", "--yes", "--url", url_of(db))
    assert missing.exit_code == 2 and "Traceback" not in missing.stderr


def test_data_export_from_the_cli(
    filled: tuple[Database, int], run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    db, _ = filled
    out = tmp_path / "all.zip"
    assert run_cli("data", "export", "--out", str(out), "--url", url_of(db)).exit_code == 0
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(out.read_bytes())).read("manifest.json"))
    assert manifest["rows"]["candidates"] == 2


def test_backup_and_restore_from_the_cli(bank: Bank, run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    # PostgreSQL's commands work on a whole database, not the schema a test owns: test_backup.py covers them.
    db = Database(f"sqlite:///{tmp_path / 'live.db'}")
    upgrade(db)
    with db.session() as s:
        populate(s, bank)
    file = tmp_path / "db.backup"
    assert run_cli("db", "backup", str(file), "--url", url_of(db)).exit_code == 0
    with db.session() as s:
        s.execute(text("DELETE FROM candidates"))
    assert run_cli("db", "restore", str(file), "--yes", "--url", url_of(db)).exit_code == 0
    assert found_in_tables(db, ("Quixotic",))
    db.dispose()


def test_retention_from_the_cli(filled: tuple[Database, int], run_cli: Callable[..., CliResult]) -> None:
    db, person = filled
    with db.session() as s:  # the candidate was rejected 40 days ago
        s.execute(
            text("UPDATE audit_events SET at = at - INTERVAL '40 days'")
            if db.dialect == "postgresql"
            else text("UPDATE audit_events SET at = datetime(at, '-40 days')")
        )
        s.execute(text("UPDATE decisions SET decided_at = :t"), {"t": "2000-01-01 00:00:00"})
    listed = run_cli("data", "retention", "--days", "30", "--url", url_of(db))
    assert listed.exit_code == 0 and f"candidate {person} " in listed.stdout and found_in_tables(db, MARKERS)
    assert run_cli("data", "retention", "--days", "50", "--url", url_of(db)).stdout.startswith("0 candidate(s)")
    applied = run_cli("data", "retention", "--days", "30", "--apply", "--url", url_of(db))
    assert applied.exit_code == 0 and f"[{person}]" in applied.stdout
    assert found_in_tables(db, MARKERS) == []
    assert run_cli("data", "retention", "--days", "0", "--url", url_of(db)).exit_code == 2
