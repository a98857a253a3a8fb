"""The fork-server that runs inside the sandbox: pre-imports the libraries, then forks one confined child per job.

Control protocol on fd 0 (a Unix socket to the supervisor), one JSON frame per message:
  server -> {"op": "ready"} once the imports are done
  supervisor -> {"op": "job", "job": N, "harness_key": str|None, "harness": str|None, "limits": {...}}
                followed by one byte carrying the job socket (SCM_RIGHTS)
  server -> {"op": "started", "job": N} then, when the child ends, {"op": "ended", "job": N, "code": int,
                "signal": int}
  supervisor -> {"op": "kill", "job": N} ends the running child at once.
The child speaks the job protocol (see `job.py`) on the job socket only; it never sees the control socket.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import socket
import sys
import types
from typing import Any

from . import frames

PREIMPORTS = (
    "numpy",
    "pandas",
    "scipy.stats",
    "sklearn",
    "sklearn.base",
    "sklearn.pipeline",
    "sklearn.compose",
    "sklearn.model_selection",
    "sklearn.linear_model",
    "sklearn.metrics",
    "sklearn.preprocessing",
    "sklearn.impute",
    "sklearn.feature_selection",
    "sklearn.feature_extraction.text",
    "sklearn.tree",
    "sklearn.ensemble",
    "sklearn.neighbors",
    "sklearn.decomposition",
    "sklearn.dummy",
    "pyseccomp",
)
CONTROL_MAX_BYTES = 4 << 20


def _preimport() -> None:
    import importlib

    for name in PREIMPORTS:
        importlib.import_module(name)
    from . import codec, confine, job  # noqa: F401  (warm the job code too)


def _load_harness(key: str, source: str) -> types.ModuleType:
    module = types.ModuleType(f"exercise_support_{key[:12]}")
    module.__file__ = "harness.py"
    exec(compile(source, "harness.py", "exec"), module.__dict__)
    return module


def _run_child(job_fd: int, control: socket.socket, limits: dict[str, Any], harness: types.ModuleType | None) -> None:
    from . import job

    server_pid = os.getppid()
    try:
        control.close()
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        os.close(devnull)
        os.setpgid(0, 0)
        job.run(job_fd, limits, harness, server_pid)
    finally:
        os._exit(0)


def _wait_child(control: socket.socket, job_id: int, pid: int) -> None:
    pidfd = os.pidfd_open(pid)
    try:
        while True:
            ready, _, _ = select.select([control.fileno(), pidfd], [], [])
            if pidfd in ready:
                break
            message = frames.recv(control, CONTROL_MAX_BYTES)
            if message.get("op") == "kill":
                _kill(pid)
    finally:
        os.close(pidfd)
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    frames.send(control, {"op": "ended", "job": job_id, "code": max(code, 0), "signal": max(-code, 0)})


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def main() -> None:
    """Serve jobs until the supervisor closes the control socket."""
    from . import confine

    confine.set_undumpable()
    control = socket.socket(fileno=0)
    _preimport()
    harnesses: dict[str, types.ModuleType] = {}
    frames.send(control, {"op": "ready", "pid": os.getpid()})
    while True:
        try:
            message = frames.recv(control, CONTROL_MAX_BYTES)
        except frames.FrameError:
            return
        if message.get("op") != "job":
            continue
        _, fds, _, _ = socket.recv_fds(control, 1, 1)
        if len(fds) != 1:
            return
        key = message.get("harness_key")
        if key and key not in harnesses:
            harnesses[key] = _load_harness(key, message["harness"])
        job_id = int(message["job"])
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            _run_child(fds[0], control, message["limits"], harnesses.get(key) if key else None)
        os.close(fds[0])
        frames.send(control, {"op": "started", "job": job_id})
        _wait_child(control, job_id, pid)


if __name__ == "__main__":
    main()
