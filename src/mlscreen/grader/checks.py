"""The hidden-test API exercise authors write against: the `check` decorator and the `Submission` proxy."""

from __future__ import annotations

import builtins
import importlib.util
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Literal, TypeAlias

from mlscreen.grader.inside import codec
from mlscreen.grader.inside.job import MAX_BATCH
from mlscreen.grader.sandbox import Job

Kind: TypeAlias = Literal["core", "edge", "property", "behaviour", "ml"]
KINDS: tuple[Kind, ...] = ("core", "edge", "property", "behaviour", "ml")
CheckFunction: TypeAlias = Callable[["Submission"], object]


@dataclass(frozen=True)
class Check:
    """One hidden test: its id, kind, the message a failing candidate sees, and the function that runs it."""

    id: str
    kind: Kind
    message: str
    function: CheckFunction


def check(*, id: str, kind: Kind, message: str) -> Callable[[CheckFunction], CheckFunction]:
    """Mark a function of an exercise's `tests.py` as a hidden test; returns the function unchanged.

    Raises `ValueError` on an unknown kind or an empty message.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown check kind {kind!r}; use one of {', '.join(KINDS)}")
    if not message.strip():
        raise ValueError("a check needs the message a failing candidate sees")

    def mark(function: CheckFunction) -> CheckFunction:
        function.__mlscreen_check__ = Check(id, kind, message, function)  # type: ignore[attr-defined]
        return function

    return mark


def collect(module: ModuleType) -> list[Check]:
    """Return the checks a tests module defines, in the order they are written."""
    found = [getattr(v, "__mlscreen_check__", None) for v in vars(module).values()]
    checks = [c for c in found if isinstance(c, Check)]
    ids = [c.id for c in checks]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"check ids must be unique; repeated: {', '.join(duplicates)}")
    return checks


def load_sibling(anchor: str, name: str) -> ModuleType:
    """Import the file `name` that sits beside `anchor` (pass `__file__`), e.g. an exercise's `harness.py`.

    Raises `ImportError` if it cannot be loaded.
    """
    path = Path(anchor).parent / name
    module_name = f"mlscreen_exercise_{abs(hash(str(path)))}_{path.stem}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Only these names are believed when the sandbox reports what a call raised: nothing else the submission controls.
BUILTIN_EXCEPTIONS = frozenset(
    name for name, value in vars(builtins).items() if isinstance(value, type) and issubclass(value, BaseException)
)


class CandidateError(Exception):
    """A call into the submission raised, was missing, or returned something that cannot cross the boundary.

    `raised` holds the names of the built-in exception classes the submission's exception is an instance of
    (e.g. {"ValueError", "Exception", "BaseException"} for a ValueError or a subclass of it); empty otherwise.
    """

    def __init__(self, message: str, *, raised: frozenset[str] = frozenset()) -> None:
        super().__init__(message)
        self.raised = raised


def best_time(function: Callable[[], object], *, repeats: int = 3) -> float:
    """Return the best of `repeats` wall-clock times of `function()`, a trusted computation run in the supervisor.

    A check can compare the submission's time with it (a ratio to a baseline measured now, on this machine)
    instead of with a fixed number of seconds.
    """
    best = float("inf")
    for _ in range(max(1, repeats)):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


@dataclass(frozen=True)
class Growth:
    """How a call's time grew with its input: the best CPU times of the small and the large call (seconds the
    sandbox's processes ran, so waiting for a CPU on a busy machine does not count), and their last values."""

    small_seconds: float
    large_seconds: float
    small_value: Any
    large_value: Any

    @property
    def ratio(self) -> float:
        """Return large time / small time (the small time floored at a microsecond)."""
        return self.large_seconds / max(self.small_seconds, 1e-6)


@dataclass
class Outcome:
    """What one call returned, and the arguments as the submission left them."""

    value: Any
    args: list[Any]
    kwargs: dict[str, Any]
    seconds: float


@dataclass(frozen=True)
class Call:
    """One call of a batch: `name(*args, **kwargs)` in the submission (or the harness, with `harness=True`).

    With `full=True` the batch returns an `Outcome` for it (as `call_full` does), otherwise just the value.
    """

    name: str
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    full: bool = False
    harness: bool = False


class Submission:
    """The candidate's module as hidden tests see it: every call runs inside the sandbox.

    Only decoded data comes back; nothing returned can run code in the supervisor.
    """

    def __init__(self, job: Job, *, loaded: bool) -> None:
        self._job = job
        self.loaded = loaded
        self.last_seconds = 0.0

    @staticmethod
    def _message(target: str, name: str, args: tuple[Any, ...], kwargs: dict[str, Any], keep: bool) -> dict[str, Any]:
        return {
            "op": "call",
            "target": target,
            "name": name,
            "args": codec.encode(list(args)),
            "kwargs": codec.encode(kwargs),
            "return_args": keep,
        }

    @staticmethod
    def _outcome(name: str, reply: Any, keep: bool, seconds: float) -> Outcome:
        if not isinstance(reply, dict) or reply.get("op") != "result" or reply.get("ok") is not True:
            reported = reply.get("raised") if isinstance(reply, dict) else None
            names = [n for n in reported if isinstance(n, str)] if isinstance(reported, list) else []
            raise CandidateError(f"{name} failed", raised=frozenset(names) & BUILTIN_EXCEPTIONS)
        try:
            value = codec.decode(reply.get("value"))
            back_args = codec.decode(reply.get("args", [])) if keep else []
            back_kwargs = codec.decode(reply.get("kwargs", {})) if keep else {}
        except (codec.CodecError, RecursionError):
            raise CandidateError(f"{name} returned a malformed value") from None
        if not isinstance(back_args, list) or not isinstance(back_kwargs, dict):
            raise CandidateError(f"{name} returned a malformed value")
        return Outcome(value, back_args, back_kwargs, seconds)

    def _request(self, target: str, name: str, args: tuple[Any, ...], kwargs: dict[str, Any], keep: bool) -> Outcome:
        if not self.loaded:
            raise CandidateError("the submission did not load")
        request = self._message(target, name, args, kwargs, keep)
        started = time.perf_counter()
        reply = self._job.request(request)
        self.last_seconds = time.perf_counter() - started
        return self._outcome(name, reply, keep, self.last_seconds)

    def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """Call the submission's function `name` and return its result; raises `CandidateError` if it fails."""
        return self._request("submission", name, args, kwargs, False).value

    def call_full(self, name: str, *args: Any, **kwargs: Any) -> Outcome:
        """Like `call`, but also return the arguments as the function left them and the round-trip time."""
        return self._request("submission", name, args, kwargs, True)

    def raises(self, name: str, *args: Any, **kwargs: Any) -> frozenset[str]:
        """Call the submission's `name` expecting it to raise; return the names of the built-in exception classes
        the exception is an instance of (check with `"ValueError" in sub.raises(...)`), empty if it returned.

        A missing or private function raises `CandidateError`, as in `call`.
        """
        try:
            self._request("submission", name, args, kwargs, False)
        except CandidateError as exc:
            if not exc.raised:
                raise
            return exc.raised
        return frozenset()

    def growth(self, small: Call, large: Call, *, repeats: int = 3) -> Growth:
        """Time `small` and `large` (the same work on n and on, say, 4n items) alternately `repeats` times, each
        alone in its round trip, and return the best CPU time of each with their last values. The CPU time is
        the kernel's count for the sandbox's processes, measured from outside: the submission cannot forge it.

        The verdict should compare `Growth.ratio` with what the wanted complexity gives (about 4 for O(n log n)
        at 4n, 16 for O(n^2)): a ratio measured in one job hardly depends on how fast or busy the machine is.
        Raises `CandidateError` like `call`.
        """
        best = [float("inf"), float("inf")]
        values: list[Any] = [None, None]
        for _ in range(max(1, repeats)):
            for slot, c in enumerate((small, large)):
                target = "harness" if c.harness else "submission"
                before = self._job.sandbox.cpu_seconds()
                outcome = self._request(target, c.name, c.args, c.kwargs, False)
                best[slot] = min(best[slot], self._job.sandbox.cpu_seconds() - before)
                values[slot] = outcome.value
        return Growth(best[0], best[1], values[0], values[1])

    def harness(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """Call `name(submission_module, *args)` from the exercise's sandbox-side `harness.py`; returns its result.

        Raises `CandidateError` if it fails. Anything returned may have been forged by the submission, which
        shares the process: verify it in the test.
        """
        return self._request("harness", name, args, kwargs, False).value

    def batch(self, calls: Sequence[Call]) -> list[Any]:
        """Run `calls` in order in one round trip; return, per call, its value (an `Outcome` if `full`).

        Every call runs even if an earlier one fails; then `CandidateError` names the first that failed.
        An `Outcome`'s `seconds` is the time of the whole batch: time a call on its own with `call_full`.
        """
        if not self.loaded:
            raise CandidateError("the submission did not load")
        if not calls:
            return []
        if len(calls) > MAX_BATCH:
            raise ValueError(f"a batch holds at most {MAX_BATCH} calls")
        messages = []
        for c in calls:
            message = self._message("harness" if c.harness else "submission", c.name, c.args, c.kwargs, c.full)
            del message["op"]
            messages.append(message)
        started = time.perf_counter()
        reply = self._job.request({"op": "batch", "calls": messages})
        self.last_seconds = time.perf_counter() - started
        results = reply.get("results") if isinstance(reply, dict) and reply.get("op") == "results" else None
        if not isinstance(results, list) or len(results) != len(calls):
            raise CandidateError(f"{calls[0].name} failed")
        outcomes = [self._outcome(c.name, r, c.full, self.last_seconds) for c, r in zip(calls, results, strict=True)]
        return [o if c.full else o.value for c, o in zip(calls, outcomes, strict=True)]
