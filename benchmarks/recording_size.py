"""Size of a session recording and the cost of replaying it and computing its signals.

Simulates a candidate typing a solution one key at a time (a change event per key, as the editor records
them), with a paste, a few absences, runs of the examples and an autosave every few seconds, then prints the
recording's stored size and the time `replay` and `assess` take over it.

    python -m benchmarks.recording_size [--chars 6000] [--minutes 75]
"""

from __future__ import annotations

import argparse
import random
import time
from typing import Any

from mlscreen.integrity.recording import size_of
from mlscreen.integrity.replay import replay, units
from mlscreen.integrity.signals import assess

ALPHABET = "abcdefghijklmnopqrstuvwxyz_ ()[]=.:,0123456789\n    "


def session(chars: int, minutes: float, seed: int = 7) -> tuple[list[dict[str, Any]], str]:
    """Return the events of a simulated session and the final text."""
    rng = random.Random(seed)
    t = 1_700_000_000_000
    step = int(minutes * 60_000 / max(chars, 1))
    text = "def solve(df):\n    raise NotImplementedError\n"
    events: list[dict[str, Any]] = [{"s": 1, "t": t, "k": "load", "d": text}]

    def add(kind: str, **fields: Any) -> None:
        events.append({"s": len(events) + 1, "t": t, "k": kind, **fields})

    for n in range(chars):
        t += step
        pos = units(text)
        if n % 400 == 399 and pos > 10:  # a correction now and then: delete the last three characters
            add("change", c=[pos - 3, [3]], o="delete.backward")
            text = text[:-3]
            continue
        key = rng.choice(ALPHABET)
        add("change", c=[pos, [0, *key.split("\n")]], o="input.type")
        text += key
        if n % 25 == 0:
            add("save")
        if n % 1500 == 750:
            add("away", r="hidden")
            t += 45_000
            add("back", r="hidden")
        if n % 2000 == 1999:
            add("run", p=1, n=2, st="ran")
    pasted = "def helper(frame):\n    return frame.dropna()\n"
    add("paste", n=len(pasted), x=True)
    add("change", c=[units(text), [0, *pasted.split("\n")]], o="input.paste")
    text += pasted
    add("submit")
    return events, text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=6000, help="keys typed (a 75-minute solution: a few thousand)")
    parser.add_argument("--minutes", type=float, default=75)
    args = parser.parse_args()
    events, text = session(args.chars, args.minutes)
    started = time.perf_counter()
    rebuilt = replay(events)
    replayed = time.perf_counter() - started
    started = time.perf_counter()
    report = assess(events, submitted_code=text)
    assessed = time.perf_counter() - started
    assert rebuilt == text and not report.notes
    size = size_of(events)
    print(f"events: {len(events)}  final code: {len(text)} characters")
    print(f"stored size: {size / 1024:.0f} KiB ({size / max(args.chars, 1):.0f} bytes per key typed)")
    print(f"replay: {replayed * 1000:.0f} ms   signals: {assessed * 1000:.0f} ms")


if __name__ == "__main__":
    main()
