"""The session recording's events: what the portal sends, checked before anything is stored.

An event is a small JSON object: `s` its sequence number (1, 2, ... per assessment), `t` the browser's clock in
milliseconds since 1970, `k` its kind, and the fields of that kind:

- `load` / `resync` `d`: the editor's whole text when a page opened (or after a gap the server reported);
- `change` `c`: a CodeMirror change set as its JSON (`ChangeSet.toJSON()`), `o`: the editor's user event
  (`input.type`, `input.paste`, `delete.backward`, `undo`, ... or absent for a change made by a program);
- `paste` `n`: the pasted text's length, `x`: true when it was not copied from the editor itself;
- `away` / `back` `r`: why (`hidden`: another tab or window; `blur`: the page lost the keyboard focus);
- `run` `p`, `n`: examples matching and run, `st`: how the run ended;
- `save`: an autosave was sent; `submit`: the candidate submitted.
"""

from __future__ import annotations

import json
from itertools import pairwise
from typing import Any

from mlscreen.errors import UsageError

KINDS = frozenset({"load", "resync", "change", "paste", "away", "back", "run", "save", "submit"})
MAX_BATCH_EVENTS = 5000
FIELDS: dict[str, dict[str, tuple[type, ...]]] = {
    "load": {"d": (str,)},
    "resync": {"d": (str,)},
    "change": {"c": (list,)},
    "paste": {"n": (int,), "x": (bool,)},
    "away": {"r": (str,)},
    "back": {"r": (str,)},
    "run": {"p": (int,), "n": (int,), "st": (str,)},
    "save": {},
    "submit": {},
}
OPTIONAL: dict[str, tuple[type, ...]] = {"o": (str,)}
MAX_LABEL = 40
"""Longest user-event name, reason or run status kept (the editor's are a few words)."""

Event = dict[str, Any]


def _bad(message: str) -> UsageError:
    return UsageError(
        f"the session recording sent with this save is malformed: {message}",
        hint="reload the assessment page; your saved work is kept",
    )


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_changes(changes: list[Any]) -> None:
    for part in changes:
        if _is_int(part) and part >= 0:
            continue
        if (
            isinstance(part, list)
            and part
            and _is_int(part[0])
            and part[0] >= 0
            and all(isinstance(line, str) for line in part[1:])
        ):
            continue
        raise _bad("a change set holds something other than lengths and inserted lines")


def check_event(raw: object) -> Event:
    """Return the event with only its known fields; raises `UsageError` when it is not a valid event."""
    if not isinstance(raw, dict):
        raise _bad("an event is not an object")
    seq, at, kind = raw.get("s"), raw.get("t"), raw.get("k")
    if not (isinstance(seq, int) and _is_int(seq) and seq >= 1 and isinstance(at, int) and _is_int(at) and at >= 0):
        raise _bad("an event lacks its sequence number `s` or its time `t`")
    if kind not in KINDS:
        raise _bad(f"unknown event kind {str(kind)[:20]!r}")
    event: Event = {"s": seq, "t": at, "k": kind}
    for name, types in FIELDS[kind].items():
        value = raw.get(name)
        if not isinstance(value, types) or (types == (int,) and isinstance(value, bool)):
            raise _bad(f"a {kind!r} event lacks its field {name!r}")
        event[name] = value[:MAX_LABEL] if isinstance(value, str) and name != "d" else value
    for name, types in OPTIONAL.items():
        if isinstance(raw.get(name), types):
            event[name] = raw[name][:MAX_LABEL]
    if kind == "change":
        _check_changes(event["c"])
    return event


def parse_batch(text: str) -> list[Event]:
    """Return the events of a batch (a JSON list), in order of their sequence numbers.

    Raises `UsageError` when the batch is not JSON, too long, holds an invalid event, or its sequence numbers are
    not consecutive.
    """
    try:
        raw = json.loads(text)
    except ValueError:
        raise _bad("it is not JSON") from None
    if not isinstance(raw, list):
        raise _bad("it is not a list of events")
    if len(raw) > MAX_BATCH_EVENTS:
        raise _bad(f"more than {MAX_BATCH_EVENTS} events in one batch")
    events = [check_event(item) for item in raw]
    for before, after in pairwise(events):
        if after["s"] != before["s"] + 1:
            raise _bad("its sequence numbers are not consecutive")
    return events


def size_of(events: list[Event]) -> int:
    """Return the bytes the events take as stored (compact JSON, UTF-8): what the recording's cap counts."""
    return len(json.dumps(events, separators=(",", ":"), ensure_ascii=False).encode("utf-8", "surrogatepass"))
