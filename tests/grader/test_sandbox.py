"""The bubblewrap command line: nothing the sandbox needs is hidden by its scratch tmpfs."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from mlscreen.grader import GraderPool, sandbox
from mlscreen.grader.sandbox import Limits, bwrap_command
from tests.grader.conftest import needs_bwrap


def _binds(args: list[str]) -> list[tuple[int, str]]:
    return [(i, args[i + 2]) for i, a in enumerate(args) if a in ("--ro-bind", "--ro-bind-try", "--bind")]


def test_a_virtualenv_under_tmp_is_mounted_over_the_scratch_tmpfs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Checkouts (and so their .venv) often live under /tmp, e.g. a CI clone; the tmpfs must not hide them.
    venv = tmp_path / "venv"
    for part in ("bin", "lib"):
        (venv / part).mkdir(parents=True)
    monkeypatch.setattr(sys, "prefix", str(venv))
    monkeypatch.setattr(sandbox, "bwrap_path", lambda: "bwrap")
    args = bwrap_command(Limits())
    tmpfs_at = args.index("--tmpfs")
    assert args[tmpfs_at + 1] == "/tmp"
    venv_binds = [i for i, dest in _binds(args) if dest.startswith(str(venv))]
    assert venv_binds, "the virtualenv is not mounted at all"
    assert all(i > tmpfs_at for i in venv_binds)


def test_every_bind_follows_the_tmpfs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox, "bwrap_path", lambda: "bwrap")
    args = bwrap_command(Limits())
    tmpfs_at = args.index("--tmpfs")
    assert all(i > tmpfs_at for i, _ in _binds(args))


@pytest.mark.sandbox
@pytest.mark.parametrize("signame", ["SIGXCPU", "SIGKILL"])
def test_a_job_ended_by_a_resource_limit_signal_is_killed_not_an_error(pool: GraderPool, signame: str) -> None:
    # The job's socket closes before its exit status is known; the status must come from how it died.
    source = f"import os, signal\ndef missing_report(df):\n    os.kill(os.getpid(), signal.{signame})\n"
    result = pool.grade(source, "data-cleaning")
    assert result.status == "killed"
    assert result.passed < result.total


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            ppid = int(status.split("PPid:\t", 1)[1].split("\n", 1)[0])
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _status(pid: int) -> dict[str, str]:
    lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    return {k: v.strip() for k, _, v in (line.partition(":") for line in lines)}


@pytest.mark.sandbox
def test_sandboxed_code_runs_as_an_unprivileged_host_user() -> None:
    # Started by root, bubblewrap mapped the sandbox's uid 65534 to host root: an escape would land as root.
    needs_bwrap()
    with sandbox.Sandbox() as box:
        box.start()
        assert box._process is not None
        processes = [_status(p) for p in _descendants(box._process.pid)]
        python = [s for s in processes if s["Name"] == "python" or s["Name"].startswith("python3")]
        assert len(python) >= 1, processes  # the fork-server (and its spare child)
        for status in python:
            uids, gids = status["Uid"].split(), status["Gid"].split()
            assert set(uids) == {str(sandbox.HOST_UID if os.geteuid() == 0 else os.geteuid())}, status
            assert "0" not in uids and "0" not in gids and status["Groups"] in ("", str(gids[0])), status
            assert int(status["CapEff"], 16) == 0 and int(status["CapPrm"], 16) == 0, status
            assert status["NoNewPrivs"] == "1", status
        uid_map = Path(f"/proc/{box._process.pid}/uid_map").read_text().split()
        assert uid_map[:2] != ["65534", "0"]  # never the sandbox uid onto host root


@pytest.mark.sandbox
def test_sandboxed_code_runs_at_a_lower_cpu_priority_than_the_server() -> None:
    # A candidate's busy loop must not take the CPU from the pages and autosaves the server answers.
    needs_bwrap()
    with sandbox.Sandbox() as box:
        box.start()
        assert box._process is not None
        mine = os.getpriority(os.PRIO_PROCESS, 0)
        descendants = _descendants(box._process.pid)
        assert descendants
        for pid in [box._process.pid, *descendants]:
            assert os.getpriority(os.PRIO_PROCESS, pid) >= min(19, mine + sandbox.NICENESS)


def test_a_root_grader_starts_bubblewrap_without_mapping_to_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox, "bwrap_path", lambda: "bwrap")
    as_root = bwrap_command(Limits(), as_root=True)
    assert "--unshare-all" not in as_root and "--uid" not in as_root and "--unshare-net" in as_root
    assert f"os.setresuid({sandbox.HOST_UID}" in as_root[-1]
    as_user = bwrap_command(Limits(), as_root=False)
    assert "--unshare-all" in as_user and "setresuid" not in as_user[-1]
