"""Actions on the pages and the API write their e-mails; the outbox page lists them; links open from the message."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from sqlalchemy import select

from mlscreen.jobs.handlers import send_mail
from mlscreen.store.accounts import token_hash
from mlscreen.store.models import Invite, OutboxMessage
from tests.mail.conftest import SmtpServer, smtp_server
from tests.web.conftest import World

__all__ = ["smtp_server"]


def outbox_rows(world: World) -> list[OutboxMessage]:
    with world.db.session() as s:
        rows = list(s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        s.expunge_all()
        return rows


def test_the_invitation_from_the_real_server_opens_the_candidates_portal(
    make_world: Callable[..., World], smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLSCREEN_SMTP_URL", smtp_server.url())
    world = make_world()
    made = world.client("recruiter").api("POST", f"/api/v1/candidates/{world.candidate}/invites", {"position": 1})
    assert made.status_code == 201, made.text
    [row] = outbox_rows(world)
    assert (row.status, row.recipient, row.object_type) == ("queued", "cand.a@example.net", "invite")
    assert send_mail(world.db, {"message_id": row.id})["sent"] is True
    [got] = smtp_server.received
    body = got.get_body(("plain",))
    assert body is not None
    link = re.search(r"http://testserver/assess/[A-Za-z0-9_-]+", body.get_content())
    assert link is not None and link.group(0) == made.json()["link"]
    path = link.group(0).removeprefix("http://testserver")
    visitor = world.client(None).http
    portal = visitor.get(path)
    assert portal.status_code == 200 and "Start" in portal.text
    csrf = world.app.state.cookies.portal_csrf(token_hash(path.rsplit("/", 1)[1]))
    assert visitor.post(f"{path}/start", data={"csrf_token": csrf}).status_code == 303
    done = visitor.post(f"{path}/submit", data={"csrf_token": csrf, "code": "x = 1\n", "confirm": "yes"})
    assert done.status_code == 200, done.text
    [confirmation] = [m for m in outbox_rows(world) if m.template == "submitted"]
    assert send_mail(world.db, {"message_id": confirmation.id})["sent"] is True
    received = smtp_server.received[-1]
    assert received["To"] == "cand.a@example.net" and "we received your" in str(received["Subject"])


def test_page_actions_write_held_messages_that_the_outbox_page_shows(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MLSCREEN_SMTP_URL", raising=False)
    hm = world.client("hm")
    invited = hm.form(f"/candidates/{world.candidate}/invites", {"position": "1"})
    assert invited.status_code == 200, invited.text
    assigned = hm.form(
        f"/candidates/{world.candidate}/assignments",
        {"position": "3", "interviewer_id": str(world.users["interviewer"]), "scheduled_at": "2026-12-03T14:30"},
    )
    assert assigned.status_code == 303, assigned.text
    rows = {row.template: row for row in outbox_rows(world)}
    invite_mail, assignment_mail, interview_mail = rows["invite"], rows["assignment"], rows["interview"]
    assert invite_mail.status == assignment_mail.status == interview_mail.status == "held"
    assert interview_mail.recipient == "cand.a@example.net" and interview_mail.ics is not None
    assert assignment_mail.recipient == "interviewer@example.org"
    assert "2026-12-03 14:30 UTC" in assignment_mail.body_text
    assert f"http://testserver/candidates/{world.candidate}" in assignment_mail.body_text
    page = world.client("admin").get("/admin/outbox")
    assert page.status_code == 200
    assert "No mail server is configured" in page.text
    assert "cand.a@example.net" in page.text and "interviewer@example.org" in page.text
    assert "http://testserver/assess/" in page.text  # the content, so the link can be passed on by hand
    assert world.client("hm").get("/admin/outbox").status_code == 403


def test_an_invite_that_fails_writes_no_message(world: World) -> None:
    hm = world.client("hm")
    with world.db.session() as s:
        before = len(list(s.scalars(select(Invite))))
    refused = hm.api("POST", f"/api/v1/candidates/{world.candidate}/invites", {"position": 99})
    assert refused.status_code in (404, 422)
    assert outbox_rows(world) == []
    with world.db.session() as s:
        assert len(list(s.scalars(select(Invite)))) == before


def test_the_candidate_page_shows_their_email(world: World) -> None:
    page = world.client("recruiter").get(f"/candidates/{world.candidate}")
    assert 'id="candidate-email"' in page.text and "cand.a@example.net" in page.text


def test_a_decision_is_sent_to_the_hiring_team_without_its_rationale(world: World) -> None:
    made = world.client("hm").api(
        "POST",
        f"/api/v1/candidates/{world.candidate}/decision",
        {"outcome": "no_hire", "rationale": "Confidential reasoning about the candidate."},
    )
    assert made.status_code == 201, made.text
    rows = [r for r in outbox_rows(world) if r.template == "decision"]
    assert sorted(r.recipient for r in rows) == [
        "interviewer2@example.org",
        "interviewer@example.org",
        "recruiter@example.org",
    ]
    assert all("no hire" in r.subject and "Confidential" not in r.body_text + r.body_html for r in rows)
