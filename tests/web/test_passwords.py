"""The admin's user form refuses a weak password and says why, keeping no user."""

from __future__ import annotations

from sqlalchemy import select

from mlscreen.store.models import AuditEvent, User
from tests.web.conftest import World


def test_user_form_refuses_a_weak_password_and_says_why(world: World) -> None:
    admin = world.client("admin")
    data = {"email": "new@example.org", "name": "New", "role": "recruiter", "password": "aaaaaaaaaa"}
    page = admin.form("/admin/users", data)
    assert page.status_code == 422
    assert "too easy to guess" in page.text and "repeats like" in page.text
    with world.db.session() as s:
        assert s.scalar(select(User.id).where(User.email == "new@example.org")) is None
    assert admin.form("/admin/users", {**data, "password": "seven ferries cross the grey sound"}).status_code == 303


def test_user_form_is_audited_with_who_added_the_user(world: World) -> None:
    data = {"email": "new@example.org", "name": "New", "role": "recruiter", "password": "seven ferries cross the grey"}
    assert world.client("admin").form("/admin/users", data).status_code == 303
    with world.db.session() as s:
        user = s.scalars(select(User).where(User.email == "new@example.org")).one()
        events = list(s.scalars(select(AuditEvent).where(AuditEvent.action == "user.created")))
        assert [(e.object_id, e.actor_id) for e in events if e.object_id == user.id] == [
            (user.id, world.users["admin"])
        ]
