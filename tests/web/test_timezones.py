"""Each user sees times in their own zone, with the zone shown; interviews are set, and e-mailed, in the right zone."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from icalendar import Calendar
from sqlalchemy import select

from mlscreen.store.candidates import assign_interviewer
from mlscreen.store.models import Assignment, Candidate, OutboxMessage, User
from tests.web.conftest import World


def set_zone(world: World, who: str, zone: str | None) -> None:
    with world.db.session() as s:
        s.get_one(User, world.users[who]).timezone = zone


def schedule(world: World, who: str, when: datetime) -> None:
    with world.db.session() as s:
        candidate = s.get_one(Candidate, world.candidate)
        assign_interviewer(s, candidate, position=2, interviewer_id=world.users[who], scheduled_at=when)


def shown_for(world: World, viewer: str, name: str) -> str:
    """Return the time the candidate page shows beside interviewer `name`, as `viewer` sees it."""
    page = world.client(viewer).get(f"/candidates/{world.candidate}").text
    found = re.search(rf"{name} \(([^)]*)\)", page)
    assert found is not None, page
    return found.group(1)


def test_a_user_sets_their_zone_and_an_unknown_one_is_refused_clearly(world: World) -> None:
    me = world.client("interviewer")
    assert '<strong id="current-zone">UTC</strong> (the default)' in me.get("/account").text
    refused = me.form("/account/timezone", {"timezone": "Europe/Pariss"})
    assert refused.status_code == 422
    assert "unknown time zone &#39;Europe/Pariss&#39;" in refused.text and "America/New_York" in refused.text
    assert 'value="Europe/Pariss"' in refused.text  # what was typed stays in the form
    assert me.form("/account/timezone", {"timezone": "asia/kolkata"}).status_code == 303
    with world.db.session() as s:
        assert s.get_one(User, world.users["interviewer"]).timezone == "Asia/Kolkata"
    assert '<strong id="current-zone">Asia/Kolkata</strong>' in me.get("/account").text
    assert me.api("GET", "/api/v1/me").json()["timezone"] == "Asia/Kolkata"
    users = world.client("admin").get("/admin/users").text
    assert f'<tr id="user-{world.users["interviewer"]}">' in users and '<td class="zone">Asia/Kolkata</td>' in users
    assert me.form("/account/timezone", {"timezone": ""}).status_code == 303
    with world.db.session() as s:
        assert s.get_one(User, world.users["interviewer"]).timezone is None


@pytest.mark.parametrize(
    ("zone", "when", "shown"),
    [
        ("Europe/Paris", datetime(2026, 3, 29, 0, 30, tzinfo=UTC), "2026-03-29 01:30 CET"),
        ("Europe/Paris", datetime(2026, 3, 29, 1, 30, tzinfo=UTC), "2026-03-29 03:30 CEST"),
        ("America/New_York", datetime(2026, 11, 1, 5, 30, tzinfo=UTC), "2026-11-01 01:30 EDT"),
        ("America/New_York", datetime(2026, 11, 1, 6, 30, tzinfo=UTC), "2026-11-01 01:30 EST"),
    ],
)
def test_times_are_shown_in_the_viewers_zone_across_daylight_saving_changes(
    world: World, zone: str, when: datetime, shown: str
) -> None:
    schedule(world, "interviewer", when)
    set_zone(world, "hm", zone)
    assert shown_for(world, "hm", "interviewer") == shown
    # Another viewer, another zone: the same moment in theirs.
    assert shown_for(world, "recruiter", "interviewer") == when.strftime("%Y-%m-%d %H:%M UTC")


def test_the_default_zone_applies_to_users_who_chose_none(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    schedule(world, "interviewer", datetime(2026, 7, 1, 12, 0, tzinfo=UTC))
    monkeypatch.setenv("MLSCREEN_DEFAULT_TIMEZONE", "Asia/Tokyo")
    assert shown_for(world, "recruiter", "interviewer") == "2026-07-01 21:00 JST"
    set_zone(world, "recruiter", "Europe/London")
    assert shown_for(world, "recruiter", "interviewer") == "2026-07-01 13:00 BST"


def test_the_audit_log_and_the_outbox_show_the_viewers_zone(world: World) -> None:
    set_zone(world, "admin", "Australia/Adelaide")  # +09:30 or +10:30: never a whole hour away from UTC
    admin = world.client("admin")
    assert admin.form("/account/calendar").status_code == 200  # something audited, now
    audit = admin.get("/admin/audit").text
    assert re.search(r"<td>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d AC[DS]T</td>", audit), audit
    hm = world.client("hm")
    path = f"/candidates/{world.candidate}/assignments"
    data = {"position": "2", "interviewer_id": str(world.users["interviewer"]), "scheduled_at": "2026-12-03T14:30"}
    assert hm.form(path, data).status_code == 303
    outbox = admin.get("/admin/outbox").text
    assert re.search(r"written \d{4}-\d\d-\d\d \d\d:\d\d AC[DS]T", outbox), outbox


def test_an_interview_is_set_in_the_zone_given_and_each_person_reads_it_in_theirs(world: World) -> None:
    set_zone(world, "interviewer", "America/New_York")
    hm = world.client("hm")
    path = f"/candidates/{world.candidate}/assignments"
    who = str(world.users["interviewer"])
    data = {"position": "2", "interviewer_id": who, "scheduled_at": "2026-03-29T10:00", "timezone": "europe/paris"}
    assert hm.form(path, data).status_code == 303
    with world.db.session() as s:
        found = s.scalars(select(Assignment).where(Assignment.interviewer_id == world.users["interviewer"])).one()
        assert found.scheduled_at == datetime(2026, 3, 29, 8, 0, tzinfo=UTC)  # 10:00 CEST
        assert found.timezone == "Europe/Paris"
        messages = {
            m.recipient: m for m in s.scalars(select(OutboxMessage)) if m.template in ("interview", "assignment")
        }
    candidate, interviewer = messages["cand.a@example.net"], messages["interviewer@example.org"]
    assert "2026-03-29 10:00 CEST (Europe/Paris)" in candidate.body_text
    assert "2026-03-29 04:00 EDT (America/New_York)" in interviewer.body_text
    assert candidate.ics is not None and candidate.ics == interviewer.ics
    [event] = Calendar.from_ical(candidate.ics).walk("VEVENT")
    assert event.decoded("DTSTART") == datetime(2026, 3, 29, 8, 0, tzinfo=UTC)
    assert "DTSTART:20260329T080000Z" in candidate.ics  # UTC: the same moment in every calendar app


@pytest.mark.parametrize(
    ("data", "said"),
    [
        ({"scheduled_at": "2026-03-29T02:30", "timezone": "Europe/Paris"}, "does not exist in Europe/Paris"),
        ({"scheduled_at": "2026-03-29T10:00", "timezone": "Mars/Olympus"}, "unknown time zone"),
        ({"scheduled_at": "soon", "timezone": "UTC"}, "is not valid"),
    ],
)
def test_a_time_that_cannot_be_is_refused_and_nothing_is_saved(world: World, data: dict[str, str], said: str) -> None:
    hm = world.client("hm")
    path = f"/candidates/{world.candidate}/assignments"
    response = hm.form(path, {"position": "2", "interviewer_id": str(world.users["interviewer_unassigned"]), **data})
    assert response.status_code == 422 and said in response.text
    with world.db.session() as s:
        mine = select(Assignment).where(Assignment.interviewer_id == world.users["interviewer_unassigned"])
        assert s.scalars(mine).first() is None


def test_the_api_reads_a_time_without_offset_in_the_zone_given(world: World) -> None:
    hm = world.client("hm")
    path = f"/api/v1/candidates/{world.candidate}/assignments"
    body = {"position": 2, "interviewer_id": world.users["interviewer_unassigned"], "scheduled_at": "2026-07-01T09:00"}
    assert hm.api("POST", path, {**body, "timezone": "Asia/Kolkata"}).status_code == 201
    with world.db.session() as s:
        found = s.scalars(select(Assignment).where(Assignment.interviewer_id == world.users["interviewer_unassigned"]))
        assert found.one().scheduled_at == datetime(2026, 7, 1, 3, 30, tzinfo=UTC)
    refused = hm.api("POST", path, {**body, "timezone": "Nowhere/Land"})
    assert refused.status_code == 422 and "unknown time zone" in refused.text


def test_the_interview_kit_shows_the_interview_time_in_the_viewers_zone(world: World) -> None:
    schedule(world, "interviewer", datetime(2026, 11, 1, 6, 30, tzinfo=UTC))
    set_zone(world, "interviewer", "America/New_York")
    page = world.client("interviewer").get(f"/candidates/{world.candidate}/stages/2/scorecard").text
    assert '<span class="interview-time">interviewer: 2026-11-01 01:30 EST</span>' in page
