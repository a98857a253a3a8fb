"""Visible examples: run an exercise's public example calls against a submission in the sandbox, as feedback.

The examples are advisory: they tell the candidate what their code returns for the calls the exercise shows,
and never feed a verdict (the hidden tests in the supervisor do). Only the submission, the exercise's
non-secret harness and the examples' call text enter the sandbox; hidden tests, the reference and their
expected values never do. The sandbox returns text only (the value's repr, capped); the supervisor strips
control characters and compares it with the example's `expected` text (see `matches`), a comparison of
strings and parsed numbers that runs no code.
"""

from __future__ import annotations

import doctest
import math
import re
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

from mlscreen.grader.exercise import GradingSpec
from mlscreen.grader.result import clean_text
from mlscreen.grader.sandbox import Job, JobEnded, Sandbox

ExamplesStatus: TypeAlias = Literal["ran", "error", "timeout", "killed"]
REPR_CHARS = 4000
STDOUT_KB = 16
_FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE | doctest.DONT_ACCEPT_TRUE_FOR_1
_CHECKER = doctest.OutputChecker()
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
_PADDING = re.compile(r"\s*([\[\](){},])\s*")
_NUMBER = re.compile(r"(?<![\w.])[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?:\.\.\.)?")
NOT_RUN = {
    "timeout": "not run: the time limit was reached",
    "killed": "not run: a resource limit was reached (CPU, memory, file size or output size)",
    "too_large": "not run: a resource limit was reached (CPU, memory, file size or output size)",
    "crashed": "not run: the submission's process ended unexpectedly",
}
STATUS_OF_END: dict[str, ExamplesStatus] = {
    "timeout": "timeout",
    "killed": "killed",
    "too_large": "killed",
    "crashed": "error",
}
ENDED = {
    "timeout": "the time limit was reached while this example ran",
    "killed": "a resource limit was reached while this example ran (CPU, memory, file size or output size)",
    "too_large": "the output was larger than allowed",
    "crashed": "the submission's process ended while this example ran",
}


@dataclass(frozen=True)
class ExampleResult:
    """One visible example: its public call and expected text, what the submission gave, and whether they match."""

    name: str
    call: str
    expected: str
    got: str | None
    matches: bool
    error: str | None

    def to_json(self) -> dict[str, Any]:
        """Return the example's entry of the JSON result."""
        return {
            "name": self.name,
            "call": self.call,
            "expected": self.expected,
            "got": self.got,
            "matches": self.matches,
            "error": self.error,
        }


@dataclass(frozen=True)
class ExamplesResult:
    """A run of an exercise's visible examples: advisory feedback for the candidate, never a verdict."""

    exercise: str
    status: ExamplesStatus
    examples: list[ExampleResult] = field(default_factory=list)
    stdout: str = ""

    @property
    def matched(self) -> int:
        """Return how many examples gave their expected value."""
        return sum(e.matches for e in self.examples)

    def to_json(self) -> dict[str, Any]:
        """Return the JSON object of `mlscreen exercise run-examples --json`."""
        return {
            "exercise": self.exercise,
            "status": self.status,
            "examples": [e.to_json() for e in self.examples],
            "stdout": self.stdout,
        }


def matches(expected: str, got: str) -> bool:
    """Return whether `got` reads as `expected`.

    As doctest compares: whitespace normalised, `...` in `expected` matching any text. Failing that, numbers are
    compared as numbers (the rest of the text must read the same): `0.4621...` matches a value that reads
    0.4621 when rounded or cut to its last digit, other numbers match within a relative 1e-6 (floating-point noise).
    """
    if _CHECKER.check_output(expected.strip() + "\n", got.strip() + "\n", _FLAGS):
        return True
    want_numbers = _NUMBER.findall(expected)
    got_numbers = _NUMBER.findall(got)
    if not want_numbers or len(want_numbers) != len(got_numbers):
        return False
    if not _CHECKER.check_output(_skeleton(expected), _skeleton(got), _FLAGS):
        return False
    return all(_close(w, g) for w, g in zip(want_numbers, got_numbers, strict=True))


def _skeleton(text: str) -> str:
    # Numbers as placeholders, and no padding next to brackets and commas (NumPy pads `0.5 ]` to align columns).
    return _PADDING.sub(r"\1", _NUMBER.sub("0", text)).strip() + "\n"


def _close(want: str, got: str) -> bool:
    value = float(got.removesuffix("..."))
    if want.endswith("..."):
        shown = want.removesuffix("...")
        mantissa = re.split("[eE]", shown)[0]
        decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
        exponent = int(re.split("[eE]", shown)[1]) if re.search("[eE]", shown) else 0
        shown_value, unit = float(shown), 10.0 ** (exponent - decimals)
        if shown.startswith("-"):  # cut towards zero, or rounded
            return shown_value - unit < value <= shown_value + unit / 2
        return shown_value - unit / 2 <= value < shown_value + unit
    return math.isclose(value, float(want), rel_tol=1e-6, abs_tol=1e-12)


class Printed:
    """The submission's prints, first `limit` characters, control characters stripped."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[str] = []
        self.size = 0
        self.truncated = False

    def add(self, reply: Any) -> None:
        if not isinstance(reply, dict):
            return
        text = reply.get("stdout")
        if isinstance(text, str) and self.size < self.limit:
            text = _clean(text, self.limit - self.size)
            self.parts.append(text)
            self.size += len(text)
        self.truncated = self.truncated or reply.get("truncated") is True

    def text(self) -> str:
        note = f"\n[output cut after {self.limit // 1024} KB]" if self.truncated else ""
        return "".join(self.parts) + note


def run_examples_in(sandbox: Sandbox, spec: GradingSpec, source: str, *, stdout_kb: int = STDOUT_KB) -> ExamplesResult:
    """Run the visible examples of `spec` against `source` in a fresh job of `sandbox`; returns the result
    whatever the submission does (never raises for the candidate's code)."""
    visible = spec.exercise.visible_examples
    printed = Printed(stdout_kb << 10)
    try:
        job = sandbox.open_job(spec.limits, spec.harness_key, spec.harness_source)
    except JobEnded:
        job = sandbox.open_job(spec.limits, spec.harness_key, spec.harness_source)  # one retry on a fresh sandbox
    ended: str | None = None
    results: list[ExampleResult] = []
    try:
        reply = job.request({"op": "load", "source": source, "capture_chars": stdout_kb << 10})
        printed.add(reply)
        loaded = isinstance(reply, dict) and reply.get("op") == "loaded" and reply.get("ok") is True
        load_error = "" if loaded else _text(reply.get("error") if isinstance(reply, dict) else None)
    except JobEnded as exc:
        ended, loaded, load_error = exc.reason, False, ""
    for example in visible:
        if ended is not None or not loaded:
            reason = NOT_RUN.get(ended or "", f"not run: the submission did not import ({load_error or 'error'})")
            results.append(ExampleResult(example.name, example.call, example.expected, None, False, reason))
            continue
        try:
            results.append(_evaluate(job, example.name, example.call, example.expected, printed))
        except JobEnded as exc:
            ended = exc.reason
            results.append(
                ExampleResult(
                    example.name, example.call, example.expected, None, False, ENDED.get(ended, ENDED["crashed"])
                )
            )
    job.finish(kill=ended is not None)
    ended = ended or job.ended
    status: ExamplesStatus = "ran" if loaded else "error"
    if ended is not None:
        status = STATUS_OF_END.get(ended, "error")
    return ExamplesResult(spec.id, status, results, printed.text())


def _evaluate(job: Job, name: str, call: str, expected: str, printed: Printed) -> ExampleResult:
    reply = job.request({"op": "eval", "code": call, "repr_chars": REPR_CHARS})
    printed.add(reply)
    if not isinstance(reply, dict) or reply.get("op") != "evaluated":
        return ExampleResult(name, call, expected, None, False, "the example could not be run")
    if reply.get("ok") is True:
        got = _text(reply.get("repr"))
        return ExampleResult(name, call, expected, got, matches(expected, got), None)
    return ExampleResult(name, call, expected, None, False, _text(reply.get("error")) or "the example failed")


def _text(value: object) -> str:
    return clean(value, REPR_CHARS + 20)


def clean(value: object, limit: int) -> str:
    """Return `value` as text the candidate may see: terminal escapes and control characters removed, cut to
    `limit` characters ("" when it is not text)."""
    return _clean(value, limit) if isinstance(value, str) else ""


def _clean(text: str, limit: int) -> str:
    return clean_output(text, limit)


def clean_output(text: str, limit: int) -> str:
    """Return a program's output without terminal escape sequences and control characters (newlines and tabs
    stay), cut to `limit` characters."""
    # Whole terminal escape sequences go (not just their ESC byte), then every other control character.
    return clean_text(_ANSI.sub("", text), limit)
