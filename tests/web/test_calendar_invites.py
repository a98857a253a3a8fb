"""Interview invitations carry an ICS that parses; a new time keeps the UID and raises the SEQUENCE."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from icalendar import Calendar
from sqlalchemy import select

from mlscreen.jobs.handlers import send_mail
from mlscreen.store.models import Assignment, OutboxMessage
from tests.mail.conftest import SmtpServer, smtp_server
from tests.web.conftest import World

__all__ = ["smtp_server"]


def send_all(world: World) -> None:
    with world.db.session() as s:
        ids = list(s.scalars(select(OutboxMessage.id).where(OutboxMessage.status == "queued")))
    for message_id in ids:
        assert send_mail(world.db, {"message_id": message_id})["sent"] is True


def calendars(server: SmtpServer) -> dict[str, Any]:
    """Return the calendar attached to each received message, by recipient (the newest wins)."""
    out: dict[str, Any] = {}
    for message in server.received:
        parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
        if parts:
            assert parts[0].get_param("method") in ("REQUEST", "CANCEL")
            data = parts[0].get_payload(decode=True)
            assert isinstance(data, bytes)
            out[str(message["To"])] = Calendar.from_ical(data)
    return out


def test_an_interview_invitation_parses_and_an_update_keeps_its_uid(
    make_world: Callable[..., World], smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLSCREEN_SMTP_URL", smtp_server.url())
    monkeypatch.setenv("MLSCREEN_MAIL_FROM", "hiring@example.org")
    world = make_world()
    hm = world.client("hm")
    path = f"/candidates/{world.candidate}/assignments"
    who = str(world.users["interviewer"])
    assert (
        hm.form(path, {"position": "2", "interviewer_id": who, "scheduled_at": "2026-12-03T14:30"}).status_code == 303
    )
    send_all(world)
    first = calendars(smtp_server)
    assert set(first) == {"interviewer@example.org", "cand.a@example.net"}
    cal = first["cand.a@example.net"]
    [event] = cal.walk("VEVENT")
    assert str(cal["METHOD"]) == "REQUEST" and int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART") == datetime(2026, 12, 3, 14, 30, tzinfo=UTC)
    assert event.decoded("DTEND") > event.decoded("DTSTART")
    attendees = {str(a) for a in event["ATTENDEE"]}
    assert attendees == {"mailto:interviewer@example.org", "mailto:cand.a@example.net"}
    assert str(event["ORGANIZER"]) == "mailto:hiring@example.org"
    uid = str(event["UID"])
    assert uid == str(first["interviewer@example.org"].walk("VEVENT")[0]["UID"])

    smtp_server.received.clear()
    assert (
        hm.form(path, {"position": "2", "interviewer_id": who, "scheduled_at": "2026-12-04T09:00"}).status_code == 303
    )
    send_all(world)
    moved = calendars(smtp_server)["cand.a@example.net"]
    [event] = moved.walk("VEVENT")
    assert str(event["UID"]) == uid and int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART") == datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
    assert any("New time" in str(m["Subject"]) for m in smtp_server.received)

    smtp_server.received.clear()
    with world.db.session() as s:
        assignment_id = s.scalars(
            select(Assignment.id).where(
                Assignment.candidate_id == world.candidate, Assignment.interviewer_id == world.users["interviewer"]
            )
        ).one()
    assert hm.form(f"{path}/{assignment_id}/remove").status_code == 303
    send_all(world)
    cancelled = calendars(smtp_server)
    assert set(cancelled) == {"interviewer@example.org", "cand.a@example.net"}
    for cal in cancelled.values():
        [event] = cal.walk("VEVENT")
        assert str(cal["METHOD"]) == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
        assert str(event["UID"]) == uid and int(event["SEQUENCE"]) == 2
    with world.db.session() as s:
        assert s.get(Assignment, assignment_id) is None
