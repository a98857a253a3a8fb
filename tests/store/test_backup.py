"""Backups restore to consistent data on SQLite and PostgreSQL; a newer schema is refused."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from mlscreen.errors import UsageError
from mlscreen.store.backup import backup, restore
from mlscreen.store.db import Database
from mlscreen.store.migrate import head_revision, upgrade
from mlscreen.store.models import AuditEvent, User


def test_backup_taken_under_writes_restores_consistent_data(empty_database: Database, tmp_path: Path) -> None:
    db = empty_database
    upgrade(db)
    with db.session() as s:
        s.add(User(email="kept@example.org", name="Kept", role="admin", password_hash="x"))
    stop = threading.Event()

    def write() -> None:
        # Each transaction writes a user and its audit event together: a consistent copy has as many of each.
        n = 0
        while not stop.is_set():
            n += 1
            with db.session() as s:
                user = User(email=f"u{n}@example.org", name=f"U{n}", role="interviewer", password_hash="x")
                s.add(user)
                s.flush()
                s.add(AuditEvent(action="user.created", object_type="user", object_id=user.id))

    writer = threading.Thread(target=write)
    writer.start()
    try:
        file = backup(db, tmp_path / "copy.backup")
    finally:
        stop.set()
        writer.join()
    with db.session() as s:
        s.execute(text("DELETE FROM audit_events"))
        s.execute(text("DELETE FROM users"))
    assert restore(db, file) == head_revision()
    with db.session() as s:
        users = s.scalar(select(func.count()).select_from(User))
        events = s.scalar(select(func.count()).select_from(AuditEvent))
        assert s.scalar(select(User.name).where(User.email == "kept@example.org")) == "Kept"
    assert users is not None and users == (events or 0) + 1


def test_restore_refuses_a_newer_schema(empty_database: Database, tmp_path: Path) -> None:
    db = empty_database
    upgrade(db)
    with db.session() as s:
        s.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    file = backup(db, tmp_path / "future.backup")
    with db.session() as s:
        s.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": head_revision()})
        s.add(User(email="after@example.org", name="After", role="admin", password_hash="x"))
    with pytest.raises(UsageError, match="revision 9999, newer than this version"):
        restore(db, file)
    with db.session() as s:  # nothing was touched
        assert s.scalar(select(User.name)) == "After"


def test_backup_never_overwrites_and_restore_names_a_bad_file(empty_database: Database, tmp_path: Path) -> None:
    upgrade(empty_database)
    existing = tmp_path / "there"
    existing.write_text("keep me")
    with pytest.raises(UsageError, match="exists already"):
        backup(empty_database, existing)
    assert existing.read_text() == "keep me"
    with pytest.raises(UsageError, match="not a"):
        restore(empty_database, existing)
    with pytest.raises(UsageError, match="is not a file"):
        restore(empty_database, tmp_path / "missing")


def test_a_backup_carries_the_cv_files_and_a_restore_puts_them_back(
    empty_database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mlscreen.bank import load_bank
    from mlscreen.store.backup import files_of
    from mlscreen.store.candidates import add_candidate
    from mlscreen.store.models import Candidate
    from mlscreen.store.openings import create_opening
    from mlscreen.store.profiles import cv_path, save_cv

    monkeypatch.setenv("MLSCREEN_DATA_DIR", str(tmp_path / "data"))
    upgrade(empty_database)
    with empty_database.session() as s:
        hm = User(email="hm@example.org", name="HM", role="hiring_manager", password_hash="-")
        s.add(hm)
        s.flush()
        opening = create_opening(s, load_bank(), title="MLE", profile_id="ml-engineer", actor=hm)
        candidate = add_candidate(s, opening, name="Lee Park", email="lee@example.net")
        save_cv(s, candidate, b"%PDF-1.4 Lee's CV", filename="lee.pdf", actor=hm)
        candidate_id = candidate.id
    made = backup(empty_database, tmp_path / "backup.db")
    assert files_of(made).is_file() and oct(files_of(made).stat().st_mode & 0o777) == "0o600"
    with empty_database.session() as s:
        stored = cv_path(s.get_one(Candidate, candidate_id))
    stored.unlink()  # the disk that held the data directory is lost; the backup is not
    restore(empty_database, made)
    with empty_database.session() as s:
        assert cv_path(s.get_one(Candidate, candidate_id)).read_bytes() == b"%PDF-1.4 Lee's CV"
    files_of(tmp_path / "other.db").write_text("keep me")
    with pytest.raises(UsageError, match="exists already"):  # the files archive is never overwritten either
        backup(empty_database, tmp_path / "other.db")
    assert files_of(tmp_path / "other.db").read_text() == "keep me" and not (tmp_path / "other.db").exists()


def test_a_files_archive_that_no_backup_writes_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import tarfile

    from mlscreen.store.backup import _files_restore

    monkeypatch.setenv("MLSCREEN_DATA_DIR", str(tmp_path / "data"))
    archive = tmp_path / "bad.files.tar"
    with tarfile.open(archive, "w") as tar:
        member = tarfile.TarInfo("cvs/../../escaped")
        member.size = 1
        tar.addfile(member, io.BytesIO(b"x"))
    with pytest.raises(UsageError, match="which no backup writes"):
        _files_restore(archive)
    assert not (tmp_path / "escaped").exists() and not (tmp_path / "data" / "escaped").exists()
