"""The bridge to the grader: with the sandbox explicitly off, every grading says so in the log."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mlscreen.bank import Bank
from mlscreen.jobs import adapters


@pytest.fixture
def unsandboxed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("MLSCREEN_SANDBOX", "false")
    monkeypatch.setenv("MLSCREEN_WORKERS", "1")
    adapters.close_grader_pool()
    yield
    adapters.close_grader_pool()


@pytest.mark.slow
def test_every_grading_without_the_sandbox_logs_a_warning(
    unsandboxed: None, bank: Bank, caplog: pytest.LogCaptureFixture
) -> None:
    source = bank.exercise_source("data-cleaning", "reference")
    for _ in range(2):
        caplog.clear()
        with caplog.at_level("WARNING", logger="mlscreen.jobs.adapters"):
            result = adapters.grade(bank, source, "data-cleaning")
        assert result["status"] == "passed"
        assert [r.getMessage() for r in caplog.records if "outside the sandbox" in r.getMessage()], caplog.text
