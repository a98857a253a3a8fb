"""Deactivating a user ends their sessions at once and keeps their history; they can be activated again."""

from __future__ import annotations

from sqlalchemy import select

from mlscreen.store.models import Assignment, AuditEvent, User
from tests.web.conftest import World


def test_deactivating_ends_sessions_at_once_and_keeps_history(world: World) -> None:
    victim = world.client("interviewer")
    assert victim.get("/").status_code == 200
    api_token = victim.api("GET", "/api/v1/openings").status_code
    assert api_token == 200
    admin = world.client("admin")
    uid = world.users["interviewer"]
    done = admin.form(f"/admin/users/{uid}/active", {"active": "false"})
    assert done.status_code == 303, done.text
    assert victim.get("/").status_code == 303  # sent to sign in: the session is gone
    assert victim.api("GET", "/api/v1/openings").status_code == 401
    with world.db.session() as s:
        assert s.get_one(User, uid).active is False
        assert s.scalars(select(Assignment).where(Assignment.interviewer_id == uid)).first() is not None
        actions = [e.action for e in s.scalars(select(AuditEvent).where(AuditEvent.object_id == uid))]
        assert "user.deactivated" in actions
    page = admin.get("/admin/users").text
    assert "deactivated" in page
    assert admin.form(f"/admin/users/{uid}/active", {"active": "true"}).status_code == 303
    with world.db.session() as s:
        assert s.get_one(User, uid).active is True


def test_admins_cannot_deactivate_themselves(world: World) -> None:
    admin = world.client("admin")
    refused = admin.form(f"/admin/users/{world.users['admin']}/active", {"active": "false"})
    assert refused.status_code == 409 and "cannot deactivate yourself" in refused.text
    assert admin.get("/admin/users").status_code == 200
