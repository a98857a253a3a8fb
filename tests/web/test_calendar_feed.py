"""Private calendar feeds: a secret address per user, stable event UIDs, cancellations, revocation at once."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from icalendar import Calendar
from sqlalchemy import select

from mlscreen.store.models import Assignment, AuditEvent, Candidate, OutboxMessage, utcnow
from tests.store.dbutil import BACKENDS
from tests.web.conftest import Client, World

SOON = (utcnow() + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)


def make_feed(client: Client) -> str:
    """Make (or replace) the signed-in user's feed and return its path, read from the page that shows it once."""
    page = client.form("/account/calendar")
    assert page.status_code == 200
    found = re.search(r'id="feed-url" value="([^"]+)"', page.text)
    assert found is not None
    return urlsplit(found.group(1)).path


def events(world: World, path: str) -> dict[str, Any]:
    """Fetch the feed with no session (as a calendar app does) and return its events by UID."""
    response = world.client(None).get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    assert "no-store" in response.headers["cache-control"]
    cal = Calendar.from_ical(response.content)
    assert "METHOD" not in cal  # a published feed, not an invitation
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def seq(event: Any) -> int:
    return int(str(event["SEQUENCE"]))


def assign(world: World, when: datetime, who: str = "interviewer") -> None:
    data = {"position": "2", "interviewer_id": str(world.users[who]), "scheduled_at": when.strftime("%Y-%m-%dT%H:%M")}
    assert (
        world.client("hm").form(f"/candidates/{world.candidate}/assignments", {**data, "timezone": "UTC"}).status_code
        == 303
    )


def invitation(world: World) -> Calendar:
    """Return the newest calendar invitation written to the candidate."""
    with world.db.session() as s:
        query = select(OutboxMessage.ics).where(OutboxMessage.recipient == "cand.a@example.net")
        newest = [ics for ics in s.scalars(query.order_by(OutboxMessage.id)) if ics][-1]
    return Calendar.from_ical(newest)


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_feed_lists_interviews_with_the_invitations_uids_and_follows_changes(
    make_world: Callable[..., World], backend: str
) -> None:
    world = make_world(backend)
    path = make_feed(world.client("interviewer"))
    assert events(world, path) == {}  # assigned but not scheduled: nothing in a calendar yet
    assign(world, SOON)
    [sent] = invitation(world).walk("VEVENT")
    uid = str(sent["UID"])
    feed = events(world, path)
    assert list(feed) == [uid]
    event = feed[uid]
    assert seq(event) == seq(sent) == 0
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event.decoded("DTSTART") == SOON

    assign(world, SOON + timedelta(hours=2))  # a new time: same event, a higher SEQUENCE
    [moved] = invitation(world).walk("VEVENT")
    event = events(world, path)[uid]
    assert seq(event) == seq(moved) == 1
    assert event.decoded("DTSTART") == SOON + timedelta(hours=2)

    with world.db.session() as s:
        query = select(Assignment.id).where(
            Assignment.candidate_id == world.candidate, Assignment.interviewer_id == world.users["interviewer"]
        )
        assignment_id = s.scalars(query).one()
    assert (
        world.client("hm").form(f"/candidates/{world.candidate}/assignments/{assignment_id}/remove").status_code == 303
    )
    [cancel] = invitation(world).walk("VEVENT")
    event = events(world, path)[uid]
    assert str(event["STATUS"]) == "CANCELLED" and str(cancel["STATUS"]) == "CANCELLED"
    assert seq(event) == seq(cancel) == 2

    # Assigned again: a new event (a new UID; the removed assignment's id is never reused), the old one cancelled.
    assign(world, SOON)
    feed = events(world, path)
    assert len(feed) == 2 and str(feed[uid]["STATUS"]) == "CANCELLED"
    [new_uid] = set(feed) - {uid}
    assert str(feed[new_uid]["STATUS"]) == "CONFIRMED"


def test_the_feed_holds_no_candidate_name_or_address_and_only_its_owners_interviews(world: World) -> None:
    assign(world, SOON)
    assign(world, SOON + timedelta(hours=1), who="interviewer2")
    path = make_feed(world.client("interviewer"))
    text = world.client(None).get(path).text
    assert "Cand A" not in text and "cand.a@example.net" not in text and "ATTENDEE" not in text
    assert "interviewer@example.org" not in text and "ORGANIZER" not in text
    feed = events(world, path)
    assert len(feed) == 1
    [event] = feed.values()
    assert str(event["SUMMARY"]).startswith("Interview: ")
    assert f"/candidates/{world.candidate}" in str(event["DESCRIPTION"])


def test_interviews_long_past_leave_the_feed_and_a_candidate_who_left_is_cancelled(world: World) -> None:
    with world.db.session() as s:
        found = s.scalars(select(Assignment).where(Assignment.interviewer_id == world.users["interviewer"])).one()
        found.scheduled_at = utcnow() - timedelta(days=45)
    path = make_feed(world.client("interviewer"))
    assert events(world, path) == {}
    assign(world, SOON)
    assert [str(e["STATUS"]) for e in events(world, path).values()] == ["CONFIRMED"]
    with world.db.session() as s:
        s.get_one(Candidate, world.candidate).status = "withdrawn"
    assert [str(e["STATUS"]) for e in events(world, path).values()] == ["CANCELLED"]


def test_a_new_address_or_revoking_stops_the_old_one_at_once_and_is_audited(world: World) -> None:
    me = world.client("interviewer")
    first = make_feed(me)
    assert world.client(None).get(first).status_code == 200
    second = make_feed(me)
    assert second != first
    assert world.client(None).get(first).status_code == 404
    assert world.client(None).get(second).status_code == 200
    page = me.get("/account").text
    assert 'id="feed-url"' not in page  # the address is shown once, when made
    assert me.form("/account/calendar/revoke").status_code == 303
    gone = world.client(None).get(second)
    assert gone.status_code == 404 and "BEGIN:VCALENDAR" not in gone.text
    assert world.client(None).get("/calendar/not-a-token.ics").status_code == 404
    with world.db.session() as s:
        query = select(AuditEvent.action, AuditEvent.detail).where(AuditEvent.action.like("calendar_feed.%"))
        done = [(action, detail) for action, detail in s.execute(query.order_by(AuditEvent.id))]
    assert done == [
        ("calendar_feed.created", {"replaced": False}),
        ("calendar_feed.created", {"replaced": True}),
        ("calendar_feed.revoked", {}),
    ]


def test_a_deactivated_users_feed_dies_and_stays_dead(world: World) -> None:
    path = make_feed(world.client("interviewer"))
    admin = world.client("admin")
    user_id = world.users["interviewer"]
    assert admin.form(f"/admin/users/{user_id}/active", {"active": "false"}).status_code == 303
    assert world.client(None).get(path).status_code == 404
    assert admin.form(f"/admin/users/{user_id}/active", {"active": "true"}).status_code == 303
    assert world.client(None).get(path).status_code == 404  # activated again, they make a new address


@pytest.mark.parametrize("token", ["x" * 5000, "%00", "..%2F..%2Fetc"])
def test_odd_feed_addresses_are_simply_not_found(world: World, token: str) -> None:
    assert world.client(None).get(f"/calendar/{token}.ics").status_code == 404


def test_a_removed_assignments_id_is_never_given_to_another(world: World) -> None:
    hm = world.client("hm")
    path = f"/candidates/{world.candidate}/assignments"
    data = {"position": "2", "interviewer_id": str(world.users["interviewer_unassigned"])}
    assert hm.form(path, data).status_code == 303
    with world.db.session() as s:
        newest = s.scalars(select(Assignment.id).order_by(Assignment.id.desc())).first()
    assert newest is not None
    assert hm.form(f"{path}/{newest}/remove").status_code == 303
    assert hm.form(path, data).status_code == 303
    with world.db.session() as s:
        again = s.scalars(select(Assignment.id).order_by(Assignment.id.desc())).first()
    assert again is not None and again > newest
