"""Live interview rooms: opening and closing them, the candidate's room link, the update log and the record.

A room belongs to one stage of one candidate. The candidate joins through an `Invite` of kind "room" (the
portal's link model: hashed token, one candidate, expiring, revocable), which dies when the room closes. Every
document update and console entry is appended to `room_updates` with its time: that log is the recording, and
what other web processes read to relay a room's traffic. Compaction keeps a whole-state snapshot so that
loading a room reads only the updates since.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from mlscreen.bank import Bank, DesignPrompt, Exercise, Item
from mlscreen.errors import AuthenticationError, ConflictError, NotFoundError, UsageError
from mlscreen.store import audit
from mlscreen.store.accounts import token_hash
from mlscreen.store.assessments import open_invite, revoke_invite
from mlscreen.store.models import Candidate, Invite, Room, RoomUpdate, User, utcnow
from mlscreen.store.openings import stage_at
from mlscreen.store.roomdoc import Frame, code_of, rebuild, replay, state_of

LIVE_KINDS = ("coding", "system_design")
"""Stage kinds run as live interviews: they get a room."""
MAX_NOTES = 20_000
MAX_SVG = 4_000_000
"""The largest whiteboard SVG kept with a room's record (characters)."""
COMPACT_EVERY = 200
"""Updates after the snapshot beyond which loading a room compacts it first."""
RUN_STALE = timedelta(minutes=2)
"""A run mark older than this is a run whose process died: it no longer blocks the next run."""
CONSOLE_ENTRIES = 200


@dataclass(frozen=True)
class NewLink:
    """A room and the raw token of the candidate's link to it (never stored)."""

    room: Room
    token: str


@dataclass(frozen=True)
class LogEntry:
    """One row of a room's log, detached from the session (what the relay hands between processes)."""

    id: int
    room_id: int
    channel: str
    origin: str
    at: datetime
    data: bytes


def room_of(db: Session, candidate: Candidate, position: int) -> Room | None:
    """Return the newest room of the candidate's stage at `position`, open or closed (None if never opened)."""
    query = select(Room).where(Room.candidate_id == candidate.id, Room.stage_position == position)
    return db.scalar(query.order_by(Room.id.desc()).limit(1))


def get_room(db: Session, room_id: int) -> Room:
    """Return the room; raises `NotFoundError` when there is none."""
    room = db.get(Room, room_id) if 0 <= room_id < 2**31 else None
    if room is None:
        raise NotFoundError("no such room", hint="check the link")
    return room


def has_board(room: Room) -> bool:
    """Return True when the room's stage is a system-design interview (its room has a whiteboard)."""
    return stage_at(_candidate(room).opening, room.stage_position).kind == "system_design"


def is_open(room: Room, now: datetime) -> bool:
    """Return True while the room is neither ended nor past its maximum duration."""
    return room.closed_at is None and room.closes_at > now


def open_room(
    db: Session, candidate: Candidate, *, position: int, actor: User, max_minutes: int, now: datetime | None = None
) -> NewLink:
    """Open a room for the candidate's live stage at `position` (or reuse the open one) with a new candidate link.

    A new link revokes the room's previous one. Raises `UsageError` for a stage that is not a live interview and
    `ConflictError` for a candidate no longer in the process. Audited.
    """
    now = now or utcnow()
    stage = stage_at(candidate.opening, position)
    if stage.kind not in LIVE_KINDS:
        raise UsageError(
            f"the stage {stage.title!r} is not a live interview ({stage.kind})",
            hint="rooms are for coding and system-design interviews",
        )
    if candidate.status != "active":
        raise ConflictError(f"the candidate is {candidate.status}", hint="rooms are for candidates in the process")
    room = room_of(db, candidate, position)
    if room is None or not is_open(room, now):
        room = Room(
            candidate_id=candidate.id,
            stage_position=position,
            opened_by=actor.id,
            created_at=now,
            closes_at=now + timedelta(minutes=max_minutes),
            notes="",
            checklist={},
            snapshot_upto=0,
        )
        db.add(room)
        db.flush()
        audit.record(
            db,
            actor_id=actor.id,
            action="room.opened",
            object_type="room",
            object_id=room.id,
            opening_id=candidate.opening_id,
            candidate_id=candidate.id,
            position=position,
        )
    return new_link(db, room, actor=actor, now=now)


def new_link(db: Session, room: Room, *, actor: User, now: datetime | None = None) -> NewLink:
    """Give the room a new candidate link (revoking the previous one) and return it with its raw token."""
    now = now or utcnow()
    if not is_open(room, now):
        raise ConflictError("this room is closed", hint="open a new room from the interview kit")
    if room.invite is not None and room.invite.revoked_at is None:
        revoke_invite(db, room.invite, actor=actor, reason="replaced by a new room link", now=now)
    token = secrets.token_urlsafe(32)
    invite = Invite(
        candidate_id=room.candidate_id,
        stage_position=room.stage_position,
        token_hash=token_hash(token),
        kind="room",
        question_ids=[],
        minutes=max(1, int((room.closes_at - now).total_seconds() // 60)),
        created_at=now,
        expires_at=room.closes_at,
    )
    db.add(invite)
    db.flush()
    room.invite_id = invite.id
    room.invite = invite
    audit.record(
        db,
        actor_id=actor.id,
        action="room.link_created",
        object_type="invite",
        object_id=invite.id,
        opening_id=invite.candidate.opening_id,
        candidate_id=room.candidate_id,
        room_id=room.id,
    )
    return NewLink(room, token)


def room_by_link(db: Session, token: str, *, now: datetime | None = None) -> Room:
    """Return the open room the candidate's link `token` leads to.

    Raises `AuthenticationError` for an unknown, expired or revoked link, a candidate no longer in the process,
    or a room that has closed.
    """
    now = now or utcnow()
    invite = open_invite(db, token, now=now, kind="room")
    room = db.scalar(select(Room).where(Room.invite_id == invite.id))
    if room is None or not is_open(room, now):
        raise AuthenticationError("this interview room has closed", hint="ask your interviewer")
    return room


def save_notes(room: Room, *, notes: str, checked: Iterable[str], bank: Bank) -> None:
    """Keep the interviewer's private notes and which expected design components they saw covered."""
    room.notes = notes[:MAX_NOTES]
    names = {c.name for c in expected_components(bank, room)}
    room.checklist = {name: True for name in checked if name in names}


def expected_components(bank: Bank, room: Room) -> list[Any]:
    """Return the expected components of the stage's design prompts (the interviewer's checklist)."""
    stage = stage_at(_candidate(room).opening, room.stage_position)
    prompts: list[Item] = [bank.get(q) for q in stage.question_ids if q in bank]
    return [c for p in prompts if isinstance(p, DesignPrompt) for c in p.expected_components]


def stage_exercises(bank: Bank, room: Room) -> list[Exercise]:
    """Return the exercises of the room's stage (the interviewer may load any exercise of the bank)."""
    stage = stage_at(_candidate(room).opening, room.stage_position)
    items: list[Item] = [bank.get(q) for q in stage.question_ids if q in bank]
    return [item for item in items if isinstance(item, Exercise)]


def _candidate(room: Room) -> Candidate:
    session = Session.object_session(room)
    if session is None:
        raise RuntimeError("the room is detached from its session")
    return session.get_one(Candidate, room.candidate_id)


def set_exercise(db: Session, room_id: int, exercise_id: str | None, bank: Bank) -> None:
    """Record which bank exercise the pad holds (its visible examples can then be run); raises `NotFoundError`."""
    if exercise_id is not None and not isinstance(bank.get(exercise_id), Exercise):
        raise NotFoundError(f"no exercise {exercise_id!r}", hint="pick one of the bank's exercises")
    db.execute(update(Room).where(Room.id == room_id).values(exercise_id=exercise_id))


def close_room(
    db: Session,
    room: Room,
    *,
    actor: User | None,
    board_svg: str | None = None,
    now: datetime | None = None,
    reason: str = "ended by the interviewer",
) -> Room:
    """End the room: its candidate link dies, the final code (and the whiteboard as SVG, exported by the
    interviewer's page) is kept with the record (audited); idempotent. Raises `UsageError` for a board that is not
    an SVG document or is too large."""
    now = now or utcnow()
    if board_svg:
        if len(board_svg) > MAX_SVG or not board_svg.lstrip().startswith("<svg"):
            raise UsageError("the whiteboard could not be kept: it is not an SVG image, or too large", hint="retry")
        room.board_svg = board_svg
    if room.closed_at is not None:
        return room
    room.closed_at = min(now, room.closes_at)
    room.final_code = code_of(load_doc(db, room.id))
    if room.invite is not None and room.invite.revoked_at is None:
        revoke_invite(db, room.invite, actor=actor, reason="the interview room closed", now=now)
    audit.record(
        db,
        actor_id=actor.id if actor else None,
        action="room.closed",
        object_type="room",
        object_id=room.id,
        opening_id=_candidate(room).opening_id,
        candidate_id=room.candidate_id,
        reason=reason,
    )
    return room


def close_overdue_rooms(db: Session, *, now: datetime | None = None) -> list[int]:
    """Close every room past its maximum duration that nobody ended; return their ids."""
    now = now or utcnow()
    rooms = db.scalars(select(Room).where(Room.closed_at.is_(None), Room.closes_at <= now)).all()
    for room in rooms:
        close_room(db, room, actor=None, now=now, reason="the maximum duration was reached")
    return [r.id for r in rooms]


def overdue_rooms(db: Session, *, now: datetime) -> list[int]:
    """Return the ids of rooms past their maximum duration that nobody ended (a read, for a cheap check first)."""
    return list(db.scalars(select(Room.id).where(Room.closed_at.is_(None), Room.closes_at <= now)))


def closed_among(db: Session, room_ids: Sequence[int], *, now: datetime) -> set[int]:
    """Return which of `room_ids` are closed or past their maximum duration."""
    if not room_ids:
        return set()
    query = select(Room.id).where(Room.id.in_(room_ids), (Room.closed_at.is_not(None)) | (Room.closes_at <= now))
    return set(db.scalars(query))


def dead_links(db: Session, invite_ids: Sequence[int], *, now: datetime) -> set[int]:
    """Return which of the room links `invite_ids` no longer open (revoked or expired)."""
    if not invite_ids:
        return set()
    dead = (Invite.revoked_at.is_not(None)) | (Invite.expires_at <= now)
    return set(db.scalars(select(Invite.id).where(Invite.id.in_(invite_ids), dead)))


# The log ---------------------------------------------------------------------------------------------------------


def append(db: Session, entries: Sequence[tuple[int, str, str, datetime, bytes]]) -> None:
    """Append (room id, channel, origin, time, data) entries to the rooms' logs."""
    db.add_all(RoomUpdate(room_id=r, channel=c, origin=o, at=at, data=d) for r, c, o, at, d in entries)


def last_entry_id(db: Session) -> int:
    """Return the id of the newest log entry of any room (0 when there is none)."""
    return int(db.scalar(select(func.max(RoomUpdate.id))) or 0)


def entries_since(db: Session, after: int, room_ids: Sequence[int], *, limit: int = 2000) -> list[LogEntry]:
    """Return the log entries of `room_ids` newer than the entry `after`, oldest first."""
    if not room_ids:
        return []
    query = (
        select(RoomUpdate)
        .where(RoomUpdate.id > after, RoomUpdate.room_id.in_(room_ids))
        .order_by(RoomUpdate.id)
        .limit(limit)
    )
    return [LogEntry(u.id, u.room_id, u.channel, u.origin, u.at, u.data) for u in db.scalars(query)]


def load_doc(db: Session, room_id: int) -> Any:
    """Return the room's document (pycrdt `Doc`): its snapshot and every update since."""
    room = get_room(db, room_id)
    query = select(RoomUpdate.data).where(
        RoomUpdate.room_id == room_id, RoomUpdate.channel == "doc", RoomUpdate.id > room.snapshot_upto
    )
    return rebuild(room.snapshot, db.scalars(query.order_by(RoomUpdate.id)))


def compact(db: Session, room_id: int) -> bool:
    """Fold the room's updates since its snapshot into a new snapshot when there are many; return whether it did.

    The updates stay in the log (they are the recording); only loading gets cheaper.
    """
    room = get_room(db, room_id)
    count_query = select(func.count(), func.max(RoomUpdate.id)).where(
        RoomUpdate.room_id == room_id, RoomUpdate.channel == "doc", RoomUpdate.id > room.snapshot_upto
    )
    count, newest = db.execute(count_query).one()
    if not count or count < COMPACT_EVERY:
        return False
    query = select(RoomUpdate.data).where(
        RoomUpdate.room_id == room_id,
        RoomUpdate.channel == "doc",
        RoomUpdate.id > room.snapshot_upto,
        RoomUpdate.id <= newest,
    )
    doc = rebuild(room.snapshot, db.scalars(query.order_by(RoomUpdate.id)))
    room.snapshot, room.snapshot_upto = state_of(doc), int(newest)
    return True


@dataclass(frozen=True)
class RoomState:
    """What a process needs to host a room: its document's parts, the newest log id they include, and its facts."""

    snapshot: bytes | None
    updates: list[bytes]
    upto: int
    closes_at: datetime
    closed: bool
    exercise_id: str | None
    console: list[dict[str, Any]]


def room_state(db: Session, room_id: int) -> RoomState:
    """Compact the room if due, then return its state (see `RoomState`); raises `NotFoundError`."""
    compact(db, room_id)
    room = get_room(db, room_id)
    upto = last_entry_id(db)
    query = select(RoomUpdate.data).where(
        RoomUpdate.room_id == room_id,
        RoomUpdate.channel == "doc",
        RoomUpdate.id > room.snapshot_upto,
        RoomUpdate.id <= upto,
    )
    return RoomState(
        room.snapshot,
        list(db.scalars(query.order_by(RoomUpdate.id))),
        upto,
        room.closes_at,
        room.closed_at is not None,
        room.exercise_id,
        console_of(db, room_id, limit=50),
    )


def doc_log(db: Session, room_id: int) -> list[tuple[datetime, bytes]]:
    """Return the room's document updates with their times, oldest first (the recording of the code and board)."""
    query = select(RoomUpdate.at, RoomUpdate.data).where(RoomUpdate.room_id == room_id, RoomUpdate.channel == "doc")
    return [(at, data) for at, data in db.execute(query.order_by(RoomUpdate.id))]


def console_of(db: Session, room_id: int, *, limit: int = CONSOLE_ENTRIES) -> list[dict[str, Any]]:
    """Return the room's console entries (runs and their output), oldest first, the newest `limit` of them."""
    query = select(RoomUpdate.data).where(RoomUpdate.room_id == room_id, RoomUpdate.channel == "console")
    rows = list(db.scalars(query.order_by(RoomUpdate.id.desc()).limit(limit)))
    messages = [json.loads(data) for data in reversed(rows)]
    return [m["entry"] for m in messages if isinstance(m, dict) and isinstance(m.get("entry"), dict)]


def claim_run(db: Session, room_id: int, *, now: datetime) -> tuple[bool, str | None]:
    """Mark a run as going in the room unless one is (in any process); return whether this caller got it, and
    the exercise the pad holds (for running its examples)."""
    free = (Room.run_started_at.is_(None)) | (Room.run_started_at < now - RUN_STALE)
    done = db.execute(update(Room).where(Room.id == room_id, free).values(run_started_at=now))
    return bool(getattr(done, "rowcount", 0)), db.scalar(select(Room.exercise_id).where(Room.id == room_id))


def end_run(db: Session, room_id: int) -> None:
    """Clear the room's run mark."""
    db.execute(update(Room).where(Room.id == room_id).values(run_started_at=None))


# The record ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoomRecord:
    """What a closed (or open) room leaves for the decision: final code, console, board and the replay."""

    room: Room
    code: str
    console: list[dict[str, Any]]
    frames: list[Frame]


def record_of(db: Session, room: Room) -> RoomRecord:
    """Return the room's record; the code is the final code once closed, the current code before."""
    log = doc_log(db, room.id)
    code = room.final_code if room.final_code is not None else code_of(rebuild(None, (d for _, d in log)))
    return RoomRecord(room, code, console_of(db, room.id), replay(log))


def rooms_of(db: Session, candidate_id: int) -> list[Room]:
    """Return the candidate's rooms, oldest first."""
    return list(db.scalars(select(Room).where(Room.candidate_id == candidate_id).order_by(Room.id)))


def erase_rooms(db: Session, candidate_id: int) -> int:
    """Remove the candidate's rooms' content (log, code, notes, board); return how many rooms were cleared."""
    rooms = rooms_of(db, candidate_id)
    for room in rooms:
        room.notes, room.checklist, room.final_code, room.board_svg, room.snapshot = "", {}, None, None, None
        room.snapshot_upto = 0
    if rooms:
        db.execute(delete(RoomUpdate).where(RoomUpdate.room_id.in_([r.id for r in rooms])))
    return len(rooms)
