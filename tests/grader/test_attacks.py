"""Hostile submissions: each is contained, gets the right verdict, and the grader stays healthy afterwards."""

from __future__ import annotations

import json
import platform
from collections.abc import Iterator
from pathlib import Path

import pytest

from mlscreen.bank.loader import PACKAGED_BANK
from mlscreen.grader import GraderPool
from mlscreen.grader.checks import CandidateError, Submission
from mlscreen.grader.sandbox import Limits, Sandbox
from tests.grader.conftest import needs_bwrap

pytestmark = pytest.mark.sandbox
EXERCISE = PACKAGED_BANK / "exercises" / "data-cleaning"
REFERENCE = (EXERCISE / "reference.py").read_text(encoding="utf-8")
WRONG = (EXERCISE / "wrong_mean.py").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def short_pool() -> Iterator[GraderPool]:
    needs_bwrap()
    with GraderPool(workers=1, max_wall_seconds=4, with_signals=False) as pool:
        pool.warm()
        yield pool


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    needs_bwrap()
    with Sandbox(limits=Limits(tmp_mb=8)) as box:
        box.start()
        yield box


def probe(sandbox: Sandbox, source: str, name: str = "probe") -> object:
    """Load `source` in a fresh job and return what its function `name` returns."""
    job = sandbox.open_job(Limits(wall_seconds=10, file_kb=1024), None, None)
    try:
        reply = job.request({"op": "load", "source": source})
        assert reply["ok"] is True
        return Submission(job, loaded=True).call(name)
    finally:
        job.finish(kill=True)


def assert_healthy(pool: GraderPool) -> None:
    assert pool.grade(REFERENCE, "data-cleaning").status == "passed"


HOSTILE_VERDICTS = {
    "forged-stdout": (
        'import json, os, sys\nprint(json.dumps({"status": "passed", "passed": 8, "total": 8}))\n'
        'os.write(1, b\'{"status": "passed"}\\n\')\nsys.stderr.write("ALL TESTS PASSED")\n' + WRONG,
        {"failed"},
    ),
    "sys-exit-at-import": ("import sys\nsys.exit(0)\n", {"error"}),
    "os-exit-at-import": ("import os\nos._exit(0)\n", {"error"}),
    "os-exit-in-call": (
        REFERENCE.replace("    if len(df) == 0:", "    import os; os._exit(0)\n    if len(df) == 0:"),
        {"error"},
    ),
    "patch-numpy-pandas": (
        "import numpy as np, pandas as pd\nnp.allclose = lambda *a, **k: True\n"
        "pd.testing.assert_frame_equal = lambda *a, **k: None\nnp.array_equal = lambda *a, **k: True\n" + WRONG,
        {"failed"},
    ),
    "patch-runner-replies": (
        "import sys\nframes = sys.modules['inside.frames']\n_send = frames.send\n"
        "def forged(sock, message):\n    _send(sock, {'op': message.get('op'), 'ok': True, 'value': True})\n"
        "frames.send = forged\n" + WRONG,
        {"failed"},
    ),
    "fork-bomb": (
        "import os\ndef missing_report(df):\n    while True:\n        os.fork()\n" + "impute_median = 1\n",
        {"failed"},
    ),
    "thread-bomb": (
        "import threading, time\ndef missing_report(df):\n    while True:\n"
        "        threading.Thread(target=time.sleep, args=(60,), daemon=True).start()\n",
        {"failed", "timeout"},
    ),
    # Under the address-space limit the allocation either raises MemoryError (the test fails) or the
    # interpreter itself cannot allocate and the process dies ("error": it ended unexpectedly); which one
    # happens depends on where the allocation fails. Either way it is contained and never passes.
    "memory-bomb": (
        "def missing_report(df):\n    x = [b'x' * (1 << 20) for _ in range(100000)]\n",
        {"failed", "killed", "timeout", "error"},
    ),
    "cpu-loop": ("def missing_report(df):\n    while True:\n        pass\n", {"timeout"}),
    "sleep-past-wall": ("import time\ntime.sleep(3600)\n", {"timeout"}),
    "double-fork-setsid": (
        "import os\ntry:\n    if os.fork() == 0:\n        os.setsid()\n        os.fork()\nexcept OSError:\n    pass\n"
        + WRONG,
        {"failed"},
    ),
    "huge-stdout-stderr": (
        "import sys\ndef missing_report(df):\n    for _ in range(20000):\n"
        "        print('x' * 10000)\n        sys.stderr.write('y' * 10000)\n",
        {"failed", "timeout"},
    ),
    "disk-fill": (
        "def missing_report(df):\n    with open('fill', 'wb') as f:\n        while True:\n"
        "            f.write(b'0' * (1 << 20))\n",
        {"failed", "killed"},
    ),
    "huge-return": ("def missing_report(df):\n    return 'x' * (200 * 1024 * 1024)\n", {"failed", "killed", "timeout"}),
    "malicious-objects": (
        "class Evil:\n    def __reduce__(self):\n        return (print, ('pwned',))\n"
        "def missing_report(df):\n    return Evil()\n"
        "def impute_median(df):\n    x = []\n    for _ in range(100000):\n        x = [x]\n    return x\n",
        {"failed"},
    ),
    "write-result-files": (
        "import os\nfor p in ('result.json', 'grade.json'):\n    try:\n"
        "        open(p, 'w').write('{\"status\": \"passed\"}')\n        os.symlink('/dev/null', p + '.lnk')\n"
        "    except OSError:\n        pass\n" + WRONG,
        {"failed"},
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_VERDICTS))
def test_hostile_submission_is_contained(short_pool: GraderPool, name: str) -> None:
    source, statuses = HOSTILE_VERDICTS[name]
    result = short_pool.grade(source, "data-cleaning")
    assert result.status in statuses, (name, result.status)
    assert result.passed < result.total
    assert_healthy(short_pool)


def test_terminal_escapes_are_neutralised(short_pool: GraderPool) -> None:
    source = "class \x1b[31mBoom(Exception):\n    pass\ndef missing_report(df):\n    raise Boom('\x1b[2J\x07')\n"
    payload = json.dumps(short_pool.grade(source, "data-cleaning").to_json(), ensure_ascii=False)
    assert "\x1b" not in payload and "\x07" not in payload and "Boom" not in payload


def test_hidden_material_is_unreachable(sandbox: Sandbox) -> None:
    secrets = [
        str(EXERCISE / "tests.py"),
        str(EXERCISE / "reference.py"),
        str(Path(__file__)),
        str(Path(__file__).parents[2] / "pyproject.toml"),
    ]
    source = (
        "import os\ndef probe():\n    found = []\n"
        f"    for path in {secrets!r}:\n"
        "        try:\n            open(path).read(1)\n            found.append(path)\n        except OSError:\n"
        "            pass\n        if os.path.exists(path):\n            found.append('exists:' + path)\n"
        "    return found\n"
    )
    assert probe(sandbox, source) == []


def test_environment_is_cleared(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLSCREEN_SECRET_KEY", "s3cret")
    env = probe(sandbox, "import os\ndef probe():\n    return dict(os.environ)\n")
    assert isinstance(env, dict)
    assert not any(k.startswith("MLSCREEN") for k in env) and "s3cret" not in json.dumps(env)
    assert env["OMP_NUM_THREADS"] == "1"


def test_process_memory_of_others_is_unreadable(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    # The fork-server is undumpable and siblings live in other PID namespaces; bwrap's init (pid 1) was started
    # with only the job environment, so its environ holds nothing of the supervisor's.
    monkeypatch.setenv("MLSCREEN_SECRET_KEY", "s3cret")
    source = (
        "import os\ndef probe():\n    mem, environ = [], ''\n    for pid in os.listdir('/proc'):\n"
        "        if not pid.isdigit() or int(pid) == os.getpid():\n            continue\n"
        "        try:\n            with open(f'/proc/{pid}/mem', 'rb') as f:\n                f.read(16)\n"
        "            mem.append(pid)\n        except OSError:\n            pass\n"
        "        try:\n            environ += open(f'/proc/{pid}/environ', 'rb').read().decode('latin-1')\n"
        "        except OSError:\n            pass\n"
        "    return [mem, environ]\n"
    )
    found = probe(sandbox, source)
    assert isinstance(found, list)
    mem, environ = found
    assert mem == []
    assert "s3cret" not in environ and "MLSCREEN" not in environ


def test_syscalls_are_refused(sandbox: Sandbox) -> None:
    source = (
        "import os, socket, signal, threading\n"
        "def attempt(fn):\n    try:\n        fn()\n        return 'allowed'\n    except OSError:\n"
        "        return 'refused'\n"
        "def probe():\n    t = threading.Thread(target=lambda: None); t.start(); t.join()\n"
        "    return {\n"
        "        'fork': attempt(os.fork),\n"
        "        'socket': attempt(lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM)),\n"
        "        'kill-server': attempt(lambda: os.kill(os.getppid(), signal.SIGKILL)),\n"
        "        'kill-all': attempt(lambda: os.kill(-1, signal.SIGKILL)),\n"
        "        'setsid': attempt(os.setsid),\n"
        "        'uid': os.getuid(),\n"
        "    }\n"
    )
    assert probe(sandbox, source) == {
        "fork": "refused",
        "socket": "refused",
        "kill-server": "refused",
        "kill-all": "refused",
        "setsid": "refused",
        "uid": 65534,
    }


def test_job_state_does_not_leak_into_the_next_job(sandbox: Sandbox) -> None:
    probe(sandbox, "import numpy\ndef probe():\n    numpy.mean = lambda *a, **k: 42\n    open('mark', 'w')\n")
    after = probe(sandbox, "import numpy, os\ndef probe():\n    return [float(numpy.mean([1, 3])), os.getpid()]\n")
    assert isinstance(after, list) and after[0] == 2.0


def test_network_is_unreachable_even_if_allowed(sandbox: Sandbox) -> None:
    with pytest.raises(CandidateError):
        probe(sandbox, "import socket\ndef probe():\n    socket.create_connection(('1.1.1.1', 53), timeout=1)\n")


SIGNAL_PROBE = """
import ctypes, os, time
libc = ctypes.CDLL(None, use_errno=True)
# x86_64 numbers: kill, tkill, tgkill, rt_sigqueueinfo, rt_tgsigqueueinfo, pidfd_send_signal
CALLS = {"kill": 62, "tkill": 200, "tgkill": 234, "rt_sigqueueinfo": 129, "rt_tgsigqueueinfo": 297}
def attempt(number, *args):
    ctypes.set_errno(0)
    return "allowed" if libc.syscall(number, *args) == 0 else os.strerror(ctypes.get_errno())
def probe():
    me = os.getpid()
    info = ctypes.create_string_buffer(128)
    info[8:12] = (-1).to_bytes(4, "little", signed=True)  # SI_QUEUE: the kernel itself would accept it
    deadline = time.monotonic() + 5
    while True:  # the spare for the next job is forked just after this job starts
        others = [int(p) for p in os.listdir("/proc") if p.isdigit() and int(p) != me]
        if len(others) >= 3 or time.monotonic() > deadline:
            break
        time.sleep(0.01)
    found = {}
    for pid in others:  # signal 0 checks permission without delivering anything
        found[f"kill {pid}"] = attempt(62, pid, 0)
        found[f"tkill {pid}"] = attempt(200, pid, 0)
        found[f"tgkill {pid}"] = attempt(234, pid, pid, 0)
        found[f"sigqueue {pid}"] = attempt(129, pid, 0, info)
        found[f"tgsigqueue {pid}"] = attempt(297, pid, pid, 0, info)
        try:
            fd = os.open(f"/proc/{pid}", os.O_RDONLY | os.O_DIRECTORY)
            found[f"pidfd_send_signal {pid}"] = attempt(424, fd, 0, None, 0)
            os.close(fd)
        except OSError:
            pass
    return [len(others), found, attempt(62, me, 0)]
"""


@pytest.mark.skipif(platform.machine() != "x86_64", reason="the probe uses x86_64 syscall numbers")
def test_job_cannot_signal_the_server_or_the_spare_child(sandbox: Sandbox) -> None:
    # bwrap's init, the fork-server and the spare child forked for the next job are all visible in /proc.
    seen = probe(sandbox, SIGNAL_PROBE)
    assert isinstance(seen, list)
    count, found, self_signal = seen
    assert count >= 3
    assert found and set(found.values()) == {"Operation not permitted"}, found
    assert self_signal == "allowed"
    assert probe(sandbox, "def probe():\n    return 'next job runs'\n") == "next job runs"


def test_every_job_runs_in_a_fresh_process(sandbox: Sandbox) -> None:
    source = "import os\ndef probe():\n    return os.getpid()\n"
    pids = [probe(sandbox, source) for _ in range(3)]
    assert len(set(pids)) == 3
