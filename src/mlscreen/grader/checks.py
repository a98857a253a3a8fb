"""The hidden-test API exercise authors write against: the `check` decorator and the `Submission` proxy."""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Literal, TypeAlias

from mlscreen.grader.inside import codec
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


class Submission:
    """The candidate's module as hidden tests see it: every call runs inside the sandbox.

    Only decoded data comes back; nothing returned can run code in the supervisor.
    """

    def __init__(self, job: Job, *, loaded: bool) -> None:
        self._job = job
        self.loaded = loaded
        self.last_seconds = 0.0

    def _request(self, target: str, name: str, args: tuple[Any, ...], kwargs: dict[str, Any], keep: bool) -> Outcome:
        if not self.loaded:
            raise CandidateError("the submission did not load")
        request = {
            "op": "call",
            "target": target,
            "name": name,
            "args": codec.encode(list(args)),
            "kwargs": codec.encode(kwargs),
            "return_args": keep,
        }
        started = time.perf_counter()
        reply = self._job.request(request)
        self.last_seconds = time.perf_counter() - started
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
        return Outcome(value, back_args, back_kwargs, self.last_seconds)

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
