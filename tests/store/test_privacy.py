"""Erasure leaves no trace of the candidate in any table (or SQLite file); export returns all they are owed."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from sqlalchemy import inspect, select, text

from mlscreen.bank import Bank
from mlscreen.store.db import Database
from mlscreen.store.models import (
    AuditEvent,
    Candidate,
    Decision,
    Scorecard,
    SelfIdentification,
    Submission,
    WrittenAnswer,
)
from mlscreen.store.privacy import candidate_archive, erase_candidate, organisation_archive, vacuum
from tests.store.privacy_data import EMAIL, MARKERS, NAME, OTHER, populate


def found_in_tables(db: Database, needles: tuple[str, ...]) -> list[str]:
    """Return `table.column` for every stored value (any column, any table) containing one of `needles`."""
    hits = []
    with db.engine.connect() as conn:
        inspector = inspect(conn)
        for table in inspector.get_table_names():
            columns = [c["name"] for c in inspector.get_columns(table)]
            for row in conn.execute(text(f'SELECT * FROM "{table}"')):
                for column, value in zip(columns, row, strict=True):
                    shown = json.dumps(value, default=str) if isinstance(value, dict | list) else str(value)
                    hits += [f"{table}.{column}" for n in needles if n.lower() in shown.lower()]
    return hits


def found_in_files(directory: Path, needles: tuple[str, ...]) -> list[str]:
    return [
        f"{path.name}: {n}"
        for path in directory.rglob("*")
        if path.is_file()
        for n in needles
        if n.encode() in path.read_bytes()
    ]


def test_erasure_leaves_nothing_in_any_table_or_file(database: Database, bank: Bank, tmp_path: Path) -> None:
    with database.session() as s:
        person, other = populate(s, bank)
    assert found_in_tables(database, MARKERS)  # the searches see the data before erasure
    if database.dialect == "sqlite":
        assert found_in_files(tmp_path, MARKERS)
    with database.session() as s:
        done = erase_candidate(s, person, actor=None)
    vacuum(database)
    # Audit reasons cleared: the status change, the revoked assessment link and the closed room's revoked link.
    assert done.cleared["submissions"] == 1 and done.cleared["audit_events"] == 3 and done.cleared["rooms"] == 1
    assert done.cleared["self_identifications"] == 1
    assert done.cleared["recordings"] == 1
    assert done.cleared["similarity"] > 2  # the index entry, its fingerprints and its match
    assert found_in_tables(database, MARKERS) == []
    with database.session(write=False) as s:  # their voluntary self-identification is deleted, another's kept
        assert list(s.execute(select(SelfIdentification.candidate_id, SelfIdentification.sex))) == [(other, "male")]
    if database.dialect == "sqlite":
        database.dispose()
        assert found_in_files(tmp_path, MARKERS) == []
    assert found_in_tables(database, (OTHER,))  # other candidates are untouched


def test_tombstone_keeps_counts_and_the_audit_records_the_erasure(database: Database, bank: Bank) -> None:
    with database.session() as s:
        person, _ = populate(s, bank)
    with database.session() as s:
        erase_candidate(s, person, actor=None)
    with database.session() as s:
        candidate = s.get(Candidate, person)
        assert candidate is not None and candidate.erased_at is not None
        assert (candidate.status, candidate.opening_id) == ("rejected", 1)
        assert s.scalar(select(Decision.outcome).where(Decision.candidate_id == person)) == "rejected"
        card = s.scalars(select(Scorecard)).one()
        assert (card.recommendation, card.ratings["c1"]["rating"]) == ("yes", 3)
        answer = s.scalars(select(WrittenAnswer)).one()
        assert (answer.final_level, answer.advice) == (2, {"suggested_level": 3, "score": 0.7})
        assert s.scalars(select(Submission.result)).one() == {"status": "failed", "passed": 1, "total": 2}
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "candidate.erased")).one()
        assert event.object_id == person and event.detail["cleared"]["candidates"] == 1


def test_erasing_twice_changes_nothing_more(database: Database, bank: Bank) -> None:
    with database.session() as s:
        person, _ = populate(s, bank)
    with database.session() as s:
        erase_candidate(s, person, actor=None)
    with database.session() as s:
        again = erase_candidate(s, person, actor=None)
    assert "candidates" not in again.cleared and again.cleared["audit_events"] == 0


def test_candidate_archive_holds_their_data_and_code(database: Database, bank: Bank) -> None:
    with database.session() as s:
        person, _ = populate(s, bank)
        data = candidate_archive(s, person)
    archive = zipfile.ZipFile(io.BytesIO(data))
    doc = json.loads(archive.read("candidate.json"))
    assert (doc["candidate"]["name"], doc["candidate"]["email"]) == (NAME, EMAIL)
    assert doc["written_answers"][0]["answer"].startswith("zqmanswer")
    assert doc["scorecards"][0]["notes"].startswith("zqmnote")
    code = archive.read(doc["submissions"][0]["code_file"]).decode()
    assert "def zqmcode" in code
    assert doc["self_identification"]["race"] == "native_hawaiian_or_other_pacific_islander"
    (recording,) = doc["session_recordings"]
    assert [e["k"] for e in recording["events"]] == ["load", "change"]
    room = doc["live_rooms"][0]
    assert archive.read(room["code_file"]).decode() == "def zqmcode(): pass\n"
    assert room["notes"].startswith("zqmnote") and room["console"] == [{"output": "zqmcode ran"}]
    assert OTHER not in json.dumps(doc) and "token_hash" not in json.dumps(doc)


def test_organisation_archive_has_every_table_without_secrets(database: Database, bank: Bank) -> None:
    with database.session() as s:
        populate(s, bank)
        data = organisation_archive(s)
    archive = zipfile.ZipFile(io.BytesIO(data))
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["rows"]["candidates"] == 2 and manifest["rows"]["submissions"] == 1
    users = json.loads(archive.read("tables/users.json"))
    assert users[0]["email"] == "admin@example.org" and "password_hash" not in users[0]
    assert "tables/web_sessions.json" not in archive.namelist()
    assert "tables/calendar_feeds.json" not in archive.namelist()  # a credential, like a session
    assert "tables/self_identifications.json" not in archive.namelist()  # staff see it only in aggregate


def test_sqlite_connections_zero_deleted_content(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA secure_delete")).scalar() == 1
    db.dispose()
