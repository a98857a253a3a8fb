"""The bubblewrap command line: nothing the sandbox needs is hidden by its scratch tmpfs."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from mlscreen.grader import GraderPool, sandbox
from mlscreen.grader.sandbox import Limits, bwrap_command


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
