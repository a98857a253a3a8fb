"""The admin's candidate-data page: find, export and erase, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import time
import zipfile
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from mlscreen import settings
from mlscreen.store.candidates import set_status
from mlscreen.store.models import AuditEvent, Candidate, User, utcnow
from mlscreen.web.deadlines import DeadlineSweeper
from mlscreen.web.retention import RetentionDuty
from tests.store.dbutil import BACKENDS
from tests.store.test_privacy import found_in_tables
from tests.web.conftest import World


@pytest.mark.parametrize("backend", BACKENDS)
def test_admin_finds_exports_and_erases_a_candidate(make_world: Callable[..., World], backend: str) -> None:
    world = make_world(backend)
    admin = world.client("admin")
    page = admin.get("/admin/privacy", params={"q": "cand.a@"})
    assert page.status_code == 200 and "Cand A" in page.text and "Cand B" not in page.text
    export = admin.get(f"/admin/privacy/candidates/{world.candidate}/export")
    assert export.status_code == 200 and export.headers["content-type"] == "application/zip"
    doc = json.loads(zipfile.ZipFile(io.BytesIO(export.content)).read("candidate.json"))
    assert doc["candidate"]["email"] == "cand.a@example.net" and doc["written_answers"][0]["answer"] == "An answer."

    refused = admin.form(f"/admin/privacy/candidates/{world.candidate}/erase", {"confirm": "no"})
    assert refused.status_code == 422 and "not confirmed" in refused.text
    assert found_in_tables(world.db, ("cand.a@example.net",))
    done = admin.form(f"/admin/privacy/candidates/{world.candidate}/erase", {"confirm": str(world.candidate)})
    assert done.status_code == 303 and done.headers["location"] == f"/admin/privacy?erased={world.candidate}"
    assert found_in_tables(world.db, ("cand.a@example.net", "Cand A", "An answer.")) == []
    assert found_in_tables(world.db, ("Cand B",))
    with world.db.session() as s:
        candidate = s.get_one(Candidate, world.candidate)
        assert candidate.erased_at is not None
        actions = [e.action for e in s.query(AuditEvent).filter(AuditEvent.object_id == world.candidate)]
        assert {"candidate.exported", "candidate.erased"} <= set(actions)
    assert "was erased" in admin.get(done.headers["location"]).text


def test_admin_sees_the_retention_policy_and_applies_it(
    make_world: Callable[..., World], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLSCREEN_RETENTION_DAYS", "30")
    world = make_world()
    with world.db.session() as s:
        candidate = s.get_one(Candidate, world.candidate)
        set_status(s, candidate, status="withdrawn", actor=s.get_one(User, world.users["admin"]), reason="moved on")
        s.execute(update(AuditEvent).values(at=utcnow() - timedelta(days=31)))
    admin = world.client("admin")
    page = admin.get("/admin/privacy")
    assert "erased automatically 30 days after" in page.text and "Due now: 1 candidate(s)" in page.text
    done = admin.form("/admin/privacy/retention")
    assert done.status_code == 303 and done.headers["location"] == "/admin/privacy?retained=1"
    after = admin.get(done.headers["location"]).text
    assert "erased 1 candidate(s)" in after and "Nothing is due" in after
    assert f"candidate {world.candidate} (" in after
    assert found_in_tables(world.db, ("cand.a@example.net",)) == []
    monkeypatch.setenv("MLSCREEN_RETENTION_DAYS", "0")
    assert "Automatic erasure is off" in admin.get("/admin/privacy").text


def test_the_start_page_tells_candidates_how_long_data_is_kept_and_how_to_ask(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    anon = world.client(None)
    page = anon.get(f"/assess/{world.token}").text
    assert "kept for 365 days after the decision" in page and "ask for a person to look again" in page
    monkeypatch.setenv("MLSCREEN_RETENTION_DAYS", "0")
    monkeypatch.setenv("MLSCREEN_TRANSPARENCY_TEXT", "Write to privacy@example.org <b>within a week</b>.")
    page = anon.get(f"/assess/{world.token}").text
    assert "kept until you or the organisation ask" in page
    assert "Write to privacy@example.org &lt;b&gt;within a week&lt;/b&gt;." in page
    assert "ask for a person to look again" not in page


def test_the_background_sweeper_applies_the_retention_policy(
    make_world: Callable[..., World], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLSCREEN_RETENTION_DAYS", "30")
    world = make_world()
    with world.db.session() as s:
        candidate = s.get_one(Candidate, world.candidate)
        set_status(s, candidate, status="rejected", actor=s.get_one(User, world.users["admin"]), reason="no")
    later = utcnow() + timedelta(days=31)
    duty = RetentionDuty(world.db, days=settings.RETENTION_DAYS.get, clock=lambda: later)
    state = world.app.state
    sweeper = DeadlineSweeper(world.db, state.queue, clock=lambda: later, grace=state.grace, every=0.05, also=(duty,))
    sweeper.start()
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and found_in_tables(world.db, ("cand.a@example.net",)):
            time.sleep(0.05)
    finally:
        sweeper.stop()
    assert found_in_tables(world.db, ("cand.a@example.net",)) == []
    with world.db.session() as s:
        erasures = s.scalars(select(AuditEvent).where(AuditEvent.action == "candidate.erased")).all()
        assert [(e.object_id, e.detail["via"]) for e in erasures] == [(world.candidate, "retention")]
