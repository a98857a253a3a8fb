"""The candidate's own input: call one of the exercise's functions with arguments the candidate typed, in the
sandbox, and show what it returned and printed.

The arguments are Python literals (numbers, strings, lists, dicts, True/False/None) written as in a call,
`[3, 1, 2], reverse=True`. They are parsed here, outside the sandbox, by `ast.literal_eval` on each argument's
node (never `eval`: nothing the candidate typed runs in the supervisor), and enter the sandbox as JSON (so a tuple
arrives as a list). Like the visible examples the result is advisory feedback, never part of a verdict, and the
same job runs it: the submission loaded with its prints captured, then one call.
"""

from __future__ import annotations

import ast
import json
import math
from dataclasses import dataclass
from typing import Any

from mlscreen.errors import UsageError
from mlscreen.grader.examples import NOT_RUN, REPR_CHARS, STATUS_OF_END, ExamplesStatus, Printed, clean
from mlscreen.grader.exercise import GradingSpec
from mlscreen.grader.sandbox import JobEnded, Sandbox

MAX_ARGUMENT_CHARS = 4000
MAX_JSON_BYTES = 64 * 1024


@dataclass(frozen=True)
class CallResult:
    """One call of the candidate's function with their own input: the value's text or the error, and the prints."""

    exercise: str
    status: ExamplesStatus
    call: str
    got: str | None
    error: str | None
    stdout: str

    def to_json(self) -> dict[str, Any]:
        """Return the result as JSON."""
        return {
            "exercise": self.exercise,
            "status": self.status,
            "call": self.call,
            "got": self.got,
            "error": self.error,
            "stdout": self.stdout,
        }


def _jsonable(value: Any, where: str) -> Any:
    if isinstance(value, tuple | list):
        return [_jsonable(v, where) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise UsageError(f"{where}: dictionary keys must be strings", hint='write {"a": 1}, not {1: "a"}')
        return {k: _jsonable(v, where) for k, v in value.items()}
    if isinstance(value, bool | int | float | str) or value is None:
        if isinstance(value, float) and not math.isfinite(value):
            raise UsageError(f"{where}: NaN and infinity cannot be passed", hint="use an ordinary number")
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**18:
            raise UsageError(f"{where}: the number is too large", hint="use a number below 10**18")
        return value
    kind = type(value).__name__
    raise UsageError(f"{where}: a {kind} cannot be passed", hint="use numbers, strings, lists, dicts, True/False/None")


def parse_arguments(text: str) -> tuple[list[Any], dict[str, Any]]:
    """Return (positional, keyword) arguments from `text`, written as inside a call's parentheses.

    Only literals are accepted (ast.literal_eval); raises `UsageError` saying what is wrong otherwise.
    """
    if len(text) > MAX_ARGUMENT_CHARS:
        raise UsageError(f"the arguments are longer than {MAX_ARGUMENT_CHARS} characters", hint="use smaller inputs")
    try:
        tree = ast.parse(f"f({text}\n)", "<your input>", "eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        raise UsageError(
            "the arguments could not be read", hint="write them as in a call, e.g. [1, 2, 3], k=2"
        ) from None
    call = tree.body
    if not isinstance(call, ast.Call) or any(isinstance(a, ast.Starred) for a in call.args):
        raise UsageError("the arguments could not be read", hint="write them as in a call, e.g. [1, 2, 3], k=2")
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    try:
        for n, node in enumerate(call.args, start=1):
            args.append(_jsonable(ast.literal_eval(node), f"argument {n}"))
        for keyword in call.keywords:
            if keyword.arg is None:
                raise UsageError("**mappings cannot be passed", hint="name each keyword argument: k=2")
            kwargs[keyword.arg] = _jsonable(ast.literal_eval(keyword.value), f"argument {keyword.arg}")
    except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
        raise UsageError(
            "only literal values can be passed (numbers, strings, lists, dicts, True, False, None)",
            hint="write the values themselves, not names or expressions that compute them",
        ) from None
    if len(json.dumps([args, kwargs])) > MAX_JSON_BYTES:
        raise UsageError("the arguments are too large", hint="use smaller inputs")
    return args, kwargs


def call_text(function: str, args: list[Any], kwargs: dict[str, Any]) -> str:
    """Return the call as the candidate reads it: `f([1, 2], k=3)`."""
    parts = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
    return f"{function}({', '.join(parts)})"


def check_function(spec: GradingSpec, function: str) -> str:
    """Return `function` when it is one of the exercise's entry points; raises `UsageError`."""
    names = list(spec.exercise.entrypoints)
    if function not in names:
        raise UsageError(
            f"{function[:40]!r} is not a function of this exercise", hint=f"use one of: {', '.join(names)}"
        )
    return function


def run_call_in(
    sandbox: Sandbox,
    spec: GradingSpec,
    source: str,
    *,
    function: str,
    args: list[Any],
    kwargs: dict[str, Any],
    stdout_kb: int,
) -> CallResult:
    """Call `function(*args, **kwargs)` of the submission `source` in a fresh job of `sandbox`; returns the result
    whatever the submission does (never raises for the candidate's code)."""
    shown = call_text(function, args, kwargs)
    printed = Printed(stdout_kb << 10)
    try:
        job = sandbox.open_job(spec.limits, spec.harness_key, spec.harness_source)
    except JobEnded:
        job = sandbox.open_job(spec.limits, spec.harness_key, spec.harness_source)  # one retry on a fresh sandbox
    got: str | None = None
    error: str | None = None
    loaded = False
    try:
        reply = job.request({"op": "load", "source": source, "capture_chars": stdout_kb << 10})
        printed.add(reply)
        loaded = isinstance(reply, dict) and reply.get("op") == "loaded" and reply.get("ok") is True
        if not loaded:
            detail = clean(reply.get("error"), REPR_CHARS) if isinstance(reply, dict) else ""
            error = f"not run: the submission did not import ({detail or 'error'})"
        else:
            reply = job.request(
                {"op": "apply", "name": function, "args": args, "kwargs": kwargs, "repr_chars": REPR_CHARS}
            )
            printed.add(reply)
            if isinstance(reply, dict) and reply.get("ok") is True:
                got = clean(reply.get("repr"), REPR_CHARS)
            else:
                error = (clean(reply.get("error"), REPR_CHARS) if isinstance(reply, dict) else "") or "the call failed"
    except JobEnded as exc:
        error = NOT_RUN.get(exc.reason, NOT_RUN["crashed"]).replace("not run: ", "stopped: ")
    ended = job.ended
    job.finish(kill=ended is not None)
    status: ExamplesStatus = "ran" if loaded else "error"
    if ended is not None:
        status = STATUS_OF_END.get(ended, "error")
    return CallResult(spec.id, status, shown, got, error, printed.text())
