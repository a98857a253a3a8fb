"""The long-running ruff server: same findings as a one-shot `ruff check`, and recovery when it dies."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlscreen.bank.loader import PACKAGED_BANK
from mlscreen.grader import linter, signals

# ruff is a dependency of the grader extra: its absence is a failure here, not a reason to skip.
BINARY = signals._ruff()
SOURCES = sorted((PACKAGED_BANK / "exercises" / "data-cleaning").glob("*.py"))


@pytest.fixture
def server() -> linter.RuffServer:
    assert BINARY is not None
    return linter.server_for(BINARY)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: Path(p).name)
def test_server_finds_what_ruff_check_finds(server: linter.RuffServer, path: Path) -> None:
    assert BINARY is not None
    source = path.read_text(encoding="utf-8") + "\nimport os\nx=1 \n"
    found = server.codes(source)
    assert sorted(found) == sorted(signals._ruff_once(BINARY, source) or [])
    assert {"F401", "E402", "W291"} <= set(found)


def test_project_configuration_does_not_apply(server: linter.RuffServer) -> None:
    # The project's own settings ignore nothing of these; the editor settings select E501 at 120 columns.
    assert server.codes("x = '" + "a" * 130 + "'\n") == ["E501"]


def test_a_killed_server_is_replaced(server: linter.RuffServer) -> None:
    server.codes("x = 1\n")
    dead = server._process
    assert dead is not None
    dead.kill()
    dead.wait()
    assert server.codes("import os\n") == ["F401"]
    assert server._process is not None and server._process.pid != dead.pid
    assert signals.ruff_findings("import os\n") == {"available": True, "count": 1, "codes": {"F401": 1}}


def test_a_broken_binary_falls_back_to_nothing(tmp_path: Path) -> None:
    fake = tmp_path / "ruff"
    fake.write_text("#!/bin/sh\nexit 3\n", encoding="utf-8")
    fake.chmod(0o755)
    broken = linter.RuffServer(str(fake))
    for _ in range(linter.MAX_FAILURES + 1):
        with pytest.raises(linter.LinterError):
            broken.codes("x = 1\n")
    assert broken._failures == linter.MAX_FAILURES
