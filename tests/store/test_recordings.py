"""Recording batches are stored once each, in order, under the cap; the signals come from what was stored."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from mlscreen.bank import Bank
from mlscreen.errors import UsageError
from mlscreen.jobs.handlers import default_handlers
from mlscreen.jobs.local import LocalQueue
from mlscreen.store.accounts import create_user
from mlscreen.store.assessments import create_invite, start, submit
from mlscreen.store.candidates import add_candidate
from mlscreen.store.db import Database
from mlscreen.store.models import Invite, utcnow
from mlscreen.store.openings import create_opening
from mlscreen.store.recordings import CAPPED, CLOSED, GAP, ON, append, events_of, recording_of, replay_of, state_of

T0 = 1_700_000_000_000


def batch(first: int, *kinds: str) -> str:
    events: list[dict[str, Any]] = []
    for n, kind in enumerate(kinds, first):
        event: dict[str, Any] = {"s": n, "t": T0 + n, "k": kind}
        if kind == "load":
            event["d"] = ""
        elif kind == "change":
            event["c"] = [[0, "x"]] if n == 2 else [n - 2, [0, "x"]]
            event["o"] = "input.type"
        events.append(event)
    return json.dumps(events)


def started_invite(db: Database, bank: Bank) -> int:
    with db.session() as s:
        admin = create_user(s, email="a@example.org", name="Ada", role="admin", password="correct horse battery 42")
        opening = create_opening(s, bank, title="MLE", profile_id="ml-engineer", actor=admin)
        s.flush()
        person = add_candidate(s, opening, name="Cleo", email="cleo@example.org")
        s.flush()
        position = next(st.position for st in opening.stages if st.kind == "coding")
        invite = create_invite(s, bank, person, position=position, actor=admin).invite
        start(invite)
        s.flush()
        return invite.id


def test_batches_sent_again_or_out_of_order_are_stored_once(database: Database, bank: Bank) -> None:
    invite_id = started_invite(database, bank)
    with database.session() as s:
        invite = s.get_one(Invite, invite_id)
        assert state_of(s, invite).seq == 0
        assert append(s, invite, batch(1, "load", "change")) == (2, ON)
        assert append(s, invite, batch(1, "load", "change")).seq == 2  # the answer was lost: sent again
        assert append(s, invite, batch(2, "change", "change", "save")) == (4, ON)  # overlaps: only 3 and 4 are new
        assert append(s, invite, batch(7, "change")) == (4, GAP)  # 5 and 6 never arrived
        events = events_of(s, recording_of(s, invite))  # type: ignore[arg-type]
    assert [e["s"] for e in events] == [1, 2, 3, 4]
    assert [e["k"] for e in events] == ["load", "change", "change", "save"]


def test_malformed_batches_are_refused_with_the_reason(database: Database, bank: Bank) -> None:
    invite_id = started_invite(database, bank)
    with database.session() as s:
        invite = s.get_one(Invite, invite_id)
        for text, reason in [
            ("not json", "not JSON"),
            ('{"s": 1}', "not a list"),
            ('[{"s": 1, "t": 1, "k": "teleport"}]', "unknown event kind"),
            ('[{"s": 1, "t": 1, "k": "change", "c": ["x"]}]', "change set"),
            (batch(1, "load")[:-1] + ', {"s": 3, "t": 1, "k": "save"}]', "not consecutive"),
        ]:
            with pytest.raises(UsageError, match=reason):
                append(s, invite, text)
        assert recording_of(s, invite) is None


def test_at_the_cap_the_recording_stops_and_says_so(
    database: Database, bank: Bank, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLSCREEN_RECORDING_MAX_KB", "16")
    invite_id = started_invite(database, bank)
    big = json.dumps([{"s": 1, "t": T0, "k": "load", "d": "x" * 15000}])
    with database.session() as s:
        invite = s.get_one(Invite, invite_id)
        assert append(s, invite, big) == (1, ON)
        assert append(s, invite, json.dumps([{"s": 2, "t": T0, "k": "resync", "d": "y" * 2000}])) == (1, CAPPED)
        assert append(s, invite, batch(2, "save")) == (1, CAPPED)
        assert state_of(s, invite).state == CAPPED
        rec = recording_of(s, invite)
        assert rec is not None and rec.capped_at is not None and rec.last_seq == 1


def test_submitted_assessments_take_no_more_events_and_the_replay_has_signals(database: Database, bank: Bank) -> None:
    invite_id = started_invite(database, bank)
    with database.session() as s:
        invite = s.get_one(Invite, invite_id)
        invite.started_at = utcnow() - timedelta(minutes=5)
        append(s, invite, batch(1, "load", "change", "change"))
        submit(s, LocalQueue(database, default_handlers(), workers=0), invite, code="xx", answers={}, confirmed=True)
        assert append(s, invite, batch(4, "save")) == (3, CLOSED)
        view = replay_of(s, bank, invite.candidate, invite.id)
    assert len(view.events) == 3 and view.report.notes == []
    assert {sig.id for sig in view.report.signals} == {"pasted", "away", "untyped", "pace"}


def test_free_text_fields_of_events_are_kept_short(database: Database, bank: Bank) -> None:
    invite_id = started_invite(database, bank)
    long = "x" * 500
    sent = [{"s": 1, "t": T0, "k": "load", "d": long}, {"s": 2, "t": T0, "k": "away", "r": long}]
    sent.append({"s": 3, "t": T0, "k": "change", "c": [500], "o": long})
    with database.session() as s:
        invite = s.get_one(Invite, invite_id)
        append(s, invite, json.dumps(sent))
        events = events_of(s, recording_of(s, invite))  # type: ignore[arg-type]
    assert len(events[0]["d"]) == 500 and len(events[1]["r"]) == 40 and len(events[2]["o"]) == 40


def test_signals_follow_new_events(database: Database, bank: Bank) -> None:
    invite_id = started_invite(database, bank)
    with database.session() as s:
        invite = s.get_one(Invite, invite_id)
        append(s, invite, batch(1, "load", "change"))
        first = replay_of(s, bank, invite.candidate, invite.id).report
        again = replay_of(s, bank, invite.candidate, invite.id).report
        append(s, invite, json.dumps([{"s": 3, "t": T0 + 60_000, "k": "save"}]))
        later = replay_of(s, bank, invite.candidate, invite.id).report
    assert first.length_ms == again.length_ms == 1 and later.length_ms == 59_999
