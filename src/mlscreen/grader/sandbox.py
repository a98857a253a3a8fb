"""The sandbox: a bubblewrap container running the warm fork-server, and the channel to one job inside it."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from mlscreen.errors import SandboxUnavailableError
from mlscreen.grader.inside import frames
from mlscreen.grader.inside.server import PREIMPORTS

INSIDE = Path(__file__).parent / "inside"
RUNNER_MOUNT = "/runner"
BOOT = "import sys; sys.path.insert(0, {root!r}); from inside.server import main; main({preimports!r})"
# Started by root, bubblewrap would map the sandbox's uid to host root (it maps the caller's uid), so an escape
# from the namespaces would land as root. A root grader therefore starts bubblewrap without a user namespace and
# the fork-server's first act is to become this unprivileged host user, before any other code runs.
HOST_UID = 65534
# Candidates' code runs at a lower CPU priority than the server that hosts it: on a machine with few cores, a
# candidate's busy loop then slows other gradings, never the pages and autosaves of everyone else.
NICENESS = 10
HOST_GID = 65534
DROP = "import os; os.setgroups([]); os.setresgid({gid}, {gid}, {gid}); os.setresuid({uid}, {uid}, {uid}); "
CONTROL_MAX_BYTES = 1 << 16
INSTALL_HINT = "install bubblewrap (Debian/Ubuntu: `apt-get install bubblewrap`), then grade again"
JOB_ENV = {
    "PATH": "/usr/bin:/bin",
    "HOME": "/tmp",
    "LANG": "C.UTF-8",
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
    "LOKY_MAX_CPU_COUNT": "1",
    "JOBLIB_MULTIPROCESSING": "0",
    "PYTHONHASHSEED": "0",
}


_SPAWNER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mlscreen-sandbox-spawner")


def _new_spawner() -> None:
    # A forked process (a pre-forking web or job server) inherits the executor but not its thread.
    global _SPAWNER
    _SPAWNER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mlscreen-sandbox-spawner")


os.register_at_fork(after_in_child=_new_spawner)


@dataclass(frozen=True)
class Limits:
    """Limits of one job; the exercise may change some of them (see `ExerciseLimits`)."""

    wall_seconds: float = 20.0
    cpu_seconds: int = 20
    memory_mb: int = 1024
    output_kb: int = 8192
    file_kb: int = 16384
    open_files: int = 64
    processes: int = 256
    tmp_mb: int = 64


class JobEnded(Exception):
    """The job stopped answering: `reason` is 'timeout', 'killed', 'crashed' or 'too_large'."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def bwrap_path() -> str:
    """Return the path of `bwrap`; raises `SandboxUnavailableError` saying how to install it."""
    found = shutil.which("bwrap")
    if found is None:
        raise SandboxUnavailableError(
            "bubblewrap (`bwrap`) is not installed, so submissions cannot be graded safely", hint=INSTALL_HINT
        )
    return found


def _system_binds() -> list[str]:
    args = ["--ro-bind", "/usr", "/usr"]
    for top in ("/bin", "/lib", "/lib64", "/sbin"):
        path = Path(top)
        if path.is_symlink():
            args += ["--symlink", str(path.readlink()), top]
        elif path.is_dir():
            args += ["--ro-bind", top, top]
    for etc in ("/etc/ld.so.cache", "/etc/localtime"):
        args += ["--ro-bind-try", etc, etc]
    return args


def _python_binds() -> list[str]:
    # The interpreter's own install and the virtualenv's directories, each read-only, never the project tree.
    args: list[str] = []
    roots = {Path(sys.base_prefix).resolve()}
    venv = Path(sys.prefix)
    if venv.resolve() != Path(sys.base_prefix).resolve():
        for part in ("bin", "lib", "lib64", "pyvenv.cfg"):
            if (venv / part).exists() and not (venv / part).is_symlink():
                args += ["--ro-bind", str(venv / part), str(venv / part)]
    for root in sorted(roots):
        if not root.is_relative_to("/usr"):
            args += ["--ro-bind", str(root), str(root)]
    return args


def _with_parents(binds: list[str]) -> list[str]:
    # bubblewrap makes missing parents of a mount point 0700, owned by whoever started it: for a root grader,
    # the job's user could not reach the Python installation. Parents are made 0755 first.
    dests = [Path(binds[i + 2]) for i, arg in enumerate(binds) if arg in ("--ro-bind", "--ro-bind-try", "--bind")]
    fixed = {Path("/"), Path("/tmp"), Path("/usr"), *dests}
    parents = sorted({p for d in dests for p in d.parents if p not in fixed}, key=lambda p: len(p.parts))
    return [arg for p in parents for arg in ("--perms", "0755", "--dir", str(p))] + binds


def _identity(as_root: bool) -> list[str]:
    if as_root:
        # Every namespace but the user one; only the capabilities the fork-server needs to drop to HOST_UID,
        # which it loses (all of them) the moment it does. bubblewrap sets no_new_privs, so none come back.
        return [
            *("--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"),
            *("--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"),
        ]
    # Not root: bubblewrap maps the sandbox's uid to the caller's own, unprivileged, uid.
    return ["--unshare-all", "--uid", "65534", "--gid", "65534", "--cap-drop", "ALL"]


def bwrap_command(
    limits: Limits, preimports: tuple[str, ...] = PREIMPORTS, *, as_root: bool | None = None
) -> list[str]:
    """Return the bubblewrap command line that starts the fork-server, closed to the network and the host.

    `as_root` (default: whether this process is root) selects how the sandbox's user is made unprivileged.
    """
    as_root = os.geteuid() == 0 if as_root is None else as_root
    args = [
        bwrap_path(),
        *_identity(as_root),
        "--die-with-parent",
        "--new-session",
        # The scratch tmpfs comes first: binds are applied in order, so a virtualenv or checkout that lives
        # under /tmp is mounted on top of it instead of being hidden by it. Mode 1777: writable by the job's
        # user whoever made the mount.
        "--perms",
        "1777",
        "--size",
        str(limits.tmp_mb << 20),
        "--tmpfs",
        "/tmp",
        *_with_parents([*_system_binds(), *_python_binds(), "--ro-bind", str(INSIDE), f"{RUNNER_MOUNT}/inside"]),
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--chdir",
        "/tmp",
        "--clearenv",
    ]
    for name, value in JOB_ENV.items():
        args += ["--setenv", name, value]
    boot = BOOT.format(root=RUNNER_MOUNT, preimports=tuple(preimports))
    if as_root:
        boot = DROP.format(uid=HOST_UID, gid=HOST_GID) + boot
    return [*args, "--", sys.executable, "-I", "-B", "-c", boot]


def direct_command(preimports: tuple[str, ...] = PREIMPORTS) -> list[str]:
    """Return the command that starts the fork-server WITHOUT a container (authors checking references only)."""
    return [sys.executable, "-I", "-B", "-c", BOOT.format(root=str(INSIDE.parent), preimports=tuple(preimports))]


def tree_cpu_seconds(pid: int) -> float:
    """Return the CPU time, in seconds, that the threads of process `pid` and of its live descendants have run.

    Read from the kernel's per-thread schedstat (nanoseconds), so it does not grow while the processes wait for a
    CPU on a busy machine. A process that cannot be read (it just ended) counts 0.
    """
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            threads = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        for tid in threads:
            try:
                with open(f"/proc/{current}/task/{tid}/schedstat", encoding="ascii") as handle:
                    total += int(handle.read().split()[0])
                with open(f"/proc/{current}/task/{tid}/children", encoding="ascii") as handle:
                    todo.extend(int(child) for child in handle.read().split())
            except (OSError, ValueError, IndexError):
                continue
    return total / 1e9


class Sandbox:
    """One fork-server, in bubblewrap unless `isolated` is False; runs one job at a time (not thread-safe).

    `preimports` are the modules the fork-server imports once for all jobs (numpy and pandas always).
    """

    def __init__(
        self,
        *,
        isolated: bool = True,
        limits: Limits | None = None,
        start_timeout: float = 90.0,
        preimports: tuple[str, ...] = PREIMPORTS,
    ) -> None:
        self.isolated = isolated
        self.preimports = tuple(preimports)
        self.limits = limits or Limits()
        self.start_timeout = start_timeout
        self._process: subprocess.Popen[bytes] | None = None
        self._control: socket.socket | None = None
        self._jobs = 0
        if isolated:
            bwrap_path()

    @property
    def alive(self) -> bool:
        """Whether the fork-server is running."""
        return self._process is not None and self._process.poll() is None

    def start(self) -> None:
        """Start the fork-server and wait until it has imported the libraries.

        Raises `SandboxUnavailableError` when it does not come up.
        """

        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        errors = tempfile.TemporaryFile()  # noqa: SIM115  (closed below, after the start is known)
        command = bwrap_command(self.limits, self.preimports) if self.isolated else direct_command(self.preimports)
        command = ["nice", "-n", str(NICENESS), *command]  # inherited by the fork-server and every job
        env = JOB_ENV if self.isolated else {**JOB_ENV, "PATH": os.environ.get("PATH", JOB_ENV["PATH"])}
        # bwrap --die-with-parent kills the sandbox when the *thread* that started it ends (PR_SET_PDEATHSIG), so
        # sandboxes are started from one long-lived thread, never from a short-lived worker or warm-up thread.
        self._process = _SPAWNER.submit(
            subprocess.Popen,
            command,
            stdin=theirs.fileno(),
            stdout=subprocess.DEVNULL,
            stderr=errors,
            start_new_session=True,
            env=env,
        ).result()
        theirs.close()
        ours.settimeout(self.start_timeout)
        try:
            hello = frames.recv(ours, CONTROL_MAX_BYTES)
            if hello.get("op") != "ready":
                raise frames.FrameError("unexpected greeting")
        except (OSError, TimeoutError):
            self._stop_process()
            errors.seek(0)
            detail = errors.read()[-2000:].decode("utf-8", "replace").strip()
            hint = "check that bubblewrap works here: `bwrap --unshare-all --ro-bind /usr /usr true`"
            if self.isolated and os.geteuid() == 0:
                hint += (
                    f"; run as root, the sandbox runs as uid {HOST_UID}, which must be able to read the Python "
                    "installation and the virtualenv (files world-readable)"
                )
            raise SandboxUnavailableError(
                f"the grading sandbox did not start{': ' + detail if detail else ''}", hint=hint
            ) from None
        finally:
            errors.close()
        ours.settimeout(None)
        self._control = ours

    def cpu_seconds(self) -> float:
        """Return the CPU time the sandbox's processes (the fork-server and its live jobs) have run so far."""
        process = self._process
        return tree_cpu_seconds(process.pid) if process is not None else 0.0

    def ensure_started(self) -> None:
        """Start the fork-server unless it is already running."""
        if not self.alive or self._control is None:
            self.close()
            self.start()

    def open_job(self, limits: Limits, harness_key: str | None, harness: str | None) -> Job:
        """Fork a confined child for one job and return the channel to it; raises `JobEnded` if that fails."""
        self.ensure_started()
        assert self._control is not None
        self._jobs += 1
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        message = {
            "op": "job",
            "job": self._jobs,
            "harness_key": harness_key,
            "harness": harness,
            "limits": asdict(limits),
        }
        try:
            frames.send(self._control, message)
            socket.send_fds(self._control, [b"J"], [theirs.fileno()])
            self._control.settimeout(30.0)
            reply = frames.recv(self._control, CONTROL_MAX_BYTES)
            if reply.get("op") != "started":
                raise frames.FrameError("unexpected reply")
        except (OSError, TimeoutError):
            ours.close()
            self.close()
            raise JobEnded("crashed") from None
        finally:
            theirs.close()
        return Job(self, ours, self._jobs, limits)

    def end_job(self, job_id: int, *, kill: bool, wait: float = 5.0) -> tuple[int, int]:
        """Wait for job `job_id` to end (killing it first if asked, or after `wait` seconds); return its exit
        code and signal.

        A fork-server that does not answer in time is treated as compromised: the whole sandbox is stopped.
        """
        control = self._control
        if control is None:
            return (-1, signal.SIGKILL)
        try:
            if kill:
                frames.send(control, {"op": "kill", "job": job_id})
            deadline = time.monotonic() + (2.0 if kill else wait)
            while True:
                control.settimeout(max(0.01, deadline - time.monotonic()))
                try:
                    reply = frames.recv(control, CONTROL_MAX_BYTES)
                except TimeoutError:
                    if kill:
                        raise
                    frames.send(control, {"op": "kill", "job": job_id})
                    kill = True
                    deadline = time.monotonic() + 2.0
                    continue
                if reply.get("op") == "ended" and reply.get("job") == job_id:
                    return int(reply.get("code", 0)), int(reply.get("signal", 0))
        except (OSError, TimeoutError):
            self.close()
            return (-1, signal.SIGKILL)

    def _stop_process(self) -> None:

        process = self._process
        self._process = None
        if process is None:
            return
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)

    def close(self) -> None:
        """Stop the fork-server and everything in the sandbox."""
        if self._control is not None:
            self._control.close()
            self._control = None
        self._stop_process()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# How long a job that closed its socket gets to finish dying before it is killed.
CRASH_REAP_SECONDS = 1.0


class Job:
    """The channel to one running job: request/response frames under the job's wall-clock deadline."""

    def __init__(self, sandbox: Sandbox, sock: socket.socket, job_id: int, limits: Limits) -> None:
        self.sandbox = sandbox
        self.sock = sock
        self.job_id = job_id
        self.limits = limits
        self.deadline = time.monotonic() + limits.wall_seconds
        self.ended: str | None = None
        self.exit: tuple[int, int] | None = None

    def request(self, message: dict[str, Any]) -> Any:
        """Send one request and return the reply; raises `JobEnded` on timeout, crash or oversized output."""
        if self.ended is not None:
            raise JobEnded(self.ended)
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            self._end("timeout")
        try:
            frames.send(self.sock, message)
            self.sock.settimeout(remaining)
            return frames.recv(self.sock, self.limits.output_kb << 10)
        except TimeoutError:
            self._end("timeout")
        except frames.FrameError as exc:
            self._end("too_large" if "larger than" in str(exc) else "crashed")

    def _end(self, reason: str) -> None:
        if reason == "crashed":
            # The job closed its end, so it died or is dying: reap it before any kill of ours, so that its own
            # signal tells a resource limit (SIGXCPU, SIGKILL, SIGXFSZ: "killed") from a crash.
            self.sock.close()
            self.exit = self.sandbox.end_job(self.job_id, kill=False, wait=CRASH_REAP_SECONDS)
            self._classify_exit()
            reason = self.ended or reason
        self.ended = reason
        self.finish(kill=True)
        raise JobEnded(reason)

    def _classify_exit(self) -> None:
        assert self.exit is not None
        if self.ended is None and self.exit[1] in (signal.SIGKILL, signal.SIGXCPU, signal.SIGXFSZ):
            self.ended = "killed"

    def finish(self, *, kill: bool = False) -> tuple[int, int]:
        """Stop the job, reap it and return its exit code and signal."""
        if self.exit is not None:
            return self.exit
        if not kill:
            with contextlib.suppress(frames.FrameError):
                frames.send(self.sock, {"op": "stop"})
        self.sock.close()
        self.exit = self.sandbox.end_job(self.job_id, kill=kill)
        self._classify_exit()
        return self.exit
