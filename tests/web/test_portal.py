"""The candidate portal: a single-attempt link, autosave, submission saved before grading, graded in the background."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from mlscreen.jobs.adapters import close_grader_pool
from mlscreen.store.accounts import token_hash
from mlscreen.store.models import AuditEvent, Invite, Submission, WrittenAnswer, utcnow
from tests.conftest import require_service
from tests.web.conftest import World


@pytest.fixture
def graded_world(make_world: Callable[..., World], monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    require_service("bubblewrap", shutil.which("bwrap") is not None, "install it with `apt-get install bubblewrap`")
    monkeypatch.setenv("MLSCREEN_WORKERS", "1")
    yield make_world(workers=1)
    close_grader_pool()


def invite(world: World, position: int) -> str:
    made = world.client("hm").api("POST", f"/api/v1/candidates/{world.candidate}/invites", {"position": position})
    assert made.status_code == 201, made.text
    return str(made.json()["link"]).rsplit("/", 1)[1]


def portal_csrf(world: World, token: str) -> str:
    return str(world.app.state.cookies.portal_csrf(token_hash(token)))


def begin(client: TestClient, world: World, token: str) -> None:
    """Press Start on the assessment's start page (the only way its timer starts)."""
    started = client.post(
        f"/assess/{token}/start", data={"csrf_token": portal_csrf(world, token)}, follow_redirects=False
    )
    assert started.status_code == 303, started.text
    assert client.get(f"/assess/{token}").status_code == 200


def wait_until(check: Callable[[], bool], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def test_links_are_checked(world: World) -> None:
    anon = TestClient(world.app)
    assert anon.get("/assess/not-a-real-token").status_code == 401
    with world.db.session() as s:
        found = s.scalar(select(Invite).where(Invite.token_hash == token_hash(world.token)))
        assert found is not None
        found.expires_at = utcnow() - timedelta(seconds=1)
    page = anon.get(f"/assess/{world.token}")
    assert page.status_code == 401 and "expired" in page.text


@pytest.mark.sandbox
@pytest.mark.slow
def test_code_is_saved_then_graded_in_the_background(graded_world: World) -> None:
    world = graded_world
    bank = world.app.state.bank
    token = invite(world, 1)
    with TestClient(world.app) as anon:  # the context runs the app's lifespan: workers start
        first = anon.get(f"/assess/{token}")
        assert first.status_code == 200 and 'id="start-page"' in first.text and 'class="code"' not in first.text
        with world.db.session() as s:
            inv = s.scalar(select(Invite).where(Invite.token_hash == token_hash(token)))
            assert inv is not None and inv.exercise_id is not None and inv.started_at is None
            exercise = inv.exercise_id
        begin(anon, world, token)
        page = anon.get(f"/assess/{token}")
        with world.db.session() as s:
            assert s.scalar(select(Invite.started_at).where(Invite.token_hash == token_hash(token))) is not None
        starter = bank.exercise_source(exercise, "starter")
        assert 'class="code"' in page.text and 'id="timer"' in page.text
        assert starter.splitlines()[0].replace('"', "&#34;") in page.text or starter.splitlines()[0] in page.text
        csrf = portal_csrf(world, token)
        saved = anon.post(f"/assess/{token}/draft", data={"csrf_token": csrf, "code": "# draft\n"})
        assert saved.status_code == 200 and "saved" in saved.text
        refused = anon.post(f"/assess/{token}/submit", data={"code": "x = 1\n"})
        assert refused.status_code == 403
        source = bank.exercise_source(exercise, "reference")
        unconfirmed = anon.post(f"/assess/{token}/submit", data={"csrf_token": csrf, "code": source})
        assert unconfirmed.status_code == 422 and "confirm that you are done" in unconfirmed.text
        assert 'aria-invalid="true"' in unconfirmed.text and 'id="assessment"' in unconfirmed.text
        with world.db.session() as s:
            assert s.scalar(select(Submission)) is None
            assert s.scalar(select(Invite.draft_code).where(Invite.token_hash == token_hash(token))) == source
        done = anon.post(f"/assess/{token}/submit", data={"csrf_token": csrf, "code": source, "confirm": "yes"})
        assert done.status_code == 200 and "submitted" in done.text
        with world.db.session() as s:
            sub = s.scalar(select(Submission))
            assert sub is not None and sub.source == source

        def graded() -> bool:
            with world.db.session() as s:
                return s.scalar(select(Submission.status)) != "queued"

        wait_until(graded, 90)
        result = anon.get(f"/assess/{token}/result")
        assert "checks passed" in result.text and "hx-get" not in result.text
        again = anon.post(f"/assess/{token}/submit", data={"csrf_token": csrf, "code": source, "confirm": "yes"})
        assert again.status_code == 409
    with world.db.session() as s:
        sub = s.scalar(select(Submission))
        assert sub is not None and sub.result is not None
        assert sub.result["status"] == "passed" and sub.result["passed"] == sub.result["total"] > 0
    hm = world.client("hm")
    packet = hm.api("GET", f"/api/v1/candidates/{world.candidate}/packet").json()
    assert packet["submissions"][0]["result"]["status"] == "passed"
    kit = hm.get(f"/candidates/{world.candidate}/stages/1/scorecard")
    assert "Autograder" in kit.text and "hidden tests passed" in kit.text


@pytest.mark.slow
def test_written_answers_get_advice_that_a_person_confirms_or_overrides(make_world: Callable[..., World]) -> None:
    world = make_world(workers=1)
    token = invite(world, 2)
    with TestClient(world.app) as anon:
        begin(anon, world, token)
        with world.db.session() as s:
            inv = s.scalar(select(Invite).where(Invite.token_hash == token_hash(token)))
            assert inv is not None and inv.question_ids
            question = inv.question_ids[0]
        answer = (
            "I would check for data drift by monitoring feature distributions, confirm labels are still relevant, "
            "look for upstream pipeline breakage, and evaluate recent performance metrics before retraining."
        )
        done = anon.post(
            f"/assess/{token}/submit",
            data={"csrf_token": portal_csrf(world, token), f"answer:{question}": answer, "confirm": "yes"},
        )
        assert done.status_code == 200

        def scored() -> bool:
            with world.db.session() as s:
                return s.scalar(select(WrittenAnswer.advice)) is not None

        wait_until(scored, 120)
    with world.db.session() as s:
        written = s.scalar(select(WrittenAnswer))
        assert written is not None and written.advice is not None
        suggested = int(written.advice["suggested_level"])
        answer_id = written.id
    one = world.client("interviewer")
    page = one.get(f"/candidates/{world.candidate}/stages/2/scorecard")
    assert "Automatic advice" in page.text and f"suggested level <strong>{suggested}</strong>" in page.text
    other = 1 if suggested != 1 else 4
    no_reason = one.form(f"/answers/{answer_id}/review", {"level": other, "reason": ""})
    assert no_reason.status_code == 422 and "needs a reason" in no_reason.text
    ok = one.form(f"/answers/{answer_id}/review", {"level": other, "reason": "Misses the retraining trigger."})
    assert ok.status_code == 303
    with world.db.session() as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "answer.overridden"))
        assert event is not None and event.detail["reason"] == "Misses the retraining trigger."
        assert event.detail["suggested"] == suggested and event.detail["level"] == other
