"""The assessment deadline, enforced by the server against a controllable clock: both sides of it, and the sweeper."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from mlscreen.store.accounts import token_hash
from mlscreen.store.models import Invite, Job, Submission, WrittenAnswer, utcnow
from mlscreen.web.deadlines import DeadlineSweeper, close_overdue_assessments
from tests.store.dbutil import BACKENDS
from tests.web.conftest import World
from tests.web.test_portal import begin, invite, portal_csrf, wait_until


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def began(invite: Invite) -> datetime:
    """Return when the candidate first opened the link (the test has made sure they did)."""
    assert invite.started_at is not None
    return invite.started_at


def started(world: World, token: str) -> Invite:
    with world.db.session() as s:
        found = s.scalar(select(Invite).where(Invite.token_hash == token_hash(token)))
        assert found is not None and found.started_at is not None
        return found


def jobs(world: World, kind: str) -> list[Job]:
    with world.db.session() as s:
        return list(s.scalars(select(Job).where(Job.kind == kind)))


@pytest.fixture
def clocked(make_world: Callable[..., World], request: pytest.FixtureRequest) -> tuple[World, Clock]:
    world = make_world(getattr(request, "param", "sqlite"))
    clock = Clock(utcnow())
    world.app.state.clock = clock
    return world, clock


@pytest.mark.parametrize("clocked", BACKENDS, indirect=True)
def test_saves_are_accepted_until_the_grace_period_ends_then_the_saved_work_is_submitted(
    clocked: tuple[World, Clock],
) -> None:
    world, clock = clocked
    grace = world.app.state.grace
    anon = TestClient(world.app)
    token, csrf = world.token, portal_csrf(world, world.token)
    begin(anon, world, token)
    inv = started(world, token)
    assert inv.started_at == clock.now
    ends = clock.now + timedelta(minutes=inv.minutes)

    clock.now = ends - timedelta(seconds=1)
    assert anon.post(f"/assess/{token}/draft", data={"csrf_token": csrf, "code": "x = 1\n"}).status_code == 200
    clock.now = ends + grace - timedelta(seconds=1)  # over time, within the grace period: still saved
    last = "def missing_report(df):\n    return df.isna().mean() * 100\n"
    assert anon.post(f"/assess/{token}/draft", data={"csrf_token": csrf, "code": last}).status_code == 200
    page = anon.get(f"/assess/{token}")
    assert 'id="time-up"' not in page.text and 'id="assessment"' in page.text

    clock.now = ends + grace
    late = anon.post(
        f"/assess/{token}/draft",
        data={"csrf_token": csrf, "code": "too late\n"},
        headers={"Accept": "application/json"},
    )
    assert late.status_code == 409
    assert late.json()["error"].startswith("time is up") and "submitted for you" in late.json()["hint"]
    with world.db.session() as s:
        sub = s.scalar(select(Submission))
        assert sub is not None and sub.source == last and sub.status == "queued"
        inv_now = s.get_one(Invite, inv.id)
        assert inv_now.submitted_at == ends and inv_now.draft_code == last
        sub_id = sub.id
    assert [j.payload for j in jobs(world, "grade")] == [{"submission_id": sub_id}]

    refused = anon.post(f"/assess/{token}/submit", data={"csrf_token": csrf, "code": "x = 2\n", "confirm": "yes"})
    assert refused.status_code == 409
    page = anon.get(f"/assess/{token}")
    assert page.status_code == 200 and 'id="time-up"' in page.text and "Time is up" in page.text
    assert 'id="assessment"' not in page.text  # no form to type into any more
    with world.db.session() as s:
        assert [x.source for x in s.scalars(select(Submission))] == [last]  # nothing overwritten, graded once
    assert len(jobs(world, "grade")) == 1


def test_a_late_submit_is_refused_as_a_page_and_keeps_the_draft(clocked: tuple[World, Clock]) -> None:
    world, clock = clocked
    anon = TestClient(world.app)
    token, csrf = world.token, portal_csrf(world, world.token)
    begin(anon, world, token)
    inv = started(world, token)
    anon.post(f"/assess/{token}/draft", data={"csrf_token": csrf, "code": "saved = True\n"})
    clock.now = began(inv) + timedelta(minutes=inv.minutes) + world.app.state.grace + timedelta(hours=1)
    late = anon.post(f"/assess/{token}/submit", data={"csrf_token": csrf, "code": "new = True\n", "confirm": "yes"})
    assert late.status_code == 409 and "text/html" in late.headers["content-type"]
    assert "time is up" in late.text and 'id="time-up"' in late.text
    with world.db.session() as s:
        assert [x.source for x in s.scalars(select(Submission))] == ["saved = True\n"]


def test_submitting_within_the_grace_period_is_accepted(clocked: tuple[World, Clock]) -> None:
    world, clock = clocked
    anon = TestClient(world.app)
    token, csrf = world.token, portal_csrf(world, world.token)
    begin(anon, world, token)
    inv = started(world, token)
    clock.now = began(inv) + timedelta(minutes=inv.minutes) + world.app.state.grace - timedelta(seconds=1)
    done = anon.post(f"/assess/{token}/submit", data={"csrf_token": csrf, "code": "final = 1\n", "confirm": "yes"})
    assert done.status_code == 200 and "submitted" in done.text and 'id="time-up"' not in done.text
    with world.db.session() as s:
        sub = s.scalar(select(Submission))
        assert sub is not None and sub.source == "final = 1\n"
        assert s.get_one(Invite, inv.id).submitted_at == clock.now


def test_the_grace_period_is_a_setting(make_world: Callable[..., World], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLSCREEN_DEADLINE_GRACE_SECONDS", "0")
    world = make_world()
    clock = Clock(utcnow())
    world.app.state.clock = clock
    anon = TestClient(world.app)
    begin(anon, world, world.token)
    inv = started(world, world.token)
    clock.now = began(inv) + timedelta(minutes=inv.minutes)
    saved = anon.post(f"/assess/{world.token}/draft", data={"csrf_token": portal_csrf(world, world.token)})
    assert world.app.state.grace == timedelta(0) and saved.status_code == 409


@pytest.mark.parametrize("clocked", BACKENDS, indirect=True)
def test_overdue_assessments_nobody_reopened_are_closed_with_their_saved_answers(
    clocked: tuple[World, Clock],
) -> None:
    world, _clock = clocked
    token = invite(world, 2)  # a knowledge stage: written answers
    anon = TestClient(world.app)
    begin(anon, world, token)
    inv = started(world, token)
    question = inv.question_ids[0]
    saved = anon.post(
        f"/assess/{token}/draft", data={"csrf_token": portal_csrf(world, token), f"answer:{question}": "Drift."}
    )
    assert saved.status_code == 200
    queue, grace = world.app.state.queue, world.app.state.grace
    ends = began(inv) + timedelta(minutes=inv.minutes)
    assert close_overdue_assessments(world.db, queue, now=ends + grace - timedelta(seconds=1), grace=grace) == 0
    assert close_overdue_assessments(world.db, queue, now=ends + grace, grace=grace) == 1
    assert close_overdue_assessments(world.db, queue, now=ends + grace, grace=grace) == 0  # closed once only
    with world.db.session() as s:
        answers = list(s.scalars(select(WrittenAnswer).where(WrittenAnswer.invite_id == inv.id)))
        assert [(a.question_id, a.answer) for a in answers] == [(question, "Drift.")]
        assert s.get_one(Invite, inv.id).submitted_at == ends
    assert len(jobs(world, "score_answers")) == 1


def test_the_sweeper_thread_closes_overdue_assessments(clocked: tuple[World, Clock]) -> None:
    world, clock = clocked
    anon = TestClient(world.app)
    begin(anon, world, world.token)
    inv = started(world, world.token)
    anon.post(f"/assess/{world.token}/draft", data={"csrf_token": portal_csrf(world, world.token), "code": "y = 2\n"})
    clock.now = began(inv) + timedelta(minutes=inv.minutes) + world.app.state.grace
    sweeper = DeadlineSweeper(world.db, world.app.state.queue, clock=clock, grace=world.app.state.grace, every=0.05)
    sweeper.start()
    try:
        wait_until(lambda: bool(jobs(world, "grade")), 10)
    finally:
        sweeper.stop()
    with world.db.session() as s:
        assert [x.source for x in s.scalars(select(Submission))] == ["y = 2\n"]
