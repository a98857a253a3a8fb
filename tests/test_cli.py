"""The CLI as a whole: every command answers --help, the reference doc is current, start-up stays light."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import typer.main

from mlscreen.cli import app
from mlscreen.clidoc import _walk, cli_reference

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = [path[1:] for path, _ in _walk(typer.main.get_command(app), ["mlscreen"])]


def test_cli_reference_is_current() -> None:
    current = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert current == cli_reference(), "docs/cli.md is stale: run `python scripts/gen_cli_reference.py`"


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "mlscreen")
def test_every_command_answers_help(command: list[str], run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli(*command, "--help")
    assert result.exit_code == 0, result.stderr
    assert "Usage" in result.stdout


def test_help_does_not_import_heavy_libraries() -> None:
    code = (
        "import sys; from mlscreen.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('torch', 'sentence_transformers', 'sklearn', 'pandas', 'sqlalchemy', 'fastapi')"
        " if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "HEAVY []" in out


def test_unknown_command_is_a_usage_error(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("no-such-command")
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
