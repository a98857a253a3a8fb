"""A live room's shared document (Yjs, through pycrdt): rebuilt from its update log, at any time, for the replay."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeAlias

from pycrdt import Doc, Text

RoomDoc: TypeAlias = Doc[Any]

CODE = "code"
"""Name of the shared text holding the code pad (the whiteboard's elements live beside it in the same document)."""
MAX_FRAMES = 400


def new_doc() -> RoomDoc:
    """Return an empty room document with its code text declared."""
    doc: RoomDoc = Doc()
    doc[CODE] = Text()
    return doc


def rebuild(snapshot: bytes | None, updates: Iterable[bytes]) -> RoomDoc:
    """Return the document made of `snapshot` (a whole state, or None) and then `updates`, in any order."""
    doc = new_doc()
    if snapshot:
        doc.apply_update(snapshot)
    for update in updates:
        doc.apply_update(update)
    return doc


def code_of(doc: RoomDoc) -> str:
    """Return the code pad's text."""
    return str(doc.get(CODE, type=Text))


def state_of(doc: RoomDoc) -> bytes:
    """Return the document's whole state as one update (what compaction stores)."""
    update: bytes = doc.get_update()
    return update


@dataclass(frozen=True)
class Frame:
    """The code as it was `seconds` after the room's first edit."""

    seconds: float
    code: str


def replay(log: Sequence[tuple[datetime, bytes]], *, max_frames: int = MAX_FRAMES) -> list[Frame]:
    """Return the code after each update of `log` (time, update), oldest first; at most `max_frames` frames,
    evenly chosen, the last always included so the replay ends on the final code."""
    if not log:
        return []
    start = log[0][0]
    keep = _chosen(len(log), max_frames)
    doc = new_doc()
    frames = []
    for index, (at, update) in enumerate(log):
        doc.apply_update(update)
        if index in keep:
            frames.append(Frame(round((at - start).total_seconds(), 3), code_of(doc)))
    return frames


def code_at(log: Sequence[tuple[datetime, bytes]], when: datetime) -> str:
    """Return the code as it was at `when`: every update of `log` made then or before, applied."""
    return code_of(rebuild(None, (update for at, update in log if at <= when)))


def _chosen(count: int, most: int) -> set[int]:
    if count <= most:
        return set(range(count))
    step = count / most
    return {min(count - 1, int(i * step)) for i in range(most)} | {count - 1}
