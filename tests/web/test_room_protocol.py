"""The room's protocol messages: sync frames round-trip, awareness is read and re-stamped with the real name."""

from __future__ import annotations

import json

import pytest
from pycrdt import Text

from mlscreen.store.roomdoc import CODE, new_doc
from mlscreen.web.rooms import protocol
from mlscreen.web.rooms.protocol import AwarenessEntry, ProtocolError


def test_sync_frames_carry_updates_both_ways() -> None:
    a, b = new_doc(), new_doc()
    a.get(CODE, type=Text).insert(0, "print(1)\n")
    kind, vector = protocol.sync_update_of(protocol.step1_frame(b.get_state()))
    assert kind == protocol.STEP1
    kind, update = protocol.sync_update_of(protocol.step2_frame(a.get_update(vector)))
    assert kind == protocol.STEP2
    b.apply_update(update)
    assert str(b.get(CODE, type=Text)) == "print(1)\n"
    assert protocol.sync_update_of(protocol.update_frame(update)) == (protocol.UPDATE, update)


@pytest.mark.parametrize("frame", [b"", b"\x00", b"\x00\x07\x01\x00", b"\x00\x02\x05ab", b"\x02\x00\x00"])
def test_malformed_sync_frames_are_refused(frame: bytes) -> None:
    with pytest.raises(ProtocolError):
        protocol.sync_update_of(frame)


def test_awareness_is_stamped_with_who_the_handshake_authenticated() -> None:
    claimed = {"user": {"name": "The Interviewer", "role": "interviewer"}, "cursor": {"anchor": 3}}
    frame = protocol.awareness_frame([AwarenessEntry(42, 7, json.dumps(claimed))])
    (entry,) = protocol.read_awareness(frame)
    assert (entry.client, entry.clock) == (42, 7)
    stamped = protocol.stamped(entry, name="Candidate", role="candidate", color="#123456")
    state = json.loads(stamped.state)
    assert state["user"] == {"name": "Candidate", "role": "candidate", "color": "#123456"}
    assert state["cursor"] == {"anchor": 3}
    gone = protocol.gone(stamped)
    assert (gone.clock, gone.state) == (8, "null")
    assert protocol.stamped(gone, name="x", role="y", color="z") == gone


@pytest.mark.parametrize("state", ["[1, 2]", "not json", "3"])
def test_awareness_states_must_be_objects(state: str) -> None:
    with pytest.raises(ProtocolError):
        protocol.stamped(AwarenessEntry(1, 1, state), name="n", role="r", color="c")


def test_truncated_awareness_is_refused() -> None:
    frame = protocol.awareness_frame([AwarenessEntry(1, 1, '{"a": 1}')])
    with pytest.raises(ProtocolError):
        protocol.read_awareness(frame[:-3])
