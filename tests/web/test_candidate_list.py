"""The candidates list: search, filters, sorting, pages and bulk actions, over only the candidates one may see."""

from __future__ import annotations

import re

from sqlalchemy import select

from mlscreen.store.candidates import add_candidate, assign_interviewer
from mlscreen.store.models import AuditEvent, Candidate, Invite, Opening, OutboxMessage
from tests.web.conftest import World


def names_on(html: str) -> list[str]:
    body = html.split('id="candidate-list"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'href="/candidates/\d+">([^<]+)</a>', body)


def add_many(world: World, count: int) -> list[int]:
    with world.db.session() as s:
        opening = s.get_one(Opening, world.opening)
        made = [add_candidate(s, opening, name=f"Person {n:03d}", email=f"p{n}@example.net") for n in range(count)]
        return [c.id for c in made]


def test_search_filters_and_sorting(world: World) -> None:
    add_many(world, 3)
    hm = world.client("hm")
    assert names_on(hm.get("/candidates?q=person+001").text) == ["Person 001"]
    assert names_on(hm.get("/candidates?q=P2%40EXAMPLE").text) == ["Person 002"]  # e-mail, any case
    assert names_on(hm.get("/candidates?q=%25").text) == []  # a wildcard is searched for as itself
    assert names_on(hm.get("/candidates?sort=name").text) == ["Cand A", "Person 000", "Person 001", "Person 002"]
    interviewer = world.users["interviewer"]
    assert names_on(hm.get(f"/candidates?interviewer={interviewer}").text) == ["Cand A"]
    assert names_on(hm.get("/candidates?stage=3&sort=name").text) == []
    assert names_on(hm.get(f"/candidates?opening={world.opening}&stage=1&sort=name&status=active").text)[:1] == [
        "Cand A"
    ]
    bad = hm.get("/candidates?status=hacked")
    assert bad.status_code == 422 and "unknown status" in bad.text


def test_everyone_sees_only_the_candidates_they_may_view(world: World) -> None:
    assert names_on(world.client("hm").get("/candidates").text) == ["Cand A"]
    assert names_on(world.client("hm_other").get("/candidates").text) == ["Cand B"]
    assert sorted(names_on(world.client("admin").get("/candidates").text)) == ["Cand A", "Cand B"]
    assert names_on(world.client("interviewer").get("/candidates").text) == ["Cand A"]
    assert names_on(world.client("interviewer_unassigned").get("/candidates").text) == []


def test_pages_of_25(world: World) -> None:
    add_many(world, 30)
    hm = world.client("hm")
    first = hm.get("/candidates?sort=name")
    assert len(names_on(first.text)) == 25 and "page 1 of 2" in first.text
    second = hm.get("/candidates?sort=name&page=2")
    assert len(names_on(second.text)) == 6 and 'rel="prev"' in second.text
    assert names_on(hm.get("/candidates?sort=name&page=99").text) == names_on(second.text)  # past the end: the last


def test_bulk_move_reject_and_invite(world: World) -> None:
    ids = add_many(world, 3)
    hm = world.client("hm")
    moved = hm.form("/candidates/bulk", {"action": "move", "stage": "2", "candidate_ids": ids[:2], "back": "?q=x"})
    assert moved.status_code == 303 and moved.headers["location"] == "/candidates?q=x"
    assert "2 candidate(s) moved." in hm.get(moved.headers["location"]).text
    with world.db.session() as s:
        assert [s.get_one(Candidate, i).stage_position for i in ids] == [1, 1, 0]
    no_reason = hm.form("/candidates/bulk", {"action": "reject", "candidate_ids": ids[:2]})
    assert no_reason.status_code == 422 and "needs a reason" in no_reason.text
    rejected = hm.form(
        "/candidates/bulk", {"action": "reject", "reason": "the role is filled", "candidate_ids": ids[:2]}
    )
    assert rejected.status_code == 303
    invited = hm.form("/candidates/bulk", {"action": "invite", "stage": "2", "candidate_ids": [ids[2]]})
    assert invited.status_code == 303, invited.text
    with world.db.session() as s:
        assert [s.get_one(Candidate, i).status for i in ids] == ["rejected", "rejected", "active"]
        assert s.scalar(select(Invite).where(Invite.candidate_id == ids[2])) is not None
        assert s.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "p2@example.net")) is not None
        reasons = s.scalars(select(AuditEvent).where(AuditEvent.action == "candidate.status_changed")).all()
        assert {e.detail["reason"] for e in reasons} == {"the role is filled"}


def test_a_bulk_action_is_all_or_nothing(world: World) -> None:
    ids = add_many(world, 2)
    hm = world.client("hm")
    refused = hm.form(
        "/candidates/bulk", {"action": "move", "stage": "2", "candidate_ids": [*ids, world.other_candidate]}
    )
    assert refused.status_code == 403 and "Cand B" in refused.text
    with world.db.session() as s:
        assert [s.get_one(Candidate, i).stage_position for i in ids] == [0, 0]
        with_decision = s.get_one(Candidate, ids[1])
        with_decision.status = "withdrawn"
    halfway = hm.form("/candidates/bulk", {"action": "move", "stage": "2", "candidate_ids": ids})
    assert halfway.status_code == 409 and "Person 001: the candidate is withdrawn" in halfway.text
    with world.db.session() as s:
        assert s.get_one(Candidate, ids[0]).stage_position == 0  # the first was not moved either
    interviewer = world.client("interviewer").form(
        "/candidates/bulk", {"action": "move", "stage": "2", "candidate_ids": [world.candidate]}
    )
    assert interviewer.status_code == 403


def test_the_interviewer_filter_needs_no_assignment_of_ones_own(world: World) -> None:
    with world.db.session() as s:
        opening = s.get_one(Opening, world.opening)
        extra = add_candidate(s, opening, name="Zed Extra", email="zed@example.net")
        assign_interviewer(s, extra, position=2, interviewer_id=world.users["interviewer2"])
    page = world.client("recruiter").get(f"/candidates?interviewer={world.users['interviewer2']}&sort=name")
    assert names_on(page.text) == ["Cand A", "Zed Extra"]


def test_the_interviewer_filter_names_only_colleagues(world: World) -> None:
    page = world.client("interviewer").get("/candidates").text
    filter_box = page.split('name="interviewer"', 1)[1].split("</select>", 1)[0]
    assert ">interviewer2<" in filter_box and ">hm<" in filter_box
    assert ">hm_other<" not in filter_box  # only on opening B, which this interviewer cannot see
