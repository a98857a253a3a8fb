"""The rooms' websocket routes: handshake authorization, then the hub; and the room's commands (run, load).

The HTTP policy covers these routes too: each websocket route has an entry in `policy.ROUTES` ("room.host" for
the interviewer's socket, "room_link" for the candidate's), and its handshake is authorized with that action by
`guard.authorize_socket` (same session cookie or room link, same rules, plus a same-origin check) before it is
accepted. The candidate's socket carries only the shared document, cursors, presence and the console: notes,
the kit and the scorecard are HTTP pages of the interviewer's and never enter a room's messages.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import anyio.to_thread
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket

from mlscreen.bank import Exercise
from mlscreen.errors import MlscreenError, RateLimitError
from mlscreen.jobs import adapters
from mlscreen.store.rooms import claim_run, end_run, set_exercise
from mlscreen.web import policy
from mlscreen.web.guard import authorize_socket, in_transaction
from mlscreen.web.rooms.hub import Hub, LiveRoom, Peer, hub_of
from mlscreen.web.routes.examples import RunLimiter

RUNS_PER_MINUTE = 10
REFUSED = 4403


async def _serve(socket: WebSocket, action: str) -> None:
    try:
        who = await authorize_socket(socket, action)
    except MlscreenError as exc:
        await socket.close(REFUSED, exc.message[:120])
        return
    await socket.accept()
    hub = hub_of(socket.app.state)
    hub.handlers.setdefault("run", _run)
    hub.handlers.setdefault("load", _load)
    await hub.serve(socket, who, {"exercises": _exercise_ids(socket) if who.role == "interviewer" else []})


def _exercise_ids(socket: WebSocket) -> list[str]:
    return [item.id for item in socket.app.state.bank.items(Exercise)]


async def room_socket(socket: WebSocket) -> None:
    """The interviewer's connection to the room of a candidate's stage."""
    await _serve(socket, policy.ROUTES["room_socket"])


async def room_join_socket(socket: WebSocket) -> None:
    """The candidate's connection, through their room link."""
    await _serve(socket, policy.ROUTES["room_join_socket"])


ROUTES = [
    WebSocketRoute("/candidates/{candidate_id}/stages/{position}/room/socket", room_socket, name="room_socket"),
    WebSocketRoute("/room/{token}/socket", room_join_socket, name="room_join_socket"),
]


def _limiter(hub: Hub) -> RunLimiter:
    found = getattr(hub, "runs", None)
    if not isinstance(found, RunLimiter):
        found = hub.runs = RunLimiter(per_window=RUNS_PER_MINUTE)  # type: ignore[attr-defined]
    return found


def _error(peer: Peer, message: str, hint: str = "") -> None:
    peer.send(json.dumps({"type": "error", "message": message, "hint": hint}))


async def _run(hub: Hub, room: LiveRoom, peer: Peer, message: dict[str, Any]) -> None:
    """Run the pad's code (or the loaded exercise's visible examples) in the sandbox; the console goes to all."""
    mode = "examples" if message.get("mode") == "examples" else "code"
    limiter = _limiter(hub)
    try:
        limiter.acquire(room.id)
    except RateLimitError as exc:
        _error(peer, exc.message, exc.hint or "")
        return
    state = hub.state
    claimed = False
    try:
        now: datetime = state.clock()
        claimed, exercise = await in_transaction(state, lambda db: claim_run(db, room.id, now=now))
        if not claimed:
            _error(peer, "a run is already going in this room", "wait for its output")
            return
        if mode == "examples" and exercise is None:
            _error(peer, "no exercise is loaded, so there are no examples to run", "run the code instead")
            return
        code = hub.code(room)
        hub.announce(room, "ctl", {"type": "running", "by": peer.who.name, "mode": mode})
        entry = await _execute(state, mode, code, exercise)
        entry.update(at=state.clock().isoformat(timespec="seconds"), by=peer.who.name, role=peer.who.role, mode=mode)
        hub.announce(room, "console", {"type": "console", "entry": entry})
    except MlscreenError as exc:
        _error(peer, exc.message, exc.hint or "")
    finally:
        limiter.release(room.id)
        if claimed:
            await in_transaction(state, lambda db: end_run(db, room.id))


async def _execute(state: Any, mode: str, code: str, exercise: str | None) -> dict[str, Any]:
    if mode == "examples" and exercise is not None:
        result = await anyio.to_thread.run_sync(adapters.run_examples, state.bank, code, exercise)
        return {"status": result["status"], "output": _examples_text(result), "error": ""}
    ran = await anyio.to_thread.run_sync(adapters.run_scratch, state.bank, code)
    return {"status": ran["status"], "output": ran["output"], "error": ran["error"]}


def _examples_text(result: dict[str, Any]) -> str:
    lines = []
    for example in result.get("examples", []):
        mark = "ok  " if example.get("matches") else "FAIL"
        lines.append(f"{mark} {example.get('call')}")
        if not example.get("matches"):
            lines.append(f"     expected: {example.get('expected')}")
            lines.append(f"     got:      {example.get('got') or example.get('error')}")
    stdout = str(result.get("stdout") or "")
    return "\n".join(lines) + (f"\n--- printed ---\n{stdout}" if stdout else "")


async def _load(hub: Hub, room: LiveRoom, peer: Peer, message: dict[str, Any]) -> None:
    """Put a bank exercise's starter code (or a blank pad) in the room; the interviewer's command only."""
    if peer.who.role != "interviewer":
        _error(peer, "only the interviewer loads exercises")
        return
    chosen = str(message.get("exercise") or "") or None
    bank = hub.state.bank
    try:
        code = bank.exercise_source(chosen, "starter") if chosen else ""
        await in_transaction(hub.state, lambda db: set_exercise(db, room.id, chosen, bank))
    except MlscreenError as exc:
        _error(peer, exc.message, exc.hint or "")
        return
    room.exercise_id = chosen
    hub.replace_code(room, code)
    hub.announce(room, "ctl", {"type": "exercise", "id": chosen})
