"""Voluntary self-identification in the store: saved, changed, withdrawn, validated, read only as report rows."""

from __future__ import annotations

import pytest

from mlscreen.bank import Bank
from mlscreen.errors import InvalidFieldsError
from mlscreen.reports.tables import Identity
from mlscreen.store.accounts import create_user
from mlscreen.store.assessments import create_invite
from mlscreen.store.candidates import add_candidate
from mlscreen.store.db import Database
from mlscreen.store.models import Invite
from mlscreen.store.openings import create_opening
from mlscreen.store.selfid import (
    PREFER_NOT,
    Answers,
    exported,
    identities,
    own_answers,
    save_answers,
    withdraw_answers,
)


def _invites(database: Database, bank: Bank) -> tuple[int, int]:
    with database.session() as s:
        admin = create_user(s, email="a@example.org", name="A", role="admin", password="a long enough password")
        opening = create_opening(s, bank, title="MLE", profile_id="ml-engineer", actor=admin)
        one = add_candidate(s, opening, name="One", email="one@example.org")
        two = add_candidate(s, opening, name="Two", email="two@example.org")
        s.flush()
        return create_invite(s, bank, one, position=1).invite.id, create_invite(s, bank, two, position=1).invite.id


def test_save_change_withdraw_and_report_rows(database: Database, bank: Bank) -> None:
    first, second = _invites(database, bank)
    with database.session() as s:
        invite = s.get_one(Invite, first)
        assert own_answers(s, invite) is None
        save_answers(s, invite, sex="female", race="asian")
        save_answers(s, s.get_one(Invite, second), sex=PREFER_NOT, race="white")
    with database.session() as s:
        invite = s.get_one(Invite, first)
        assert own_answers(s, invite) == Answers("female", "asian")
        save_answers(s, invite, sex="female", race=PREFER_NOT)  # changed, not added
        rows = sorted(identities(s, [invite.candidate_id, invite.candidate_id + 1]), key=lambda i: i.candidate)
        assert rows == [Identity(invite.candidate_id, "female", None), Identity(invite.candidate_id + 1, None, "white")]
        assert exported(s, invite.candidate_id) is not None
    with database.session() as s:
        invite = s.get_one(Invite, first)
        assert withdraw_answers(s, invite) and not withdraw_answers(s, invite)
        assert own_answers(s, invite) is None and exported(s, invite.candidate_id) is None
        assert identities(s, []) == []


def test_choices_outside_the_categories_are_refused(database: Database, bank: Bank) -> None:
    first, _ = _invites(database, bank)
    with database.session() as s:
        with pytest.raises(InvalidFieldsError) as caught:
            save_answers(s, s.get_one(Invite, first), sex="unknown", race="")
        assert set(caught.value.fields) == {"sex", "race"}
