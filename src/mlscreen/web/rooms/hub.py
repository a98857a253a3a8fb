"""The rooms a web process hosts: their documents, their peers, and the relay through the database.

Every peer's update is applied to the process's copy of the room's document, sent to the room's other peers
here, and queued; a relay task writes the queue to the room's log in one short transaction per batch, then
reads the entries other processes wrote since, and hands them to the peers here. So rooms work across any
number of web processes sharing the database, and the log is the recording. No transaction is held while a
peer is waited on: the relay's reads and writes are short, and peers are served from memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pycrdt import Text
from sqlalchemy.orm import Session
from starlette.websockets import WebSocket, WebSocketDisconnect

from mlscreen.errors import MlscreenError
from mlscreen.store.roomdoc import CODE, RoomDoc, code_of, rebuild
from mlscreen.store.rooms import (
    LogEntry,
    RoomState,
    append,
    close_overdue_rooms,
    closed_among,
    dead_links,
    entries_since,
    last_entry_id,
    room_state,
)
from mlscreen.web.guard import SocketPeer, in_transaction
from mlscreen.web.rooms import protocol
from mlscreen.web.rooms.protocol import AwarenessEntry, ProtocolError

log = logging.getLogger(__name__)
MAX_FRAME = 256 * 1024
"""The largest message a peer may send (bytes); a larger one closes its connection (1009)."""
RATE = 60.0
BURST = 240.0
"""Messages a peer may send per second, and in a burst; beyond that its connection closes (1008)."""
SEND_QUEUE = 1000
"""Frames waiting for a slow peer; a peer that falls further behind is disconnected (it resyncs on reconnect)."""
POLL_SECONDS = 0.05
CHECK_EVERY = 40
"""Relay ticks between checks for rooms that closed (about every two seconds)."""
OVERLAP = 200
"""Log ids read again on each poll: on PostgreSQL a lower id can commit after a higher one."""
CLOSED = 4001
REVOKED = 4003
CONSOLE_KEPT = 50


@dataclass
class Peer:
    """One websocket in a room: who it is, its outgoing queue and the awareness clients it speaks for."""

    socket: WebSocket
    who: SocketPeer
    color: str
    queue: asyncio.Queue[bytes | str | None] = field(default_factory=lambda: asyncio.Queue(SEND_QUEUE))
    clients: dict[int, AwarenessEntry] = field(default_factory=dict)
    tokens: float = BURST
    refilled: float = field(default_factory=time.monotonic)
    ending: tuple[int, str] | None = None
    """How the server ends the connection (code, reason), once it decided to."""

    @property
    def dropped(self) -> bool:
        """Return True once the server decided to end the connection."""
        return self.ending is not None

    def send(self, frame: bytes | str) -> None:
        """Queue `frame`; a peer too far behind is dropped (its connection closes and it resyncs later)."""
        if self.dropped:
            return
        try:
            self.queue.put_nowait(frame)
        except asyncio.QueueFull:
            self.end(1013, "too far behind; reconnect")

    def end(self, code: int, reason: str) -> None:
        """End the connection after what is queued (or at once, when the queue is full)."""
        if self.ending is None:
            self.ending = (code, reason)
        if self.queue.full():
            with contextlib.suppress(asyncio.QueueEmpty):
                self.queue.get_nowait()
        self.queue.put_nowait(None)

    def allowed(self) -> bool:
        """Take one message from the peer's rate budget; return False when it is spent."""
        now = time.monotonic()
        self.tokens = min(BURST, self.tokens + (now - self.refilled) * RATE)
        self.refilled = now
        self.tokens -= 1
        return self.tokens >= 0


@dataclass
class LiveRoom:
    """A room hosted by this process: its document and the peers connected here."""

    id: int
    doc: RoomDoc
    closes_at: datetime
    exercise_id: str | None
    peers: list[Peer] = field(default_factory=list)
    awareness: dict[int, AwarenessEntry] = field(default_factory=dict)
    console: list[dict[str, Any]] = field(default_factory=list)
    upto: int = 0

    def remember(self, message: dict[str, Any]) -> None:
        """Keep a console entry for peers that join later."""
        entry = message.get("entry")
        if message.get("type") == "console" and isinstance(entry, dict):
            self.console = [*self.console[-(CONSOLE_KEPT - 1) :], entry]

    def broadcast(self, frame: bytes | str, *, but: Peer | None = None) -> None:
        """Send `frame` to every peer here except `but`."""
        for peer in self.peers:
            if peer is not but:
                peer.send(frame)


Handler = Callable[["Hub", LiveRoom, Peer, dict[str, Any]], Any]


class Hub:
    """This process's rooms and the relay task that links them to the database (and so to other processes)."""

    def __init__(self, state: Any, *, poll_seconds: float = POLL_SECONDS) -> None:
        self.state = state
        self.poll_seconds = poll_seconds
        self.origin = f"{os.getpid()}-{secrets.token_hex(6)}"
        self.rooms: dict[int, LiveRoom] = {}
        self.pending: list[tuple[int, str, str, datetime, bytes]] = []
        self.handlers: dict[str, Handler] = {}
        self.last_id = -1
        self.seen: deque[int] = deque(maxlen=4 * OVERLAP)
        self._seen_set: set[int] = set()
        self._loading: dict[int, asyncio.Lock] = {}
        self._flushing = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._colors = 0

    # Peers -------------------------------------------------------------------------------------------------------

    async def serve(self, socket: WebSocket, who: SocketPeer, hello: dict[str, Any]) -> None:
        """Serve one accepted websocket until it closes."""
        self._start()
        room = await self._room(who.room_id)
        self._colors += 1
        peer = Peer(socket, who, protocol.COLORS[self._colors % len(protocol.COLORS)])
        room.peers.append(peer)
        sender = asyncio.create_task(self._send_loop(peer))
        greeting = {**hello, "type": "hello", "role": who.role, "name": who.name, "console": room.console}
        peer.send(json.dumps(greeting))
        peer.send(protocol.step1_frame(room.doc.get_state()))
        if room.awareness:
            peer.send(protocol.awareness_frame(list(room.awareness.values())))
        try:
            await self._receive_loop(room, peer)
        finally:
            room.peers.remove(peer)
            self._forget(room, peer)
            if peer.ending is None:
                with contextlib.suppress(asyncio.QueueFull):
                    peer.queue.put_nowait(None)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(sender, 2.0)
            if not room.peers:
                self.rooms.pop(room.id, None)

    async def _send_loop(self, peer: Peer) -> None:
        try:
            while (frame := await peer.queue.get()) is not None:
                if isinstance(frame, bytes):
                    await peer.socket.send_bytes(frame)
                else:
                    await peer.socket.send_text(frame)
        except Exception:  # the peer went away: the receive loop sees it too
            return
        if peer.ending is not None:
            await _close(peer, *peer.ending)

    async def _receive_loop(self, room: LiveRoom, peer: Peer) -> None:
        while not peer.dropped:
            try:
                message = await peer.socket.receive()
            except (WebSocketDisconnect, RuntimeError):
                return
            if message["type"] == "websocket.disconnect":
                return
            data: bytes | None = message.get("bytes")
            text: str | None = message.get("text")
            size = len(data) if data is not None else len((text or "").encode("utf-8"))
            if size > MAX_FRAME:
                await _close(peer, 1009, "message too large")
                return
            if not peer.allowed():
                await _close(peer, 1008, "too many messages")
                return
            try:
                if data is not None:
                    self._on_binary(room, peer, data)
                elif text is not None:
                    await self._on_text(room, peer, text)
            except Exception as exc:  # whatever a hostile frame makes the decoders raise
                log.info("room %s: a peer sent a malformed message (%s)", room.id, type(exc).__name__)
                await _close(peer, 1003, "malformed message")
                return

    def _on_binary(self, room: LiveRoom, peer: Peer, data: bytes) -> None:
        if data[:1] == bytes([protocol.SYNC]):
            kind, payload = protocol.sync_update_of(data)
            if kind == protocol.STEP1:
                peer.send(protocol.step2_frame(room.doc.get_update(payload)))
            elif payload != b"\x00\x00":
                self.change(room, payload, but=peer)
        elif data[:1] == bytes([protocol.AWARENESS]):
            # A peer speaks only for its own clients: another peer's cursor or presence cannot be changed or removed.
            taken = {c for other in room.peers if other is not peer for c in other.clients}
            entries = [
                protocol.stamped(e, name=peer.who.name, role=peer.who.role, color=peer.color)
                for e in protocol.read_awareness(data)
                if e.client not in taken
            ]
            if not entries:
                return
            for entry in entries:
                peer.clients[entry.client] = entry
                room.awareness[entry.client] = entry
            frame = protocol.awareness_frame(entries)
            room.broadcast(frame, but=peer)
            self._queue(room.id, "aware", frame)

    async def _on_text(self, room: LiveRoom, peer: Peer, text: str) -> None:
        message = json.loads(text)
        if not isinstance(message, dict):
            raise ProtocolError("not an object")
        handler = self.handlers.get(str(message.get("type", "")))
        if handler is not None:
            result = handler(self, room, peer, message)
            if asyncio.iscoroutine(result):
                asyncio.get_running_loop().create_task(result)

    def _forget(self, room: LiveRoom, peer: Peer) -> None:
        if not peer.clients:
            return
        left = [protocol.gone(e) for e in peer.clients.values()]
        for entry in left:
            room.awareness.pop(entry.client, None)
        frame = protocol.awareness_frame(left)
        room.broadcast(frame)
        self._queue(room.id, "aware", frame)

    # Changes made here -------------------------------------------------------------------------------------------

    def change(self, room: LiveRoom, update: bytes, *, but: Peer | None = None) -> None:
        """Apply a document update made here: to the room's document, its other peers here, and the log."""
        room.doc.apply_update(update)
        room.broadcast(protocol.update_frame(update), but=but)
        self._queue(room.id, "doc", update)

    def replace_code(self, room: LiveRoom, code: str) -> None:
        """Replace the code pad's whole text (loading a starter, or a blank pad) as one update."""
        before = room.doc.get_state()
        text = room.doc.get(CODE, type=Text)
        with room.doc.transaction():
            del text[:]
            text += code
        update = room.doc.get_update(before)
        room.broadcast(protocol.update_frame(update))
        self._queue(room.id, "doc", update)

    def announce(self, room: LiveRoom, channel: str, message: dict[str, Any]) -> None:
        """Send a JSON message to every peer of the room, here and (through the log) in other processes."""
        text = json.dumps(message, separators=(",", ":"))
        room.remember(message)
        room.broadcast(text)
        self._queue(room.id, channel, text.encode("utf-8"))

    def code(self, room: LiveRoom) -> str:
        """Return the code pad's text as this process has it."""
        return code_of(room.doc)

    def _queue(self, room_id: int, channel: str, data: bytes) -> None:
        self.pending.append((room_id, channel, self.origin, self.state.clock(), data))

    def closed(self, room_id: int) -> None:
        """Tell the room's peers here that it closed, and disconnect them."""
        room = self.rooms.get(room_id)
        if room is None:
            return
        room.broadcast(json.dumps({"type": "closed"}))
        for peer in room.peers:
            peer.end(CLOSED, "the room closed")

    # Loading and the relay ---------------------------------------------------------------------------------------

    async def _room(self, room_id: int) -> LiveRoom:
        lock = self._loading.setdefault(room_id, asyncio.Lock())
        async with lock:
            found = self.rooms.get(room_id)
            if found is not None:
                return found
            await self.flush()  # what this process queued for the room is in the log before it is read back
            state: RoomState = await in_transaction(self.state, lambda db: room_state(db, room_id))
            # pycrdt documents stay in the thread that made them: built here, in the event loop.
            room = LiveRoom(room_id, rebuild(state.snapshot, state.updates), state.closes_at, state.exercise_id)
            room.upto, room.console = state.upto, state.console
            # The relay reads from what the room was loaded with: an entry another process writes meanwhile
            # is delivered, never skipped.
            self.last_id = state.upto if self.last_id < 0 else min(self.last_id, state.upto)
            self.rooms[room_id] = room
            return room

    def _start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._relay())

    async def stop(self) -> None:
        """Stop the relay after writing what is queued."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None
        with contextlib.suppress(Exception):
            await self.flush()

    async def _relay(self) -> None:
        tick = 0
        while True:
            await asyncio.sleep(self.poll_seconds)
            tick += 1
            try:
                await self.flush()
                if self.rooms:
                    await self._poll()
                if tick % CHECK_EVERY == 0 and self.rooms:
                    await self._check_closed()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database was busy or away: try again at the next tick
                log.warning("room relay: %s", type(exc).__name__, exc_info=not isinstance(exc, MlscreenError))

    async def flush(self) -> None:
        """Write the queued entries to the rooms' logs in one short transaction."""
        async with self._flushing:
            if not self.pending:
                return
            batch, self.pending = self.pending, []
            try:
                await in_transaction(self.state, lambda db: append(db, batch))
            except BaseException:
                self.pending[:0] = batch  # kept for the next attempt
                raise

    async def _poll(self) -> None:
        ids = list(self.rooms)
        if self.last_id < 0:
            self.last_id = await in_transaction(self.state, last_entry_id, write=False)
        after = max(0, self.last_id - (OVERLAP if self.state.db.dialect != "sqlite" else 0))
        found: list[LogEntry] = await in_transaction(self.state, lambda db: entries_since(db, after, ids), write=False)
        for entry in found:
            if entry.id in self._seen_set:
                continue
            self._remember(entry.id)
            self.last_id = max(self.last_id, entry.id)
            room = self.rooms.get(entry.room_id)
            if room is None or entry.origin == self.origin or entry.id <= room.upto:
                continue
            self._deliver(room, entry)

    def _remember(self, entry_id: int) -> None:
        if len(self.seen) == self.seen.maxlen:
            self._seen_set.discard(self.seen[0])
        self.seen.append(entry_id)
        self._seen_set.add(entry_id)

    def _deliver(self, room: LiveRoom, entry: LogEntry) -> None:
        if entry.channel == "doc":
            room.doc.apply_update(entry.data)
            room.broadcast(protocol.update_frame(entry.data))
        elif entry.channel == "aware":
            for item in protocol.read_awareness(entry.data):
                if item.state == "null":
                    room.awareness.pop(item.client, None)
                else:
                    room.awareness[item.client] = item
            room.broadcast(entry.data)
        else:
            message = json.loads(entry.data)
            room.remember(message)
            if message.get("type") == "exercise":
                room.exercise_id = message.get("id")
            room.broadcast(entry.data.decode("utf-8"))

    async def _check_closed(self) -> None:
        now = self.state.clock()
        if any(room.closes_at <= now for room in self.rooms.values()):
            await in_transaction(self.state, lambda db: close_overdue_rooms(db, now=now))
        ids = list(self.rooms)
        links = [p.who.invite_id for room in self.rooms.values() for p in room.peers if p.who.invite_id is not None]

        def closed(db: Session) -> tuple[set[int], set[int]]:
            return closed_among(db, ids, now=now), dead_links(db, links, now=now)

        rooms, dead = await in_transaction(self.state, closed, write=False)
        for room_id in rooms:
            self.closed(room_id)
        for room in self.rooms.values():
            for peer in room.peers:
                if peer.who.invite_id in dead:
                    peer.end(REVOKED, "this link no longer works")


async def _close(peer: Peer, code: int, reason: str) -> None:
    with contextlib.suppress(Exception):
        await peer.socket.close(code, reason)


def hub_of(state: Any) -> Hub:
    """Return the application's room hub (made on first use)."""
    hub = getattr(state, "room_hub", None)
    if not isinstance(hub, Hub):
        hub = state.room_hub = Hub(state)
    return hub
