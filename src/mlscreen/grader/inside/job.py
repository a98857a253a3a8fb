"""One job in a confined child: load the submission, then answer calls from the supervisor until told to stop.

Job protocol on the job socket, one JSON frame per message:
  supervisor -> {"op": "load", "source": str}
  child      -> {"op": "loaded", "ok": bool}
  supervisor -> {"op": "call", "target": "submission"|"harness", "name": str, "args": [...], "kwargs": {...},
                 "return_args": bool}
  child      -> {"op": "result", "ok": true, "value": ..., "args": [...]?} or
                {"op": "result", "ok": false, "raised": [names of the built-in exception classes it is an instance of]}
  supervisor -> {"op": "batch", "calls": [call, ...]}  (each call as above, without "op"; at most MAX_BATCH)
  child      -> {"op": "results", "ok": true, "results": [result, ...]}  (one reply, under one size cap)
  supervisor -> {"op": "stop"}
Values are tagged JSON (`codec.py`). A failing call reports no exception text, only which built-in exception
classes it derives from (so a test can tell ValueError from AssertionError); the supervisor keeps only names of
its own built-in exceptions and shows candidates only the author's messages, nothing the submission controls.

Visible examples (advisory feedback for the candidate, never a verdict) use an examples job instead:
  supervisor -> {"op": "load", "source": str, "capture_chars": int}
  child      -> {"op": "loaded", "ok": bool, "error": str|None, "stdout": str, "truncated": bool}
  supervisor -> {"op": "eval", "code": str, "repr_chars": int}
  child      -> {"op": "evaluated", "ok": bool, "repr": str?, "error": str?, "stdout": str, "truncated": bool}
  supervisor -> {"op": "apply", "name": str, "args": [...], "kwargs": {...}, "repr_chars": int}  (plain JSON values)
  child      -> {"op": "evaluated", ...}  (as for "eval": the candidate's own input to one of their functions)
There the submission's prints (stdout and stderr) are kept up to `capture_chars` characters and each reply
carries what was printed since the last one; an exception is reported as its type and message only.
Every reply is serialised once and checked against the output cap before it is sent; in a batch each call's
result is checked as soon as it is made, so oversized results are never held together in memory.
"""

from __future__ import annotations

import os
import socket
import sys
import types
from typing import Any

from . import codec, confine, examples, frames

REQUEST_MAX_BYTES = 64 << 20
MAX_BATCH = 1000
FAILED = '{"op":"result","ok":false}'
TOO_LARGE = '{"op":"result","ok":false,"too_large":true}'


def _confine(limits: dict[str, Any], prepared_filter: Any) -> None:
    confine.set_undumpable()
    confine.set_limits(
        memory_bytes=int(limits["memory_mb"]) << 20,
        cpu_seconds=int(limits["cpu_seconds"]),
        file_bytes=int(limits["file_kb"]) << 10,
        open_files=int(limits["open_files"]),
        processes=int(limits["processes"]),
    )
    confine.load_seccomp(own_pid=os.getpid(), prepared=prepared_filter)


def _call(modules: dict[str, types.ModuleType], request: dict[str, Any], max_bytes: int) -> dict[str, Any]:
    target = modules.get(str(request.get("target")))
    name = str(request.get("name"))
    args = codec.decode(request.get("args", []))
    kwargs = codec.decode(request.get("kwargs", {}))
    if target is None or name.startswith("_"):
        return {"op": "result", "ok": False, "missing": True}
    function = getattr(target, name, None)
    if not callable(function):
        return {"op": "result", "ok": False, "missing": True}
    if target is modules.get("harness"):
        args = [modules["submission"], *args]
    try:
        value = function(*args, **kwargs)
    except BaseException as exc:  # the submission may raise anything; the supervisor learns only its built-in kind
        return {"op": "result", "ok": False, "raised": _builtin_bases(exc)}
    # A value that cannot be encoded is a plain failure, never reported as something the call raised.
    reply = {"op": "result", "ok": True, "value": codec.encode(value)}
    if request.get("return_args"):
        start = 1 if target is modules.get("harness") else 0
        reply["args"] = codec.encode(list(args[start:]))
        reply["kwargs"] = codec.encode(kwargs)
    return reply


def _builtin_bases(exc: BaseException) -> list[str]:
    try:
        return [str(c.__name__) for c in type(exc).__mro__ if c.__module__ == "builtins"][:32]
    except BaseException:  # a hostile class may break attribute access; then no type is reported
        return []


def _guarded_call(modules: dict[str, types.ModuleType], request: dict[str, Any], max_bytes: int) -> dict[str, Any]:
    try:
        return _call(modules, request, max_bytes)
    except BaseException:  # decoding the request or encoding the value failed, or the submission's value did
        return {"op": "result", "ok": False}


def run(job_fd: int, limits: dict[str, Any], harness: types.ModuleType | None, *, prepared_filter: Any = None) -> None:
    """Confine this process, then serve the job on `job_fd` until the supervisor stops it or the socket closes.

    `prepared_filter` is the seccomp filter built in advance by `confine.build_seccomp` for this process.
    """
    sock = socket.socket(fileno=job_fd)
    _confine(limits, prepared_filter)
    max_bytes = int(limits["output_kb"]) << 10
    modules: dict[str, types.ModuleType] = {}
    if harness is not None:
        modules["harness"] = harness
        sys.modules["exercise_support"] = harness
    capture: examples.Capture | None = None
    while True:
        try:
            request = frames.recv(sock, REQUEST_MAX_BYTES)
        except frames.FrameError:
            return
        op = request.get("op")
        if op == "stop":
            return
        if op == "load":
            if "capture_chars" in request:
                capture = examples.Capture(int(request["capture_chars"]))
                sys.stdout = sys.stderr = capture  # type: ignore[assignment,unused-ignore]
            reply = _load(modules, str(request["source"]), capture)
        elif op in ("eval", "apply") and capture is not None and "submission" in modules:
            reply = _evaluated(op, request, modules["submission"], capture)
        elif op == "call":
            reply = _guarded_call(modules, request, max_bytes)
        elif op == "batch":
            calls = request.get("calls")
            if not isinstance(calls, list) or len(calls) > MAX_BATCH:
                return
            body = _batch_body(modules, calls, max_bytes)
            try:
                frames.send_text(sock, body)
            except frames.FrameError:
                return
            continue
        else:
            return
        try:
            frames.send_text(sock, _body(reply, max_bytes))
        except frames.FrameError:
            return


def _load(modules: dict[str, types.ModuleType], source: str, capture: examples.Capture | None) -> dict[str, Any]:
    module = types.ModuleType("submission")
    module.__file__ = "submission.py"
    sys.modules["submission"] = module
    try:
        exec(compile(source, "submission.py", "exec"), module.__dict__)
        modules["submission"] = module
        reply: dict[str, Any] = {"op": "loaded", "ok": True}
    except BaseException as exc:  # the submission may raise anything, SystemExit included
        reply = {"op": "loaded", "ok": False}
        if capture is not None:
            reply["error"] = examples.describe(exc)[:2000]
    if capture is not None:
        reply.update(_printed(capture))
    return reply


def _evaluated(
    op: str, request: dict[str, Any], submission: types.ModuleType, capture: examples.Capture
) -> dict[str, Any]:
    """Answer an examples job's "eval" (an example's call text) or "apply" (the candidate's own input)."""
    chars = int(request["repr_chars"])
    if op == "eval":
        names = examples.namespace(submission)  # each example starts from the module's own names
        found = examples.evaluate(str(request["code"]), names, chars)
    else:
        found = examples.apply(submission, str(request.get("name")), request.get("args"), request.get("kwargs"), chars)
    return {"op": "evaluated", **found, **_printed(capture)}


def _printed(capture: examples.Capture) -> dict[str, Any]:
    return {"stdout": capture.take(), "truncated": capture.truncated}


def _dump(reply: Any) -> str | None:
    """Return the JSON text of `reply`, or None when it cannot be serialised (memory included)."""
    import json

    try:
        return json.dumps(reply, separators=(",", ":"))
    except (TypeError, ValueError, RecursionError, MemoryError):
        return None


def _body(reply: dict[str, Any], max_bytes: int) -> str:
    text = _dump(reply)
    if text is None:
        return _dump({"op": reply["op"], "ok": False}) or FAILED
    if len(text) > max_bytes:  # ASCII (json.dumps escapes the rest), so characters are bytes
        return _dump({"op": reply["op"], "ok": False, "too_large": True}) or FAILED
    return text


def _batch_body(modules: dict[str, types.ModuleType], calls: list[Any], max_bytes: int) -> str:
    """Run `calls` and return the reply's JSON text; each result is sized as soon as it exists, so results past
    the output cap are dropped one by one instead of piling up in memory."""
    head, tail = '{"op":"results","ok":true,"results":[', "]}"
    parts: list[str] = []
    total = len(head) + len(tail)
    for c in calls:
        result = _guarded_call(modules, c, max_bytes) if isinstance(c, dict) else None
        text = _dump(result) or FAILED
        del result
        if total + len(text) + 1 > max_bytes:
            text = TOO_LARGE
        parts.append(text)
        total += len(text) + 1  # and a comma
    return head + ",".join(parts) + tail
