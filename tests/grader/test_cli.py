"""`mlscreen grade`, `grade-batch` and `exercise check` through the real entry point."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from mlscreen.bank.loader import PACKAGED_BANK
from tests.conftest import CliResult

REFERENCE = PACKAGED_BANK / "exercises" / "data-cleaning" / "reference.py"
WRONG = PACKAGED_BANK / "exercises" / "data-cleaning" / "wrong_mean.py"


@pytest.mark.sandbox
def test_grade_json_contract(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    from tests.grader.conftest import needs_bwrap

    needs_bwrap()
    result = run_cli("grade", str(WRONG), "--exercise", "data-cleaning", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"exercise", "status", "passed", "total", "tests", "rubric", "signals", "duration_ms"}
    assert data["exercise"] == "data-cleaning" and data["status"] == "failed"
    assert 0 < data["passed"] < data["total"] == len(data["tests"])
    assert {t["id"] for t in data["tests"] if not t["passed"]} >= {"median-imputed"}
    assert all(set(t) == {"id", "kind", "passed", "message"} for t in data["tests"])
    assert data["rubric"]["correctness"] == 2
    assert isinstance(data["signals"]["ruff"], dict) and data["signals"]["sandboxed"] is True


@pytest.mark.parametrize(
    ("content", "why"),
    [(None, "not found"), (b"\xff\xfe not utf-8", "not UTF-8"), (b"x = 1\n" * 60_000, "larger than")],
)
def test_grade_bad_input_exits_2(
    run_cli: Callable[..., CliResult], tmp_path: Path, content: bytes | None, why: str
) -> None:
    path = tmp_path / "sub.py"
    if content is not None:
        path.write_bytes(content)
    result = run_cli("grade", str(path), "--exercise", "data-cleaning", "--json")
    assert result.exit_code == 2
    assert why.split()[0] in result.stderr and "Traceback" not in result.stderr


def test_grade_unknown_exercise_exits_2(
    run_cli: Callable[..., CliResult], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A mistyped exercise is reported as such, even where bubblewrap is missing (hidden from PATH here).
    monkeypatch.setenv("PATH", str(tmp_path))
    result = run_cli("grade", str(REFERENCE), "--exercise", "no-such-exercise", "--json")
    assert result.exit_code == 2
    assert "no-such-exercise" in result.stderr


@pytest.mark.sandbox
def test_grade_batch_writes_jsonl(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    from tests.grader.conftest import needs_bwrap

    needs_bwrap()
    (tmp_path / "subs").mkdir()
    (tmp_path / "subs" / "a.py").write_text(REFERENCE.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "subs" / "b.py").write_text(WRONG.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "subs" / "c.py").write_bytes(b"\xff")
    out = tmp_path / "results.jsonl"
    result = run_cli("grade-batch", str(tmp_path / "subs"), "--exercise", "data-cleaning", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(x["file"], x["status"]) for x in lines] == [("a.py", "passed"), ("b.py", "failed"), ("c.py", "invalid")]
    assert "passed" in result.stdout and "failed" in result.stdout


@pytest.mark.sandbox
def test_run_examples_json(run_cli: Callable[..., CliResult]) -> None:
    from tests.grader.conftest import needs_bwrap

    needs_bwrap()
    result = run_cli("exercise", "run-examples", str(WRONG), "--exercise", "data-cleaning", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"exercise", "status", "examples", "stdout"} and data["status"] == "ran"
    assert [e["matches"] for e in data["examples"]] == [True, False]
    shown = run_cli("exercise", "run-examples", str(REFERENCE), "--exercise", "data-cleaning")
    assert shown.exit_code == 0 and "ran (2/2 as expected)" in shown.stdout


def test_run_examples_bad_input_exits_2(
    run_cli: Callable[..., CliResult], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    missing = run_cli("exercise", "run-examples", str(tmp_path / "none.py"), "--exercise", "data-cleaning")
    assert missing.exit_code == 2 and "not found" in missing.stderr
    unknown = run_cli("exercise", "run-examples", str(REFERENCE), "--exercise", "no-such-exercise", "--json")
    assert unknown.exit_code == 2 and "no-such-exercise" in unknown.stderr
