"""Password reset by e-mail: single-use, expiring, ends every session, and never reveals whether an account exists."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from mlscreen.errors import AuthenticationError
from mlscreen.jobs.handlers import send_mail
from mlscreen.store.accounts import authenticate
from mlscreen.store.models import OutboxMessage, PasswordReset, User, utcnow
from tests.mail.conftest import SmtpServer, smtp_server
from tests.web.conftest import PASSWORD, Client, World

__all__ = ["smtp_server"]
NEW_PASSWORD = "violet kettle harbour sings"


def ask(client: Client, email: str) -> str:
    form = client.get("/password/forgot")
    assert form.status_code == 200
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token is not None
    done = client.http.post("/password/forgot", data={"csrf_token": token.group(1), "email": email})
    assert done.status_code == 200, done.text
    return re.sub(r'value="[^"]+"', "", done.text)


def reset_path(body: str) -> str:
    found = re.search(r"http://testserver(/password/reset/[A-Za-z0-9_-]+)", body)
    assert found is not None, body
    return found.group(1)


def choose(client: Client, path: str, password: str) -> tuple[int, str]:
    form = client.get(path)
    if form.status_code != 200:
        return form.status_code, form.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token is not None
    done = client.http.post(path, data={"csrf_token": token.group(1), "password": password})
    return done.status_code, done.headers.get("location", done.text)


def messages(world: World) -> list[OutboxMessage]:
    with world.db.session() as s:
        rows = list(s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        s.expunge_all()
        return rows


def test_the_answer_is_the_same_for_an_account_and_for_none(world: World) -> None:
    known = ask(world.client(None), "Recruiter@Example.org ")
    unknown = ask(world.client(None), "nobody@example.org")
    assert known == unknown and 'id="reset-sent"' in known
    [message] = messages(world)
    assert message.recipient == "recruiter@example.org" and message.template == "password_reset"


def test_a_deactivated_user_gets_no_link(world: World) -> None:
    with world.db.session() as s:
        s.execute(update(User).where(User.id == world.users["recruiter"]).values(active=False))
    ask(world.client(None), "recruiter@example.org")
    assert messages(world) == []


def test_reset_through_a_real_mail_server(
    make_world: Callable[..., World], smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLSCREEN_SMTP_URL", smtp_server.url())
    world = make_world()
    signed_in = world.client("recruiter")
    assert signed_in.get("/").status_code == 200
    ask(world.client(None), "recruiter@example.org")
    [row] = messages(world)
    assert send_mail(world.db, {"message_id": row.id})["sent"] is True
    [got] = smtp_server.received
    assert got["To"] == "recruiter@example.org" and got["Subject"] == "Reset your mlscreen password"
    body = got.get_body(("plain",))
    assert body is not None
    path = reset_path(body.get_content())
    visitor = world.client(None)
    status, page = choose(visitor, path, "password")
    assert status == 422 and 'aria-invalid="true"' in page  # too weak: refused, the link still works
    status, location = choose(visitor, path, NEW_PASSWORD)
    assert (status, location) == (303, "/login?reset=1")
    assert signed_in.get("/").status_code == 303  # every session of the user ended
    with world.db.session() as s:
        assert authenticate(s, email="recruiter@example.org", password=NEW_PASSWORD, client="t").id
        with pytest.raises(AuthenticationError):
            authenticate(s, email="recruiter@example.org", password=PASSWORD, client="t2")
    assert choose(visitor, path, "another long passphrase here")[0] == 401  # single use


def test_an_expired_or_replaced_link_does_not_work(world: World) -> None:
    ask(world.client(None), "recruiter@example.org")
    first = reset_path(messages(world)[0].body_text)
    ask(world.client(None), "recruiter@example.org")
    second = reset_path(messages(world)[1].body_text)
    assert choose(world.client(None), first, NEW_PASSWORD)[0] == 401  # replaced by the newer link
    with world.db.session() as s:
        s.execute(update(PasswordReset).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert choose(world.client(None), second, NEW_PASSWORD)[0] == 401


def test_a_new_user_invited_by_email_sets_their_own_password(world: World) -> None:
    admin = world.client("admin")
    made = admin.form("/admin/users", {"name": "New Person", "email": "new@example.org", "role": "interviewer"})
    assert made.status_code == 303, made.text
    [invitation] = messages(world)
    assert invitation.template == "staff_invite" and invitation.recipient == "new@example.org"
    assert "admin invited you" in invitation.subject
    status, location = choose(world.client(None), reset_path(invitation.body_text), NEW_PASSWORD)
    assert (status, location) == (303, "/login?reset=1")
    with world.db.session() as s:
        assert authenticate(s, email="new@example.org", password=NEW_PASSWORD, client="t").name == "New Person"
