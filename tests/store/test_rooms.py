"""Rooms in the store: only live stages get one, the candidate's link dies with the room, runs are one at a time,
compaction keeps the document and the log, and the replay rebuilds the code at any time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pycrdt import Text

from mlscreen.bank import Bank
from mlscreen.errors import AuthenticationError, ConflictError, UsageError
from mlscreen.store.accounts import create_user
from mlscreen.store.candidates import add_candidate
from mlscreen.store.db import Database
from mlscreen.store.models import Candidate, Room, User, utcnow
from mlscreen.store.openings import create_opening
from mlscreen.store.roomdoc import CODE, code_at, code_of, new_doc, replay
from mlscreen.store.rooms import (
    COMPACT_EVERY,
    append,
    claim_run,
    close_overdue_rooms,
    close_room,
    compact,
    doc_log,
    end_run,
    load_doc,
    new_link,
    open_room,
    room_by_link,
)

CODING, KNOWLEDGE = 1, 2


def people(db: Database, bank: Bank) -> tuple[int, int]:
    with db.session() as s:
        hm = create_user(s, email="hm@example.org", name="Hana", role="hiring_manager", password="a long password 1")
        opening = create_opening(s, bank, title="ML engineer", profile_id="ml-engineer", actor=hm)
        s.flush()
        return hm.id, add_candidate(s, opening, name="Cara", email="cara@example.net").id


def edits(texts: list[str]) -> list[bytes]:
    """Return one update per text appended to a pad, in order."""
    doc = new_doc()
    out = []
    for text in texts:
        before = doc.get_state()
        doc.get(CODE, type=Text).insert(len(str(doc.get(CODE, type=Text))), text)
        out.append(doc.get_update(before))
    return out


def test_only_live_stages_get_a_room_and_the_link_opens_only_the_room(database: Database, bank: Bank) -> None:
    hm_id, cid = people(database, bank)
    with database.session() as s:
        hm, candidate = s.get_one(User, hm_id), s.get_one(Candidate, cid)
        with pytest.raises(UsageError, match="not a live interview"):
            open_room(s, candidate, position=KNOWLEDGE, actor=hm, max_minutes=60)
        first = open_room(s, candidate, position=CODING, actor=hm, max_minutes=60)
        assert room_by_link(s, first.token).id == first.room.id
        again = open_room(s, candidate, position=CODING, actor=hm, max_minutes=60)
        assert again.room.id == first.room.id  # the open room is reused, with a new link
        with pytest.raises(AuthenticationError):
            room_by_link(s, first.token)  # the previous link was revoked
        assert room_by_link(s, again.token).id == first.room.id


def test_a_closed_or_overdue_room_opens_no_more(database: Database, bank: Bank) -> None:
    hm_id, cid = people(database, bank)
    now = utcnow()
    with database.session() as s:
        hm, candidate = s.get_one(User, hm_id), s.get_one(Candidate, cid)
        made = open_room(s, candidate, position=CODING, actor=hm, max_minutes=30, now=now)
        append(s, [(made.room.id, "doc", "t", now, u) for u in edits(["a = 1\n"])])
        s.flush()
        assert close_overdue_rooms(s, now=now + timedelta(minutes=29)) == []
        assert close_overdue_rooms(s, now=now + timedelta(minutes=31)) == [made.room.id]
        room = s.get_one(Room, made.room.id)
        assert room.final_code == "a = 1\n" and room.closed_at == made.room.closes_at
        with pytest.raises(AuthenticationError):
            room_by_link(s, made.token, now=now + timedelta(minutes=1))
        with pytest.raises(ConflictError, match="closed"):
            new_link(s, room, actor=hm, now=now + timedelta(minutes=31))
        close_room(s, room, actor=hm)  # ending a closed room changes nothing
        assert room.final_code == "a = 1\n"


def test_one_run_at_a_time_per_room(database: Database, bank: Bank) -> None:
    hm_id, cid = people(database, bank)
    now = utcnow()
    with database.session() as s:
        room = open_room(
            s, s.get_one(Candidate, cid), position=CODING, actor=s.get_one(User, hm_id), max_minutes=60
        ).room
        room_id = room.id
    with database.session() as s:
        assert claim_run(s, room_id, now=now) == (True, None)
    with database.session() as s:
        assert claim_run(s, room_id, now=now)[0] is False  # as another process would see it
        assert claim_run(s, room_id, now=now + timedelta(minutes=5))[0] is True  # a dead process's mark expires
        end_run(s, room_id)
        assert claim_run(s, room_id, now=now)[0] is True


def test_compaction_keeps_the_document_and_the_recording(database: Database, bank: Bank) -> None:
    hm_id, cid = people(database, bank)
    start = utcnow()
    texts = [f"line {n}\n" for n in range(COMPACT_EVERY + 5)]
    with database.session() as s:
        room = open_room(
            s, s.get_one(Candidate, cid), position=CODING, actor=s.get_one(User, hm_id), max_minutes=60
        ).room
        rows = [(room.id, "doc", "t", start + timedelta(seconds=n), u) for n, u in enumerate(edits(texts))]
        append(s, rows)
        s.flush()
        assert compact(s, room.id) is True
        assert room.snapshot is not None and room.snapshot_upto > 0
        assert compact(s, room.id) is False  # nothing new since
        assert code_of(load_doc(s, room.id)) == "".join(texts)
        log = doc_log(s, room.id)
    assert len(log) == len(texts)  # the recording keeps every edit
    assert code_at(log, start + timedelta(seconds=2)) == "".join(texts[:3])
    frames = replay(log, max_frames=50)
    assert len(frames) <= 51 and frames[-1].code == "".join(texts) and frames[0].seconds == 0
