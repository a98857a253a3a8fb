"""Plausible session recordings, made up for the demo organisation: typing, one paste, a break, runs, autosaves."""

from __future__ import annotations

import random
from typing import Any

from mlscreen.integrity.replay import units

Event = dict[str, Any]


def _pasted_block(lines: list[str]) -> tuple[int, int]:
    """Return the (first, end) lines of the block to paste: the last function of the text, else its last third."""
    starts = [i for i, line in enumerate(lines) if line.startswith("def ")]
    first = starts[-1] if len(starts) >= 2 else max(1, 2 * len(lines) // 3)
    return min(first, len(lines)), len(lines)


def simulate(starter: str, final: str, *, start_ms: int, seed: int = 0) -> list[Event]:
    """Return the events of a session that opens on `starter` and ends, submitted, on exactly `final`.

    The starter is selected and deleted, the code typed key by key (with pauses between lines), its last
    function pasted from outside the editor, with a break away from the page halfway and two runs.
    """
    rng = random.Random(seed)
    t = start_ms
    events: list[Event] = []

    def add(kind: str, **fields: Any) -> None:
        events.append({"s": len(events) + 1, "t": t, "k": kind, **fields})

    add("load", d=starter)
    t += rng.randint(20_000, 60_000)
    add("change", c=[[units(starter)]], o="delete.selection")
    lines = final.split("\n")
    paste_from, paste_to = _pasted_block(lines)
    typed = "\n".join(lines[:paste_from]) + ("\n" if paste_from < len(lines) else "")
    length = 0
    for n, key in enumerate(typed):
        t += rng.randint(150, 900) + (rng.randint(5_000, 40_000) if key == "\n" and rng.random() < 0.4 else 0)
        add("change", c=[length, [0, *key.split("\n")]] if length else [[0, *key.split("\n")]], o="input.type")
        length += units(key)
        if n % 40 == 39:
            add("save")
        if n == len(typed) // 2:
            add("away", r="hidden")
            t += rng.randint(60_000, 180_000)
            add("back", r="hidden")
            add("run", p=0, n=2, st="ran")
    if paste_from < len(lines):
        pasted = "\n".join(lines[paste_from:paste_to])
        t += rng.randint(5_000, 20_000)
        add("paste", n=len(pasted), x=True)
        add("change", c=[length, [0, *pasted.split("\n")]] if length else [[0, *pasted.split("\n")]], o="input.paste")
    t += rng.randint(10_000, 40_000)
    add("run", p=2, n=2, st="ran")
    add("save")
    t += rng.randint(5_000, 20_000)
    add("submit")
    return events
