"""Openings can be renamed, closed, reopened and archived by their hiring manager; closed roles take no one new."""

from __future__ import annotations

from sqlalchemy import select

from mlscreen.store.models import AuditEvent, Candidate, Opening
from tests.web.conftest import World


def audit_actions(world: World) -> list[tuple[str, dict[str, object]]]:
    with world.db.session() as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.action.like("opening.%")).order_by(AuditEvent.id))
        return [(e.action, e.detail) for e in events if e.action != "opening.created"]


def test_the_hiring_manager_renames_the_opening_and_an_empty_title_is_refused(world: World) -> None:
    hm = world.client("hm")
    assert hm.form(f"/openings/{world.opening}/title", {"title": "  Senior ML Engineer, Payments "}).status_code == 303
    assert "<h1>Senior ML Engineer, Payments</h1>" in hm.get(f"/openings/{world.opening}").text
    refused = hm.form(f"/openings/{world.opening}/title", {"title": "   "})
    assert refused.status_code == 422 and "the opening needs a title" in refused.text
    assert audit_actions(world) == [
        ("opening.renamed", {"before": "Opening A", "after": "Senior ML Engineer, Payments"})
    ]
    assert world.client("recruiter").form(f"/openings/{world.opening}/title", {"title": "Mine"}).status_code == 403


def test_a_closed_opening_takes_no_new_candidates_until_it_is_reopened(world: World) -> None:
    hm, recruiter = world.client("hm"), world.client("recruiter")
    assert hm.form(f"/openings/{world.opening}/status", {"status": "closed"}).status_code == 303
    page = recruiter.get(f"/openings/{world.opening}").text
    assert "takes no new candidates" in page and "Add a candidate" not in page
    added = recruiter.form(f"/openings/{world.opening}/candidates", {"name": "New One", "email": "new@example.net"})
    assert added.status_code == 409 and "the opening is closed and takes no new candidates" in added.text
    api = recruiter.api("POST", f"/api/v1/openings/{world.opening}/candidates", {"name": "N", "email": "n@example.net"})
    assert api.status_code == 409
    csv = recruiter.http.post(
        f"/openings/{world.opening}/candidates/import",
        data={"csrf_token": recruiter.csrf},
        files={"file": ("c.csv", b"name,email\nNew One,new@example.net\n", "text/csv")},
    )
    assert csv.status_code == 409
    with world.db.session() as s:
        assert s.scalar(select(Candidate).where(Candidate.email == "new@example.net")) is None
    # The candidates it has carry on: their page still works and they can still be moved on.
    assert recruiter.get(f"/candidates/{world.candidate}").status_code == 200
    assert hm.form(f"/openings/{world.opening}/status", {"status": "open"}).status_code == 303
    again = recruiter.form(f"/openings/{world.opening}/candidates", {"name": "New One", "email": "new@example.net"})
    assert again.status_code == 303
    assert [a for a, _ in audit_actions(world)] == ["opening.status_changed", "opening.status_changed"]


def test_an_archived_opening_leaves_the_lists_but_keeps_its_pages(world: World) -> None:
    hm = world.client("hm")
    response = hm.api("PATCH", f"/api/v1/openings/{world.opening}", {"status": "archived", "title": "Old role"})
    assert response.status_code == 200 and response.json()["status"] == "archived"
    assert "Old role" not in hm.get("/openings").text and "Old role" not in hm.get("/").text
    assert "Old role" in hm.get("/openings?archived=true").text
    assert [o["id"] for o in hm.api("GET", "/api/v1/openings?archived=true").json()] == [world.opening]
    assert world.opening not in [o["id"] for o in hm.api("GET", "/api/v1/openings").json()]
    assert hm.get(f"/openings/{world.opening}").status_code == 200
    bad = hm.api("PATCH", f"/api/v1/openings/{world.opening}", {"status": "deleted"})
    assert bad.status_code == 422
    assert hm.form(f"/openings/{world.opening}/status", {"status": "deleted"}).status_code == 422
    with world.db.session() as s:
        assert s.get_one(Opening, world.opening).status == "archived"
    other = world.client("hm_other").api("PATCH", f"/api/v1/openings/{world.opening}", {"status": "open"})
    assert other.status_code == 404
