"""The y-protocols messages a room's websocket carries (sync and awareness), read and written with pycrdt.

Binary frames are Yjs protocol messages: `[0, sync message]` or `[1, awareness update]`. Awareness states are
JSON chosen by the client; the server rewrites their `user` with who the handshake authenticated, so nobody
appears under another name. Text frames carry the room's own JSON messages (runs, console, presence).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from pycrdt import YMessageType, YSyncMessageType, create_awareness_message, write_var_uint

SYNC = int(YMessageType.SYNC)
AWARENESS = int(YMessageType.AWARENESS)
STEP1 = int(YSyncMessageType.SYNC_STEP1)
STEP2 = int(YSyncMessageType.SYNC_STEP2)
UPDATE = int(YSyncMessageType.SYNC_UPDATE)
COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf")


class ProtocolError(ValueError):
    """A frame that is not a well-formed message of the protocol."""


@dataclass(frozen=True)
class AwarenessEntry:
    """One client's awareness state: its Yjs client id, its clock and its state (JSON text, "null" when gone)."""

    client: int
    clock: int
    state: str


class _Reader:
    """Reads lib0's variable-length integers and byte strings, refusing anything truncated."""

    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def uint(self) -> int:
        value = shift = 0
        while True:
            if self.at >= len(self.data) or shift > 63:
                raise ProtocolError("truncated number")
            byte = self.data[self.at]
            self.at += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                return value

    def bytes(self) -> bytes:
        size = self.uint()
        if self.at + size > len(self.data):
            raise ProtocolError("truncated message")
        self.at += size
        return self.data[self.at - size : self.at]

    def text(self) -> str:
        try:
            return self.bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ProtocolError("text is not UTF-8") from exc

    def done(self) -> None:
        if self.at != len(self.data):
            raise ProtocolError("trailing bytes")


def sync_update_of(frame: bytes) -> tuple[int, bytes]:
    """Return (sync message type, payload) of a sync frame; raises `ProtocolError` for a malformed one."""
    if len(frame) < 3 or frame[0] != SYNC or frame[1] not in (STEP1, STEP2, UPDATE):
        raise ProtocolError("not a sync message")
    reader = _Reader(frame[2:])
    payload = reader.bytes()
    reader.done()
    return frame[1], payload


def update_frame(update: bytes) -> bytes:
    """Return the frame that carries a document update."""
    return bytes([SYNC, UPDATE]) + write_var_uint(len(update)) + update


def step2_frame(update: bytes) -> bytes:
    """Return the sync step 2 frame answering a peer's state vector."""
    return bytes([SYNC, STEP2]) + write_var_uint(len(update)) + update


def step1_frame(state_vector: bytes) -> bytes:
    """Return the sync step 1 frame asking a peer for what this side lacks."""
    return bytes([SYNC, STEP1]) + write_var_uint(len(state_vector)) + state_vector


def read_awareness(frame: bytes) -> list[AwarenessEntry]:
    """Return the entries of an awareness frame; raises `ProtocolError` for a malformed one."""
    if not frame or frame[0] != AWARENESS:
        raise ProtocolError("not an awareness message")
    outer = _Reader(frame[1:])
    inner = _Reader(outer.bytes())
    outer.done()
    count = inner.uint()
    if count > 64:
        raise ProtocolError("too many awareness states")
    entries = [AwarenessEntry(inner.uint(), inner.uint(), inner.text()) for _ in range(count)]
    inner.done()
    return entries


def awareness_frame(entries: list[AwarenessEntry]) -> bytes:
    """Return the awareness frame carrying `entries`."""
    body = bytearray(write_var_uint(len(entries)))
    for entry in entries:
        state = entry.state.encode("utf-8")
        body += write_var_uint(entry.client) + write_var_uint(entry.clock) + write_var_uint(len(state)) + state
    return bytes(create_awareness_message(bytes(body)))


def stamped(entry: AwarenessEntry, *, name: str, role: str, color: str) -> AwarenessEntry:
    """Return `entry` with its state's `user` set to the authenticated name and role (a null state stays null)."""
    try:
        state = json.loads(entry.state)
    except ValueError as exc:
        raise ProtocolError("awareness state is not JSON") from exc
    if state is None:
        return entry
    if not isinstance(state, dict):
        raise ProtocolError("awareness state is not an object")
    state["user"] = {"name": name, "role": role, "color": color}
    return AwarenessEntry(entry.client, entry.clock, json.dumps(state, separators=(",", ":")))


def gone(entry: AwarenessEntry) -> AwarenessEntry:
    """Return the entry saying that `entry`'s client left (its state null, its clock advanced)."""
    return AwarenessEntry(entry.client, entry.clock + 1, "null")
