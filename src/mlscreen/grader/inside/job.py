"""One job in a confined child: load the submission, then answer calls from the supervisor until told to stop.

Job protocol on the job socket, one JSON frame per message:
  supervisor -> {"op": "load", "source": str}
  child      -> {"op": "loaded", "ok": bool}
  supervisor -> {"op": "call", "target": "submission"|"harness", "name": str, "args": [...], "kwargs": {...},
                 "return_args": bool}
  child      -> {"op": "result", "ok": true, "value": ..., "args": [...]?} or {"op": "result", "ok": false}
  supervisor -> {"op": "batch", "calls": [call, ...]}  (each call as above, without "op"; at most MAX_BATCH)
  child      -> {"op": "results", "ok": true, "results": [result, ...]}  (one reply, under one size cap)
  supervisor -> {"op": "stop"}
Values are tagged JSON (`codec.py`). A failing call reports no exception text: the supervisor shows candidates
only the author's messages, and nothing the submission controls.
"""

from __future__ import annotations

import os
import socket
import sys
import types
from typing import Any

from . import codec, confine, frames

REQUEST_MAX_BYTES = 64 << 20
MAX_BATCH = 1000


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
    value = function(*args, **kwargs)
    reply = {"op": "result", "ok": True, "value": codec.encode(value)}
    if request.get("return_args"):
        start = 1 if target is modules.get("harness") else 0
        reply["args"] = codec.encode(list(args[start:]))
        reply["kwargs"] = codec.encode(kwargs)
    return reply


def _guarded_call(modules: dict[str, types.ModuleType], request: dict[str, Any], max_bytes: int) -> dict[str, Any]:
    try:
        return _call(modules, request, max_bytes)
    except BaseException:  # the submission may raise anything; the supervisor learns only that it failed
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
    while True:
        try:
            request = frames.recv(sock, REQUEST_MAX_BYTES)
        except frames.FrameError:
            return
        op = request.get("op")
        if op == "stop":
            return
        if op == "load":
            module = types.ModuleType("submission")
            module.__file__ = "submission.py"
            sys.modules["submission"] = module
            try:
                exec(compile(str(request["source"]), "submission.py", "exec"), module.__dict__)
                modules["submission"] = module
                reply: dict[str, Any] = {"op": "loaded", "ok": True}
            except BaseException:  # the submission may raise anything, SystemExit included
                reply = {"op": "loaded", "ok": False}
        elif op == "call":
            reply = _guarded_call(modules, request, max_bytes)
        elif op == "batch":
            calls = request.get("calls")
            if not isinstance(calls, list) or len(calls) > MAX_BATCH:
                return
            results = [_guarded_call(modules, c, max_bytes) if isinstance(c, dict) else None for c in calls]
            reply = {"op": "results", "ok": True, "results": results}
        else:
            return
        try:
            frames.send(sock, _capped(reply, max_bytes))
        except frames.FrameError:
            return


def _capped(reply: dict[str, Any], max_bytes: int) -> dict[str, Any]:
    import json

    try:
        size = len(json.dumps(reply, separators=(",", ":")))
    except (TypeError, ValueError, RecursionError):
        return {"op": reply["op"], "ok": False}
    if size > max_bytes:
        return {"op": reply["op"], "ok": False, "too_large": True}
    return reply
