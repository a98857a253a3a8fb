"""The fork-server that runs inside the sandbox: pre-imports the libraries, then runs each job in a fresh child.

Each child is forked in advance (a "spare"), before its job is known: it warms up and builds its seccomp filter,
then waits. Only when it receives its job does it apply the job's limits and seccomp and read the submission.
A spare serves exactly one job and then exits; the server itself never runs submitted code.

Control protocol on fd 0 (a Unix socket to the supervisor), one JSON frame per message:
  server -> {"op": "ready"} once the imports are done
  supervisor -> {"op": "job", "job": N, "harness_key": str|None, "harness": str|None, "limits": {...}}
                followed by one byte carrying the job socket (SCM_RIGHTS)
  server -> {"op": "started", "job": N} then, when the child ends, {"op": "ended", "job": N, "code": int,
                "signal": int}
  supervisor -> {"op": "kill", "job": N} ends the running child at once.
The child speaks the job protocol (see `job.py`) on the job socket only; it never sees the control socket.
The job message and the job socket reach the spare over its own socketpair, which it closes before confining.
"""

from __future__ import annotations

import contextlib
import os
import resource
import select
import signal
import socket
import sys
import types
from dataclasses import dataclass
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
)
# What the server itself needs, whatever the exercise: the codec and warm-up use both libraries.
ALWAYS = ("numpy", "pandas", "pyseccomp")
CONTROL_MAX_BYTES = 4 << 20


def _preimport(names: tuple[str, ...]) -> None:
    import gc
    import importlib

    for name in ALWAYS:
        importlib.import_module(name)
    for name in names:
        with contextlib.suppress(ImportError):  # a job that needs it imports it (slower), the server still runs
            importlib.import_module(name)
    from . import codec, confine, job, warmup  # noqa: F401  (warm the job code too)

    warmup.exercise()
    # Objects that exist now are never collected again: a child's garbage collections then do not write to every
    # inherited object, which would copy most of the parent's memory on the first collection of each job.
    gc.collect()
    gc.freeze()


def _load_harness(key: str, source: str) -> types.ModuleType:
    module = types.ModuleType(f"exercise_support_{key[:12]}")
    module.__file__ = "harness.py"
    exec(compile(source, "harness.py", "exec"), module.__dict__)
    return module


@dataclass
class Spare:
    """A child forked in advance: not yet confined, waiting on `channel` for the one job it will run."""

    pid: int
    pidfd: int
    channel: socket.socket


def _fork_spare(control: socket.socket, harnesses: dict[str, types.ModuleType]) -> Spare:
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:
        try:
            ours.close()
            _spare_main(theirs, control, harnesses)
        finally:
            os._exit(0)
    theirs.close()
    return Spare(pid, os.pidfd_open(pid), ours)


def _spare_main(channel: socket.socket, control: socket.socket, harnesses: dict[str, types.ModuleType]) -> None:
    """In the spare child: detach from the server, warm up, wait for one job, then confine itself and run it."""
    from . import confine, job, warmup

    control.close()
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)
    keep = channel.fileno()
    # Every other descriptor of the server (pidfds, other children's channels) is closed before any job runs.
    os.closerange(3, keep)
    os.closerange(keep + 1, resource.getrlimit(resource.RLIMIT_NOFILE)[0])
    os.setpgid(0, 0)
    warmup.exercise()
    prepared = confine.build_seccomp(own_pid=os.getpid())
    try:
        message = frames.recv(channel, CONTROL_MAX_BYTES)
        _, fds, _, _ = socket.recv_fds(channel, 1, 1)
    except OSError:
        return  # the server is gone or discarded this spare
    channel.close()
    if message.get("op") != "job" or len(fds) != 1:
        return
    key = message.get("harness_key")
    harness = None
    if key:
        harness = harnesses.get(key) or _load_harness(key, str(message["harness"]))
    job.run(fds[0], message["limits"], harness, prepared_filter=prepared)


def _exited(spare: Spare) -> bool:
    ready, _, _ = select.select([spare.pidfd], [], [], 0)
    return bool(ready)


def _discard(spare: Spare) -> None:
    spare.channel.close()
    _kill(spare.pid)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(spare.pid, 0)
    os.close(spare.pidfd)


def _dispatch(
    spare: Spare, message: dict[str, Any], job_fd: int, control: socket.socket, harnesses: dict[str, types.ModuleType]
) -> Spare | None:
    """Hand the job to `spare` (or to a freshly forked child if it died); return the child now running it."""
    for _ in range(2):
        if _exited(spare):
            _discard(spare)
            spare = _fork_spare(control, harnesses)
        try:
            frames.send(spare.channel, message)
            socket.send_fds(spare.channel, [b"J"], [job_fd])
        except OSError:
            _discard(spare)
            spare = _fork_spare(control, harnesses)
            continue
        spare.channel.close()
        return spare
    _discard(spare)
    return None


def _wait_child(control: socket.socket, job_id: int, child: Spare) -> None:
    try:
        while True:
            ready, _, _ = select.select([control.fileno(), child.pidfd], [], [])
            if child.pidfd in ready:
                break
            message = frames.recv(control, CONTROL_MAX_BYTES)
            if message.get("op") == "kill":
                _kill(child.pid)
    finally:
        os.close(child.pidfd)
    _, status = os.waitpid(child.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    frames.send(control, {"op": "ended", "job": job_id, "code": max(code, 0), "signal": max(-code, 0)})


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def main(preimports: tuple[str, ...] = PREIMPORTS) -> None:
    """Import `preimports`, then serve jobs until the supervisor closes the control socket."""
    from . import confine

    confine.set_undumpable()
    control = socket.socket(fileno=0)
    _preimport(tuple(preimports))
    harnesses: dict[str, types.ModuleType] = {}
    spare = _fork_spare(control, harnesses)
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
        child = _dispatch(spare, message, fds[0], control, harnesses)
        os.close(fds[0])
        if child is None:
            return
        frames.send(control, {"op": "started", "job": job_id})
        # The next job's child is forked and warmed up while this job runs, off the next job's critical path.
        spare = _fork_spare(control, harnesses)
        _wait_child(control, job_id, child)


if __name__ == "__main__":
    main()
