"""Voluntary self-identification: optional, changeable and withdrawable by the candidate, never shown to staff."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select

from mlscreen.reports.impact import SMALL_GROUPS
from mlscreen.store.accounts import token_hash
from mlscreen.store.models import SelfIdentification
from mlscreen.store.reports import REPORTS
from tests.web.conftest import World
from tests.web.test_policy import call, routes

RACE = "native_hawaiian_or_other_pacific_islander"
TELLTALES = (RACE, "Pacific Islander", "self_identification", "prefer_not_to_say")
CANDIDATES_OWN = {"candidate_export"}
"""The candidate's subject-access archive, which must hold it (an admin sends it to the candidate)."""


def portal(world: World) -> tuple[TestClient, str]:
    client = TestClient(world.app, follow_redirects=False)
    return client, str(world.app.state.cookies.portal_csrf(token_hash(world.token)))


def answer(world: World, **fields: str) -> int:
    client, csrf = portal(world)
    return client.post(f"/assess/{world.token}/about-you", data={"csrf_token": csrf, **fields}).status_code


def stored(world: World) -> list[tuple[str, str]]:
    with world.db.session(write=False) as s:
        return [(r.sex, r.race) for r in s.scalars(select(SelfIdentification))]


def test_page_is_optional_linked_and_explains_itself(world: World) -> None:
    client, _ = portal(world)
    start = client.get(f"/assess/{world.token}")
    assert start.status_code == 200 and f"/assess/{world.token}/about-you" in start.text
    page = client.get(f"/assess/{world.token}/about-you")
    assert page.status_code == 200
    for said in ("voluntary", "never shown to interviewers", "Only in totals", "I prefer not to say", "withdraw"):
        assert said in page.text
    assert "Hispanic or Latino" in page.text and "Two or more races" in page.text
    assert stored(world) == []  # looking is not answering


def test_save_change_and_withdraw(world: World) -> None:
    assert answer(world, sex="female", race="asian", action="save") == 303
    assert stored(world) == [("female", "asian")]
    client, _ = portal(world)
    page = client.get(f"/assess/{world.token}/about-you?saved=saved")
    assert 'value="asian" checked' in page.text and "Your answers are saved" in page.text
    assert answer(world, sex="prefer_not_to_say", race=RACE, action="save") == 303
    assert stored(world) == [("prefer_not_to_say", RACE)]
    assert answer(world, action="withdraw") == 303
    assert stored(world) == []


def test_bad_choices_are_refused_with_the_fields_named(world: World) -> None:
    client, csrf = portal(world)
    response = client.post(
        f"/assess/{world.token}/about-you", data={"csrf_token": csrf, "sex": "robot", "race": "", "action": "save"}
    )
    assert response.status_code == 422
    assert "please choose an option for each question" in response.text and 'class="invalid"' in response.text
    assert "Traceback" not in response.text and stored(world) == []


def test_a_revoked_link_cannot_change_the_answers(world: World) -> None:
    assert answer(world, sex="male", race="white", action="save") == 303
    revoked = world.client("hm").api(
        "POST", f"/api/v1/candidates/{world.candidate}/invites/{world.invite}/revoke", {"reason": "new date"}
    )
    assert revoked.status_code == 200, revoked.text
    assert answer(world, sex="female", race="white", action="save") in (401, 403, 404)
    assert stored(world) == [("male", "white")]


def _staff_gets(world: World) -> list[APIRoute]:
    return [
        r
        for r in routes(world)
        if "GET" in (r.methods or set()) and not r.name.startswith("portal_") and r.name not in CANDIDATES_OWN
    ]


class Fill(dict[str, object]):
    """Path parameters for the walk; any other (a secret token, a new kind of id) gets a value that finds nothing."""

    def __missing__(self, key: str) -> object:
        return "1" if key.endswith("_id") else "x"


@pytest.mark.parametrize("who", ["admin", "hm", "recruiter", "interviewer"])
def test_no_staff_page_or_api_shows_the_answers(world: World, who: str) -> None:
    assert answer(world, sex="female", race=RACE, action="save") == 303
    moved = world.client("hm").api("POST", f"/api/v1/candidates/{world.candidate}/stage", {"position": 1})
    assert moved.status_code == 200, moved.text  # a decided visit: the adverse-impact report counts them
    client = world.client(who)
    seen = []
    pages = _staff_gets(world)
    assert len(pages) > 20  # the walk covers the application, not a few pages
    for route in pages:
        for name in REPORTS if "{name}" in route.path_format else ("",):
            path = route.path_format.format_map(
                Fill(
                    opening_id=world.opening,
                    candidate_id=world.candidate,
                    position=2,
                    answer_id=world.answer,
                    name=name,
                    user_id=world.users["interviewer"],
                    invite_id=world.invite,
                )
            )
            response = client.get(path)
            seen += [f"{route.name} {name}: {t}" for t in TELLTALES if t.lower() in response.text.lower()]
    assert seen == []
    call(client, world, next(r for r in routes(world) if r.name == "candidate_page"))  # the walk's pages answer


def test_the_reports_count_it_in_a_suppressed_row_without_the_groups_name(world: World) -> None:
    assert answer(world, sex="female", race=RACE, action="save") == 303
    moved = world.client("hm").api("POST", f"/api/v1/candidates/{world.candidate}/stage", {"position": 1})
    assert moved.status_code == 200, moved.text  # the first stage is passed: a decided visit, counted
    body = world.client("admin").get("/api/v1/reports/adverse-impact").json()
    rows = body["selection"] + body["scoring"]
    assert not [row for row in rows if RACE in row["group"] or "female" in row["group"]]
    small = [r for r in rows if r["group"] == SMALL_GROUPS and r["dimension"] == "race"]
    assert small and all(r["suppressed"] and r["rate"] is None and r["total"] == 1 for r in small)
    assert RACE not in world.client("admin").get("/admin/reports/adverse-impact").text


def test_the_candidates_own_export_holds_it(world: World) -> None:
    assert answer(world, sex="female", race=RACE, action="save") == 303
    response = world.client("admin").get(f"/admin/privacy/candidates/{world.candidate}/export")
    assert response.status_code == 200, response.text
    doc = json.loads(zipfile.ZipFile(io.BytesIO(response.content)).read("candidate.json"))
    assert doc["self_identification"]["race"] == RACE


def test_linked_after_submitting_and_still_open_then(world: World) -> None:
    client, csrf = portal(world)
    assert client.post(f"/assess/{world.token}/start", data={"csrf_token": csrf}).status_code == 303
    assert 'id="selfid-link"' not in client.get(f"/assess/{world.token}").text  # not in the way while working
    done = client.post(f"/assess/{world.token}/submit", data={"csrf_token": csrf, "code": "x = 1\n", "confirm": "yes"})
    assert done.status_code in (200, 303), done.text
    after = client.get(f"/assess/{world.token}")
    assert "was submitted" in after.text and f"/assess/{world.token}/about-you" in after.text
    assert answer(world, sex="male", race="asian", action="save") == 303
    assert stored(world) == [("male", "asian")]
