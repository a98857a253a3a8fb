"""Scratch runs: a whole program (a live room's code pad) run once in the sandbox, its console output returned.

The same fork-server sandboxes and isolation as grading; no exercise harness, no hidden test. Output is text
only, capped, with terminal escape sequences and other control characters removed (a program cannot drive the
viewer's terminal or page).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

from mlscreen.grader.examples import NOT_RUN, clean_output
from mlscreen.grader.sandbox import JobEnded, Limits, Sandbox

ScratchStatus: TypeAlias = Literal["ok", "error", "timeout", "killed"]
OUTPUT_KB = 16
SCRATCH_LIMITS = Limits(wall_seconds=10.0, cpu_seconds=10)
_STATUS_OF_END: dict[str, ScratchStatus] = {"timeout": "timeout", "killed": "killed", "too_large": "killed"}


@dataclass(frozen=True)
class ScratchResult:
    """A program's run: how it ended, what it printed (stdout and stderr, capped) and its error, if any."""

    status: ScratchStatus
    output: str
    error: str
    truncated: bool

    def to_json(self) -> dict[str, Any]:
        """Return the run as JSON."""
        return {"status": self.status, "output": self.output, "error": self.error, "truncated": self.truncated}


def run_scratch_in(
    sandbox: Sandbox, source: str, *, limits: Limits = SCRATCH_LIMITS, output_kb: int = OUTPUT_KB
) -> ScratchResult:
    """Run `source` as a program in a fresh job of `sandbox`; returns its result whatever it does."""
    chars = output_kb << 10
    try:
        job = sandbox.open_job(limits, None, None)
    except JobEnded:
        job = sandbox.open_job(limits, None, None)  # one retry on a fresh sandbox
    ended: str | None = None
    reply: Any = None
    try:
        reply = job.request({"op": "load", "source": source, "capture_chars": chars})
    except JobEnded as exc:
        ended = exc.reason
    job.finish(kill=ended is not None)
    ended = ended or job.ended
    if not isinstance(reply, dict):
        reason = NOT_RUN.get(ended or "", NOT_RUN["crashed"]).removeprefix("not run: ")
        return ScratchResult(_STATUS_OF_END.get(ended or "", "error"), "", reason, False)
    output = clean_output(str(reply.get("stdout") or ""), chars)
    error = clean_output(str(reply.get("error") or ""), 2000)
    truncated = reply.get("truncated") is True
    if truncated:
        output += f"\n[output cut after {output_kb} KB]"
    return ScratchResult("ok" if reply.get("ok") is True else "error", output, error, truncated)
