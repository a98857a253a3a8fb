"""Confinement a job process applies to itself after fork: rlimits, no dumping, and a seccomp filter."""

from __future__ import annotations

import ctypes
import errno
import math
import os
import resource
from typing import Any

PR_SET_DUMPABLE = 4
PR_SET_NO_NEW_PRIVS = 38
CLONE_THREAD = 0x00010000
CPU_GRACE_SECONDS = 1
# Syscalls a job never needs: process creation other than threads is handled separately below.
_DENIED = (
    "fork",
    "vfork",
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "socket",
    "socketpair",
    "setsid",
    "unshare",
    "setns",
    "mount",
    "umount2",
    "pivot_root",
    "chroot",
    "keyctl",
    "add_key",
    "request_key",
    "bpf",
    "perf_event_open",
    "userfaultfd",
    "personality",
    "io_uring_setup",
    "pidfd_open",
    "pidfd_getfd",
    "kcmp",
    "tkill",
    "pidfd_send_signal",
)
# Syscalls that send a signal to the process named by their first argument: allowed only towards the job itself.
_SIGNAL_SENDERS = ("kill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo")


def _prctl(option: int, value: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(option, value, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), f"prctl({option}) failed")


def set_undumpable() -> None:
    """Forbid reading this process's memory through /proc and ptrace by same-uid processes."""
    _prctl(PR_SET_DUMPABLE, 0)


def set_limits(*, memory_bytes: int, cpu_seconds: int, file_bytes: int, open_files: int, processes: int) -> None:
    """Set hard and soft resource limits so the job cannot raise them again.

    RLIMIT_CPU counts the process's whole life, so the job's `cpu_seconds` start from the CPU time the process has
    already used (the warm-up before its job arrived); and the limit falls one second past that budget, so that a
    single-threaded busy loop meets the supervisor's wall clock first and ends as a timeout, not as a kill.
    """
    vsize = _current_vsize()
    used = resource.getrusage(resource.RUSAGE_SELF)
    limits = {
        resource.RLIMIT_AS: vsize + memory_bytes,
        resource.RLIMIT_CPU: math.ceil(used.ru_utime + used.ru_stime) + cpu_seconds + CPU_GRACE_SECONDS,
        resource.RLIMIT_FSIZE: file_bytes,
        resource.RLIMIT_NOFILE: open_files,
        resource.RLIMIT_CORE: 0,
        resource.RLIMIT_NPROC: processes,
    }
    for which, value in limits.items():
        resource.setrlimit(which, (value, value))


def _current_vsize() -> int:
    # RLIMIT_AS counts the address space inherited from the fork-server (the pre-imported libraries).
    with open("/proc/self/statm", encoding="ascii") as handle:
        pages = int(handle.read().split()[0])
    return pages * os.sysconf("SC_PAGE_SIZE")


def build_seccomp(*, own_pid: int) -> Any:
    """Return the job's seccomp filter, ready to load: threads yes, new processes no, no sockets, signals only to
    the job itself (`own_pid`), so it cannot stop or kill the fork-server, a spare child or anything else.

    Building takes longer than loading, so a spare child builds it while it waits for its job.
    """
    import pyseccomp as sc

    eperm = sc.ERRNO(errno.EPERM)
    filt: Any = sc.SyscallFilter(defaction=sc.ALLOW)
    for name in _DENIED:
        filt.add_rule(eperm, name)
    # clone() with CLONE_THREAD creates a thread (allowed); without it, a process (refused).
    filt.add_rule(eperm, "clone", sc.Arg(0, sc.MASKED_EQ, CLONE_THREAD, 0))
    # glibc falls back to clone() when clone3 reports ENOSYS, where the rule above applies.
    filt.add_rule(sc.ERRNO(errno.ENOSYS), "clone3")
    # The whole 64-bit argument must equal the job's pid: a value with stray high bits is refused too.
    for name in _SIGNAL_SENDERS:
        filt.add_rule(eperm, name, sc.Arg(0, sc.NE, own_pid))
    return filt


def load_seccomp(*, own_pid: int, prepared: Any = None) -> None:
    """Install the job's seccomp filter (`prepared` if given, else built now for `own_pid`).

    Raises `OSError` when the filter cannot be loaded; the job must then not run.
    """
    filt = prepared if prepared is not None else build_seccomp(own_pid=own_pid)
    filt.load()
