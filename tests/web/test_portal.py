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


def link_status(world: World, token: str) -> int:
    return TestClient(world.app).get(f"/assess/{token}").status_code


def test_opening_a_link_shows_a_start_page_and_never_starts_the_clock(world: World) -> None:
    anon = TestClient(world.app, follow_redirects=False)
    token, csrf = world.token, portal_csrf(world, world.token)
    for _ in range(2):  # a mail scanner, then the candidate
        page = anon.get(f"/assess/{token}")
        assert page.status_code == 200 and 'id="start-page"' in page.text
        assert "What is recorded" in page.text and "What is automated" in page.text and "hidden tests" in page.text
        assert f'action="/assess/{token}/start"' in page.text and 'id="assessment"' not in page.text
    with world.db.session() as s:
        assert s.scalar(select(Invite.started_at).where(Invite.token_hash == token_hash(token))) is None
    early = anon.post(
        f"/assess/{token}/draft", data={"csrf_token": csrf, "code": "x = 1\n"}, headers={"HX-Request": "1"}
    )
    assert early.status_code == 409 and "not started" in early.text
    examples = anon.post(f"/assess/{token}/examples", data={"csrf_token": csrf, "code": "x = 1\n"})
    assert examples.status_code == 409
    assert anon.post(f"/assess/{token}/start", data={}).status_code == 403  # a write like the others: CSRF
    assert anon.post(f"/assess/{token}/start", data={"csrf_token": csrf}).status_code == 303
    with world.db.session() as s:
        first = s.scalar(select(Invite.started_at).where(Invite.token_hash == token_hash(token)))
    assert first is not None
    assert anon.post(f"/assess/{token}/start", data={"csrf_token": csrf}).status_code == 303  # no restart
    with world.db.session() as s:
        assert s.scalar(select(Invite.started_at).where(Invite.token_hash == token_hash(token))) == first
    page = anon.get(f"/assess/{token}")
    assert 'id="assessment"' in page.text and 'name="confirm"' in page.text


def test_submit_needs_confirmation_and_keeps_the_work_until_then(world: World) -> None:
    token = invite(world, 2)  # knowledge questions: no grading needed
    anon = TestClient(world.app)
    begin(anon, world, token)
    with world.db.session() as s:
        question = s.scalar(select(Invite).where(Invite.token_hash == token_hash(token))).question_ids[0]  # type: ignore[union-attr]
    data = {"csrf_token": portal_csrf(world, token), f"answer:{question}": "Watch the drift of inputs."}
    unconfirmed = anon.post(f"/assess/{token}/submit", data=data)
    assert unconfirmed.status_code == 422 and "confirm that you are done" in unconfirmed.text
    assert "Watch the drift of inputs.</textarea>" in unconfirmed.text and 'id="confirm-error"' in unconfirmed.text
    with world.db.session() as s:
        assert s.scalar(select(WrittenAnswer).where(WrittenAnswer.invite_id.is_not(None))) is None
    done = anon.post(f"/assess/{token}/submit", data={**data, "confirm": "yes"})
    assert done.status_code == 200 and "was submitted" in done.text
    with world.db.session() as s:
        [written] = s.scalars(select(WrittenAnswer).where(WrittenAnswer.invite_id.is_not(None)))
        assert written.answer == "Watch the drift of inputs."


def test_links_can_be_revoked_with_a_reason(world: World) -> None:
    rec = world.client("recruiter")
    url = f"/candidates/{world.candidate}/invites/{world.invite}/revoke"
    no_reason = rec.form(url, {"reason": " "})
    assert no_reason.status_code == 422 and "needs a reason" in no_reason.text
    assert link_status(world, world.token) == 200
    assert rec.form(url, {"reason": "Sent to the wrong address."}).status_code == 303
    page = link_status(world, world.token)
    assert page == 401
    again = rec.api("POST", f"/api/v1/candidates/{world.candidate}/invites/{world.invite}/revoke", {"reason": "x"})
    assert again.status_code == 409
    other = world.client("hm_other").api(
        "POST", f"/api/v1/candidates/{world.other_candidate}/invites/{world.invite}/revoke", {"reason": "x"}
    )
    assert other.status_code == 404  # another candidate's link
    with world.db.session() as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "invite.revoked"))
        assert event is not None and event.detail["reason"] == "Sent to the wrong address."
        assert event.actor_id == world.users["recruiter"] and event.object_id == world.invite
    assert "revoked" in rec.get(f"/candidates/{world.candidate}").text


@pytest.mark.parametrize("leave", ["withdrawn", "rejected", "decided"])
def test_every_link_dies_when_the_candidate_leaves(world: World, leave: str) -> None:
    anon = TestClient(world.app)
    begin(anon, world, world.token)  # started, mid-work
    submitted = invite(world, 2)
    done = anon.post(
        f"/assess/{submitted}/start", data={"csrf_token": portal_csrf(world, submitted)}, follow_redirects=False
    )
    assert done.status_code == 303
    sent = anon.post(
        f"/assess/{submitted}/submit", data={"csrf_token": portal_csrf(world, submitted), "confirm": "yes"}
    )
    assert sent.status_code == 200
    if leave == "decided":
        made = world.client("hm").form(
            f"/candidates/{world.candidate}/decision", {"outcome": "no_hire", "rationale": "Not for this level."}
        )
    else:
        made = world.client("recruiter").form(f"/candidates/{world.candidate}/status", {"status": leave})
    assert made.status_code == 303
    assert link_status(world, world.token) == 401 and link_status(world, submitted) == 401
    csrf = portal_csrf(world, world.token)
    late = anon.post(f"/assess/{world.token}/submit", data={"csrf_token": csrf, "code": "x = 1\n", "confirm": "yes"})
    assert late.status_code == 401
    assert anon.post(f"/assess/{world.token}/examples", data={"csrf_token": csrf, "code": "x = 1\n"}).status_code == 401
    with world.db.session() as s:
        assert s.scalar(select(Submission)) is None
        live = s.scalars(select(Invite).where(Invite.submitted_at.is_(None), Invite.revoked_at.is_(None)))
        assert list(live) == []
    made = world.client("hm").api("POST", f"/api/v1/candidates/{world.candidate}/invites", {"position": 2})
    assert made.status_code == 409 and "no assessment link can be made" in made.json()["error"]
    if leave == "withdrawn":  # back in the process: the old links stay dead
        assert (
            world.client("recruiter").form(f"/candidates/{world.candidate}/status", {"status": "active"}).status_code
            == 303
        )
        assert link_status(world, world.token) == 401


def test_a_second_attempt_is_explicit_and_marked_wherever_results_appear(world: World) -> None:
    hm = world.client("hm")
    anon = TestClient(world.app)
    begin(anon, world, world.token)  # stage 1, the coding exercise
    csrf = portal_csrf(world, world.token)
    first = anon.post(
        f"/assess/{world.token}/submit", data={"csrf_token": csrf, "code": "first = 1\n", "confirm": "yes"}
    )
    assert first.status_code == 200
    url = f"/api/v1/candidates/{world.candidate}/invites"
    silent = hm.api("POST", url, {"position": 1})
    assert silent.status_code == 409 and "second attempt" in silent.json()["error"]
    page = hm.form(f"/candidates/{world.candidate}/invites", {"position": 1})
    assert page.status_code == 409 and "second attempt" in page.text
    again = hm.api("POST", url, {"position": 1, "second_attempt_reason": "The sandbox failed during the first one."})
    assert again.status_code == 201 and again.json()["attempt"] == 2
    second = again.json()["link"].rsplit("/", 1)[1]
    begin(anon, world, second)
    csrf2 = portal_csrf(world, second)
    sent = anon.post(f"/assess/{second}/submit", data={"csrf_token": csrf2, "code": "second = 2\n", "confirm": "yes"})
    assert sent.status_code == 200
    marked = "The sandbox failed during the first one."
    api = hm.api("GET", f"/api/v1/candidates/{world.candidate}").json()
    assert [(s["attempt"], s["attempt_reason"]) for s in api["submissions"]] == [(1, None), (2, marked)]
    packet = hm.api("GET", f"/api/v1/candidates/{world.candidate}/packet").json()
    assert [(s["attempt"], s["attempt_reason"]) for s in packet["submissions"]] == [(1, None), (2, marked)]
    kit = f"/candidates/{world.candidate}/stages/1/scorecard"
    for path in (f"/candidates/{world.candidate}", f"/candidates/{world.candidate}/packet", kit):
        text = hm.get(path).text
        assert f"attempt 2, second attempt: {marked}" in text, path
    with world.db.session() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "invite.created")).all()[-1]
        assert event.detail["attempt"] == 2 and event.detail["reason"] == marked
    # Written answers too.
    for n, reason in enumerate(["", "A power cut ended the first one."]):
        body = {"position": 2, "second_attempt_reason": reason}
        token = hm.api("POST", url, body).json()["link"].rsplit("/", 1)[1]
        begin(anon, world, token)
        with world.db.session() as s:
            question = s.scalar(select(Invite).where(Invite.token_hash == token_hash(token))).question_ids[0]  # type: ignore[union-attr]
        answer = {"csrf_token": portal_csrf(world, token), f"answer:{question}": f"Answer {n}.", "confirm": "yes"}
        assert anon.post(f"/assess/{token}/submit", data=answer).status_code == 200
    packet = hm.api("GET", f"/api/v1/candidates/{world.candidate}/packet").json()
    written = [(a["attempt"], a["attempt_reason"]) for a in packet["answers"] if a["id"] != world.answer]
    assert written == [(1, None), (2, "A power cut ended the first one.")]
    assert (
        "attempt 2, second attempt: A power cut ended the first one."
        in hm.get(f"/candidates/{world.candidate}/stages/2/scorecard").text
    )


def test_a_new_link_replaces_one_never_opened(world: World) -> None:
    made = world.client("hm").api("POST", f"/api/v1/candidates/{world.candidate}/invites", {"position": 1})
    assert made.status_code == 201 and made.json()["attempt"] == 1
    assert link_status(world, world.token) == 401  # one live link per stage
    assert link_status(world, made.json()["link"].rsplit("/", 1)[1]) == 200
