"""Shared fixtures: the packaged bank, a CLI runner, and the rule for service-backed tests."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from mlscreen.bank import Bank, load_bank

FILES = Path(__file__).parent


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashing() -> Iterator[None]:
    """Hash passwords with argon2's own profile for tests in this process: the same code and the same kind of hash,
    without spending a quarter of a second of both cores on each of the hundreds the suite makes. Processes the
    tests start (served apps, CLI subprocesses) keep the real parameters."""
    from argon2 import PasswordHasher
    from argon2.profiles import CHEAPEST

    from mlscreen.store import accounts

    real = accounts._HASHER
    accounts._HASHER = PasswordHasher.from_parameters(CHEAPEST)
    yield
    accounts._HASHER = real


@pytest.fixture(scope="session")
def bank() -> Bank:
    return load_bank()


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Run `mlscreen ARGS...` in-process, through the same entry point as the console script."""
    from mlscreen.cli import main

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        out = capsys.readouterr()
        return CliResult(code, out.out, out.err)

    return run


@pytest.fixture(autouse=True)
def _isolated_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # Tests never read a developer's own settings file or extra banks.
    monkeypatch.setenv("MLSCREEN_SETTINGS_FILE", str(tmp_path / "no-settings.json"))
    monkeypatch.delenv("MLSCREEN_BANK_PATH", raising=False)
    # The address links are built from: the in-process test client's own.
    monkeypatch.setenv("MLSCREEN_BASE_URL", "http://testserver")


def require_service(name: str, available: bool, why: str) -> None:
    """Skip a test whose service is down, unless MLSCREEN_REQUIRE_SERVICES=1 makes that a failure."""
    if available:
        return
    if os.environ.get("MLSCREEN_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{name} is required (MLSCREEN_REQUIRE_SERVICES=1) but unavailable: {why}")
    pytest.skip(f"{name} unavailable: {why}")
