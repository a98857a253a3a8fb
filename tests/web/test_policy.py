"""Every route against every role, generated from the application's route table, including object-level access."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.routing import APIRoute

from mlscreen.store.accounts import token_hash
from mlscreen.store.calendar import make_feed
from mlscreen.store.candidates import assign_interviewer
from mlscreen.store.models import Candidate, User
from mlscreen.store.profiles import save_cv
from mlscreen.store.resets import request_reset
from mlscreen.store.rooms import open_room
from mlscreen.web.app import all_routes
from tests.store.dbutil import BACKENDS
from tests.web.conftest import PEOPLE, Client, World

EVERYONE = frozenset({None, *PEOPLE})
SIGNED_IN = frozenset(PEOPLE)
MEMBERS = frozenset({"admin", "hm", "recruiter", "interviewer", "interviewer2", "interviewer_unassigned"})
MANAGERS = frozenset({"admin", "hm"})
PIPELINE = frozenset({"admin", "hm", "recruiter"})
SEES_CANDIDATE = frozenset({"admin", "hm", "recruiter", "interviewer", "interviewer2"})
INTERVIEWS = frozenset({"admin", "hm", "interviewer", "interviewer2"})
CREATORS = frozenset({"admin", "hm", "hm_other"})

# Who may use each route on opening A / candidate A. Written independently of the policy module: a route that
# is missing here fails `test_every_route_is_in_the_matrix`.
EXPECTED: dict[str, frozenset[str | None]] = {
    "healthz": EVERYONE,
    "login_form": EVERYONE,
    "login": EVERYONE,
    "password_forgot_form": EVERYONE,
    "password_forgot": EVERYONE,
    "password_reset_form": EVERYONE,
    "password_reset": EVERYONE,
    "logout": SIGNED_IN,
    "account_page": SIGNED_IN,
    "account_timezone": SIGNED_IN,
    "calendar_feed_make": SIGNED_IN,
    "calendar_feed_revoke": SIGNED_IN,
    "calendar_feed": EVERYONE,
    "dashboard": SIGNED_IN,
    "question_page": SIGNED_IN,
    "openings": SIGNED_IN,
    "opening_new_form": CREATORS,
    "opening_create": CREATORS,
    "opening_page": MEMBERS,
    "plan_form": CREATORS,
    "plan_result": CREATORS,
    "plan_open_roles": CREATORS,
    "opening_stage_update": MANAGERS,
    "opening_member_add": MANAGERS,
    "opening_blind_review": MANAGERS,
    "opening_rename": MANAGERS,
    "opening_status": MANAGERS,
    "candidate_create": PIPELINE,
    "candidate_import": PIPELINE,
    "candidate_page": SEES_CANDIDATE,
    "candidates_page": SIGNED_IN,
    "candidates_bulk": SIGNED_IN,
    "candidate_profile": PIPELINE,
    "candidate_cv_upload": PIPELINE,
    "candidate_cv": SEES_CANDIDATE,
    "candidate_move": PIPELINE,
    "candidate_status": PIPELINE,
    "candidate_assign": PIPELINE,
    "candidate_unassign": PIPELINE,
    "candidate_invite": PIPELINE,
    "candidate_invite_revoke": PIPELINE,
    "candidate_reopen": frozenset({"admin"}),
    "candidate_reveal": MANAGERS,
    "prescreen_form": PIPELINE,
    "prescreen_submit": PIPELINE,
    "scorecard_form": INTERVIEWS,
    "scorecard_submit": INTERVIEWS,
    "scorecard_draft": INTERVIEWS,
    "answer_review": INTERVIEWS,
    "assessment_replay": SEES_CANDIDATE,
    "packet_page": MANAGERS,
    "packet_pdf": MANAGERS,
    "decision_submit": MANAGERS,
    "audit_page": frozenset({"admin"}),
    "users_page": frozenset({"admin"}),
    "user_create": frozenset({"admin"}),
    "user_active": frozenset({"admin"}),
    "room_page": INTERVIEWS,
    "room_open": INTERVIEWS,
    "room_link": INTERVIEWS,
    "room_notes": INTERVIEWS,
    "room_close": INTERVIEWS,
    "room_record": INTERVIEWS,
    "room_join": EVERYONE,
    "portal_page": EVERYONE,
    "portal_start": EVERYONE,
    "portal_draft": EVERYONE,
    "portal_submit": EVERYONE,
    "portal_result": EVERYONE,
    "portal_examples": EVERYONE,
    "portal_selfid": EVERYONE,
    "portal_selfid_save": EVERYONE,
    "portal_try": EVERYONE,
    "api_session_create": EVERYONE,
    "api_session_delete": SIGNED_IN,
    "api_me": SIGNED_IN,
    "api_profiles": SIGNED_IN,
    "api_openings": SIGNED_IN,
    "api_opening_create": CREATORS,
    "api_opening": MEMBERS,
    "api_opening_stage_update": MANAGERS,
    "api_opening_blind_review": MANAGERS,
    "api_opening_update": MANAGERS,
    "api_candidates": MEMBERS,
    "api_candidate_create": PIPELINE,
    "api_candidate": SEES_CANDIDATE,
    "api_candidate_move": PIPELINE,
    "api_candidate_assign": PIPELINE,
    "api_candidate_invite": PIPELINE,
    "api_invite_revoke": PIPELINE,
    "api_candidate_reopen": frozenset({"admin"}),
    "api_candidate_reveal": MANAGERS,
    "api_scorecards": SEES_CANDIDATE,
    "api_scorecard_create": INTERVIEWS,
    "api_packet": MANAGERS,
    "api_assessment_replay": SEES_CANDIDATE,
    "api_decision_create": MANAGERS,
    "api_audit": frozenset({"admin"}),
    "api_jobs": frozenset({"admin"}),
    "jobs_page": frozenset({"admin"}),
    "outbox_page": frozenset({"admin"}),
    "jobs_retry": frozenset({"admin"}),
    "api_jobs_failed": frozenset({"admin"}),
    "api_jobs_retry": frozenset({"admin"}),
    "privacy_page": frozenset({"admin"}),
    "candidate_export": frozenset({"admin"}),
    "candidate_erase": frozenset({"admin"}),
    "retention_apply": frozenset({"admin"}),
    "api_report": frozenset({"admin"}),
    "api_opening_report": MANAGERS,
    "reports_page": frozenset({"admin"}),
    "reports_csv": frozenset({"admin"}),
    "opening_reports_page": MANAGERS,
    "opening_reports_csv": MANAGERS,
    "opening_similarity_page": MANAGERS,
}
DENIED = {401, 403, 404}
# Routes that end the session they are called with get a client of their own.
SESSION_ENDING = {"logout", "api_session_delete"}


def routes(world: World) -> list[APIRoute]:
    return [r for r in all_routes(world.app.router.routes) if isinstance(r, APIRoute)]


def reset_link_token(world: World) -> str:
    """Return the token of a fresh password-reset link of the recruiter (the route needs a valid one to answer)."""
    made: list[str] = []

    def link_for(token: str) -> str:
        made.append(token)
        return token

    with world.db.session() as s:
        request_reset(s, world.app.state.queue, email="recruiter@example.org", link_for=link_for)
    return made[0]


def feed_token(world: World) -> str:
    """Return a live calendar feed token of the interviewer (the feed answers only to a valid one)."""
    with world.db.session() as s:
        return make_feed(s, s.get_one(User, world.users["interviewer"]))


def fresh_assignment(world: World, *, other: bool) -> int:
    with world.db.session() as s:
        candidate = s.get_one(Candidate, world.other_candidate if other else world.candidate)
        member = world.users["hm_other" if other else "interviewer_unassigned"]
        return assign_interviewer(s, candidate, position=2, interviewer_id=member).id


def give_cv(world: World, candidate_id: int) -> None:
    with world.db.session() as s:
        candidate = s.get_one(Candidate, candidate_id)
        if candidate.cv_file is None:
            save_cv(s, candidate, b"%PDF-1.4 a CV", filename="cv.pdf", actor=s.get_one(User, world.users["admin"]))


def room_link_token(world: World) -> str:
    """Return the candidate link of a room opened on candidate A's coding stage (the route needs a live one)."""
    with world.db.session() as s:
        candidate = s.get_one(Candidate, world.candidate)
        admin = s.get_one(User, world.users["admin"])
        return open_room(s, candidate, position=1, actor=admin, max_minutes=60).token


def call(client: Client, world: World, route: APIRoute, *, other: bool = False) -> int:
    values = {
        "opening_id": world.other_opening if other else world.opening,
        "candidate_id": world.other_candidate if other else world.candidate,
        "position": 2,
        "answer_id": world.answer,
        "token": world.token,
        "invite_id": world.invite,
        "user_id": world.users["interviewer_unassigned"],
        "name": "funnel",
        "question_id": "diagnose-model-degradation",
    }
    if "{assignment_id}" in route.path_format:  # a fresh one each call: an allowed call removes it
        values["assignment_id"] = fresh_assignment(world, other=other)
    if "{feed_token}" in route.path_format:
        values["feed_token"] = feed_token(world)
    if route.name == "candidate_cv":  # a CV to download
        give_cv(world, world.other_candidate if other else world.candidate)
    if route.name == "room_join":
        values["token"] = room_link_token(world)
    if "{reset_token}" in route.path_format:
        values["reset_token"] = reset_link_token(world)
    path = route.path_format.format(**{k: v for k, v in values.items() if "{" + k + "}" in route.path_format})
    method = sorted(set(route.methods or ()) - {"HEAD"})[0]
    if method == "GET":
        response = client.get(path)
    elif route.name.startswith("portal_"):
        csrf = world.app.state.cookies.portal_csrf(token_hash(world.token))
        response = client.http.post(path, data={"csrf_token": csrf})
    elif path.startswith("/api/"):
        response = client.api(method, path, json={})
    else:
        response = client.form(path)
    if response.status_code == 303 and response.headers["location"].startswith("/login?next="):
        return 401  # a browser sent to the sign-in page was refused
    return response.status_code


def test_every_route_is_in_the_matrix(world: World) -> None:
    names = {r.name for r in routes(world)}
    assert names == set(EXPECTED), f"routes without an expectation: {names - set(EXPECTED)}"


@pytest.mark.parametrize("backend", BACKENDS)
def test_role_matrix(make_world: Callable[..., World], backend: str) -> None:
    world = make_world(backend)
    clients = {who: world.client(who) for who in EVERYONE}
    wrong = []
    for route in routes(world):
        for who in sorted(EVERYONE, key=str):
            client = world.client(who) if route.name in SESSION_ENDING else clients[who]
            status = call(client, world, route)
            allowed = who in EXPECTED[route.name]
            if allowed == (status in DENIED):
                wrong.append(f"{route.name} as {who}: {status} ({'should pass' if allowed else 'should be refused'})")
    assert wrong == []


@pytest.mark.parametrize("who", ["hm", "recruiter", "interviewer"])
def test_objects_of_other_openings_are_invisible(world: World, who: str) -> None:
    client = world.client(who)
    leaked = []
    for route in routes(world):
        if not {"{opening_id}", "{candidate_id}"} & set(route.path_format.replace("}", "}\0").split("\0")):
            continue
        if not any(p in route.path_format for p in ("{opening_id}", "{candidate_id}")):
            continue
        status = call(client, world, route, other=True)
        if status != 404:
            leaked.append(f"{route.name}: {status}")
    assert leaked == []
    assert world.client("hm_other").get(f"/api/v1/candidates/{world.other_candidate}").status_code == 200


def test_a_route_without_policy_stops_the_app(world: World) -> None:
    from mlscreen.web.app import unguarded_routes

    world.app.get("/unlisted", name="unlisted")(lambda: {})
    assert unguarded_routes(world.app) == ["unlisted"]
    assert world.client("admin").get("/unlisted").status_code == 403
