"""The hiring flows through pages and API: opening a role, candidates, scorecards (hidden until submitted), decision."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from sqlalchemy import select

from mlscreen.store.models import AuditEvent, Candidate, OpeningStage
from tests.store.dbutil import BACKENDS
from tests.web.conftest import World


def ratings_for(world: World, position: int) -> dict[str, dict[str, object]]:
    from mlscreen.store.scorecards import categories

    with world.db.session() as s:
        stage = s.scalar(
            select(OpeningStage).where(OpeningStage.opening_id == world.opening, OpeningStage.position == position)
        )
        assert stage is not None
        cats = categories(world.app.state.bank, stage)
    return {cat.id: {"rating": 3, "evidence": f"Said something specific about {cat.name}."} for _r, cat in cats}


def scorecard_form(ratings: dict[str, dict[str, object]], recommendation: str) -> dict[str, object]:
    data: dict[str, object] = {"recommendation": recommendation}
    for cat, value in ratings.items():
        data[f"rating:{cat}"] = value["rating"]
        data[f"evidence:{cat}"] = value["evidence"]
    return data


def test_open_a_role_and_adjust_its_loop(world: World) -> None:
    hm = world.client("hm")
    page = hm.form("/openings", {"title": "Staff MLE", "profile_id": "mlops-engineer", "level": "senior"})
    assert page.status_code == 303
    opening_id = int(page.headers["location"].rsplit("/", 1)[1])
    opening = hm.api("GET", f"/api/v1/openings/{opening_id}").json()
    assert [s["stage_id"] for s in opening["stages"]][:2] == ["recruiter-screen", "coding-assessment"]
    knowledge = next(s for s in opening["stages"] if s["stage_id"] == "ml-knowledge")
    assert knowledge["question_ids"], "the kit's questions come from the bank"
    swapped = knowledge["question_ids"][1:]
    updated = hm.api(
        "PATCH", f"/api/v1/openings/{opening_id}/stages/{knowledge['position']}",
        {"duration_min": 50, "question_ids": swapped},
    )  # fmt: skip
    assert updated.status_code == 200, updated.text
    stage = updated.json()["stages"][knowledge["position"]]
    assert (stage["duration_min"], stage["question_ids"]) == (50, swapped)
    bad = hm.api("PATCH", f"/api/v1/openings/{opening_id}/stages/{knowledge['position']}", {"question_ids": ["nope"]})
    assert bad.status_code == 422 and "not a knowledge question" in bad.json()["error"]
    form_error = hm.form("/openings", {"title": " ", "profile_id": "mlops-engineer"})
    assert form_error.status_code == 422 and "needs a title" in form_error.text


def test_candidates_by_form_and_csv_with_row_errors(world: World) -> None:
    rec = world.client("recruiter")
    added = rec.form(f"/openings/{world.opening}/candidates", {"name": "Lee Park", "email": "lee@example.net"})
    assert added.status_code == 303
    dup = rec.form(f"/openings/{world.opening}/candidates", {"name": "Lee Park", "email": "lee@example.net"})
    assert dup.status_code == 409 and "already a candidate" in dup.text
    bad_csv = b"name,email\nGood One,good@example.net\n,missing@example.net\nNo Mail,not-an-email\n"
    page = rec.form(f"/openings/{world.opening}/candidates/import", files={"file": ("c.csv", bad_csv, "text/csv")})
    assert page.status_code == 422
    assert "line 3: the candidate needs a name" in page.text and "line 4:" in page.text
    with world.db.session() as s:
        assert s.scalar(select(Candidate.id).where(Candidate.email == "good@example.net")) is None
    good_csv = b"name,email\nGood One,good@example.net\nAnother,another@example.net\n"
    page = rec.form(f"/openings/{world.opening}/candidates/import", files={"file": ("c.csv", good_csv, "text/csv")})
    assert page.status_code == 303 and "imported=2" in page.headers["location"]


def test_moves_and_assignments_are_audited(world: World) -> None:
    rec = world.client("recruiter")
    moved = rec.api("POST", f"/api/v1/candidates/{world.candidate}/stage", {"position": 1})
    assert moved.status_code == 200 and moved.json()["stage_position"] == 1
    with world.db.session() as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "candidate.stage_changed"))
        assert event is not None and event.detail == {"before": 0, "after": 1}
        assert event.actor_id == world.users["recruiter"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_scorecards_stay_hidden_until_you_submit_yours(make_world: Callable[..., World], backend: str) -> None:
    world = make_world(backend)
    one, two, hm = world.client("interviewer"), world.client("interviewer2"), world.client("hm")
    ratings = ratings_for(world, 2)
    url = f"/api/v1/candidates/{world.candidate}/scorecards"
    first = one.api("POST", url, {"position": 2, "ratings": ratings, "recommendation": "yes"})
    assert first.status_code == 201, first.text
    # Interviewer 2 has not submitted: sees nothing of interviewer 1, in the API and on the page.
    assert two.api("GET", url).json() == []
    page = two.get(f"/candidates/{world.candidate}")
    assert 'data-interviewer="interviewer"' not in page.text and "stay hidden" in page.text
    # The hiring manager sees every scorecard at any time.
    assert len(hm.api("GET", url).json()) == 1
    low = {k: {"rating": 1, "evidence": "Could not explain it."} for k in ratings}
    form = two.form(f"/candidates/{world.candidate}/stages/2/scorecard", scorecard_form(low, "strong_no"))
    assert form.status_code == 303
    assert {c["interviewer_id"] for c in two.api("GET", url).json()} == {
        world.users["interviewer"], world.users["interviewer2"],
    }  # fmt: skip
    assert len(one.api("GET", url).json()) == 2
    again = one.api("POST", url, {"position": 2, "ratings": ratings, "recommendation": "yes"})
    assert again.status_code == 409
    packet = hm.api("GET", f"/api/v1/candidates/{world.candidate}/packet").json()
    assert any(d["category"] == "recommendation" for d in packet["disagreements"])
    with world.db.session() as s:
        actions = [e.action for e in s.scalars(select(AuditEvent))]
    assert actions.count("scorecard.submitted") == 2


def test_scorecard_needs_evidence_for_every_rating(world: World) -> None:
    one = world.client("interviewer")
    ratings = ratings_for(world, 2)
    first = next(iter(ratings))
    ratings[first] = {"rating": 3, "evidence": "   "}
    page = one.form(f"/candidates/{world.candidate}/stages/2/scorecard", scorecard_form(ratings, "yes"))
    assert page.status_code == 422 and "write the evidence" in page.text
    assert one.api("GET", f"/api/v1/candidates/{world.candidate}/scorecards").json() == []


def test_decision_needs_a_rationale_and_is_final(world: World) -> None:
    hm = world.client("hm")
    url = f"/candidates/{world.candidate}/decision"
    missing = hm.form(url, {"outcome": "hire", "rationale": ""})
    assert missing.status_code == 422 and "needs a rationale" in missing.text
    done = hm.form(url, {"outcome": "no_hire", "rationale": "Coding evidence too thin for the level."})
    assert done.status_code == 303
    packet = hm.get(f"/candidates/{world.candidate}/packet")
    assert "Coding evidence too thin" in packet.text
    again = hm.api("POST", f"/api/v1/candidates/{world.candidate}/decision", {"outcome": "hire", "rationale": "x" * 20})
    assert again.status_code == 409
    with world.db.session() as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "decision.made"))
        assert event is not None and event.detail["outcome"] == "no_hire"
        assert s.get_one(Candidate, world.candidate).status == "rejected"


def test_prescreen_with_checks_advances_the_candidate(world: World) -> None:
    rec = world.client("recruiter")
    page = rec.get(f"/candidates/{world.candidate}/stages/0/prescreen")
    assert page.status_code == 200
    boxes = re.findall(r'name="([a-z0-9-]+:(?:look|flag):\d+)"', page.text)
    assert boxes, "pre-screen questions show look-for and red-flag checkboxes"
    ratings = ratings_for(world, 0)
    data = scorecard_form(ratings, "")
    data.update({boxes[0]: "1", "outcome": "advance", "notes": "Clear on deployments."})
    done = rec.form(f"/candidates/{world.candidate}/stages/0/prescreen", data)
    assert done.status_code == 303, done.text
    with world.db.session() as s:
        assert s.get_one(Candidate, world.candidate).stage_position == 1
    cards = rec.api("GET", f"/api/v1/candidates/{world.candidate}/scorecards").json()
    assert cards[0]["checks"] and cards[0]["recommendation"] == "yes"


def test_dashboard_lists_pending_scorecards(world: World) -> None:
    rec = world.client("recruiter")
    rec.api("POST", f"/api/v1/candidates/{world.candidate}/stage", {"position": 2})
    page = world.client("interviewer").get("/")
    assert "Cand A" in page.text and "pending" in page.text
    assert "Opening A" in page.text
