"""The hidden-test API exercise authors write against: the `check` decorator and the `Submission` proxy."""

from __future__ import annotations

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


class CandidateError(Exception):
    """A call into the submission raised, was missing, or returned something that cannot cross the boundary."""


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
            raise CandidateError(f"{name} failed")
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
