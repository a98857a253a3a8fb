"""Blind review, route by route: an interviewer reaches no page or API answer that names a blinded candidate.

The walk is driven by the application's route table and the policy's `ROUTES`: a route added later is walked
too, and one whose path parameters the walk cannot fill fails the test instead of being skipped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import select

from mlscreen.bank import Bank
from mlscreen.store.assessments import create_invite, revoke_invite
from mlscreen.store.blind import pseudonym, set_blind_review
from mlscreen.store.calendar import make_feed
from mlscreen.store.candidates import add_candidate
from mlscreen.store.models import Assignment, Candidate, OutboxMessage, Submission, User, WrittenAnswer
from mlscreen.store.models import utcnow as now
from mlscreen.store.profiles import save_cv, update_profile
from mlscreen.store.resets import request_reset
from mlscreen.store.scorecards import categories
from mlscreen.web.app import FRAMEWORK_ROUTES, all_routes
from mlscreen.web.policy import CANDIDATE_LINK, ROOM_LINK, ROUTES
from tests.web.conftest import World

LINK_ACTIONS = {CANDIDATE_LINK, ROOM_LINK}
# A live room's websocket: the interviewer meets the candidate there, live, so the room cannot hide who they
# are; its frames carry the shared pad and the peers' names, the candidate's as "Candidate" (the room's pages,
# walked here, show the pseudonym). Blind review covers grading code and written answers.
LIVE_SOCKETS = {"room_socket"}
NAME = "Zelda Quickfoot"
EMAIL = "zelda.quickfoot@example.net"
# What must never reach a blinded interviewer: the e-mail address and each part of the name, in any case.
SECRETS = re.compile(r"zelda|quickfoot", re.IGNORECASE)
POSITION = 2  # the stage the interviewers are assigned to: written answers (knowledge)
CODING = 1
# Routes that end the session they are called with get a client of their own.
SESSION_ENDING = {"logout", "api_session_delete"}
# Pages that show who the candidate is to anyone who may see it: the walk must reach each of them.
SHOWS_CANDIDATE = {
    "GET candidate_page",
    "GET scorecard_form",
    "GET opening_page",
    "GET api_candidate",
    "GET api_candidates",
}


@dataclass
class Blinded:
    """A blind-reviewed candidate with code, answers, links and reasons that all name them."""

    candidate: int
    answer: int
    invite: int
    assignment: int
    alias: str


def blinded_candidate(world: World, bank: Bank) -> Blinded:
    """Turn on blind review of opening A, add the candidate, assign both interviewers (the hiring manager does
    it through the page, so the e-mails are written as in production) and give them material naming the person."""
    with world.db.session() as s:
        hm = s.get_one(User, world.users["hm"])
        opening = s.get_one(Candidate, world.candidate).opening
        set_blind_review(s, opening, enabled=True, actor=hm)
        cand = add_candidate(s, opening, name=NAME, email=EMAIL)
        # A profile and a CV that name the person: a blinded interviewer must reach neither.
        update_profile(
            s,
            cand,
            actor=hm,
            linkedin_url="https://www.linkedin.com/in/zelda-quickfoot",
            source="Zelda's referral",
            notes=f"{NAME} met us at a meetup",
        )
        save_cv(s, cand, f"%PDF-1.4 CV of {NAME}".encode(), filename="zelda-quickfoot.pdf", actor=hm)
        first = create_invite(s, bank, cand, position=CODING, actor=hm)
        first.invite.started_at = first.invite.submitted_at = now()
        s.flush()
        again = create_invite(
            s, bank, cand, position=CODING, actor=hm, second_attempt_reason=f"{EMAIL} wrote that the laptop died"
        )
        revoke_invite(s, again.invite, actor=hm, reason="QUICKFOOT asked for another day")
        s.add(
            Submission(
                invite_id=first.invite.id,
                candidate_id=cand.id,
                exercise_id="data-cleaning",
                source=f"# {NAME}'s solution\nimport pandas\n",
                status="done",
                result={
                    "status": "failed",
                    "passed": 0,
                    "total": 1,
                    "tests": [{"id": "t", "kind": "unit", "passed": False, "message": "printed 'zelda'"}],
                    "rubric": {"correctness": 1},
                    "signals": {},
                },
            )
        )
        answer = WrittenAnswer(
            candidate_id=cand.id,
            stage_position=POSITION,
            question_id="q",
            answer=f"I am {NAME} and I split before fitting.",
            advice={
                "suggested_level": 2,
                "score": 0.5,
                "points": [{"point": "split first", "covered": True, "evidence": "Zelda splits"}],
                "red_flags": [{"flag": "self-promotion", "evidence": "I am Zelda"}],
            },
            final_level=3,
            override_reason="Quickfoot explained it well",
        )
        s.add(answer)
        s.flush()
        ids = (cand.id, answer.id, again.invite.id)
    hm_client = world.client("hm")
    when = (now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    for who in ("interviewer", "interviewer2"):
        data = {"position": POSITION, "interviewer_id": world.users[who], "scheduled_at": when}
        assert hm_client.form(f"/candidates/{ids[0]}/assignments", data).status_code == 303
    with world.db.session() as s:
        assignment = s.scalar(
            select(Assignment.id).where(
                Assignment.candidate_id == ids[0], Assignment.interviewer_id == world.users["interviewer"]
            )
        )
        assert assignment is not None
    return Blinded(ids[0], ids[1], ids[2], assignment, pseudonym(ids[0], world.app.state.pseudonym_key))


def fillers(world: World, blinded: Blinded) -> dict[str, Callable[[], object]]:
    """How the walk fills each path parameter: with real ids of the blinded candidate the interviewer is assigned to."""

    def reset_token() -> str:
        made: list[str] = []

        def link_for(token: str) -> str:
            made.append(token)
            return token

        with world.db.session() as s:
            request_reset(s, world.app.state.queue, email="interviewer@example.org", link_for=link_for)
        return made[0]

    def feed_token() -> str:
        # The interviewer's own calendar feed: it must not name the candidate either.
        with world.db.session() as s:
            return make_feed(s, s.get_one(User, world.users["interviewer"]))

    return {
        "feed_token": feed_token,
        "question_id": lambda: "diagnose-model-degradation",  # a question's page shows counts, never candidates
        "opening_id": lambda: world.opening,
        "candidate_id": lambda: blinded.candidate,
        "position": lambda: POSITION,
        "answer_id": lambda: blinded.answer,
        "invite_id": lambda: blinded.invite,
        "assignment_id": lambda: blinded.assignment,
        "user_id": lambda: world.users["interviewer"],
        "name": lambda: "funnel",
        "reset_token": reset_token,
    }


@dataclass(frozen=True)
class Answer:
    status: int
    text: str


def walk(world: World, who: str, fill: dict[str, Callable[[], object]]) -> dict[str, Answer]:
    """Call every route of the application as `who` (every method; writes with an empty form or body).

    Returns {"METHOD route_name": answer}, where the text holds the body and every header. Fails the test for a
    route it cannot call: a path parameter with no filler, or a route that is not plain HTTP.
    """
    shared = world.client(who)
    answers: dict[str, Answer] = {}
    unwalkable: list[str] = []
    for route in all_routes(world.app.router.routes):
        name = str(getattr(route, "name", ""))
        if name in FRAMEWORK_ROUTES:
            continue
        if ROUTES[name] in LINK_ACTIONS:
            continue  # opened only with the candidate's own secret link, which no member of staff holds
        if name in LIVE_SOCKETS:
            continue  # see LIVE_SOCKETS
        if not isinstance(route, APIRoute):
            unwalkable.append(f"{name}: a {type(route).__name__}; teach this walk to open it")
            continue
        params = re.findall(r"{(\w+)", route.path)
        missing = [p for p in params if p not in fill]
        if missing:
            unwalkable.append(f"{name}: no filler for path parameter(s) {', '.join(missing)}; add one to fillers()")
            continue
        for method in sorted(set(route.methods or ()) - {"HEAD"}):
            path = route.path_format.format(**{p: fill[p]() for p in params})
            client = world.client(who) if name in SESSION_ENDING else shared
            if method == "GET":
                response = client.get(path)
            elif path.startswith("/api/"):
                response = client.api(method, path, json={})
            else:
                response = client.form(path)
            headers = "\n".join(f"{k}: {v}" for k, v in response.headers.items())
            answers[f"{method} {name}"] = Answer(response.status_code, headers + "\n" + response.text)
    if unwalkable:
        pytest.fail("the blind-review walk cannot call these routes:\n" + "\n".join(unwalkable))
    walked = {key.split()[1] for key in answers}
    expected = {n for n, action in ROUTES.items() if action not in LINK_ACTIONS and n not in LIVE_SOCKETS}
    assert walked == expected, "every route is walked"
    return answers


def leaks(answers: dict[str, Answer]) -> list[str]:
    """Return, for each answer naming the candidate, the route and the words around the first mention."""
    out = []
    for key, answer in answers.items():
        found = SECRETS.search(answer.text)
        if found:
            out.append(f"{key} ({answer.status}): ...{answer.text[max(0, found.start() - 60) : found.end() + 60]}...")
    return out


def test_a_blinded_interviewer_reaches_no_route_that_names_the_candidate(world: World, bank: Bank) -> None:
    blinded = blinded_candidate(world, bank)
    fill = fillers(world, blinded)

    before = walk(world, "interviewer", fill)
    assert leaks(before) == []
    for key in SHOWS_CANDIDATE:
        assert before[key].status == 200, key
        assert blinded.alias in before[key].text, key
    assert blinded.alias in before["GET dashboard"].text  # the upcoming interview, under the pseudonym
    showed_alias = {key for key, a in before.items() if blinded.alias in a.text}

    # The interviewer files the scorecard of the one stage they are assigned to: now they see who it was.
    interviewer = world.client("interviewer")
    with world.db.session() as s:
        stage = s.get_one(Candidate, blinded.candidate).opening.stages[POSITION]
        ratings = {c.id: {"rating": 3, "evidence": "Clear reasoning."} for _r, c in categories(bank, stage)}
    body = {"position": POSITION, "ratings": ratings, "recommendation": "yes"}
    response = interviewer.api("POST", f"/api/v1/candidates/{blinded.candidate}/scorecards", body)
    assert response.status_code == 201, response.text

    after = walk(world, "interviewer", fill)
    for key in SHOWS_CANDIDATE:
        assert NAME in after[key].text, key
    assert EMAIL in after["GET candidate_page"].text and EMAIL in after["GET api_candidate"].text
    # Wherever the pseudonym stood, the name stands now (or the page no longer lists the candidate at all).
    still_alias = [k for k in showed_alias if blinded.alias in after[k].text and NAME not in after[k].text]
    assert still_alias == []


def test_the_hiring_manager_reveals_a_candidate_to_every_interviewer(world: World, bank: Bank) -> None:
    blinded = blinded_candidate(world, bank)
    fill = fillers(world, blinded)
    page = f"/candidates/{blinded.candidate}"
    second = world.client("interviewer2")
    assert NAME not in second.get(page).text
    assert world.client("recruiter").get(page).text.count(NAME) >= 2  # those who run the loop always see it
    assert world.client("interviewer").form(f"{page}/reveal").status_code == 403  # only the hiring manager

    assert world.client("hm").form(f"{page}/reveal", {"reason": "offer stage"}).status_code == 303
    revealed = walk(world, "interviewer2", fill)
    for key in SHOWS_CANDIDATE:
        assert NAME in revealed[key].text, key
    events = world.client("admin").get("/api/v1/audit").json()
    assert [e["detail"] for e in events if e["action"] == "candidate.revealed"] == [{"reason": "offer stage"}]
    assert world.client("hm").form(f"{page}/reveal").status_code == 409  # once is enough


def _unfolded(text: str | None) -> str:
    return (text or "").replace("\r\n ", "").replace("\n ", "")


def test_the_interviewers_emails_and_calendar_invitations_use_the_pseudonym(world: World, bank: Bank) -> None:
    blinded = blinded_candidate(world, bank)
    hm = world.client("hm")
    page = f"/candidates/{blinded.candidate}"
    # The interview is cancelled (interviewer2's assignment removed), then the candidate is decided on.
    with world.db.session() as s:
        other = s.scalar(
            select(Assignment.id).where(
                Assignment.candidate_id == blinded.candidate, Assignment.interviewer_id == world.users["interviewer2"]
            )
        )
    assert hm.form(f"{page}/assignments/{other}/remove").status_code == 303
    decided = hm.form(f"{page}/decision", {"outcome": "no_hire", "rationale": "The evidence points the other way."})
    assert decided.status_code == 303
    with world.db.session() as s:
        messages = list(s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
    staff = {"interviewer@example.org", "interviewer2@example.org"}
    to_interviewers = [m for m in messages if m.recipient in staff]
    kinds = sorted({m.template for m in to_interviewers})
    assert kinds == ["assignment", "decision", "interview"]
    for m in to_interviewers:
        text = "\n".join([m.subject, m.body_text, m.body_html, _unfolded(m.ics)])
        assert not SECRETS.search(text), (m.template, m.recipient, SECRETS.search(text))
    invitations = [_unfolded(m.ics) for m in to_interviewers if m.ics]
    assert len(invitations) == 3  # two invitations, one cancellation
    assert all(f"SUMMARY:Interview: {blinded.alias}" in ics for ics in invitations)
    assert any(blinded.alias in m.body_text for m in to_interviewers if m.template == "assignment")
    # The candidate's own invitation still names them, and lists both attendees.
    theirs = [_unfolded(m.ics) for m in messages if m.recipient == EMAIL and m.ics]
    assert theirs and all(f"SUMMARY:Interview: {NAME}" in ics and "interviewer" in ics for ics in theirs)
    # The hiring manager and recruiter are told the name: they run the loop.
    recruiter = [m for m in messages if m.recipient == "recruiter@example.org" and m.template == "decision"]
    assert recruiter and NAME in recruiter[0].body_text


def test_blind_review_is_set_on_the_opening_page_and_audited(world: World) -> None:
    hm = world.client("hm")
    page = f"/openings/{world.opening}"
    assert 'name="blind_review"' in hm.get(page).text
    assert 'name="blind_review"' not in world.client("interviewer").get(page).text
    assert world.client("interviewer").form(f"{page}/blind-review", {"blind_review": "on"}).status_code == 403
    assert hm.form(f"{page}/blind-review", {"blind_review": "on"}).status_code == 303
    assert hm.api("GET", f"/api/v1/openings/{world.opening}").json()["blind_review"] is True
    # The seeded interviewer has filed nothing for Cand A: the API shows them a pseudonym, no address.
    shown = world.client("interviewer").api("GET", f"/api/v1/candidates/{world.candidate}").json()
    assert shown["identity_hidden"] is True and shown["email"] is None and shown["name"].startswith("Candidate ")
    off = hm.api("PUT", f"/api/v1/openings/{world.opening}/blind-review", {"enabled": False})
    assert off.status_code == 200 and off.json()["blind_review"] is False
    shown = world.client("interviewer").api("GET", f"/api/v1/candidates/{world.candidate}").json()
    assert shown["name"] == "Cand A" and shown["identity_hidden"] is False
    events = world.client("admin").get("/api/v1/audit").json()
    changes = [e["detail"] for e in events if e["action"] == "opening.blind_review_changed"]
    assert changes == [{"before": True, "after": False}, {"before": False, "after": True}]


def test_an_opening_can_start_blind_from_the_form_or_the_api(world: World) -> None:
    hm = world.client("hm")
    made = hm.api("POST", "/api/v1/openings", {"title": "Blind one", "profile_id": "ml-engineer", "blind_review": True})
    assert made.status_code == 201 and made.json()["blind_review"] is True
    assert 'name="blind_review"' in hm.get("/openings/new").text
    form = {"title": "Blind two", "profile_id": "ml-engineer", "level": "", "blind_review": "on"}
    location = hm.form("/openings", form).headers["location"]
    assert hm.api("GET", f"/api/v1{location}").json()["blind_review"] is True
    plain = hm.api("POST", "/api/v1/openings", {"title": "Seen", "profile_id": "ml-engineer"}).json()
    assert plain["blind_review"] is False
    events = world.client("admin").get("/api/v1/audit").json()
    created = [e["detail"]["blind_review"] for e in events if e["action"] == "opening.created"]
    assert created[:3] == [False, True, True]  # newest first
