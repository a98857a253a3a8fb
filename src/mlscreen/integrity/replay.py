"""Rebuild the editor's text from a session recording, at its end or at any moment of it.

Positions in a CodeMirror change set count UTF-16 code units (JavaScript's string indices), so the text is
kept as UTF-16 while changes apply: a character outside the Basic Multilingual Plane (an emoji) counts two.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from mlscreen.errors import MlscreenError

Event = dict[str, Any]
_UNIT = 2  # bytes per UTF-16 code unit


class ReplayError(MlscreenError):
    """A recorded change does not fit the text it should apply to (the recording is damaged)."""

    status = 422


def encode(text: str) -> bytes:
    """Return `text` as UTF-16 (little-endian) bytes, the units CodeMirror's positions count."""
    return text.encode("utf-16-le", "surrogatepass")


def decode(data: bytes) -> str:
    """Return the text of UTF-16 (little-endian) bytes."""
    return data.decode("utf-16-le", "surrogatepass")


def units(text: str) -> int:
    """Return the length of `text` in UTF-16 code units."""
    return len(encode(text)) // _UNIT


def apply_units(doc: bytes, changes: list[Any]) -> bytes:
    """Return `doc` (UTF-16 bytes) after a CodeMirror change set given as its JSON.

    The change set lists, in order, kept lengths (a number) and replacements (`[deleted length, *inserted
    lines]`); together they cover the whole text. Raises `ReplayError` when they do not.
    """
    out: list[bytes] = []
    pos = 0
    for part in changes:
        if isinstance(part, int):
            length, inserted = part, None
        else:
            length, inserted = part[0], "\n".join(part[1:])
        end = pos + length * _UNIT
        if end > len(doc):
            raise ReplayError("a recorded change reaches past the end of the text", hint="the recording is damaged")
        if inserted is None:
            out.append(doc[pos:end])
        else:
            out.append(encode(inserted))
        pos = end
    if pos != len(doc):
        raise ReplayError("a recorded change does not cover the whole text", hint="the recording is damaged")
    return b"".join(out)


def apply(text: str, changes: list[Any]) -> str:
    """Return `text` after a CodeMirror change set given as its JSON; raises `ReplayError` when it does not fit."""
    return decode(apply_units(encode(text), changes))


@dataclass(frozen=True)
class Frame:
    """The text right after an event (the event's index in the recording and the event itself)."""

    index: int
    event: Event
    text: str


def frames(events: Iterable[Event]) -> Iterator[Frame]:
    """Yield the text after each event, in order: a `load` or `resync` sets the whole text, a `change` edits it.

    Raises `ReplayError` for a change that does not fit.
    """
    doc = b""
    for index, event in enumerate(events):
        kind = event["k"]
        if kind in ("load", "resync"):
            doc = encode(event["d"])
        elif kind == "change":
            doc = apply_units(doc, event["c"])
        yield Frame(index, event, decode(doc))


def replay(events: Iterable[Event], *, until_ms: int | None = None) -> str:
    """Return the text after every event (or after those at or before `until_ms`, the browser's clock).

    Raises `ReplayError` for a change that does not fit.
    """
    doc = b""
    for event in events:
        if until_ms is not None and event["t"] > until_ms:
            break
        if event["k"] in ("load", "resync"):
            doc = encode(event["d"])
        elif event["k"] == "change":
            doc = apply_units(doc, event["c"])
    return decode(doc)


def same_code(recorded: str, submitted: str) -> bool:
    """Return True when the replayed text is the submitted code (forms send line breaks as CRLF; the editor LF)."""
    return recorded.replace("\r\n", "\n") == submitted.replace("\r\n", "\n")
