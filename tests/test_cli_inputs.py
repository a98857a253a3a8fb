"""Commands refuse hostile input files and arguments with a clear error (exit 2), never exit 70 or a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlscreen.cli import main
from tests.conftest import CliResult

UNREACHABLE = "postgresql+psycopg://nobody@127.0.0.1:1/none"  # never a database anyone uses
ALIAS_BOMB = "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9) if prev else ', '.join(['lol'] * 9)}]\n"
    for prev, name in zip(["", *"abcdefgh"], "abcdefghi", strict=True)
)
DEEP_YAML = "a: " + "[" * 5000 + "]" * 5000 + "\n"
DEEP_JSON = '{"use_cases": ' + "[" * 5000 + "]" * 5000 + "}"


def test_a_yaml_alias_bomb_is_refused_with_its_line(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    (tmp_path / "bomb.yaml").write_text(ALIAS_BOMB, encoding="utf-8")
    result = run_cli("bank", "check", str(tmp_path))
    assert result.exit_code == 2
    assert f"{tmp_path / 'bomb.yaml'}:" in result.stderr and "expands to more than" in result.stderr


@pytest.mark.parametrize("command", [["bank", "check"], ["loops", "--bank"]])
def test_deep_yaml_in_a_bank_is_a_clear_error(
    command: list[str], run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    (tmp_path / "deep.yaml").write_text(DEEP_YAML, encoding="utf-8")
    result = run_cli(*command, str(tmp_path))
    assert result.exit_code == 2 and "nests deeper than" in result.stderr, result.stderr


@pytest.mark.parametrize(("name", "text"), [("facts.yaml", DEEP_YAML), ("facts.json", DEEP_JSON)])
def test_deep_facts_files_are_a_clear_error(
    name: str, text: str, run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    result = run_cli("plan-team", "--input", str(tmp_path / name))
    assert result.exit_code == 2 and "nests deeper than" in result.stderr, result.stderr


@pytest.mark.model
def test_answers_score_reports_each_bad_line_and_scores_every_good_one(
    run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    good = json.dumps({"id": 0, "answer": "Scale the features first.", "reference_answer": "Scale the features."})
    lines = [good.encode()] * 300  # more than one batch before the bad lines
    lines += [
        b'{"id": 1, "answer": "\\ud800", "reference_answer": "x"}',
        b'{"id": 2, "answer": "a", "expected_points": [{"point": "p", "weight": NaN}]}',
        b'{"id": 3, "answer": "a", "expected_points": [{"point": "p", "weight": 1e999}]}',
        b'{"id": 4, "answer": "caf\xe9", "reference_answer": "x"}',
        b'{"id": 5, "answer": ' + b"[" * 5000 + b"]" * 5000 + b"}",
        good.replace('"id": 0', '"id": 6').encode(),
    ]
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_bytes(b"\n".join(lines) + b"\n")
    result = run_cli("answers", "score", str(source), "--out", str(out))
    assert result.exit_code == 2
    for number, what in [(301, "surrogate"), (302, "NaN"), (303, "too large"), (304, "not UTF-8"), (305, "nests")]:
        assert f"in.jsonl:{number}: " in result.stderr and what in result.stderr, result.stderr
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(written) == 301 and written[-1]["id"] == 6


def test_an_unwritable_out_is_refused_before_any_work(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "dir" / "out"
    for args in (
        ["kit", "--profile", "ml-engineer", "--out", str(missing)],
        ["grade-batch", str(tmp_path), "--exercise", "data-cleaning", "--out", str(missing)],
    ):
        result = run_cli(*args)
        assert result.exit_code == 2 and "cannot write" in result.stderr, (args, result.stderr)


def test_grade_batch_bounds_its_workers(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    result = run_cli("grade-batch", str(tmp_path), "--exercise", "data-cleaning", "--workers", "1000")
    assert result.exit_code == 2 and "--workers 1000 is not between 1 and" in result.stderr


@pytest.mark.slow
def test_grade_batch_reports_a_bad_file_and_grades_the_others(
    run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    reference = Path(__file__).parent.parent / "src/mlscreen/bank/content/exercises/data-cleaning/reference.py"
    (tmp_path / "good.py").write_bytes(b"\xef\xbb\xbf" + reference.read_bytes())  # with a byte-order mark
    (tmp_path / "nul.py").write_bytes(b"x = 1\x00\n")
    out = tmp_path / "results.jsonl"
    result = run_cli("grade-batch", str(tmp_path), "--exercise", "data-cleaning", "--workers", "1", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    rows = {r["file"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert rows["good.py"]["status"] == "passed"  # the BOM is accepted
    assert rows["nul.py"]["status"] == "invalid" and "NUL" in rows["nul.py"]["error"]


def test_exit_2_not_70(run_cli: Callable[..., CliResult], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "bin.csv").write_bytes(b"a,b\n\x00\xff\xfe,1\n")
    monkeypatch.setenv("MLSCREEN_DATABASE_URL", f"sqlite:///{tmp_path / 'never-migrated.db'}")
    monkeypatch.setenv("PW", "a sentence long enough to be strong, 7 ferries")
    facts = Path(__file__).parent / "planning" / "files" / "growth.yaml"
    for args, says in (
        (["answers", "evaluate", str(tmp_path / "bin.csv")], "not UTF-8"),
        (["db", "upgrade", "--url", UNREACHABLE], "cannot use the database"),
        (["plan-team", "--input", str(facts), "--create-openings", "--as", "a@example.org"], "db upgrade"),
        (["serve", "--port", "99999"], "65535"),
        (["jobs", "retry"], "either job ids or --all"),
        (["user", "add", "a@example.org", "--role", "admin", "--password-env", "PW", "--url", UNREACHABLE], "cannot"),
        (["user", "add", "a@example.org", "--role", "admin", "--password-env", "PW"], "db upgrade"),
    ):
        result = run_cli(*args)
        assert result.exit_code == 2 and says in result.stderr + result.stdout, (args, result.stderr)
        assert "Traceback" not in result.stderr


def test_an_answer_on_stdin_that_is_not_utf8_is_a_usage_error() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mlscreen", "answers", "explain", "-", "--reference", "x"],
        input=b"caf\xe9",
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2 and b"not UTF-8" in done.stderr and b"Traceback" not in done.stderr


# ----------------------------------------------------------------------------- fuzzing every command's input
HOSTILE_TEXT = [
    "",
    "\x00\x00",
    ALIAS_BOMB,
    DEEP_YAML,
    DEEP_JSON,
    "\ufeffuse_cases: 3\n",
    "a: &a [1, *a]\n",
    '{"id": 1, "answer": "\\ud800", "reference_answer": "x"}\n',
    "- [\n",
    "type: knowledge\nid: x\n",
    "use_cases: 1e999\nheadcount: {ml_engineers: -1}\n",
]
HOSTILE_BYTES = [b"\xff\xfe\x00bad", b"\xef\xbb\xbf{}", b"a,b\n\x00,1\n"]
COMMANDS: list[list[str]] = [
    ["bank", "check", "{dir}"],
    ["bank", "list", "--bank", "{dir}"],
    ["loops", "--bank", "{dir}"],
    ["kit", "--profile", "{word}", "--out", "{file}"],
    ["plan-team", "--input", "{file}", "--json"],
    ["plan-team", "--rules", "{file}"],
    ["answers", "score", "{file}", "--out", "{dir}/x/out.jsonl"],
    ["answers", "evaluate", "{file}", "--format", "{word}"],
    ["grade-batch", "{dir}", "--exercise", "{exercise}", "--workers", "{number}"],
    ["grade", "{file}", "--exercise", "{exercise}"],
    ["db", "upgrade", "--url", "{word}"],
    ["jobs", "failed", "--url", "{word}"],
    ["serve", "--port", "{bad_port}"],
    ["worker", "--concurrency", "{number}", "--pool", "{word}"],
    ["answers", "calibrate", "{file}", "--format", "{word}", "--out", "{dir}/x/calibration.json"],
    ["answers", "explain", "{word}", "--question-id", "{word}"],
    ["bank", "show", "{word}", "--bank", "{dir}"],
    ["exercise", "check", "{exercise}"],
    ["exercise", "run-examples", "{file}", "--exercise", "{exercise}"],
    ["jobs", "retry", "{number}", "--url", "{word}"],
    ["user", "add", "{word}", "--role", "{word}", "--password-env", "MLSCREEN_FUZZ_PASSWORD", "--url", "{word}"],
]


def run_in_process(args: list[str]) -> tuple[int, str]:
    import contextlib
    import io

    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        try:
            main(args)
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, err.getvalue() + out.getvalue()


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    command=st.sampled_from(COMMANDS),
    content=st.one_of(
        st.sampled_from(HOSTILE_TEXT).map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.sampled_from(HOSTILE_BYTES),
        st.binary(max_size=200),
    ),
    word=st.sampled_from(["", "x", "-", "data-cleaning", "ml-engineer", "sqlite:///", UNREACHABLE, "::"]),
    number=st.sampled_from(["0", "-1", "99999", "1000", "abc", "1e3", ""]),
    bad_port=st.sampled_from(["0", "-1", "65536", "99999", "abc", ""]),  # a valid one would start serving
    exercise=st.sampled_from(["", "x", "-", "../data-cleaning"]),  # no sandbox run: files are read first
)
def test_fuzz_no_command_crashes_on_hostile_input(
    command: list[str], content: bytes, word: str, number: str, bad_port: str, exercise: str
) -> None:
    with tempfile.TemporaryDirectory() as raw:
        directory = Path(raw)
        (directory / "item.yaml").write_bytes(content)
        file = directory / "input.yaml"
        file.write_bytes(content)
        values = {"dir": directory, "file": file, "word": word, "number": number, "bad_port": bad_port}
        values["exercise"] = exercise
        args = [a.format(**values) for a in command]
        env = {"MLSCREEN_DATA_DIR": str(directory / "data"), "MLSCREEN_DATABASE_URL": ""}
        env["MLSCREEN_FUZZ_PASSWORD"] = "a long fuzz password"
        with mock.patch.dict(os.environ, env):
            code, output = run_in_process(args)
    assert code != 70, (args, output)
    assert "Traceback" not in output, (args, output)
