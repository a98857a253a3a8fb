"""The admin's candidate-data page: find, export and erase, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable

import pytest

from mlscreen.store.models import AuditEvent, Candidate
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
