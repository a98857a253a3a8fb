"""Integrity signals from a session recording: advice with its evidence for people, never a verdict.

Each signal says what was measured, whether it is worth a look, and the moments behind it (milliseconds from the
recording's start, so a page can link into the replay there). The thresholds live in `signals.json`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from mlscreen.integrity.replay import ReplayError, decode, encode, same_code, units

Event = dict[str, Any]
Segments = list[list[Any]]
"""The text's provenance as runs: [length in UTF-16 units, origin]."""

START, TYPED, OUTSIDE, INSIDE, HISTORY, UNTYPED = "start", "typed", "outside", "inside", "history", "untyped"


@cache
def thresholds() -> dict[str, float]:
    """Return the signals' thresholds (`signals.json`)."""
    text = resources.files("mlscreen.integrity").joinpath("signals.json").read_text(encoding="utf-8")
    return {k: float(v) for k, v in json.loads(text).items()}


@dataclass
class Moment:
    """A point of the recording a signal rests on: `at_ms` from the recording's start, and what happened."""

    at_ms: int
    label: str


@dataclass
class Signal:
    """One advisory signal: its value in words, whether it is worth a look, and its evidence."""

    id: str
    title: str
    value: str
    flag: bool
    advice: str
    evidence: list[Moment] = field(default_factory=list)


@dataclass(frozen=True)
class Usual:
    """How long the exercise usually takes, in seconds, and where that figure comes from."""

    seconds: float
    source: str


@dataclass
class Report:
    """The signals of one recording, with notes on how complete the recording is."""

    recorded: bool
    signals: list[Signal] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    length_ms: int = 0

    def to_json(self) -> dict[str, Any]:
        """Return the report as a JSON-ready dict."""
        return asdict(self)


def origin_of(event: Event, last_paste_outside: bool) -> str:
    """Return where a change's inserted text came from, by the editor's user event."""
    kind = str(event.get("o", ""))
    if kind.startswith("input.paste"):
        return OUTSIDE if last_paste_outside else INSIDE
    if kind in ("undo", "redo"):
        return HISTORY
    if kind.startswith("move"):
        return INSIDE
    if kind.startswith(("input.type", "input.complete", "input.indent", "delete")) or kind == "input":
        return TYPED
    return UNTYPED  # a drop from elsewhere, or a change no key, paste or command of the editor made


def _burst(text: str) -> bool:
    return sum(not c.isspace() for c in text) > thresholds()["typed_burst_units"]


class Provenance:
    """Replays a recording while tracking where each part of the text came from."""

    def __init__(self) -> None:
        self.doc = b""
        self.segments: Segments = []
        self.untyped: list[Moment] = []
        self.loaded = False

    def load(self, event: Event, at: int) -> None:
        text = encode(event["d"])
        if not self.loaded:
            self.doc, self.segments, self.loaded = text, [[len(text) // 2, START]], True
        elif text != self.doc:  # the text changed while nothing was recorded (a lost batch, another tab)
            self.doc, self.segments = text, [[len(text) // 2, UNTYPED]]
            self.untyped.append(Moment(at, f"the whole text was replaced while not recorded ({event['k']})"))

    def change(self, event: Event, at: int, origin: str) -> None:
        out: Segments = []
        source = iter(self.segments)
        pending: list[Any] | None = None
        doc: list[bytes] = []
        pos = 0

        def take(n: int, keep: bool) -> None:
            nonlocal pending
            while n > 0:
                run = pending if pending is not None else list(next(source))
                used = min(n, run[0])
                if keep:
                    _push(out, used, run[1])
                run[0] -= used
                n -= used
                pending = run if run[0] > 0 else None

        for part in event["c"]:
            length = part if isinstance(part, int) else part[0]
            if pos + 2 * length > len(self.doc):
                raise ReplayError("a recorded change reaches past the end of the text", hint="the recording is damaged")
            take(length, keep=isinstance(part, int))
            if isinstance(part, int):
                doc.append(self.doc[pos : pos + 2 * length])
            else:
                inserted = "\n".join(part[1:])
                kind = UNTYPED if origin == TYPED and _burst(inserted) else origin
                if kind == UNTYPED and units(inserted) >= thresholds()["untyped_evidence_units"]:
                    self.untyped.append(Moment(at, f"{units(inserted)} characters appeared without typing"))
                _push(out, units(inserted), kind)
                doc.append(encode(inserted))
            pos += 2 * length
        if pos != len(self.doc):
            raise ReplayError("a recorded change does not cover the whole text", hint="the recording is damaged")
        self.doc, self.segments = b"".join(doc), out

    def shares(self) -> dict[str, tuple[int, int]]:
        """Return, per origin, (non-blank characters of the final text from it, all non-blank characters)."""
        text = self.doc
        counts: dict[str, int] = {}
        pos = 0
        for length, origin in self.segments:
            part = decode(text[pos : pos + 2 * length])
            counts[origin] = counts.get(origin, 0) + sum(not c.isspace() for c in part)
            pos += 2 * length
        total = sum(counts.values())
        return {origin: (n, total) for origin, n in counts.items()}


def _push(out: Segments, length: int, origin: str) -> None:
    if length <= 0:
        return
    if out and out[-1][1] == origin:
        out[-1][0] += length
    else:
        out.append([length, origin])


def _share(shares: dict[str, tuple[int, int]], origin: str) -> float:
    n, total = shares.get(origin, (0, 0))
    return n / total if total else 0.0


def _minutes(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"


def away_periods(events: list[Event], start: int) -> list[tuple[int, int]]:
    """Return (from, to) in ms from `start` for each time the page was hidden or lost the focus."""
    periods: list[tuple[int, int]] = []
    since: int | None = None
    for event in events:
        if event["k"] == "away" and since is None:
            since = event["t"]
        elif since is not None and event["k"] in ("back", "change", "paste", "submit"):
            periods.append((since - start, event["t"] - start))
            since = None
    if since is not None:
        periods.append((since - start, events[-1]["t"] - start))
    return [(a, max(a, b)) for a, b in periods]


def paste_signal(events: list[Event], shares: dict[str, tuple[int, int]], start: int) -> Signal:
    share = _share(shares, OUTSIDE)
    pastes = [e for e in events if e["k"] == "paste" and e.get("x")]
    return Signal(
        id="pasted",
        title="Pasted from outside the editor",
        value=f"{share:.0%} of the final code ({len(pastes)} paste(s) from outside)",
        flag=share >= thresholds()["paste_share_flag"],
        advice="Pasting is allowed and common (notes, documentation, a candidate's own snippets); ask about the "
        "pasted parts and whether the candidate can explain them.",
        evidence=[Moment(e["t"] - start, f"pasted {e['n']} characters from outside") for e in pastes],
    )


def away_signal(events: list[Event], start: int, length_ms: int) -> Signal:
    periods = away_periods(events, start)
    total = sum(b - a for a, b in periods) / 1000
    shown = [p for p in periods if (p[1] - p[0]) / 1000 >= thresholds()["away_evidence_seconds"]]
    share = total * 1000 / length_ms if length_ms else 0.0
    return Signal(
        id="away",
        title="Time away from the page",
        value=f"{_minutes(total)} in {len(periods)} period(s) ({share:.0%} of the session)",
        flag=total >= thresholds()["away_total_seconds_flag"],
        advice="Looking things up is part of real work, and the browser cannot tell what the candidate did "
        "meanwhile; long absences before large changes are worth a question, nothing more.",
        evidence=[Moment(a, f"away for {_minutes((b - a) / 1000)}") for a, b in shown],
    )


def untyped_signal(tracker: Provenance, shares: dict[str, tuple[int, int]]) -> Signal:
    share = _share(shares, UNTYPED)
    return Signal(
        id="untyped",
        title="Code that appeared without typing",
        value=f"{share:.0%} of the final code",
        flag=share >= thresholds()["untyped_share_flag"],
        advice="Text that arrived in one piece without keystrokes or a paste (dropped in, typed by a tool, or "
        "changed while the page was not recording); see the replay at these moments.",
        evidence=tracker.untyped,
    )


def pace_signal(seconds: float | None, usual: Usual | None, end_ms: int) -> Signal | None:
    if seconds is None or usual is None or usual.seconds <= 0:
        return None
    ratio = seconds / usual.seconds
    return Signal(
        id="pace",
        title="Time taken against the exercise's usual time",
        value=f"{_minutes(seconds)}, {ratio:.0%} of the usual {_minutes(usual.seconds)} ({usual.source})",
        flag=ratio < thresholds()["fast_ratio"],
        advice="Strong candidates are fast; a very short time only means the replay deserves a look.",
        evidence=[Moment(end_ms, "submitted")],
    )


def assess(
    events: list[Event],
    *,
    submitted_code: str | None = None,
    seconds: float | None = None,
    usual: Usual | None = None,
    capped: bool = False,
) -> Report:
    """Return the signals of a recording (events in sequence order).

    `submitted_code` is checked against the replay's end; `seconds` is the time the candidate took and `usual`
    the exercise's usual time; `capped` says the recording stopped at its size cap.
    """
    if not events:
        return Report(recorded=False, notes=["nothing was recorded for this assessment"])
    start = events[0]["t"]
    report = Report(recorded=True, length_ms=max(0, events[-1]["t"] - start))
    tracker = Provenance()
    last_outside = True
    try:
        for event in events:
            at = event["t"] - start
            if event["k"] in ("load", "resync"):
                tracker.load(event, at)
            elif event["k"] == "paste":
                last_outside = bool(event.get("x"))
            elif event["k"] == "change":
                tracker.change(event, at, origin_of(event, last_outside))
    except ReplayError as exc:
        report.notes.append(f"the recording could not be replayed: {exc.message}")
        return report
    report.notes += _completeness(events, decode(tracker.doc), submitted_code, capped)
    shares = tracker.shares()
    report.signals = [
        paste_signal(events, shares, start),
        away_signal(events, start, report.length_ms),
        untyped_signal(tracker, shares),
    ]
    pace = pace_signal(seconds, usual, report.length_ms)
    if pace is not None:
        report.signals.append(pace)
    return report


def _completeness(events: list[Event], text: str, submitted: str | None, capped: bool) -> list[str]:
    notes = []
    if capped:
        notes.append("the recording reached its size limit and stopped; what followed was not recorded")
    resyncs = sum(e["k"] == "resync" for e in events)
    if resyncs:
        notes.append(f"{resyncs} part(s) of the recording were lost in transit; the text was recorded again after")
    if submitted is not None and not capped and not same_code(text, submitted):
        notes.append("the replay does not end at the submitted code: part of the session was not recorded")
    return notes
