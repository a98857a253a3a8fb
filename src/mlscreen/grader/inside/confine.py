"""Confinement a job process applies to itself after fork: rlimits, no dumping, and a seccomp filter."""

from __future__ import annotations

import ctypes
import errno
import functools
import math
import os
import resource
from dataclasses import dataclass
from typing import Any

PR_SET_DUMPABLE = 4
PR_SET_NO_NEW_PRIVS = 38
CLONE_THREAD = 0x00010000
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
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


class _SockFprog(ctypes.Structure):
    """`struct sock_fprog`: a classic BPF program as the kernel takes it."""

    _fields_ = (("len", ctypes.c_ushort), ("filter", ctypes.c_void_p))


@dataclass(frozen=True)
class CompiledFilter:
    """A seccomp filter compiled to BPF ahead of time, so that loading it is two system calls."""

    program: Any  # the ctypes buffer holding the instructions; kept alive as long as `fprog` points into it
    fprog: _SockFprog


@functools.cache
def _libc_prctl() -> Any:
    prctl = ctypes.CDLL(None, use_errno=True).prctl
    prctl.argtypes = (ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong)
    prctl.restype = ctypes.c_int
    return prctl


def _prctl(option: int, value: int, pointer: int = 0) -> None:
    if _libc_prctl()(option, value, pointer, 0, 0) != 0:
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


def _filter(own_pid: int) -> Any:
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


def build_seccomp(*, own_pid: int) -> CompiledFilter:
    """Return the job's seccomp filter compiled to BPF: threads yes, new processes no, no sockets, signals only to
    the job itself (`own_pid`), so it cannot stop or kill the fork-server, a spare child or anything else.

    Building and compiling take longer than loading, so a spare child does both while it waits for its job.
    """

    class _Sink:  # libseccomp writes the program to a file descriptor
        def __init__(self, fd: int) -> None:
            self._fd = fd

        def fileno(self) -> int:
            return self._fd

    # The program (~50 instructions of 8 bytes; the kernel takes at most 4,096) fits in the pipe's 64 KiB buffer.
    read, write = os.pipe()
    try:
        _filter(own_pid).export_bpf(_Sink(write))
        os.close(write)
        write = -1
        chunks = []
        while chunk := os.read(read, 1 << 16):
            chunks.append(chunk)
    finally:
        os.close(read)
        if write >= 0:
            os.close(write)
    code = b"".join(chunks)
    if not code or len(code) % 8:
        raise OSError(errno.EINVAL, "the seccomp filter did not compile")
    program = ctypes.create_string_buffer(code, len(code))
    _libc_prctl()  # resolved now, not once confined
    return CompiledFilter(program, _SockFprog(len(code) // 8, ctypes.addressof(program)))


def load_seccomp(*, own_pid: int, prepared: CompiledFilter | None = None) -> None:
    """Install the job's seccomp filter (`prepared` if given, else built now for `own_pid`), after setting
    no_new_privs as the kernel requires of an unprivileged process.

    Raises `OSError` when the filter cannot be loaded; the job must then not run.
    """
    compiled = prepared if prepared is not None else build_seccomp(own_pid=own_pid)
    _prctl(PR_SET_NO_NEW_PRIVS, 1)
    _prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.addressof(compiled.fprog))
