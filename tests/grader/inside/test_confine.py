"""Confinement a job applies to itself: the CPU budget counts from the job's start, not the process's."""

from __future__ import annotations

import os
import resource
import socket
import time
from collections.abc import Callable

from mlscreen.grader.inside import confine


def in_child(work: Callable[[], str]) -> str:
    """Run `work` in a forked child (confinement is for good) and return what it reported."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read)
            os.write(write, work().encode())
        finally:
            os._exit(0)
    os.close(write)
    reported = os.read(read, 100).decode()
    os.close(read)
    os.waitpid(pid, 0)
    return reported


def test_cpu_budget_starts_after_the_cpu_already_used() -> None:
    def work() -> str:
        started = time.process_time()
        while time.process_time() - started < 1.2:  # a warm-up that used more than a second
            pass
        confine.set_limits(memory_bytes=1 << 30, cpu_seconds=2, file_bytes=1 << 20, open_files=64, processes=64)
        return str(resource.getrlimit(resource.RLIMIT_CPU))

    # ceil(>= 1.2 s used) + 2 s of budget + the grace second; the old limit (2) would have left 0.8 s.
    assert in_child(work) in {"(5, 5)", "(6, 6)"}


def test_compiled_filter_refuses_processes_sockets_and_signals_to_others() -> None:
    def work() -> str:
        compiled = confine.build_seccomp(own_pid=os.getpid())  # compiled ahead, as a spare child does
        confine.load_seccomp(own_pid=os.getpid(), prepared=compiled)
        outcomes = []
        for attempt in (os.fork, lambda: socket.socket(), lambda: os.kill(os.getppid(), 0)):
            try:
                attempt()
                outcomes.append("allowed")
            except PermissionError:
                outcomes.append("refused")
        os.kill(os.getpid(), 0)  # signals to itself still work
        outcomes.append("self")
        return ",".join(outcomes)

    assert in_child(work) == "refused,refused,refused,self"
