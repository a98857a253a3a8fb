"""Blind review's rule: who sees a candidate's identity, the pseudonym, redaction, turning it on and revealing."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from mlscreen.bank import Bank
from mlscreen.errors import ConflictError, ForbiddenError
from mlscreen.store.blind import identities_of, identity_of, pseudonym, reveal, set_blind_review
from mlscreen.store.candidates import add_candidate, assign_interviewer
from mlscreen.store.db import Database
from mlscreen.store.models import AuditEvent, Candidate, Scorecard, User
from mlscreen.store.openings import add_member, create_opening

KEY = b"a pseudonym key for the tests"
ROLES = {
    "admin": "admin",
    "hm": "hiring_manager",
    "peer": "hiring_manager",  # another opening's hiring manager, interviewing here
    "recruiter": "recruiter",
    "iv": "interviewer",
    "iv2": "interviewer",
}


def world(s: Session, bank: Bank) -> tuple[dict[str, User], Candidate]:
    # No password: nobody signs in here, and hashing one is slow on purpose.
    users = {n: User(email=f"{n}@example.org", name=n, role=r, password_hash="-") for n, r in ROLES.items()}
    s.add_all(users.values())
    s.flush()
    opening = create_opening(s, bank, title="MLE", profile_id="ml-engineer", actor=users["hm"])
    for n in ("peer", "recruiter", "iv", "iv2"):
        add_member(s, opening, users[n].id)
    cand = add_candidate(s, opening, name="Ann Other-Person", email="ann.o@example.net")
    for n, position in (("iv", 2), ("iv", 3), ("iv2", 2), ("peer", 2)):
        assign_interviewer(s, cand, position=position, interviewer_id=users[n].id)
    return users, cand


def file(s: Session, cand: Candidate, user: User, position: int) -> None:
    s.add(Scorecard(candidate_id=cand.id, stage_position=position, interviewer_id=user.id, recommendation="yes"))
    s.flush()


def hidden_from(s: Session, users: dict[str, User], cand: Candidate) -> set[str]:
    return {n for n, u in users.items() if identity_of(s, u, cand, key=KEY).hidden}


def test_pseudonyms_are_stable_keyed_and_short() -> None:
    assert pseudonym(7, KEY) == pseudonym(7, KEY)
    assert re.fullmatch(r"Candidate [0-9A-HJKMNP-TV-Z]{6}", pseudonym(7, KEY))
    assert pseudonym(7, KEY) != pseudonym(7, b"another key")
    assert len({pseudonym(i, KEY) for i in range(2000)}) == 2000


def test_who_sees_the_identity(database: Database, bank: Bank) -> None:
    with database.session() as s:
        users, cand = world(s, bank)
        assert hidden_from(s, users, cand) == set()  # blind review is off by default
        set_blind_review(s, cand.opening, enabled=True, actor=users["hm"])
        assert hidden_from(s, users, cand) == {"peer", "iv", "iv2"}
        file(s, cand, users["iv"], 2)
        assert "iv" in hidden_from(s, users, cand)  # still to grade stage 3
        file(s, cand, users["iv"], 3)
        file(s, cand, users["iv2"], 2)
        assert hidden_from(s, users, cand) == {"peer"}
        shown = identity_of(s, users["peer"], cand, key=KEY)
        assert (shown.name, shown.email, shown.hidden) == (pseudonym(cand.id, KEY), None, True)
        reveal(s, cand, actor=users["hm"], reason="offer")
        assert hidden_from(s, users, cand) == set()
        assert identities_of(s, users["peer"], [cand], key=KEY)[cand.id].name == "Ann Other-Person"


def test_redaction_replaces_the_name_its_parts_and_the_address_as_whole_words(database: Database, bank: Bank) -> None:
    with database.session() as s:
        users, cand = world(s, bank)
        set_blind_review(s, cand.opening, enabled=True, actor=users["hm"])
        who = identity_of(s, users["iv"], cand, key=KEY)
        text = "ANN wrote to ann.o@example.net (ann.o) as Ann Other-Person; the annual plan stands."
        alias = who.pseudonym
        assert who.redact(text) == f"{alias} wrote to {alias} ({alias}) as {alias}; the annual plan stands."
        assert who.redact_all({"a": ["Other-Person", 3, None]}) == {"a": [alias, 3, None]}
        seer = identity_of(s, users["hm"], cand, key=KEY)
        assert seer.redact(text) == text and seer.redact_all({"a": "Ann"}) == {"a": "Ann"}


def test_only_the_hiring_manager_or_an_admin_turns_it_on_or_reveals(database: Database, bank: Bank) -> None:
    with database.session() as s:
        users, cand = world(s, bank)
        for who in ("recruiter", "iv", "peer"):
            with pytest.raises(ForbiddenError):
                set_blind_review(s, cand.opening, enabled=True, actor=users[who])
        with pytest.raises(ConflictError, match="does not use blind review"):
            reveal(s, cand, actor=users["hm"])
        set_blind_review(s, cand.opening, enabled=True, actor=users["admin"])
        with pytest.raises(ForbiddenError):
            reveal(s, cand, actor=users["recruiter"])
        reveal(s, cand, actor=users["admin"], reason=" asked by the panel ")
        with pytest.raises(ConflictError, match="revealed already"):
            reveal(s, cand, actor=users["hm"])
        events = s.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        mine = [
            (e.action, e.detail) for e in events if e.action in ("opening.blind_review_changed", "candidate.revealed")
        ]
        assert mine == [
            ("opening.blind_review_changed", {"before": False, "after": True}),
            ("candidate.revealed", {"reason": "asked by the panel"}),
        ]
