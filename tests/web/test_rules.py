"""The hiring rules, through pages and API: who files which stage's scorecard, decisions, reviews, inputs, 404s."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from sqlalchemy import select

from mlscreen.store.models import AuditEvent, Candidate, Decision, Opening, Scorecard, WrittenAnswer
from tests.store.dbutil import BACKENDS
from tests.web.conftest import World
from tests.web.test_flows import ratings_for, scorecard_form


def assign(world: World, who: str, position: int) -> None:
    body = {"position": position, "interviewer_id": world.users[who]}
    made = world.client("recruiter").api("POST", f"/api/v1/candidates/{world.candidate}/assignments", body)
    assert made.status_code == 201, made.text


def cards(world: World) -> list[tuple[int, int]]:
    with world.db.session() as s:
        return [(c.stage_position, c.interviewer_id) for c in s.scalars(select(Scorecard).order_by(Scorecard.id))]


def audit_of(world: World, action: str) -> list[AuditEvent]:
    with world.db.session() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


@pytest.mark.parametrize("backend", BACKENDS)
def test_only_the_stages_interviewers_file_its_scorecard(make_world: Callable[..., World], backend: str) -> None:
    world = make_world(backend)
    assign(world, "interviewer_unassigned", 3)  # assigned to the system-design stage only
    one, late = world.client("interviewer"), world.client("interviewer_unassigned")
    url = f"/api/v1/candidates/{world.candidate}/scorecards"
    assert (
        one.api("POST", url, {"position": 2, "ratings": ratings_for(world, 2), "recommendation": "yes"}).status_code
        == 201
    )
    # Filing stage 2 would have unlocked interviewer's hidden stage-2 scorecard: refused, by API and by form.
    body = {"position": 2, "ratings": ratings_for(world, 2), "recommendation": "strong_no"}
    refused = late.api("POST", url, body)
    assert refused.status_code == 403 and "not assigned to the stage" in refused.json()["error"]
    page = late.form(f"/candidates/{world.candidate}/stages/2/scorecard", scorecard_form(ratings_for(world, 2), "no"))
    assert page.status_code == 403 and "not assigned to the stage" in page.text
    assert late.api("GET", url).json() == []
    kit = late.get(f"/candidates/{world.candidate}/stages/2/scorecard")
    assert kit.status_code == 200 and 'id="not-assigned"' in kit.text and "Submit scorecard" not in kit.text
    # Their own stage works; the hiring manager may file any stage's scorecard.
    mine = late.api("POST", url, {"position": 3, "ratings": ratings_for(world, 3), "recommendation": "yes"})
    assert mine.status_code == 201, mine.text
    hm = world.client("hm").api("POST", url, {"position": 4, "ratings": ratings_for(world, 4), "recommendation": "yes"})
    assert hm.status_code == 201, hm.text
    assert cards(world) == [
        (2, world.users["interviewer"]), (3, world.users["interviewer_unassigned"]), (4, world.users["hm"]),
    ]  # fmt: skip


def test_a_prescreen_is_only_for_the_prescreen_stage(world: World) -> None:
    rec = world.client("recruiter")
    data = scorecard_form(ratings_for(world, 3), "")
    data.update({"outcome": "reject", "notes": "Filed against system design."})
    wrong = rec.form(f"/candidates/{world.candidate}/stages/3/prescreen", data)
    assert wrong.status_code == 422 and "is not a pre-screen" in wrong.text
    assert rec.get(f"/candidates/{world.candidate}/stages/3/prescreen").status_code == 422
    # Nor through the scorecard route, the other way round.
    api = world.client("hm").api(
        "POST",
        f"/api/v1/candidates/{world.candidate}/scorecards",
        {"position": 0, "ratings": ratings_for(world, 0), "recommendation": "no"},
    )
    assert api.status_code == 422 and "pre-screen form" in api.json()["error"] + api.json()["hint"]
    assert cards(world) == []
    with world.db.session() as s:
        assert s.get_one(Candidate, world.candidate).status == "active"


def test_a_decision_freezes_stage_and_status_until_an_admin_reopens_it(world: World) -> None:
    hm, rec, admin = world.client("hm"), world.client("recruiter"), world.client("admin")
    done = hm.form(
        f"/candidates/{world.candidate}/decision", {"outcome": "hire", "rationale": "Strong on every stage."}
    )
    assert done.status_code == 303
    withdrawn = rec.form(f"/candidates/{world.candidate}/status", {"status": "withdrawn", "reason": "sideways"})
    assert withdrawn.status_code == 409 and "frozen" in withdrawn.text
    assert rec.form(f"/candidates/{world.candidate}/stage", {"position": 3}).status_code == 409
    moved = rec.api("POST", f"/api/v1/candidates/{world.candidate}/stage", {"position": 3})
    assert moved.status_code == 409 and "final decision (hire)" in moved.json()["error"]
    late = world.client("interviewer").api(
        "POST",
        f"/api/v1/candidates/{world.candidate}/scorecards",
        {"position": 2, "ratings": ratings_for(world, 2), "recommendation": "strong_no"},
    )
    assert late.status_code == 409 and "scorecards are frozen" in late.json()["error"]
    review = world.client("interviewer").form(f"/answers/{world.answer}/review", {"level": 2})
    assert review.status_code == 409
    page = rec.get(f"/candidates/{world.candidate}")
    assert 'id="frozen"' in page.text and f'action="/candidates/{world.candidate}/status"' not in page.text
    with world.db.session() as s:
        found = s.get_one(Candidate, world.candidate)
        assert (found.status, found.stage_position) == ("hired", 0)
    # Reopening is an admin's, with a reason; the decision stays in the audit log.
    assert hm.form(f"/candidates/{world.candidate}/reopen", {"reason": "Offer withdrawn by us."}).status_code == 403
    assert hm.api("POST", f"/api/v1/candidates/{world.candidate}/reopen", {"reason": "x" * 20}).status_code == 403
    no_reason = admin.form(f"/candidates/{world.candidate}/reopen", {"reason": " "})
    assert no_reason.status_code == 422 and "needs a reason" in no_reason.text
    assert 'id="reopen"' in admin.get(f"/candidates/{world.candidate}/packet").text
    reopened = admin.form(f"/candidates/{world.candidate}/reopen", {"reason": "The budget was cut; decide again."})
    assert reopened.status_code == 303
    [event] = audit_of(world, "decision.reopened")
    assert event.actor_id == world.users["admin"]
    assert event.detail["outcome"] == "hire" and event.detail["rationale"] == "Strong on every stage."
    assert event.detail["reason"] == "The budget was cut; decide again."
    with world.db.session() as s:
        assert s.scalar(select(Decision)) is None
        assert s.get_one(Candidate, world.candidate).status == "active"
    assert rec.api("POST", f"/api/v1/candidates/{world.candidate}/stage", {"position": 1}).status_code == 200
    assert hm.form(f"/candidates/{world.candidate}/status", {"status": "hired"}).status_code == 422


def test_answer_reviews_belong_to_the_stages_reviewers_and_changes_keep_the_earlier_one(world: World) -> None:
    assign(world, "interviewer_unassigned", 3)
    url = f"/answers/{world.answer}/review"  # an answer given at stage 2, advice: level 2
    stranger = world.client("interviewer_unassigned").form(url, {"level": 4, "reason": "Better than it looks."})
    assert stranger.status_code == 403 and "not assigned to the stage" in stranger.text
    one, two, hm = world.client("interviewer"), world.client("interviewer2"), world.client("hm")
    assert one.form(url, {"level": 3, "reason": "Covers the retraining trigger."}).status_code == 303
    silent = two.form(url, {"level": 1, "reason": ""})
    assert silent.status_code == 422 and "changing an earlier review needs a reason" in silent.text
    assert 'aria-invalid="true"' in silent.text
    assert two.form(url, {"level": 1, "reason": "The trigger it names is wrong."}).status_code == 303
    assert hm.form(url, {"level": 2, "reason": "Agreed in the debrief."}).status_code == 303
    first, *_ = audit_of(world, "answer.overridden")
    assert first.detail["level"] == 3 and first.detail["reason"] == "Covers the retraining trigger."
    revised = audit_of(world, "answer.revised")
    assert [(e.detail["previous_level"], e.detail["level"]) for e in revised] == [(3, 1), (1, 2)]
    assert revised[0].detail["previous_reason"] == "Covers the retraining trigger."
    assert revised[0].detail["reason"] == "The trigger it names is wrong."
    assert revised[0].detail["previous_reviewer"] == world.users["interviewer"]
    assert revised[1].actor_id == world.users["hm"]
    with world.db.session() as s:
        answer = s.get_one(WrittenAnswer, world.answer)
        assert (answer.final_level, answer.override_reason) == (2, "Agreed in the debrief.")


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_hiring_manager_must_exist_and_may_manage(make_world: Callable[..., World], backend: str) -> None:
    world = make_world(backend)
    admin = world.client("admin")
    for wrong, says in [(world.users["interviewer"], "cannot manage an opening"), (999_999, "no active user")]:
        body = {"title": "MLE", "profile_id": "ml-engineer", "hiring_manager_id": wrong}
        api = admin.api("POST", "/api/v1/openings", body)
        assert api.status_code == 422 and says in api.json()["error"], api.text
        form = admin.form("/openings", {**body, "level": "senior"})
        assert form.status_code == 422 and says in form.text
        assert 'value="MLE"' in form.text and "<option selected>senior</option>" in form.text  # kept as typed
    garbled = admin.form("/openings", {"title": "MLE", "profile_id": "ml-engineer", "hiring_manager_id": "abc"})
    assert garbled.status_code == 422 and "is not a hiring manager" in garbled.text
    with world.db.session() as s:
        assert s.scalar(select(Opening.id).where(Opening.title == "MLE")) is None
    ok = admin.api(
        "POST",
        "/api/v1/openings",
        {"title": "MLE", "profile_id": "ml-engineer", "hiring_manager_id": world.users["hm"]},
    )
    assert ok.status_code == 201 and ok.json()["hiring_manager_id"] == world.users["hm"]


def test_a_csv_field_over_the_limit_is_a_row_error(world: World) -> None:
    rec = world.client("recruiter", raise_server_exceptions=False)
    big = b"name,email\nGood One,good@example.net\n" + b"A" * (130 * 1024) + b",big@example.net\n"
    page = rec.form(f"/openings/{world.opening}/candidates/import", files={"file": ("c.csv", big, "text/csv")})
    assert page.status_code == 422 and "line 3: a field is longer than 128 KiB" in page.text
    with world.db.session() as s:
        assert s.scalar(select(Candidate.id).where(Candidate.email == "good@example.net")) is None


def test_a_refused_scorecard_keeps_what_was_typed_and_marks_the_field(world: World) -> None:
    one = world.client("interviewer")
    ratings = ratings_for(world, 2)
    blank, *rest = ratings
    ratings[blank] = {"rating": 2, "evidence": "   "}
    data = scorecard_form(ratings, "strong_yes")
    data["notes"] = "Talked through drift well."
    page = one.form(f"/candidates/{world.candidate}/stages/2/scorecard", data)
    assert page.status_code == 422 and "write the evidence" in page.text
    assert re.search(rf'name="evidence:{blank}"[^>]*aria-invalid="true"', page.text)
    for cat in rest:
        assert f"{ratings[cat]['evidence']}</textarea>" in page.text
        assert re.search(rf'name="rating:{cat}" value="3" required checked', page.text)
        assert not re.search(rf'name="evidence:{cat}"[^>]*aria-invalid', page.text)
    assert re.search(rf'name="rating:{blank}" value="2" required checked', page.text)
    assert 'value="strong_yes" required checked' in page.text and "Talked through drift well.</textarea>" in page.text
    assert page.text.count('data-nonblank="') == len(ratings)  # the browser refuses white space, too
    assert cards(world) == []


def test_a_refused_prescreen_keeps_its_checks_and_notes(world: World) -> None:
    rec = world.client("recruiter")
    form = rec.get(f"/candidates/{world.candidate}/stages/0/prescreen").text
    box = re.findall(r'name="([a-z0-9-]+:(?:look|flag):\d+)"', form)[0]
    data = scorecard_form(ratings_for(world, 0), "")
    data.update({box: "1", "notes": "Clear on deployments."})  # no outcome chosen
    page = rec.form(f"/candidates/{world.candidate}/stages/0/prescreen", data)
    assert page.status_code == 422 and "choose advance or reject" in page.text
    assert f'name="{box}" value="1" checked' in page.text and "Clear on deployments.</textarea>" in page.text
    assert '<fieldset class="invalid"><legend>Outcome' in page.text
    assert cards(world) == []


NOT_FOUND = 2**31 - 1


@pytest.mark.parametrize("backend", BACKENDS)
def test_not_yours_answers_exactly_like_not_there(make_world: Callable[..., World], backend: str) -> None:
    world = make_world(backend)
    hm = world.client("hm")
    pairs = [
        (hm, "GET", "/openings/{}", world.other_opening),
        (hm, "GET", "/api/v1/openings/{}", world.other_opening),
        (hm, "GET", "/candidates/{}", world.other_candidate),
        (hm, "GET", "/api/v1/candidates/{}", world.other_candidate),
        (world.client("hm_other"), "POST", "/answers/{}/review", world.answer),
        (world.client("interviewer_unassigned"), "GET", "/candidates/{}", world.candidate),
        (world.client("interviewer_unassigned"), "GET", "/api/v1/candidates/{}/scorecards", world.candidate),
    ]
    for client, method, path, hidden in pairs:
        if method == "GET":
            seen, missing = client.get(path.format(hidden)), client.get(path.format(NOT_FOUND))
        else:
            seen, missing = client.form(path.format(hidden), {}), client.form(path.format(NOT_FOUND), {})
        assert seen.status_code == missing.status_code == 404, path
        assert seen.text == missing.text, path


@pytest.mark.parametrize(
    "bad",
    ["Eve\u202etxt.exe", "Bo\u200bb", "Nul\x00l", "Left\u2066to\u2069right", "Zero\ufeffwidth", "Line\u2028break"],
)
def test_invisible_characters_are_refused_in_names_and_titles(world: World, bad: str) -> None:
    rec, admin = world.client("recruiter"), world.client("admin")
    added = rec.api("POST", f"/api/v1/openings/{world.opening}/candidates", {"name": bad, "email": "x@example.net"})
    assert added.status_code == 422 and "invisible character (U+" in added.json()["error"], added.text
    page = rec.form(f"/openings/{world.opening}/candidates", {"name": bad, "email": "x@example.net"})
    assert page.status_code == 422 and "invisible character" in page.text
    csv = f"name,email\n{bad},y@example.net\n".encode()
    imported = rec.form(f"/openings/{world.opening}/candidates/import", files={"file": ("c.csv", csv, "text/csv")})
    assert imported.status_code == 422 and "line 2: the name contains an invisible character" in imported.text
    opening = admin.api("POST", "/api/v1/openings", {"title": bad, "profile_id": "ml-engineer"})
    assert opening.status_code == 422 and "the title contains an invisible character" in opening.json()["error"]
    user = admin.form(
        "/admin/users", {"email": "z@example.org", "name": bad, "role": "recruiter", "password": "a long password here"}
    )
    assert user.status_code == 422 and "invisible character" in user.text
    assert 'value="z@example.org"' in user.text and "a long password here" not in user.text
    with world.db.session() as s:
        assert s.scalar(select(Candidate.id).where(Candidate.email.in_(["x@example.net", "y@example.net"]))) is None
