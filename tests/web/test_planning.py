"""The team planner page: the form, the plan with its reasons, and its waves opened as roles."""

from __future__ import annotations

from sqlalchemy import select

from mlscreen.store.models import AuditEvent, Opening
from tests.web.conftest import World

FACTS = {
    "use_cases": "6",
    "production_models": "4",
    "product_teams": "3",
    "stage": "growth",
    "ml_engineers": "2",
    "data_scientists": "2",
}


def openings(world: World) -> list[tuple[str, str, int | None]]:
    with world.db.session() as s:
        return [(o.title, o.profile_id, o.hiring_manager_id) for o in s.scalars(select(Opening).order_by(Opening.id))]


def test_the_form_and_nav_link_for_planners(world: World) -> None:
    for who in ("admin", "hm"):
        page = world.client(who).get("/plan")
        assert page.status_code == 200
        assert 'name="use_cases"' in page.text and 'name="mlops_engineers"' in page.text
        assert 'href="/plan"' in page.text
    assert 'href="/plan"' not in world.client("recruiter").get("/").text


def test_the_plan_shows_org_mlops_ratios_warnings_and_waves(world: World) -> None:
    page = world.client("hm").form("/plan", FACTS)
    assert page.status_code == 200, page.text
    text = page.text
    assert "Org model: " in text and "Hub" in text
    assert "First MLOps hire: now" in text
    assert "Data engineers to ML/DS roles" in text
    assert "ML engineer" in text and "MLOps / ML platform engineer" in text
    assert "no opening will be made for this wave" in text  # waves without a bank profile
    assert "Open these roles" in text and 'action="/plan/openings"' in text
    assert "3 wave(s) without a bank profile will be skipped" in text


def test_bad_input_names_each_field_inline(world: World) -> None:
    before = openings(world)
    bad = {**FACTS, "use_cases": "-1", "stage": "huge", "infra_time_share": "1.5", "ml_engineers": "two"}
    del bad["product_teams"]
    for path in ("/plan", "/plan/openings"):
        page = world.client("hm").form(path, bad)
        assert page.status_code == 422
        for name in ("use_cases", "stage", "infra_time_share", "ml_engineers", "product_teams"):
            assert f'id="e-{name}"' in page.text, name
        assert "Org model" not in page.text
        assert 'value="huge"' in page.text  # what was typed is kept
    assert openings(world) == before


def test_open_these_roles_creates_one_opening_per_wave_with_a_profile(world: World) -> None:
    before = openings(world)
    response = world.client("hm").form("/plan/openings", FACTS)
    assert response.status_code == 303
    assert response.headers["location"] == "/openings?opened=2"
    new = openings(world)[len(before) :]
    hm = world.users["hm"]
    assert new == [("ML engineer", "ml-engineer", hm), ("MLOps / ML platform engineer", "mlops-engineer", hm)]
    listing = world.client("hm").get("/openings").text
    assert "MLOps / ML platform engineer" in listing
    with world.db.session() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "plan.roles_opened")).one()
        assert event.actor_id == hm


def test_open_these_roles_twice_opens_each_role_once(world: World) -> None:
    before = openings(world)
    assert world.client("hm").form("/plan/openings", FACTS).headers["location"] == "/openings?opened=2"
    again = world.client("hm").form("/plan/openings", FACTS)
    assert again.status_code == 303 and again.headers["location"] == "/openings?opened=0"
    assert len(openings(world)) == len(before) + 2
    with world.db.session() as s:
        second = s.scalars(select(AuditEvent).where(AuditEvent.action == "plan.roles_opened")).all()[-1]
        assert second.detail["openings"] == [] and len(second.detail["already_open"]) == 2
    # Once a role is closed, the plan's button opens it anew: a closed role is no longer being hired for.
    mlops = next(
        o for o in world.client("hm").api("GET", "/api/v1/openings").json() if o["profile_id"] == "mlops-engineer"
    )
    closed = world.client("hm").api("PATCH", f"/api/v1/openings/{mlops['id']}", {"status": "closed"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert world.client("hm").form("/plan/openings", FACTS).headers["location"] == "/openings?opened=1"


def test_open_these_roles_needs_the_csrf_token(world: World) -> None:
    before = openings(world)
    client = world.client("hm")
    response = client.http.post("/plan/openings", data=FACTS)
    assert response.status_code == 403
    assert openings(world) == before
